/**
 * The deployment port of a real CloudBase environment: functions, triggers, collections, indexes and security rules
 * through @cloudbase/manager-node (the Tencent Cloud management API, signed with TENCENTCLOUD_SECRETID/SECRETKEY), the
 * catalog through @cloudbase/node-sdk with the course import. Security rules have no manager-node method; they go
 * through its `commonService` to the documented tcb actions DescribeSafeRule and ModifySafeRule.
 */
import CloudBase from '@cloudbase/manager-node';
import tcb from '@cloudbase/node-sdk';
import type { CollectionRules, IndexSpec } from '../../../database/collections';
import type { NodeApp } from '../../../toolchain/catalog-store';
import type { ImportReport } from '../course-import';
import { importInto, previewCourses } from './courses';
import type { DeployPort } from './port';
import {
  RUNTIME,
  deployedVariables,
  permissionsNote,
  type CoursePreview,
  type CurrentCollection,
  type CurrentFunction,
  type CurrentState,
  type DesiredFunction,
  type TimerSpec,
} from './state';

/** ListTables page size (the API's default and largest). */
const PAGE = 100;
/** The index every collection has. */
const ID_INDEX = '_id_';

export interface Credentials {
  secretId: string;
  secretKey: string;
  /** TENCENTCLOUD_SESSIONTOKEN, for temporary keys. */
  token?: string;
}

/** A port to environment `envId`; nothing is requested until a method is called. */
export function managerPort(envId: string, credentials: Credentials): DeployPort {
  const { secretId, secretKey, token } = credentials;
  return new ManagerPort(
    new CloudBase({ envId, secretId, secretKey, ...(token ? { token } : {}) }),
    tcb.init({ env: envId, secretId, secretKey, ...(token ? { sessionToken: token } : {}), throwOnCode: true }),
    envId,
  );
}

export class ManagerPort implements DeployPort {
  readonly description: string;

  constructor(
    private readonly manager: CloudBase,
    private readonly catalog: NodeApp,
    readonly envId: string,
  ) {
    this.description = `云开发环境 ${envId}`;
  }

  async readState(functionNames: readonly string[], collectionNames: readonly string[]): Promise<CurrentState> {
    const functions: CurrentFunction[] = [];
    for (const name of functionNames) {
      const fn = await this.readFunction(name);
      if (fn) functions.push(fn);
    }
    const existing = await this.collectionNames();
    const collections: CurrentCollection[] = [];
    for (const name of collectionNames) if (existing.has(name)) collections.push(await this.readCollection(name));
    const storageAcl: string = await this.manager.storage.getStorageAcl();
    return { envId: this.envId, functions, collections, storageAcl };
  }

  previewCourses(folder: string, catalogExists: boolean): Promise<CoursePreview> {
    return previewCourses(folder, catalogExists ? this.catalog : null);
  }

  async createFunction(fn: DesiredFunction): Promise<void> {
    await this.manager.functions.createFunction({
      func: {
        name: fn.name,
        runtime: RUNTIME,
        handler: 'index.main',
        timeout: fn.timeoutSeconds,
        memorySize: fn.memoryMb,
        envVariables: deployedVariables(fn),
        description: permissionsNote(fn.openapi),
        installDependency: true,
      },
      functionPath: fn.dir,
      deployMode: 'zip',
    });
  }

  async updateFunctionCode(fn: DesiredFunction): Promise<void> {
    // The runtime and installDependency make manager-node ask the cloud to install package.json's dependencies;
    // isWaitInstall waits for that, since SCF refuses a configuration update while the function is updating.
    await this.manager.functions.updateFunctionCode({
      func: { name: fn.name, runtime: RUNTIME, installDependency: true, isWaitInstall: true },
      functionPath: fn.dir,
      deployMode: 'zip',
    });
  }

  async updateFunctionConfig(fn: DesiredFunction): Promise<void> {
    await this.manager.functions.updateFunctionConfig({
      name: fn.name,
      timeout: fn.timeoutSeconds,
      memorySize: fn.memoryMb,
      envVariables: deployedVariables(fn),
      description: permissionsNote(fn.openapi),
    });
    await this.manager.functions.waitFunctionActive(fn.name);
  }

