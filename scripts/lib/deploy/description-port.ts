/**
 * A deployment target that is an environment description (`npm run deploy -- --state <file>`): functions,
 * collections, indexes and rules as JSON, and the catalog in an in-memory local cloud seeded from the file's
 * documents, so the course import runs unchanged. Offline; the tests deploy to it, and applying a plan to it and
 * writing it back gives the description of an environment that plan deployed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { collections, type CollectionRules, type CollectionSpec, type IndexSpec } from '../../../database/collections';
import type { LocalCloud } from '../../../local/cloud';
import { adminApp } from '../../../local/demo';
import { useLocalCloudFromThisProcess } from '../../../local/sdk-env';
import { startLocalCloud } from '../../../local/start';
import { storageOf } from '../../../local/storage';
import { bucketOf, parseFileId } from '../../../local/storage/paths';
import type { ImportReport } from '../course-import';
import { CATALOG_COLLECTIONS, importInto, previewCourses } from './courses';
import { DeployInputError } from './desired';
import type { DeployPort } from './port';
import {
  DEFAULT_STORAGE_ACL,
  RUNTIME,
  deployedVariables,
  permissionsNote,
  type CoursePreview,
  type CurrentFunction,
  type CurrentState,
  type DesiredFunction,
  type Doc,
  type EnvironmentDescription,
  type TimerSpec,
} from './state';

/** Stands in for a stored file's bytes: the import only asks whether a file exists. */
const PLACEHOLDER = Buffer.from('file of an environment description\n');
const PAGE = 1000;

export function readDescription(file: string): EnvironmentDescription {
  const shown = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DeployInputError(`无法读取环境描述 ${shown}：${(error as Error).message}`);
  }
  const d = raw as Partial<EnvironmentDescription> | null;
  if (!d || typeof d.envId !== 'string' || !Array.isArray(d.functions) || !Array.isArray(d.collections)) {
    throw new DeployInputError(`${shown}：环境描述应为 { "envId": "…", "functions": [], "collections": [] }`);
  }
  return d as EnvironmentDescription;
}

export function writeDescription(file: string, description: EnvironmentDescription): void {
  writeFileSync(file, `${JSON.stringify(description, null, 2)}\n`);
}

export class DescriptionPort implements DeployPort {
  /** Every change made, in order (`createFunction order`, …): what the tests compare. */
  readonly calls: string[] = [];

  private constructor(
    private readonly state: EnvironmentDescription,
    private readonly cloud: LocalCloud,
    readonly description: string,
  ) {}

  static async open(description: EnvironmentDescription, label: string): Promise<DescriptionPort> {
    const state = structuredClone(description);
    const specs = state.collections.map((c) => specOf(c.name));
    const cloud = await startLocalCloud({ dataDir: null, timers: false, envId: state.envId, collections: specs });
    // The process talks to local clouds only: the SDKs skip the cloud-host probe and keep no connections open.
    useLocalCloudFromThisProcess(`${cloud.url}/admin`, cloud.envId);
    const port = new DescriptionPort(state, cloud, `环境描述 ${label}（${state.envId}，离线）`);
    try {
      await port.seedCatalog();
    } catch (error) {
      await cloud.close();
      throw error;
    }
    return port;
  }

  get envId(): string {
    return this.state.envId;
  }

  async readState(functionNames: readonly string[], collectionNames: readonly string[]): Promise<CurrentState> {
    return structuredClone({
      envId: this.state.envId,
      functions: this.state.functions.filter((fn) => functionNames.includes(fn.name)),
      collections: this.state.collections.filter((c) => collectionNames.includes(c.name)),
      storageAcl: this.state.storageAcl ?? DEFAULT_STORAGE_ACL,
    });
  }

  previewCourses(folder: string, catalogExists: boolean): Promise<CoursePreview> {
    return previewCourses(folder, catalogExists ? adminApp(this.cloud) : null);
  }

  async createFunction(fn: DesiredFunction): Promise<void> {
    this.calls.push(`createFunction ${fn.name}`);
    if (this.state.functions.some((f) => f.name === fn.name)) throw new Error(`function ${fn.name} exists`);
    this.state.functions.push({
      name: fn.name,
      runtime: RUNTIME,
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
      description: permissionsNote(fn.openapi),
      variables: deployedVariables(fn),
      timers: [],
    });
  }

  async updateFunctionCode(fn: DesiredFunction): Promise<void> {
    this.calls.push(`updateFunctionCode ${fn.name}`);
    this.fn(fn.name);
  }

  async updateFunctionConfig(fn: DesiredFunction): Promise<void> {
    this.calls.push(`updateFunctionConfig ${fn.name}`);
    Object.assign(this.fn(fn.name), {
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
      description: permissionsNote(fn.openapi),
      variables: deployedVariables(fn),
    });
  }

