/**
 * `npm run db:apply`, without the command line: the collections, indexes and security rules of
 * database/collections.ts (and database/rules/*.json), applied to an environment.
 *
 * What the server SDKs can do, this does: create each missing collection (`db.createCollection`). Indexes and
 * security rules have no server-SDK API (they are managed by the console or the Tencent Cloud management API, which
 * `npm run deploy` calls through @cloudbase/manager-node), so for a real environment it prints the exact console
 * steps. The local cloud needs no such steps: it builds its indexes from the same file when it starts, and security
 * rules only govern client SDK access, which the local cloud does not offer (database/rules/evaluate.ts tests them).
 */
import type { CollectionSpec, IndexSpec } from '../../database/collections';
import type { NodeApp } from '../../toolchain/catalog-store';

export interface ApplyOptions {
  app: NodeApp;
  specs: readonly CollectionSpec[];
  /** A real environment gets console steps for indexes and rules; the local cloud does not need them. */
  real: boolean;
  log?: (line: string) => void;
}

export interface ApplyReport {
  created: string[];
  existing: string[];
}

/** The service's answer to creating a collection that exists. */
function alreadyExists(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'DATABASE_COLLECTION_ALREADY_EXIST' || (typeof message === 'string' && /already exist/i.test(message))
  );
}

export async function applyDatabase(options: ApplyOptions): Promise<ApplyReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const db = options.app.database();
  const report: ApplyReport = { created: [], existing: [] };
  for (const spec of options.specs) {
    try {
      await db.createCollection(spec.name);
      report.created.push(spec.name);
      log(`集合 ${spec.name}：已创建`);
    } catch (error) {
      if (!alreadyExists(error)) throw error;
      report.existing.push(spec.name);
      log(`集合 ${spec.name}：已存在`);
    }
  }
  if (options.real) {
    log('');
    log(consoleSteps(options.specs));
  } else {
    log('索引：本地云启动时按 database/collections.ts 建立；安全规则只约束客户端访问，本地云无需设置。');
  }
  return report;
}

/** An index's fields in order, as the console's 添加索引 form asks for them. */
export function indexFields(index: IndexSpec): string {
  return Object.entries(index.keys)
    .map(([field, direction]) => `${field} ${direction === 1 ? '升序' : '降序'}`)
    .join('，');
}

function indexLine(index: IndexSpec): string {
  return `    - 索引名称 ${index.name}，${index.unique ? '唯一' : '非唯一'}：${indexFields(index)}`;
}

/** What to do in the CloudBase console for each collection: its indexes and its custom security rule. */
export function consoleSteps(specs: readonly CollectionSpec[]): string {
  const lines = [
    '索引和安全规则无法通过服务端 SDK 设置，请在云开发控制台 → 数据库中逐个集合完成：',
    '  1. 「索引管理」→「添加索引」，按下列字段与顺序添加；',
    '  2. 「数据权限」→「自定义安全规则」，粘贴下面的 JSON（与 database/rules/<集合>.json 相同）。',
  ];
  for (const spec of specs) {
    lines.push('', `集合 ${spec.name}`);
    if (spec.indexes.length > 0) lines.push('  索引：', ...spec.indexes.map(indexLine));
    else lines.push('  索引：无（只用 _id）');
    lines.push(`  安全规则：${JSON.stringify(spec.rules)}`);
  }
  return lines.join('\n');
}