  async setStorageAcl(acl: string): Promise<void> {
    await this.manager.storage.setStorageAcl(acl as Parameters<CloudBase['storage']['setStorageAcl']>[0]);
  }

  async createTrigger(functionName: string, timer: TimerSpec): Promise<void> {
    await this.manager.functions.createFunctionTriggers(functionName, [
      { name: timer.name, type: 'timer', config: timer.config },
    ]);
  }

  async deleteTrigger(functionName: string, triggerName: string): Promise<void> {
    await this.manager.functions.deleteFunctionTrigger(functionName, triggerName);
  }

  async createCollection(name: string): Promise<void> {
    await this.manager.database.createCollection(name);
  }

  async createIndex(collection: string, index: IndexSpec): Promise<void> {
    await this.manager.database.updateCollection(collection, {
      CreateIndexes: [
        {
          IndexName: index.name,
          MgoKeySchema: {
            MgoIndexKeys: Object.entries(index.keys).map(([Name, direction]) => ({
              Name,
              Direction: String(direction),
            })),
            MgoIsUnique: Boolean(index.unique),
          },
        },
      ],
    });
  }

  async dropIndex(collection: string, indexName: string): Promise<void> {
    await this.manager.database.updateCollection(collection, { DropIndexes: [{ IndexName: indexName }] });
  }

  async setRule(collection: string, rules: CollectionRules): Promise<void> {
    await this.manager.commonService().call({
      Action: 'ModifySafeRule',
      Param: { EnvId: this.envId, CollectionName: collection, AclTag: 'CUSTOM', Rule: JSON.stringify(rules) },
    });
  }

  importCourses(folder: string): Promise<ImportReport> {
    return importInto(folder, this.catalog);
  }

  async close(): Promise<void> {}

  private async readFunction(name: string): Promise<CurrentFunction | undefined> {
    let info;
    try {
      info = await this.manager.functions.getFunctionDetail(name);
    } catch (error) {
      if (String((error as { code?: unknown }).code).startsWith('ResourceNotFound')) return undefined;
      throw error;
    }
    return {
      name,
      runtime: info.Runtime,
      timeoutSeconds: info.Timeout,
      memoryMb: info.MemorySize,
      description: info.Description ?? '',
      variables: Object.fromEntries((info.Environment?.Variables ?? []).map((v) => [v.Key, v.Value])),
      timers: (info.Triggers ?? [])
        .filter((t) => t.Type === 'timer')
        .map((t) => ({ name: t.TriggerName, config: cronOf(t.TriggerDesc) })),
    };
  }

  private async collectionNames(): Promise<Set<string>> {
    const names = new Set<string>();
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.manager.database.listCollections({ MgoLimit: PAGE, MgoOffset: offset });
      for (const c of page.Collections) names.add(c.CollectionName);
      if (page.Collections.length < PAGE || offset + PAGE >= (page.Pager?.Total ?? 0)) return names;
    }
  }

  private async readCollection(name: string): Promise<CurrentCollection> {
    const table = await this.manager.database.describeCollection(name);
    const indexes = (table.Indexes ?? [])
      .filter((index) => index.Name !== ID_INDEX)
      .map((index): IndexSpec => {
        const keys = Object.fromEntries(index.Keys.map((k) => [k.Name ?? '', Number(k.Direction) as 1 | -1]));
        return index.Unique ? { name: index.Name, keys, unique: true } : { name: index.Name, keys };
      });
    const safe = (await this.manager.commonService().call({
      Action: 'DescribeSafeRule',
      Param: { EnvId: this.envId, CollectionName: name },
    })) as { AclTag?: string; Rule?: string | null };
    const rule = safe.AclTag === 'CUSTOM' && safe.Rule ? (JSON.parse(safe.Rule) as CollectionRules) : null;
    return { name, indexes, rule };
  }
}

/** A timer's TriggerDesc: the cron as created, or `{"cron": "…"}` as SCF lists it. */
export function cronOf(desc: string): string {
  try {
    const parsed = JSON.parse(desc) as { cron?: unknown };
    if (parsed && typeof parsed.cron === 'string') return parsed.cron;
  } catch {
    // Not JSON: the cron itself.
  }
  return desc;
}
