/**
 * What `npm run deploy` compares: the desired state, made from the repository (scripts/lib/deploy/desired.ts), and the
 * current state of an environment, read through a port (scripts/lib/deploy/port.ts). An environment description file
 * (`--state`) is a current state written as JSON, with the catalog's documents.
 */
import type { CollectionRules, CollectionSpec, IndexSpec } from '../../../database/collections';
import type { ImportReport } from '../course-import';

/**
 * The runtime a new function gets. The bundles target Node 16 (toolchain/bundle.ts), so any Node.js runtime from 16
 * up runs them; this is the one @cloudbase/manager-node 5.6 gives by default and the Node major the local cloud and
 * the tests run them on (package.json `engines`).
 */
export const RUNTIME = 'Nodejs20.19';

/** The Node major the bundles need at least (toolchain/bundle.ts RUNTIME_TARGET). */
export const MIN_NODE_MAJOR = 16;

/** The function variable that holds the SHA-256 of the deployed bundle, so that unchanged code is not uploaded again. */
export const BUNDLE_SHA_VARIABLE = 'CLOUDCOURSE_BUNDLE_SHA';

/**
 * The storage permission the deploy sets: 仅管理员可读写. Clients never read storage: a lesson's media and a cover
 * leave functions as temp URLs (shared/learning, shared/storage/cover-urls.ts), so a paid file or a cover still under
 * its content check opens for nobody who was not handed its URL, and a URL stops working when it expires.
 */
export const STORAGE_ACL = 'ADMINONLY';
/** What a new environment's storage has (所有用户可读，仅创建者可写), assumed when a description says nothing. */
export const DEFAULT_STORAGE_ACL = 'READONLY';

export interface TimerSpec {
  name: string;
  /** The 7-field cron text of config.json. */
  config: string;
}

export interface DesiredFunction {
  name: string;
  /** The built folder (`npm run build`: index.js, package.json, config.json) that is uploaded. */
  dir: string;
  /** SHA-256 of the bundle's index.js and package.json. */
  bundleSha: string;
  timeoutSeconds: number;
  memoryMb: number;
  timers: TimerSpec[];
  /** config.json `permissions.openapi`, sorted. */
  openapi: string[];
  /** The function's variables from the variables file (deploy.env.json), without the bundle hash. */
  variables: Record<string, string>;
}

export interface DesiredState {
  functions: DesiredFunction[];
  collections: CollectionSpec[];
  /** The course file or folder to import; none imports nothing. */
  courses?: string;
}

/** A function as the environment has it. */
export interface CurrentFunction {
  name: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  description: string;
  variables: Record<string, string>;
  timers: TimerSpec[];
}

export interface CurrentCollection {
  name: string;
  /** Every index but the one on `_id`. */
  indexes: IndexSpec[];
  /** The custom security rule; `null` when the collection has one of the simple permissions instead. */
  rule: CollectionRules | null;
}

export interface CurrentState {
  envId: string;
  /** The functions of the desired state that exist. */
  functions: CurrentFunction[];
  /** The collections of the desired state that exist. */
  collections: CurrentCollection[];
  /** The storage permission (manager-node's AclTag: READONLY, PRIVATE, ADMINWRITE, ADMINONLY or CUSTOM). */
  storageAcl: string;
}

/** What the course import would do (its own dry run), as the plan shows it. */
export interface CoursePreview {
  folder: string;
  report: ImportReport;
  /** The catalog collections do not exist yet, so the import was previewed against an empty catalog. */
  emptyCatalog: boolean;
}

export type Doc = { _id: string } & Record<string, unknown>;

/** An environment as a JSON file (`npm run deploy -- --state <file>`): offline, and what the tests deploy to. */
export interface EnvironmentDescription extends Omit<CurrentState, 'storageAcl'> {
  /** @default DEFAULT_STORAGE_ACL */
  storageAcl?: string;
  /** The documents of the catalog collections, and the fileIDs in storage that they refer to. */
  catalog?: { documents: Record<string, Doc[]>; files: string[] };
}

/** The variables a deployed function has: those of the variables file and the bundle hash. */
export function deployedVariables(fn: DesiredFunction): Record<string, string> {
  return { ...fn.variables, [BUNDLE_SHA_VARIABLE]: fn.bundleSha };
}

/**
 * The function description the deploy writes: the cloud-call permissions the function needs, which only WeChat DevTools
 * can grant. It records what the deploy last asked for, so the DevTools step is printed again only when they change.
 * SCF accepts only letters, digits, spaces, commas, periods and Chinese characters in a description.
 */
export function permissionsNote(openapi: readonly string[]): string {
  return openapi.length === 0 ? '' : `云调用权限 ${openapi.join(', ')} 在微信开发者工具中更新权限配置`;
}
