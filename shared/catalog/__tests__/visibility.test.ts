/** The one visibility rule (../visibility.ts), on every course status. */
import { COURSE_STATUSES } from '../schema';
import { isCourseOpen, isCourseUnreleased, OPEN_COURSE_WHERE } from '../visibility';

describe('course visibility', () => {
  it('opens only a published course, to everyone', () => {
    expect(COURSE_STATUSES.filter((status) => isCourseOpen({ status }))).toEqual(['published']);
    expect(isCourseOpen(undefined)).toBe(false);
    expect(isCourseOpen(null)).toBe(false);
    expect(isCourseOpen({})).toBe(false);
  });

  it('the where-fragment selects what the predicate opens', () => {
    expect(COURSE_STATUSES.filter((status) => status === OPEN_COURSE_WHERE.status)).toEqual(['published']);
  });

  it('a course under its first review or rejected is closed even to a grant holder, as a draft; archived is not', () => {
    expect(COURSE_STATUSES.filter((status) => isCourseUnreleased({ status }))).toEqual([
      'draft',
      'reviewing',
      'rejected',
    ]);
  });
});
