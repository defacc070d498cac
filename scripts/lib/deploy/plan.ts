/**
 * The deployment planner: desired state and current state in, what to create, change or leave out, for every
 * function, timer trigger, collection, index, security rule and course. Pure: everything it knows is in its arguments,
 * so the same two states always give the same plan, and a plan against what the previous run left changes nothing.
 */
import type { CollectionRules, CollectionSpec, IndexSpec } from '../../../database/collections';
import { canonical } from '../../../shared/catalog';
import type { CourseOutcome, UpsertSummary } from '../../../toolchain/catalog-store';
import type { FileProblem } from '../../../shared/catalog';
import {
  BUNDLE_SHA_VARIABLE,
  MIN_NODE_MAJOR,
  RUNTIME,
  STORAGE_ACL,
  permissionsNote,
  type CoursePreview,
  type CurrentCollection,
  type CurrentFunction,
  type CurrentState,
  type DesiredFunction,
  type DesiredState,
  type TimerSpec,
} from './state';

export type Change = 'create' | 'update' | 'leave';

export interface TriggerStep {
  name: string;
  /** `replace`: a trigger's cron cannot be edited, so it is deleted and created again. */
  change: 'create' | 'replace' | 'delete' | 'leave';
  config: string;
  /** The cron the environment has, for `replace` and `delete`. */
  before?: string;
}

export interface FunctionStep {
  name: string;
  change: Change;
  desired: DesiredFunction;
  /** The bundle hash the environment records (`undefined`: none, or a new function). */
  deployedSha?: string;
  /** Upload the bundle: a new function, or a hash that differs. */
  uploadCode: boolean;
  /** What the configuration update changes; it also runs after an upload, to record the new hash. */
  configChanges: string[];
  triggers: TriggerStep[];
  /** The cloud-call permissions to grant in WeChat DevTools: a new function, or a changed list. */
  openapi: string[] | null;
  /** What the deploy cannot fix (a function's runtime is fixed when it is created). */
  warnings: string[];
}

export interface IndexStep {
  spec: IndexSpec;
  /** `replace`: an index of that name with other keys exists; it is dropped and created again. */
  change: 'create' | 'replace' | 'leave';
}

export interface CollectionStep {
  name: string;
  change: 'create' | 'leave';
  indexes: IndexStep[];
  rule: { change: 'set' | 'leave'; rules: CollectionRules };
  /** Indexes the environment has and the specs do not: kept, and named in the plan. */
  extraIndexes: string[];
}

export interface CourseStep {
  id: string;
  change: Change;
  version: number;
  lessonsWritten: number;
  lessonsRemoved: number;
}

export interface CoursesPlan {
  folder: string;
  emptyCatalog: boolean;
  /** Problems of the course files; a plan with any cannot be applied. */
  problems: FileProblem[];
  courses: CourseStep[];
  categories: UpsertSummary;
  creators: UpsertSummary;
  uploads: string[];
  reused: string[];
}

export interface StorageStep {
  change: 'set' | 'leave';
  acl: string;
  before: string;
}

export interface DeployPlan {
  envId: string;
  functions: FunctionStep[];
  collections: CollectionStep[];
  storage: StorageStep;
  /** `null`: no course folder was given. */
  courses: CoursesPlan | null;
}

export function planDeployment(
  desired: DesiredState,
  current: CurrentState,
  courses: CoursePreview | null,
): DeployPlan {
  const functions = new Map(current.functions.map((fn) => [fn.name, fn]));
  const existing = new Map(current.collections.map((c) => [c.name, c]));
  return {
    envId: current.envId,
    functions: desired.functions.map((fn) => planFunction(fn, functions.get(fn.name))),
    collections: desired.collections.map((spec) => planCollection(spec, existing.get(spec.name))),
    storage: {
      change: current.storageAcl === STORAGE_ACL ? 'leave' : 'set',
      acl: STORAGE_ACL,
      before: current.storageAcl,
    },
    courses: courses && planCourses(courses),
  };
}

function planFunction(want: DesiredFunction, have: CurrentFunction | undefined): FunctionStep {
  if (!have) {
    return {
      name: want.name,
      change: 'create',
      desired: want,
      uploadCode: true,
      configChanges: [],
      triggers: want.timers.map((t) => ({ name: t.name, change: 'create', config: t.config })),
      openapi: want.openapi.length > 0 ? want.openapi : null,
      warnings: [],
    };
  }
  const deployedSha = have.variables[BUNDLE_SHA_VARIABLE];
  const uploadCode = deployedSha !== want.bundleSha;
  const configChanges: string[] = [];
  if (have.timeoutSeconds !== want.timeoutSeconds) {
    configChanges.push(`超时 ${have.timeoutSeconds} s → ${want.timeoutSeconds} s`);
  }
  if (have.memoryMb !== want.memoryMb) configChanges.push(`内存 ${have.memoryMb} MB → ${want.memoryMb} MB`);
  configChanges.push(...variableChanges(have.variables, want.variables));
  const note = permissionsNote(want.openapi);
  const permissionsChanged = have.description !== note;
  if (permissionsChanged) configChanges.push(note ? `描述 → 「${note}」` : '清空描述');
  const triggers = planTriggers(want.timers, have.timers);
  const step: FunctionStep = {
    name: want.name,
    change: 'leave',
    desired: want,
    uploadCode,
    configChanges,
    triggers,
    openapi: permissionsChanged && want.openapi.length > 0 ? want.openapi : null,
    warnings: runtimeWarnings(have.runtime),
  };
  if (deployedSha !== undefined) step.deployedSha = deployedSha;
  if (uploadCode || configChanges.length > 0 || triggers.some((t) => t.change !== 'leave')) step.change = 'update';
  return step;
}

