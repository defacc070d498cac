import { buildInteractionMatrix, IdMap } from '../data/interactions';

describe('interaction matrix', () => {
  const rows = [
    { user: 'openid-b', item: 'course-2', value: 1 },
    { user: 'openid-a', item: 'course-1', value: 2 },
    { user: 'openid-b', item: 'course-1', value: 3 },
    { user: 'openid-b', item: 'course-2', value: 4 },
  ];

  it('builds the id maps in order of first appearance and both CSR views', () => {
    const m = buildInteractionMatrix(rows, 'last');
    expect(m.users.ids).toEqual(['openid-b', 'openid-a']);
    expect(m.items.ids).toEqual(['course-2', 'course-1']);
    expect(Array.from(m.userPointers)).toEqual([0, 2, 3]);
    expect(Array.from(m.userItems)).toEqual([0, 1, 1]);
    expect(Array.from(m.userValues)).toEqual([4, 3, 2]);
    expect(Array.from(m.itemPointers)).toEqual([0, 1, 3]);
    expect(Array.from(m.itemUsers)).toEqual([0, 0, 1]);
    expect([m.count, m.mean, m.min, m.max]).toEqual([3, 3, 2, 4]);
  });

  it('adds repeated implicit signals up', () => {
    const m = buildInteractionMatrix(rows, 'sum');
    expect(Array.from(m.userValues)).toEqual([5, 3, 2]);
  });

  it('rejects empty input and empty ids', () => {
    expect(() => buildInteractionMatrix([])).toThrow('Cannot fit on an empty interaction list');
    expect(() => buildInteractionMatrix([{ user: '', item: 'c', value: 1 }])).toThrow(
      'user must be a non-empty string',
    );
  });

  it('IdMap refuses duplicates and unknown indices', () => {
    expect(() => new IdMap(['a', 'a'])).toThrow('Duplicate id in id list: "a"');
    expect(() => new IdMap(['a']).idAt(1)).toThrow('No id at index 1');
  });
});
