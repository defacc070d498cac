/**
 * Applies a deployment plan through a port, in an order that makes an interrupted run safe to repeat: a function's
 * code before its configuration (which records the bundle hash, so a failed upload is retried next time), collections
 * before their indexes and rules, the storage permission, and the courses last, once their collections exist.
 */
import path from 'node:path';
import type { DeployPlan } from './plan';
import type { DeployPort } from './port';

export async function executePlan(plan: DeployPlan, port: DeployPort, log: (line: string) => void): Promise<void> {
  for (const fn of plan.functions) {
    if (fn.change === 'create') {
      await port.createFunction(fn.desired);
      log(`✓ 云函数 ${fn.name}：已创建`);
    } else {
      if (fn.uploadCode) {
        await port.updateFunctionCode(fn.desired);
        log(`✓ 云函数 ${fn.name}：代码已上传`);
      }
      if (fn.uploadCode || fn.configChanges.length > 0) {
        await port.updateFunctionConfig(fn.desired);
        log(`✓ 云函数 ${fn.name}：配置已更新`);
      }
    }
    for (const t of fn.triggers) {
      if (t.change === 'replace' || t.change === 'delete') await port.deleteTrigger(fn.name, t.name);
      if (t.change === 'replace' || t.change === 'create') {
        await port.createTrigger(fn.name, { name: t.name, config: t.config });
      }
      if (t.change !== 'leave')
        log(`✓ 定时触发器 ${fn.name}/${t.name}：${t.change === 'delete' ? '已删除' : t.config}`);
    }
  }
  for (const c of plan.collections) {
    if (c.change === 'create') {
      await port.createCollection(c.name);
      log(`✓ 集合 ${c.name}：已创建`);
    }
    for (const { spec, change } of c.indexes) {
      if (change === 'leave') continue;
      if (change === 'replace') await port.dropIndex(c.name, spec.name);
      await port.createIndex(c.name, spec);
      log(`✓ 索引 ${c.name}.${spec.name}：已${change === 'replace' ? '重建' : '创建'}`);
    }
    if (c.rule.change === 'set') {
      await port.setRule(c.name, c.rule.rules);
      log(`✓ 安全规则 ${c.name}：已设置`);
    }
  }
  if (plan.storage.change === 'set') {
    await port.setStorageAcl(plan.storage.acl);
    log(`✓ 云存储权限：${plan.storage.acl}`);
  }
  const courses = plan.courses;
  if (
    courses &&
    (courses.courses.some((c) => c.change !== 'leave') || courses.uploads.length > 0 || changed(courses))
  ) {
    const report = await port.importCourses(courses.folder);
    if (!report.ok) throw new Error(report.problems.map((p) => p.message).join('\n'));
    log(`✓ 课程：已导入 ${path.relative(process.cwd(), courses.folder) || courses.folder}`);
  }
}

function changed(courses: NonNullable<DeployPlan['courses']>): boolean {
  return [courses.categories, courses.creators].some((s) => s.created.length + s.updated.length > 0);
}
