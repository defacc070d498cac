/**
 * The content checks in the demo (shared/catalog/course-file/revision.ts): every demo course is seeded as already
 * approved and published; besides them, one new course whose revision was rejected (closed everywhere, the reason on
 * its document) and one published course with a staged change under review, which learners do not see yet. Both
 * are 何珊's (`he-shan`), whom the demo's creator admin administers, with her courses' sales. Neither revision waits
 * for anything the local cloud's timer could settle: the rejection stays until a new import, and the staged change,
 * its text passed, waits for the operator's approval of its video lessons (the timer may check its images and audio
 * again, with the admin's openid, and still waits for that). A second admin administers a new creator with no course
 * yet (the creator center's empty state): the example course's (`example-creator`), so `npm run course:import --
 * examples/courses` into `npm start` is published once its checks pass and becomes that creator's first course.
 */
import {
  moderationOf,
  type CourseDoc,
  type CourseModeration,
  type CourseRevisionDoc,
  type CreatorDoc,
  type ImportedCourse,
} from '../../../shared/catalog';
import { WAITING } from '../../../shared/content/revision-check';
import type { DemoCatalog } from '.';

export const DEMO_REJECTED_COURSE_ID = 'demo-rejected';

/** The creator whose courses have sales, the rejected course and the staged change. */
export const DEMO_ADMIN_CREATOR = 'he-shan';
/** examples/courses' creator, as its course file names it: no course until it is imported. */
export const DEMO_NEW_CREATOR: CreatorDoc = { _id: 'example-creator', name: '示例讲师', title: '软件工程师' };
export const DEMO_CREATOR_ADMIN = 'o-demo-creator-admin';
export const DEMO_NEW_CREATOR_ADMIN = 'o-demo-new-creator-admin';

/** Both admins: any openid the security sandbox is not told is stale, so both pass the content checks. */
export const DEMO_CREATOR_ADMINS = [
  { _id: DEMO_CREATOR_ADMIN, creatorIds: [DEMO_ADMIN_CREATOR] },
  { _id: DEMO_NEW_CREATOR_ADMIN, creatorIds: [DEMO_NEW_CREATOR._id] },
];

export interface DemoModeration {
  /** The rejected course's closed document. */
  courses: CourseDoc[];
  /** The rejected course's, and a published course's staged change (its state only there: see toolchain/course-stage.ts). */
  revisions: CourseRevisionDoc[];
}

export function buildDemoModeration(catalog: DemoCatalog): DemoModeration {
  const [first, second] = catalog.imports;
  if (!first || !second) throw new Error('the demo catalog needs two courses');
  for (const { imported } of [first, second])
    if (imported.course.creator.id !== DEMO_ADMIN_CREATOR)
      throw new Error(`demo course ${imported.course._id} is not ${DEMO_ADMIN_CREATOR}'s`);
  const at = '2024-03-01T08:00:00.000Z';

  const rejectedContent = renamed(first.imported, DEMO_REJECTED_COURSE_ID);
  const lesson = rejectedContent.lessons[0];
  if (lesson) lesson.title = '加微信领取全套资料';
  const rejected: CourseRevisionDoc = {
    ...revisionOf(rejectedContent, 1, true, at),
    state: 'rejected',
    field: 'lessons[0].title',
    reason: '内容未通过微信内容安全检查（广告引流），请修改后重新导入',
  };
  const closed: CourseDoc & { moderation: CourseModeration } = {
    ...rejectedContent.course,
    status: 'rejected',
    learnerCount: 0,
    rating: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
    version: 1,
    createdAt: at,
    updatedAt: at,
    moderation: moderationOf(rejected),
  };

  const live = catalog.courses.find((c) => c._id === second.imported.course._id) as CourseDoc;
  const changed = structuredClone(second.imported);
  changed.course.subtitle = `${changed.course.subtitle}（新版：补充了练习）`;
  const staged: CourseRevisionDoc = {
    ...revisionOf(changed, live.version + 1, false, at),
    textPassed: true,
    reason: WAITING.video(changed.course._id),
  };
  return { courses: [closed], revisions: [rejected, staged] };
}

function renamed(imported: ImportedCourse, id: string): ImportedCourse {
  const copy = structuredClone(imported);
  copy.course._id = id;
  copy.course.title = `（示例）${copy.course.title}`;
  copy.lessons = copy.lessons.map((l) => ({ ...l, _id: l._id.replace(imported.course._id, id), courseId: id }));
  return copy;
}

function revisionOf(imported: ImportedCourse, version: number, filePrice: boolean, at: string): CourseRevisionDoc {
  return {
    _id: imported.course._id,
    version,
    state: 'reviewing',
    course: imported.course,
    lessons: imported.lessons,
    creator: imported.creator,
    filePrice,
    importedAt: at,
    updatedAt: at,
  };
}
