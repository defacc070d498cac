/**
 * The deployment planner, known answers: a fresh environment gets everything, a deployed one nothing, and each kind of
 * difference changes exactly the item it concerns.
 */
import { createHash } from 'node:crypto';
import { collections, type CollectionSpec } from '../../../../database/collections';
import { countChanges, hasChanges, planDeployment, type DeployPlan } from '../plan';
import { manualSteps, renderPlan } from '../render';
import {
  BUNDLE_SHA_VARIABLE,
  DEFAULT_STORAGE_ACL,
  RUNTIME,
  STORAGE_ACL,
  deployedVariables,
  permissionsNote,
  type CoursePreview,
  type CurrentCollection,
  type CurrentFunction,
  type CurrentState,
  type DesiredFunction,
  type DesiredState,
} from '../state';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

function fn(name: string, over: Partial<DesiredFunction> = {}): DesiredFunction {
  return {
    name,
    dir: `/repo/build/cloudfunctions/${name}`,
    bundleSha: sha(name),
    timeoutSeconds: 10,
    memoryMb: 256,
    timers: [],
    openapi: [],
    variables: {},
    ...over,
  };
}

const orders: CollectionSpec = {
  name: 'orders',
  indexes: [
    { name: 'outTradeNo', keys: { outTradeNo: 1 }, unique: true },
    { name: 'owner_created', keys: { _openid: 1, createdAt: -1 } },
  ],
  rules: { read: 'doc._openid == auth.openid', write: false },
};
const settings: CollectionSpec = { name: 'settings', indexes: [], rules: { read: false, write: false } };

const desired: DesiredState = {
  functions: [
    fn('catalog', { timeoutSeconds: 5 }),
    fn('orderSweep', {
      timeoutSeconds: 60,
      timers: [{ name: 'orderSweep', config: '0 */5 * * * * *' }],
      openapi: ['wxa.sec.order.uploadShippingInfo'],
    }),
    fn('review', { variables: { LEARNER_CODE_SECRET: 'secret-value-1' }, openapi: ['security.msgSecCheck'] }),
  ],
  collections: [orders, settings],
};

/** A function as a deploy of `want` leaves it. */
function deployed(want: DesiredFunction): CurrentFunction {
  return {
    name: want.name,
    runtime: RUNTIME,
    timeoutSeconds: want.timeoutSeconds,
    memoryMb: want.memoryMb,
    description: permissionsNote(want.openapi),
    variables: deployedVariables(want),
    timers: want.timers.map((t) => ({ ...t })),
  };
}

function deployedCollection(spec: CollectionSpec): CurrentCollection {
  return { name: spec.name, indexes: structuredClone(spec.indexes), rule: structuredClone(spec.rules) };
}

const fresh: CurrentState = { envId: 'env-1', functions: [], collections: [], storageAcl: DEFAULT_STORAGE_ACL };

function deployedState(state: DesiredState = desired): CurrentState {
  return {
    envId: 'env-1',
    functions: state.functions.map(deployed),
    collections: state.collections.map(deployedCollection),
    storageAcl: STORAGE_ACL,
  };
}

/** `deployedState()` with one function changed. */
function withFunction(name: string, change: (f: CurrentFunction) => void): CurrentState {
  const state = deployedState();
  change(state.functions.find((f) => f.name === name) as CurrentFunction);
  return state;
}

function changedFunctions(plan: DeployPlan): string[] {
  return plan.functions.filter((f) => f.change !== 'leave').map((f) => f.name);
}