/** Names only: the values are secrets, and the plan is printed. */
function variableChanges(have: Record<string, string>, want: Record<string, string>): string[] {
  const changes: string[] = [];
  const names = new Set([...Object.keys(have), ...Object.keys(want)]);
  names.delete(BUNDLE_SHA_VARIABLE);
  for (const name of [...names].sort()) {
    if (!(name in have)) changes.push(`环境变量 ${name} 新增`);
    else if (!(name in want)) changes.push(`环境变量 ${name} 删除`);
    else if (have[name] !== want[name]) changes.push(`环境变量 ${name} 更改`);
  }
  return changes;
}

function runtimeWarnings(runtime: string): string[] {
  if (runtime === RUNTIME) return [];
  const major = Number(/^Nodejs(\d+)/.exec(runtime)?.[1] ?? NaN);
  const fixed = `运行时是 ${runtime}，不是 ${RUNTIME}；函数的运行时创建后不能更改，要更换请在云开发控制台删除该函数后重新部署`;
  return [major >= MIN_NODE_MAJOR ? fixed : `${fixed}。打包目标是 Node ${MIN_NODE_MAJOR}，这个运行时无法运行它`];
}

function planTriggers(want: readonly TimerSpec[], have: readonly TimerSpec[]): TriggerStep[] {
  const existing = new Map(have.map((t) => [t.name, t.config]));
  const steps: TriggerStep[] = want.map((t) => {
    const before = existing.get(t.name);
    if (before === undefined) return { name: t.name, change: 'create', config: t.config };
    if (before === t.config) return { name: t.name, change: 'leave', config: t.config };
    return { name: t.name, change: 'replace', config: t.config, before };
  });
  const wanted = new Set(want.map((t) => t.name));
  for (const t of have) {
    if (!wanted.has(t.name)) steps.push({ name: t.name, change: 'delete', config: t.config, before: t.config });
  }
  return steps;
}

function planCollection(spec: CollectionSpec, have: CurrentCollection | undefined): CollectionStep {
  const existing = new Map((have?.indexes ?? []).map((index) => [index.name, index]));
  const indexes = spec.indexes.map((index): IndexStep => {
    const before = existing.get(index.name);
    if (!before) return { spec: index, change: 'create' };
    return { spec: index, change: sameIndex(before, index) ? 'leave' : 'replace' };
  });
  const declared = new Set(spec.indexes.map((index) => index.name));
  const ruleKept = have?.rule != null && canonical(have.rule) === canonical(spec.rules);
  return {
    name: spec.name,
    change: have ? 'leave' : 'create',
    indexes,
    rule: { change: ruleKept ? 'leave' : 'set', rules: spec.rules },
    extraIndexes: [...existing.keys()].filter((name) => !declared.has(name)),
  };
}

/** Same keys in the same order (the order is the compound index's), same uniqueness. */
function sameIndex(a: IndexSpec, b: IndexSpec): boolean {
  return (
    JSON.stringify(Object.entries(a.keys)) === JSON.stringify(Object.entries(b.keys)) &&
    Boolean(a.unique) === Boolean(b.unique)
  );
}

function planCourses(preview: CoursePreview): CoursesPlan {
  const { report } = preview;
  const change: Record<CourseOutcome['outcome'], Change> = {
    created: 'create',
    updated: 'update',
    unchanged: 'leave',
  };
  return {
    folder: preview.folder,
    emptyCatalog: preview.emptyCatalog,
    problems: report.problems,
    courses: report.courses.map((c) => ({
      id: c.id,
      change: change[c.outcome],
      version: c.version,
      lessonsWritten: c.lessonsWritten,
      lessonsRemoved: c.lessonsRemoved,
    })),
    categories: report.categories,
    creators: report.creators,
    uploads: report.uploaded,
    reused: report.reused,
  };
}

export interface ChangeCounts {
  create: number;
  update: number;
  delete: number;
  leave: number;
  /** Steps only WeChat DevTools can do. */
  manual: number;
}

/** Every item of the plan, counted by what happens to it. */
export function countChanges(plan: DeployPlan): ChangeCounts {
  const counts: ChangeCounts = { create: 0, update: 0, delete: 0, leave: 0, manual: 0 };
  for (const fn of plan.functions) {
    counts[fn.change] += 1;
    for (const t of fn.triggers) counts[t.change === 'replace' ? 'update' : t.change] += 1;
    if (fn.openapi) counts.manual += 1;
  }
  for (const c of plan.collections) {
    counts[c.change] += 1;
    for (const index of c.indexes) counts[index.change === 'replace' ? 'update' : index.change] += 1;
    counts[c.rule.change === 'leave' ? 'leave' : c.change === 'create' ? 'create' : 'update'] += 1;
  }
  counts[plan.storage.change === 'set' ? 'update' : 'leave'] += 1;
  if (plan.courses) {
    for (const course of plan.courses.courses) counts[course.change] += 1;
    counts.create += plan.courses.uploads.length;
    for (const summary of [plan.courses.categories, plan.courses.creators]) {
      counts.create += summary.created.length;
      counts.update += summary.updated.length;
      counts.leave += summary.unchanged.length;
    }
  }
  return counts;
}

/** Whether applying the plan would change anything. */
export function hasChanges(plan: DeployPlan): boolean {
  const counts = countChanges(plan);
  return counts.create + counts.update + counts.delete > 0;
}
