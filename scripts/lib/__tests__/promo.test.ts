/**
 * `npm run promo` against a local cloud through @cloudbase/node-sdk, with what it writes then used through the promo
 * and catalog functions (the real wx-server-sdk inside): problems named by option with nothing written, coupons,
 * limited-time prices, bundles, codes that redeem with the function's key, usage, revoke, virtual-payment items.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { adminApp } from '../../../local/demo';
import { COLLECTIONS } from '../../../shared/collections';
import { countWhere, getById } from '../../../shared/db';
import { codeHash, normalizeCode } from '../../../shared/promo/codes';
import { REDEEM_CODE_SECRET_VARIABLE } from '../../../shared/promo/code-key';
import type { BundleDoc, RedeemCodeDoc } from '../../../shared/promo/documents';
import { SECRETS_DOC_ID } from '../../../shared/settings/secrets';
import { COURSE_ID, startWorld, type World } from '../../../testing/learning-world';
import { insertCourses } from '../../../testing/promo-world';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { createCodes } from '../promo/codes';
import { cliCodeKey } from '../promo/code-key';
import { createCoupon, createDiscount, saveBundle } from '../promo/create';
import type { Options } from '../promo/options';
import { revoke } from '../promo/revoke';
import { usageReport } from '../promo/usage';
import { virtualItems } from '../promo/virtual-items';

const REPO = path.join(__dirname, '..', '..', '..');

let world: World;
let db: NodeDb;
const now = () => new Date();
const promo = (openid: string, data: Record<string, unknown>) => world.call('promo', openid, data);
const messages = (result: { ok: boolean; problems?: { message: string }[] }) =>
  result.ok ? [] : (result.problems ?? []).map((p) => p.message);
const count = (collection: (typeof COLLECTIONS)[keyof typeof COLLECTIONS]) => countWhere(world.db, collection, {});

beforeAll(async () => {
  world = await startWorld();
  db = adminApp(world.cloud).database();
  await insertCourses(world.db, ['js-101', 'go-101']);
});
afterAll(() => world.close());

describe('coupon', () => {
  const valid: Options = { title: '新人专享', kind: 'amount', amountFen: '2000', stock: '50', days: '30', all: true };

  test('every problem at once, each naming its option; nothing written', async () => {
    const bad = await createCoupon(db, { title: '', kind: 'amount', stock: '0', courseIds: 'py-101' }, now());
    expect(messages(bad)).toEqual([
      'endsAt is required',
      'title must have at least 1 characters',
      'stock must be >= 1',
    ]);
    const terms = await createCoupon(db, { ...valid, amountFen: '20元', percentOff: '10' }, now());
    expect(messages(terms)).toEqual([
      'percentOff is not used by a coupon of kind amount',
      'amountFen must be an integer between 1 and 10000000',
    ]);
    expect(messages(await createCoupon(db, { ...valid, days: '0' }, now()))).toEqual([
      'days must be an integer >= 1',
      'endsAt is required',
    ]);
    const scope = await createCoupon(db, { ...valid, courseIds: 'py-101' }, now());
    expect(messages(scope)).toEqual(['appliesTo.all cannot be given with a list']);
    const { all: _everything, ...listed } = valid;
    const refs = await createCoupon(db, { ...listed, courseIds: 'py-101,nope', categories: 'cooking' }, now());
    expect(messages(refs)).toEqual([
      'courseIds[1] "nope" is not a known course',
      'categories[0] "cooking" is not a known category',
    ]);
    expect(await count(COLLECTIONS.coupons)).toBe(0);
  });

  test('creates a coupon the function then offers and lets a learner claim; an id is used once', async () => {
    const created = await createCoupon(db, { ...valid, id: 'welcome' }, now());
    expect(created).toMatchObject({ ok: true, doc: { _id: 'welcome', kind: 'amount', amountFen: 2000, claimed: 0 } });
    expect(Date.parse((created as { doc: { endsAt: string } }).doc.endsAt) - Date.now()).toBeGreaterThan(
      29 * 86_400_000,
    );
    const offered = await promo('o-cli', { action: 'coupons', courseId: COURSE_ID });
    expect(offered.data.items.map((c: { id: string }) => c.id)).toEqual(['welcome']);
    expect((await promo('o-cli', { action: 'claim', couponId: 'welcome' })).ok).toBe(true);
    expect(messages(await createCoupon(db, { ...valid, id: 'welcome' }, now()))).toEqual([
      'id "welcome" is taken: choose another --id',
    ]);
  });
});

describe('discount', () => {
  test('refuses a price not below the list price and an unknown course', async () => {
    expect(messages(await createDiscount(db, { course: COURSE_ID, priceFen: '9900', days: '7' }, now()))).toEqual([
      'priceFen must be below the list price 9900 (¥99), or it never applies',
    ]);
    expect(messages(await createDiscount(db, { course: 'nope', priceFen: '100', days: '7' }, now()))).toEqual([
      'course "nope" is not a published course',
    ]);
    expect(messages(await createDiscount(db, { priceFen: '50', days: '7' }, now()))).toEqual([
      'course or bundle is required',
      'priceFen must be >= 100',
    ]);
    expect(await count(COLLECTIONS.promotions)).toBe(0);
  });

  test('a limited-time price shows on the card and in the quote', async () => {
    const created = await createDiscount(db, { id: 'spring', course: COURSE_ID, priceFen: '4900', days: '7' }, now());
    expect(created).toMatchObject({ ok: true, doc: { label: '限时特惠', target: { kind: 'course', id: COURSE_ID } } });
    const detail = await world.call('catalog', 'o-cli', { action: 'detail', courseId: COURSE_ID });
    expect(detail.data.course.promotion).toMatchObject({ priceFen: 4900, label: '限时特惠' });
    expect((await promo('o-cli', { action: 'quote', courseId: COURSE_ID })).data.payFen).toBe(4900);
  });
});

describe('bundle', () => {
  test('refuses a 专栏 with a term and unknown courses, naming them', async () => {
    const bad = await saveBundle(
      db,
      { id: 'col', title: '专栏', kind: 'column', termDays: '30', priceFen: '1000', courseIds: 'js-101,nope' },
      now(),
    );
    expect(messages(bad)).toEqual(['termDays is not allowed for a column (a 专栏 is for life)']);
    const unknown = await saveBundle(
      db,
      { id: 'col', title: '专栏', kind: 'column', priceFen: '1000', courseIds: 'js-101,nope' },
      now(),
    );
    expect(messages(unknown)).toEqual(['courseIds[1] "nope" is not a known course']);
    expect(await count(COLLECTIONS.bundles)).toBe(0);
  });

  test('creates a membership (cover from its first course), then updates what is given', async () => {
    const created = await saveBundle(
      db,
      {
        id: 'vip',
        title: '年度会员',
        kind: 'membership',
        termDays: '365',
        priceFen: '29900',
        courseIds: 'js-101,py-101',
      },
      now(),
    );
    expect(created).toMatchObject({ ok: true, created: true, doc: { status: 'published', subtitle: '' } });
    const stored = await getById<BundleDoc>(world.db, COLLECTIONS.bundles, 'vip');
    expect(stored?.cover).toBe('cloud://env.bucket/covers/py-101.png');
    const updated = await saveBundle(db, { id: 'vip', courseIds: 'js-101,py-101,go-101' }, now());
    expect(updated).toMatchObject({ ok: true, created: false, doc: { title: '年度会员', termDays: 365 } });
    expect((await getById<BundleDoc>(world.db, COLLECTIONS.bundles, 'vip'))?.createdAt).toBe(stored?.createdAt);
    const page = await world.call('catalog', 'o-cli', { action: 'bundle', bundleId: 'vip' });
    expect(page.data.bundle).toMatchObject({ kind: 'membership', courseIds: ['js-101', 'py-101', 'go-101'] });
    // Made a 专栏, it drops its term.
    expect(await saveBundle(db, { id: 'vip', kind: 'column' }, now())).toMatchObject({ ok: true });
    expect(await getById<BundleDoc>(world.db, COLLECTIONS.bundles, 'vip')).not.toHaveProperty('termDays');
    await saveBundle(db, { id: 'vip', kind: 'membership', termDays: '365' }, now());
  });
});

describe('codes', () => {
  test('refuses a bad batch, writing nothing', async () => {
    expect(messages(await createCodes(db, { course: 'nope', count: '3' }, now(), {}))).toEqual([
      'course "nope" is not a published course',
    ]);
    expect(messages(await createCodes(db, { course: COURSE_ID, count: '0' }, now(), {}))).toEqual([
      'count must be >= 1',
    ]);
    expect(
      messages(await createCodes(db, { bundle: 'vip', count: '2', expiresAt: '2020-01-01T00:00:00.000Z' }, now(), {})),
    ).toEqual(['expiresAt must be in the future']);
    expect(await count(COLLECTIONS.redeemCodes)).toBe(0);
    expect(await count(COLLECTIONS.redeemBatches)).toBe(0);
  });

  let codes: string[];
  test('stores only keyed hashes and the batch; the printed codes redeem through the function', async () => {
    const result = await createCodes(db, { id: 'acme', course: COURSE_ID, count: '3', note: 'ACME 公司' }, now(), {});
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    codes = result.issued.codes;
    expect(codes).toHaveLength(3);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    // The key this run created is the environment's, which the function reads on its first redeem.
    expect(result.issued.keySource).toBe('stored');
    const secrets = await getById<{ redeemCode: string }>(world.db, COLLECTIONS.settings, SECRETS_DOC_ID);
    const stored = await world.db.collection(COLLECTIONS.redeemCodes).where({ batchId: 'acme' }).get();
    const docs = (stored as unknown as { data: RedeemCodeDoc[] }).data;
    expect(docs.map((d) => d._id).sort()).toEqual(
      codes.map((c) => codeHash(secrets?.redeemCode ?? '', normalizeCode(c) as string)).sort(),
    );
    const text = JSON.stringify(docs);
    for (const code of codes) {
      expect(text).not.toContain(code);
      expect(text).not.toContain(normalizeCode(code) as string);
    }
    expect(await getById(world.db, COLLECTIONS.redeemBatches, 'acme')).toMatchObject({
      target: { kind: 'course', id: COURSE_ID },
      count: 3,
      status: 'active',
      note: 'ACME 公司',
    });
    expect(await promo('o-acme-1', { action: 'redeem', code: codes[0] })).toMatchObject({ ok: true });
    expect(messages(await createCodes(db, { id: 'acme', course: COURSE_ID, count: '1' }, now(), {}))).toEqual([
      'id "acme" is taken: choose another --id',
    ]);
  });

  test('REDEEM_CODE_SECRET, when set in the shell, is the key', async () => {
    const env = { [REDEEM_CODE_SECRET_VARIABLE]: 'a-configured-secret-of-32-bytes!' };
    expect(await cliCodeKey(db, env)).toEqual({ key: env[REDEEM_CODE_SECRET_VARIABLE], source: 'variable' });
  });

  test('usage counts claims and used codes; revoke stops a batch, a coupon and a price', async () => {
    const report = await usageReport(db, now());
    expect(report.coupons).toEqual([expect.objectContaining({ claimed: 1, remaining: 49, held: 0, used: 0 })]);
    expect(report.batches).toEqual([
      expect.objectContaining({ used: 1, batch: expect.objectContaining({ _id: 'acme' }) }),
    ]);
    expect(report.promotions).toEqual([expect.objectContaining({ running: true })]);

    expect(await revoke(db, 'batch', 'acme', now())).toEqual({ ok: true, changed: true });
    expect(await revoke(db, 'batch', 'acme', now())).toEqual({ ok: true, changed: false });
    expect(await promo('o-acme-2', { action: 'redeem', code: codes[1] })).toMatchObject({
      error: { code: 'FAILED_PRECONDITION' },
    });
    await revoke(db, 'coupon', 'welcome', now());
    expect(await promo('o-late', { action: 'claim', couponId: 'welcome' })).toMatchObject({
      error: { details: { reason: 'revoked' } },
    });
    await revoke(db, 'discount', 'spring', now());
    expect((await promo('o-cli', { action: 'quote', courseId: COURSE_ID })).data.payFen).toBe(9900);
    expect(messages(await revoke(db, 'voucher', 'x', now()))).toEqual([
      'kind must be one of coupon, discount, batch, bundle',
    ]);
    expect(messages(await revoke(db, 'coupon', 'nope', now()))).toEqual(['there is no coupon "nope"']);
  });
});

test('virtual-items lists an item for every price a learner can be asked on the virtual rail', async () => {
  await createDiscount(db, { id: 'go-sale', course: 'go-101', priceFen: '4900', days: '7' }, now());
  await createCoupon(
    db,
    { id: 'go-10', title: '立减', kind: 'amount', amountFen: '1000', stock: '5', days: '7', courseIds: 'go-101' },
    now(),
  );
  const { items, prefix } = await virtualItems(db, now());
  expect(prefix).toBe('course_');
  const go = items.filter((i) => i.target.id === 'go-101').map((i) => [i.productId, i.priceFen]);
  expect(go).toEqual([
    ['course_go-101', 9900],
    ['course_go-101_8900', 8900],
    ['course_go-101_4900', 4900],
    ['course_go-101_3900', 3900],
  ]);
  expect(items).toContainEqual(expect.objectContaining({ productId: 'course_bundle_vip', priceFen: 29900 }));
});

test('the command line: a usage error exits 2; codes go to stdout, one a line, the rest to stderr', async () => {
  const run = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/promo.ts', ...args],
      {
        cwd: REPO,
        env: { ...process.env, PORT: String(world.cloud.port) },
      },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  expect((await run('nope')).code).toBe(2);
  expect((await run('coupon', '--color', 'red')).stderr).toContain('未知选项 --color');
  const bad = await run('coupon', '--kind', 'gift', '--title', 'x', '--stock', '1', '--days', '3', '--all');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('kind must be one of amount, percent, threshold');
  const ok = await run('codes', '--bundle', 'vip', '--count', '2');
  expect(ok.code).toBe(0);
  expect(ok.stdout.trim().split('\n')).toHaveLength(2);
  expect(ok.stderr).toContain('兑换码只显示这一次');
  const [code] = ok.stdout.trim().split('\n') as [string];
  expect(await promo('o-shell', { action: 'redeem', code })).toMatchObject({
    ok: true,
    data: { access: { bundleId: 'vip' } },
  });
}, 60_000);
