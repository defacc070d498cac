/** What an import stages (../course-file/revision.ts): identical content, and who owns the price. */
import type { CourseDoc, LessonDoc } from '../schema';
import { planStage, type CourseRevisionDoc, type ImportedCourse } from '../course-file';

const NOW = '2026-12-01T00:00:00.000Z';

function incoming(edit: { title?: string; priceFen?: number } = {}): ImportedCourse {
  return {
    course: {
      _id: 'c1',
      status: 'published',
      title: edit.title ?? 'Git 入门',
      subtitle: '',
      description: '',
      category: 'dev',
      tags: [],
      level: 'beginner',
      cover: 'cloud://env.bucket/covers/c1/a-cover.png',
      creator: { id: 'ada', name: 'Ada' },
      priceFen: edit.priceFen ?? 1900,
      lessonCount: 1,
    },
    lessons: [{ _id: 'c1_a', courseId: 'c1', order: 1, title: '第一课', kind: 'article', durationSec: 60, free: true }],
    creator: { _id: 'ada', name: 'Ada' },
  };
}

/** The course as it is live: imported at 1900, then repriced to `priceFen` elsewhere. */
function live(priceFen: number): { course: CourseDoc; lessons: LessonDoc[] } {
  const { course, lessons } = incoming();
  return {
    course: {
      ...course,
      priceFen,
      learnerCount: 3,
      rating: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
      version: 4,
      createdAt: NOW,
      updatedAt: NOW,
    },
    lessons: lessons.map((l) => ({ ...l, updatedAt: NOW })),
  };
}

const lastImport = (priceFen: number): CourseRevisionDoc => ({
  ...planStage(null, null, incoming({ priceFen }), { now: NOW, priceTestRunning: false }).revision,
  state: 'applied',
  version: 4,
});
const stage = (
  at: ReturnType<typeof live> | null,
  last: CourseRevisionDoc | null,
  file: ImportedCourse,
  priceTestRunning = false,
) => planStage(at, last, file, { now: NOW, priceTestRunning });

describe('planStage', () => {
  it('a new course: created closed, the file price applies, published at version 1', () => {
    const plan = stage(null, null, incoming());
    expect(plan).toMatchObject({ outcome: 'staged', revision: { version: 1, filePrice: true, state: 'reviewing' } });
    expect(plan.create).toMatchObject({ status: 'reviewing', priceFen: 1900, version: 1 });
  });

  it('identical content to the last import writes nothing, whatever the live price became', () => {
    expect(stage(live(2900), lastImport(1900), incoming()).outcome).toBe('unchanged');
    // A course imported before revisions: compared with the live course.
    expect(stage(live(1900), null, incoming())).toMatchObject({ outcome: 'unchanged', revision: { version: 4 } });
  });

  it("a content change keeps a price set elsewhere when the file's price did not change", () => {
    const plan = stage(live(2900), lastImport(1900), incoming({ title: 'Git 进阶' }));
    expect(plan).toMatchObject({ outcome: 'staged', revision: { version: 5, filePrice: false } });
    expect(plan.create).toBeUndefined();
  });

  it("the file's new price applies, except while a price test runs (said to the import)", () => {
    expect(stage(live(2900), lastImport(1900), incoming({ priceFen: 3900 }))).toMatchObject({
      revision: { filePrice: true },
      priceKeptForTest: false,
    });
    expect(stage(live(2900), lastImport(1900), incoming({ priceFen: 3900 }), true)).toMatchObject({
      revision: { filePrice: false },
      priceKeptForTest: true,
    });
  });
});
