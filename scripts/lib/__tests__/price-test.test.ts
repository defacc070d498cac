/**
 * `npm run price-test` against a local cloud through @cloudbase/node-sdk, with the `insights` timer (the real
 * wx-server-sdk inside) then moving the price: bad input is refused with every problem named by its option and nothing
 * written; a started test is moved by the job on the first night of a later week; a stopped test leaves the price; on
 * the virtual rail a test needs a registered price; the command line's usage errors.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { adminApp } from '../../../local/demo';
import { COLLECTIONS } from '../../../shared/collections';
import { countWhere, getById } from '../../../shared/db';
import { addDays, beijingDay, dayStart, weekOf } from '../../../shared/insights/daily/calendar';
import { recordDaily } from '../../../shared/insights/daily/counters';
import type { PriceTestDoc } from '../../../shared/insights/pricing/price-test-doc';
import { COURSE_ID, startWorld, type World } from '../../../testing/learning-world';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { showTest, startTest, stopTest } from '../price-test';

const REPO = path.join(__dirname, '..', '..', '..');

let world: World;
let db: NodeDb;
const now = () => new Date();
const messages = (result: { ok: boolean; problems?: { message: string }[] }) =>
  result.ok ? [] : (result.problems ?? []).map((p) => p.message);
const tests = () => countWhere(world.db, COLLECTIONS.priceTests, {});
const price = async () => (await getById<{ priceFen: number }>(world.db, COLLECTIONS.courses, COURSE_ID))?.priceFen;

beforeAll(async () => {
  world = await startWorld();
  db = adminApp(world.cloud).database();
  // Twelve weeks of prospects and sales: the models need some history (the forecaster fails on a catalog without sales).
  const today = beijingDay(now());
  for (let d = 84; d >= 1; d--) {
    const at = new Date(dayStart(addDays(today, -d)).getTime() + 3_600_000);
    await recordDaily(world.db, COURSE_ID, at, { kind: 'detailView', openid: `o-pt-${d}`, priceFen: 9900 });
    if (d % 3 === 0) {
      await world.db.collection(COLLECTIONS.orders).add({
        data: {
          _id: `pt-${d}`,
          _openid: `o-pt-${d}`,
          outTradeNo: `CCpt${d}`,
          courseId: COURSE_ID,
          status: 'paid',
          amountFen: 9900,
          listPriceFen: 9900,
          discounts: [],
          paidAt: at.toISOString(),
        },
      });
    }
  }
});
afterAll(() => world.close());

test('bad input: every problem at once, each naming its option; nothing written', async () => {
  const bad = await startTest(db, 'nope', { minFen: '¥19', maxFen: '0', ladder: '1900,,abc' }, now());
  expect(messages(bad)).toEqual([
    'min-fen must be a positive whole number of fen, got "¥19"',
    'max-fen must be a positive whole number of fen, got "0"',
    'ladder must list positive whole numbers of fen separated by commas; "" is not one',
    'courseId "nope" is not a published course with a price',
  ]);
  expect(messages(await startTest(db, undefined, { minFen: '1900' }, now()))).toEqual([
    'max-fen is required (fen, e.g. 4900 for ¥49)',
    'courseId is required',
  ]);
  expect(messages(await startTest(db, 'draft-1', { minFen: '1900', maxFen: '4900' }, now()))).toEqual([
    'courseId "draft-1" is not a published course with a price',
  ]);
  expect(messages(await startTest(db, COURSE_ID, { minFen: '1000', maxFen: '1500' }, now()))).toEqual([
    'ladder: no price of the ladder lies within min-fen..max-fen',
  ]);
  expect(messages(await stopTest(db, COURSE_ID, now()))).toEqual([`courseId "${COURSE_ID}" has no test running`]);
  expect(messages(await showTest(db, COURSE_ID))).toEqual([`courseId "${COURSE_ID}" has no price test`]);
  expect(await tests()).toBe(0);
  expect(await price()).toBe(9900);
});

test('on the virtual rail a test needs a registered price within its bounds', async () => {
  const settings = world.db.collection(COLLECTIONS.settings).doc('app');
  expect(await getById(world.db, COLLECTIONS.settings, 'app')).toBeNull();
  await settings.set({ data: { payRail: 'virtual' } });
  try {
    const refused = await startTest(db, COURSE_ID, { minFen: '1900', maxFen: '6900' }, now());
    expect(messages(refused)).toEqual([
      `ladder: no price within min-fen..max-fen has a registered virtual-payment item: register one (course_${COURSE_ID}_<fen> at <fen>) or widen the bounds`,
    ]);
    expect(await tests()).toBe(0);
  } finally {
    await settings.remove();
  }
});

test('start, a second start refused, the job moves the price on a later week, stop keeps it', async () => {
  const started = await startTest(db, COURSE_ID, { minFen: '2900', maxFen: '6900', ladder: '2900,4900,6900' }, now());
  expect(started).toMatchObject({
    ok: true,
    test: { status: 'running', basePriceFen: 9900, state: { priceFen: 6900 }, periods: [] },
  });
  expect(messages(await startTest(db, COURSE_ID, { minFen: '2900', maxFen: '6900' }, now()))).toEqual([
    `courseId "${COURSE_ID}" has a test running: stop it first`,
  ]);
  // Switched on: the price is the job's to set, from the next week.
  expect(await price()).toBe(9900);
  await world.fireTimer('insights');
  expect(await price()).toBe(9900);

  // As if switched on last week: tonight is the first night of a new week for it.
  const lastWeek = addDays(weekOf(beijingDay(now())), -7);
  await world.db
    .collection(COLLECTIONS.priceTests)
    .doc(COURSE_ID)
    .update({ data: { decidedWeek: lastWeek } });
  await world.db
    .collection(COLLECTIONS.jobRuns)
    .doc(`insights_${beijingDay(now())}`)
    .remove();
  for (let tick = 0; tick < 10; tick++) {
    const outcome = (await world.fireTimer('insights')) as { data: { status: string } };
    if (outcome.data.status === 'done') break;
  }
  expect(await price()).toBe(6900);
  const shown = await showTest(db, COURSE_ID);
  expect(shown).toMatchObject({ ok: true, test: { periods: [{ week: weekOf(beijingDay(now())), priceFen: 6900 }] } });

  expect(await stopTest(db, COURSE_ID, now())).toMatchObject({ ok: true, test: { status: 'stopped' } });
  expect(messages(await stopTest(db, COURSE_ID, now()))).toEqual([`courseId "${COURSE_ID}" has no test running`]);
  expect(await getById<PriceTestDoc>(world.db, COLLECTIONS.priceTests, COURSE_ID)).toMatchObject({
    status: 'stopped',
    stoppedAt: expect.any(String),
  });
  expect(await price()).toBe(6900);
}, 60_000);

test('the command line: usage errors exit 2, a problem exits 1', async () => {
  const run = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/price-test.ts', ...args],
      { cwd: REPO, env: { ...process.env, PORT: String(world.cloud.port) } },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  expect((await run('nope')).code).toBe(2);
  expect((await run('start', COURSE_ID, '--color', 'red')).stderr).toContain('未知选项 --color');
  const refused = await run('start', COURSE_ID, '--min-fen', 'abc', '--max-fen', '4900');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('min-fen must be a positive whole number of fen, got "abc"');
  expect((await run('stop', COURSE_ID, '--min-fen', '1900')).stderr).toContain('stop 不接受选项 --min-fen');
  expect((await run('show', COURSE_ID)).stdout).toContain('已停止');
}, 60_000);