describe('a fresh environment', () => {
  const plan = planDeployment(desired, fresh, null);

  it('creates every function with its code, its triggers, and asks DevTools for its cloud-call permissions', () => {
    expect(plan.functions.map((f) => [f.name, f.change, f.uploadCode])).toEqual([
      ['catalog', 'create', true],
      ['orderSweep', 'create', true],
      ['review', 'create', true],
    ]);
    expect(plan.functions[1]?.triggers).toEqual([{ name: 'orderSweep', change: 'create', config: '0 */5 * * * * *' }]);
    expect(plan.functions.map((f) => f.openapi)).toEqual([
      null,
      ['wxa.sec.order.uploadShippingInfo'],
      ['security.msgSecCheck'],
    ]);
  });

  it('creates every collection, index and rule', () => {
    expect(plan.collections).toEqual([
      {
        name: 'orders',
        change: 'create',
        indexes: orders.indexes.map((spec) => ({ spec, change: 'create' })),
        rule: { change: 'set', rules: orders.rules },
        extraIndexes: [],
      },
      {
        name: 'settings',
        change: 'create',
        indexes: [],
        rule: { change: 'set', rules: settings.rules },
        extraIndexes: [],
      },
    ]);
  });

  it('makes storage admin-only: clients open files only through the temp URLs functions give', () => {
    expect(plan.storage).toEqual({ change: 'set', acl: 'ADMINONLY', before: 'READONLY' });
    expect(renderPlan(plan)).toContain(
      '  ~ 权限 READONLY → ADMINONLY（仅管理员可读写：课程文件和封面只经云函数给出的临时链接打开）',
    );
  });

  it('counts 3 functions, 1 trigger, 2 collections, 2 indexes, 2 rules, the storage permission and 2 DevTools steps', () => {
    expect(countChanges(plan)).toEqual({ create: 10, update: 1, delete: 0, leave: 0, manual: 2 });
    const lines = renderPlan(plan);
    expect(lines).toContain(
      `  + catalog  新建：${RUNTIME}，超时 5 s，内存 256 MB，代码 ${sha('catalog').slice(0, 12)}，环境变量 无`,
    );
    expect(lines).toContain('      + 定时触发器 orderSweep：0 */5 * * * * *  新建');
    expect(lines).toContain('      + 索引 outTradeNo（唯一）：outTradeNo 升序  新建');
    expect(lines).toContain('      + 安全规则 → {"read":"doc._openid == auth.openid","write":false}');
    expect(lines).toContain('  ! orderSweep：wxa.sec.order.uploadShippingInfo');
    expect(lines.at(-1)).toBe('合计：新建 10 项，更改 1 项，删除 0 项，不变 0 项，需在开发者工具中完成 2 项');
  });

  it('prints variable names, never their values', () => {
    const text = renderPlan(plan).join('\n');
    expect(text).toContain('环境变量 LEARNER_CODE_SECRET');
    expect(text).not.toContain('secret-value-1');
  });
});

describe('an environment this deploy already made', () => {
  it('has nothing to do, and says so', () => {
    const plan = planDeployment(desired, deployedState(), null);
    expect(hasChanges(plan)).toBe(false);
    expect(plan.functions.every((f) => f.change === 'leave' && !f.uploadCode && f.openapi === null)).toBe(true);
    expect(manualSteps(plan)).toEqual([]);
    expect(renderPlan(plan)).toContain('  = 权限 ADMINONLY  不变');
    expect(renderPlan(plan).at(-1)).toBe('nothing to do：云开发环境 env-1 已与仓库一致（不变 11 项）');
  });

  it("has nothing to do with the product's own collections", () => {
    const all = { ...desired, collections };
    expect(hasChanges(planDeployment(all, deployedState(all), null))).toBe(false);
  });
});

