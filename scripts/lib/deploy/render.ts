/**
 * A deployment plan as the lines `npm run deploy` prints: every item with what happens to it (`+` create, `~` change,
 * `-` delete, `=` leave, `!` needs a person), then the DevTools steps and the totals.
 */
import path from 'node:path';
import { indexFields } from '../apply-database';
import { countChanges, hasChanges, type DeployPlan, type FunctionStep, type TriggerStep } from './plan';
import { RUNTIME } from './state';

const MARK = { create: '+', update: '~', replace: '~', set: '~', delete: '-', leave: '=' } as const;

/** Enough of a SHA-256 to tell bundles apart in a plan. */
const short = (sha: string | undefined): string => (sha === undefined ? '（未记录）' : sha.slice(0, 12));

export function renderPlan(plan: DeployPlan): string[] {
  const lines: string[] = ['云函数'];
  for (const fn of plan.functions) lines.push(...functionLines(fn));

  lines.push('数据库集合');
  for (const c of plan.collections) {
    lines.push(`  ${MARK[c.change]} ${c.name}  ${c.change === 'create' ? '新建集合' : '已存在'}`);
    for (const { spec, change } of c.indexes) {
      const what = `索引 ${spec.name}${spec.unique ? '（唯一）' : ''}：${indexFields(spec)}`;
      const verb = { create: '新建', replace: '键不同，删除后重建', leave: '不变' }[change];
      lines.push(`      ${MARK[change]} ${what}  ${verb}`);
    }
    for (const name of c.extraIndexes) lines.push(`      = 索引 ${name}  不在 database/collections.ts 中，保留`);
    const rule = JSON.stringify(c.rule.rules);
    lines.push(
      c.rule.change === 'set'
        ? `      ${c.change === 'create' ? '+' : '~'} 安全规则 → ${rule}`
        : `      = 安全规则 ${rule}  不变`,
    );
  }

  lines.push('云存储');
  lines.push(
    plan.storage.change === 'set'
      ? `  ~ 权限 ${plan.storage.before} → ${plan.storage.acl}（仅管理员可读写：课程文件和封面只经云函数给出的临时链接打开）`
      : `  = 权限 ${plan.storage.acl}  不变`,
  );

  if (!plan.courses) {
    lines.push('课程：未指定 --courses <课程文件夹>，不导入');
  } else {
    const courses = plan.courses;
    lines.push(
      `课程（${path.relative(process.cwd(), courses.folder) || courses.folder}${courses.emptyCatalog ? '，课程集合尚未建立，按空目录预览' : ''}）`,
    );
    if (courses.problems.length > 0) {
      lines.push(`  ! 发现 ${courses.problems.length} 个问题，不能导入：`);
      for (const problem of courses.problems) lines.push(`      ${problem.message}`);
    }
    for (const c of courses.courses) {
      const lessons = `写入 ${c.lessonsWritten} 节课${c.lessonsRemoved ? `，删除 ${c.lessonsRemoved} 节` : ''}`;
      const what = {
        create: `新建：版本 ${c.version}，${lessons}`,
        update: `更新到版本 ${c.version}：${lessons}`,
        leave: `不变（版本 ${c.version}）`,
      }[c.change];
      lines.push(`  ${MARK[c.change]} ${c.id}  ${what}`);
    }
    const summary = (s: { created: string[]; updated: string[]; unchanged: string[] }) =>
      `新建 ${s.created.length} 个，更新 ${s.updated.length} 个，不变 ${s.unchanged.length} 个`;
    lines.push(`  分类：${summary(courses.categories)}；讲师：${summary(courses.creators)}`);
    lines.push(`  文件：上传 ${courses.uploads.length} 个，存储中已有 ${courses.reused.length} 个`);
  }

  const manual = manualSteps(plan);
  if (manual.length > 0) lines.push('', ...manual);

  const counts = countChanges(plan);
  lines.push('');
  if (hasChanges(plan)) {
    lines.push(
      `合计：新建 ${counts.create} 项，更改 ${counts.update} 项，删除 ${counts.delete} 项，不变 ${counts.leave} 项` +
        (counts.manual ? `，需在开发者工具中完成 ${counts.manual} 项` : ''),
    );
  } else {
    lines.push(`nothing to do：云开发环境 ${plan.envId} 已与仓库一致（不变 ${counts.leave} 项）`);
  }
  return lines;
}

function functionLines(fn: FunctionStep): string[] {
  const { desired } = fn;
  const names = Object.keys(desired.variables).sort();
  const lines: string[] = [];
  if (fn.change === 'create') {
    lines.push(
      `  + ${fn.name}  新建：${RUNTIME}，超时 ${desired.timeoutSeconds} s，内存 ${desired.memoryMb} MB，` +
        `代码 ${short(desired.bundleSha)}，环境变量 ${names.join(', ') || '无'}`,
    );
  } else if (fn.change === 'update') {
    const changes = [
      ...(fn.uploadCode ? [`代码 ${short(fn.deployedSha)} → ${short(desired.bundleSha)}`] : []),
      ...fn.configChanges,
    ];
    lines.push(`  ~ ${fn.name}  ${changes.length > 0 ? `更改：${changes.join('；')}` : '触发器更改'}`);
  } else {
    lines.push(`  = ${fn.name}  不变（代码 ${short(desired.bundleSha)}）`);
  }
  for (const t of fn.triggers) lines.push(`      ${MARK[t.change]} 定时触发器 ${t.name}：${triggerText(t)}`);
  for (const warning of fn.warnings) lines.push(`      ! ${warning}`);
  return lines;
}

function triggerText(t: TriggerStep): string {
  switch (t.change) {
    case 'create':
      return `${t.config}  新建`;
    case 'replace':
      return `${t.before} → ${t.config}  删除后重建`;
    case 'delete':
      return `${t.config}  config.json 中已没有，删除`;
    case 'leave':
      return `${t.config}  不变`;
  }
}

/** What only WeChat DevTools can do: grant the cloud-call (`openapi`) permissions of config.json. */
export function manualSteps(plan: DeployPlan): string[] {
  const pending = plan.functions.filter((fn) => fn.openapi);
  if (pending.length === 0) return [];
  return [
    '需要在微信开发者工具中完成（云调用权限没有管理 API，只有开发者工具按 config.json 设置）：',
    ...pending.map((fn) => `  ! ${fn.name}：${(fn.openapi as string[]).join(', ')}`),
    '  在开发者工具中打开本项目，右键 build/cloudfunctions/<函数>/config.json →「更新权限配置」；',
    '  权限约 10 分钟后生效，之前调用会报 -604101。',
  ];
}