  async createTrigger(functionName: string, timer: TimerSpec): Promise<void> {
    this.calls.push(`createTrigger ${functionName} ${timer.name}`);
    const fn = this.fn(functionName);
    if (fn.timers.some((t) => t.name === timer.name)) throw new Error(`trigger ${timer.name} exists`);
    fn.timers.push({ ...timer });
  }

  async deleteTrigger(functionName: string, triggerName: string): Promise<void> {
    this.calls.push(`deleteTrigger ${functionName} ${triggerName}`);
    const fn = this.fn(functionName);
    fn.timers = fn.timers.filter((t) => t.name !== triggerName);
  }

  async createCollection(name: string): Promise<void> {
    this.calls.push(`createCollection ${name}`);
    if (this.state.collections.some((c) => c.name === name)) throw new Error(`collection ${name} exists`);
    await adminApp(this.cloud).database().createCollection(name);
    this.state.collections.push({ name, indexes: [], rule: null });
  }

  async createIndex(collection: string, index: IndexSpec): Promise<void> {
    this.calls.push(`createIndex ${collection} ${index.name}`);
    const c = this.collection(collection);
    if (c.indexes.some((i) => i.name === index.name)) throw new Error(`index ${index.name} exists`);
    c.indexes.push(structuredClone(index));
  }

  async dropIndex(collection: string, indexName: string): Promise<void> {
    this.calls.push(`dropIndex ${collection} ${indexName}`);
    const c = this.collection(collection);
    c.indexes = c.indexes.filter((i) => i.name !== indexName);
  }

  async setRule(collection: string, rules: CollectionRules): Promise<void> {
    this.calls.push(`setRule ${collection}`);
    this.collection(collection).rule = structuredClone(rules);
  }

  async setStorageAcl(acl: string): Promise<void> {
    this.calls.push(`setStorageAcl ${acl}`);
    this.state.storageAcl = acl;
  }

  importCourses(folder: string): Promise<ImportReport> {
    this.calls.push(`importCourses ${folder}`);
    return importInto(folder, adminApp(this.cloud));
  }

  /** The environment as it is now, catalog documents and files included. */
  async snapshot(): Promise<EnvironmentDescription> {
    const db = adminApp(this.cloud).database();
    const storage = storageOf(this.cloud);
    const documents: Record<string, Doc[]> = {};
    const referenced = new Set<string>();
    for (const name of CATALOG_COLLECTIONS) {
      if (!this.state.collections.some((c) => c.name === name)) continue;
      const docs: Doc[] = [];
      for (let skip = 0; ; skip += PAGE) {
        const page = (await db.collection(name).orderBy('_id', 'asc').skip(skip).limit(PAGE).get()).data as Doc[];
        docs.push(...page);
        if (page.length < PAGE) break;
      }
      documents[name] = docs;
      for (const doc of docs) collectFileIds(doc, referenced);
    }
    const files: string[] = [];
    for (const fileId of [...referenced].sort()) if (await storage.exists(fileId)) files.push(fileId);
    return { ...structuredClone(this.state), catalog: { documents, files } };
  }

  close(): Promise<void> {
    return this.cloud.close();
  }

  private async seedCatalog(): Promise<void> {
    const catalog = this.state.catalog;
    delete this.state.catalog;
    if (!catalog) return;
    const db = adminApp(this.cloud).database();
    for (const [name, docs] of Object.entries(catalog.documents)) {
      if (docs.length > 0) await db.collection(name).add(docs);
    }
    const storage = storageOf(this.cloud);
    for (const fileId of catalog.files) {
      const cloudPath = parseFileId(fileId, this.state.envId, bucketOf(this.state.envId));
      if (cloudPath === undefined)
        throw new DeployInputError(`环境描述中的文件 ${fileId} 不属于环境 ${this.state.envId}`);
      await storage.put(cloudPath, PLACEHOLDER);
    }
  }

  private fn(name: string): CurrentFunction {
    const fn = this.state.functions.find((f) => f.name === name);
    if (!fn) throw new Error(`no function ${name}`);
    return fn;
  }

  private collection(name: string) {
    const c = this.state.collections.find((x) => x.name === name);
    if (!c) throw new Error(`no collection ${name}`);
    return c;
  }
}

/** The local cloud builds its indexes from a spec; a collection the product does not declare gets none. */
function specOf(name: string): CollectionSpec {
  return collections.find((spec) => spec.name === name) ?? { name, indexes: [], rules: { read: false, write: false } };
}

function collectFileIds(value: unknown, into: Set<string>): void {
  if (typeof value === 'string' && value.startsWith('cloud://')) into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectFileIds(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) collectFileIds(item, into);
}