describe('one difference changes one item', () => {
  it("a changed bundle uploads that function's code only, then records its hash", () => {
    const changed = {
      ...desired,
      functions: desired.functions.map((f) => (f.name === 'review' ? { ...f, bundleSha: sha('v2') } : f)),
    };
    const plan = planDeployment(changed, deployedState(), null);
    expect(changedFunctions(plan)).toEqual(['review']);
    const review = plan.functions[2];
    expect(review).toMatchObject({ uploadCode: true, configChanges: [], openapi: null, deployedSha: sha('review') });
    expect(renderPlan(plan)).toContain(
      `  ~ review  更改：代码 ${sha('review').slice(0, 12)} → ${sha('v2').slice(0, 12)}`,
    );
    expect(countChanges(plan)).toMatchObject({ create: 0, update: 1, delete: 0 });
  });

  it('a function deployed without a recorded hash gets its code uploaded', () => {
    const plan = planDeployment(
      desired,
      withFunction('catalog', (f) => delete f.variables[BUNDLE_SHA_VARIABLE]),
      null,
    );
    expect(plan.functions[0]).toMatchObject({ change: 'update', uploadCode: true });
    expect(renderPlan(plan)).toContain(`  ~ catalog  更改：代码 （未记录） → ${sha('catalog').slice(0, 12)}`);
  });

  it('a changed timeout or memory is a configuration update, without code', () => {
    const plan = planDeployment(
      desired,
      withFunction('orderSweep', (f) => Object.assign(f, { timeoutSeconds: 3, memoryMb: 128 })),
      null,
    );
    expect(changedFunctions(plan)).toEqual(['orderSweep']);
    expect(plan.functions[1]).toMatchObject({
      uploadCode: false,
      configChanges: ['超时 3 s → 60 s', '内存 128 MB → 256 MB'],
    });
  });

  it('variables added, changed and removed are named', () => {
    const plan = planDeployment(
      desired,
      withFunction('review', (f) => {
        f.variables.LEARNER_CODE_SECRET = 'old';
        f.variables.LEFTOVER = 'x';
      }),
      null,
    );
    expect(plan.functions[2]?.configChanges).toEqual(['环境变量 LEARNER_CODE_SECRET 更改', '环境变量 LEFTOVER 删除']);
    const added = planDeployment(
      desired,
      withFunction('review', (f) => delete f.variables.LEARNER_CODE_SECRET),
      null,
    );
    expect(added.functions[2]?.configChanges).toEqual(['环境变量 LEARNER_CODE_SECRET 新增']);
  });

  it('another runtime is a warning, not a change: a runtime is fixed when the function is created', () => {
    const plan = planDeployment(
      desired,
      withFunction('catalog', (f) => (f.runtime = 'Nodejs18.15')),
      null,
    );
    expect(hasChanges(plan)).toBe(false);
    expect(plan.functions[0]?.warnings).toEqual([
      `运行时是 Nodejs18.15，不是 ${RUNTIME}；函数的运行时创建后不能更改，要更换请在云开发控制台删除该函数后重新部署`,
    ]);
    const old = planDeployment(
      desired,
      withFunction('catalog', (f) => (f.runtime = 'Nodejs8.9')),
      null,
    );
    expect(old.functions[0]?.warnings[0]).toMatch(/打包目标是 Node 16，这个运行时无法运行它$/);
    expect(renderPlan(old)).toContain(`      ! ${old.functions[0]?.warnings[0]}`);
  });

  it('a changed cron replaces the trigger; a trigger config.json no longer has is deleted', () => {
    const plan = planDeployment(
      desired,
      withFunction('orderSweep', (f) => {
        f.timers = [
          { name: 'orderSweep', config: '0 */10 * * * * *' },
          { name: 'old', config: '0 0 1 * * * *' },
        ];
      }),
      null,
    );
    expect(plan.functions[1]?.triggers).toEqual([
      { name: 'orderSweep', change: 'replace', config: '0 */5 * * * * *', before: '0 */10 * * * * *' },
      { name: 'old', change: 'delete', config: '0 0 1 * * * *', before: '0 0 1 * * * *' },
    ]);
    expect(plan.functions[1]).toMatchObject({ change: 'update', uploadCode: false, configChanges: [] });
    expect(countChanges(plan)).toMatchObject({ update: 2, delete: 1 });
  });

  it('changed cloud-call permissions print the DevTools step again', () => {
    const plan = planDeployment(
      desired,
      withFunction('review', (f) => (f.description = permissionsNote([]))),
      null,
    );
    expect(plan.functions[2]).toMatchObject({ change: 'update', uploadCode: false, openapi: ['security.msgSecCheck'] });
    expect(manualSteps(plan)[1]).toBe('  ! review：security.msgSecCheck');
  });

  it('a missing index is created, one with other keys rebuilt, one not declared kept', () => {
    const state = deployedState();
    const current = state.collections[0] as CurrentCollection;
    current.indexes = [
      { name: 'outTradeNo', keys: { outTradeNo: 1 } },
      { name: 'legacy', keys: { status: 1 } },
    ];
    const plan = planDeployment(desired, state, null);
    expect(plan.collections[0]).toMatchObject({
      change: 'leave',
      indexes: [
        { spec: orders.indexes[0], change: 'replace' },
        { spec: orders.indexes[1], change: 'create' },
      ],
      rule: { change: 'leave' },
      extraIndexes: ['legacy'],
    });
    expect(countChanges(plan)).toMatchObject({ create: 1, update: 1, delete: 0 });
    expect(renderPlan(plan)).toContain('      = 索引 legacy  不在 database/collections.ts 中，保留');
  });

  it.each(['READONLY', 'PRIVATE', 'ADMINWRITE', 'CUSTOM'])('a storage permission %s is made admin-only', (acl) => {
    const plan = planDeployment(desired, { ...deployedState(), storageAcl: acl }, null);
    expect(plan.storage).toEqual({ change: 'set', acl: 'ADMINONLY', before: acl });
    expect(countChanges(plan)).toMatchObject({ create: 0, update: 1, delete: 0 });
  });

  it('a different or simple-permission rule is set', () => {
    const state = deployedState();
    (state.collections[0] as CurrentCollection).rule = { read: true, write: false };
    (state.collections[1] as CurrentCollection).rule = null;
    const plan = planDeployment(desired, state, null);
    expect(plan.collections.map((c) => c.rule.change)).toEqual(['set', 'set']);
    expect(renderPlan(plan)).toContain('      ~ 安全规则 → {"read":false,"write":false}');
  });
});

