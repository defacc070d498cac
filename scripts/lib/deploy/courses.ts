/**
 * The course part of a deployment is `npm run course:import` itself: the plan shows its dry run, the executor runs it.
 * Before the catalog collections exist (a new environment) the dry run cannot read them, so it runs against an
 * empty catalog: an in-memory local cloud with those collections and nothing in them.
 */
import { collections } from '../../../database/collections';
import { adminApp } from '../../../local/demo';
import { startLocalCloud } from '../../../local/start';
import { COLLECTIONS } from '../../../shared/collections';
import type { NodeApp } from '../../../toolchain/catalog-store';
import { importCourses, type ImportReport } from '../course-import';
import type { CoursePreview, CurrentState } from './state';

/** The collections the import reads and writes. */
export const CATALOG_COLLECTIONS: readonly string[] = [
  COLLECTIONS.courses,
  COLLECTIONS.lessons,
  COLLECTIONS.categories,
  COLLECTIONS.creators,
  COLLECTIONS.courseRevisions,
  COLLECTIONS.priceTests,
];

export function catalogExists(state: CurrentState): boolean {
  const names = new Set(state.collections.map((c) => c.name));
  return CATALOG_COLLECTIONS.every((name) => names.has(name));
}

const quiet = (): void => undefined;

/** The import's dry run against `app`, or against an empty catalog when `app` is `null`. */
export async function previewCourses(folder: string, app: NodeApp | null): Promise<CoursePreview> {
  if (app) return { folder, report: await dryRun(folder, app), emptyCatalog: false };
  const empty = await startLocalCloud({
    dataDir: null,
    timers: false,
    collections: collections.filter((spec) => CATALOG_COLLECTIONS.includes(spec.name)),
  });
  try {
    return { folder, report: await dryRun(folder, adminApp(empty)), emptyCatalog: true };
  } finally {
    await empty.close();
  }
}

function dryRun(folder: string, app: NodeApp): Promise<ImportReport> {
  return importCourses({ target: folder, app, dryRun: true, log: quiet });
}

/** The import itself; the executor reports it as one step. */
export function importInto(folder: string, app: NodeApp): Promise<ImportReport> {
  return importCourses({ target: folder, app, log: quiet });
}
