/**
 * What a deployment needs from an environment: read its current state, preview the course import, and make each
 * change of a plan. Implemented with @cloudbase/manager-node for a real environment (manager-port.ts) and over an
 * environment description file for offline runs and the tests (description-port.ts).
 */
import type { CollectionRules, IndexSpec } from '../../../database/collections';
import type { ImportReport } from '../course-import';
import type { CoursePreview, CurrentState, DesiredFunction, TimerSpec } from './state';

export interface DeployPort {
  readonly envId: string;
  /** What the port writes to, for messages. */
  readonly description: string;
  readState(functionNames: readonly string[], collectionNames: readonly string[]): Promise<CurrentState>;
  /** The course import's own dry run; against an empty catalog while the catalog collections do not exist. */
  previewCourses(folder: string, catalogExists: boolean): Promise<CoursePreview>;
  /** Creates the function with its code and all its settings (deployedVariables, permissionsNote). */
  createFunction(fn: DesiredFunction): Promise<void>;
  updateFunctionCode(fn: DesiredFunction): Promise<void>;
  /** Sets timeout, memory, variables (the bundle hash included) and description. */
  updateFunctionConfig(fn: DesiredFunction): Promise<void>;
  createTrigger(functionName: string, timer: TimerSpec): Promise<void>;
  deleteTrigger(functionName: string, triggerName: string): Promise<void>;
  createCollection(name: string): Promise<void>;
  createIndex(collection: string, index: IndexSpec): Promise<void>;
  dropIndex(collection: string, indexName: string): Promise<void>;
  setRule(collection: string, rules: CollectionRules): Promise<void>;
  /** Sets the storage permission (STORAGE_ACL). */
  setStorageAcl(acl: string): Promise<void>;
  importCourses(folder: string): Promise<ImportReport>;
  close(): Promise<void>;
}