describe('courses', () => {
  const summary = (created: string[], unchanged: string[] = []) => ({ created, updated: [], unchanged });
  const preview = (over: Partial<CoursePreview['report']> = {}): CoursePreview => ({
    folder: '/repo/examples/courses',
    emptyCatalog: false,
    report: {
      ok: true,
      problems: [],
      courses: [{ id: 'git-basics', outcome: 'updated', version: 3, lessonsWritten: 2, lessonsRemoved: 1 }],
      categories: summary([], ['cs-basics']),
      creators: summary(['ada']),
      uploaded: ['covers/git-basics/abc-cover.png'],
      reused: [],
      ...over,
    },
  });

  it('shows what the import would do, and counts it', () => {
    const plan = planDeployment(desired, deployedState(), preview());
    expect(plan.courses?.courses).toEqual([
      { id: 'git-basics', change: 'update', version: 3, lessonsWritten: 2, lessonsRemoved: 1 },
    ]);
    expect(countChanges(plan)).toMatchObject({ create: 2, update: 1, leave: 12 });
    const lines = renderPlan(plan);
    expect(lines).toContain('  ~ git-basics  更新到版本 3：写入 2 节课，删除 1 节');
    expect(lines).toContain('  分类：新建 0 个，更新 0 个，不变 1 个；讲师：新建 1 个，更新 0 个，不变 0 个');
  });

  it('an unchanged catalog leaves nothing to do', () => {
    const unchanged = preview({
      courses: [{ id: 'git-basics', outcome: 'unchanged', version: 3, lessonsWritten: 0, lessonsRemoved: 0 }],
      creators: summary([], ['ada']),
      uploaded: [],
      reused: ['covers/git-basics/abc-cover.png'],
    });
    expect(hasChanges(planDeployment(desired, deployedState(), unchanged))).toBe(false);
  });

  it('problems of the course files are in the plan', () => {
    const problem = { file: 'c.yaml', path: 'priceFen', message: 'c.yaml: priceFen must be an integer' };
    const plan = planDeployment(desired, fresh, preview({ ok: false, problems: [problem], courses: [] }));
    expect(plan.courses?.problems).toEqual([problem]);
    expect(renderPlan(plan)).toContain('      c.yaml: priceFen must be an integer');
  });
});

test('the descriptions the deploy writes are ones SCF accepts (letters, digits, spaces, commas, periods, Chinese)', () => {
  const note = permissionsNote(['security.msgSecCheck', 'wxa.sec.order.uploadShippingInfo']);
  expect(note).toMatch(/^[\p{Script=Han}A-Za-z0-9 ,.]{1,1000}$/u);
});
