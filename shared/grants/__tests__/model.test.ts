import {
  accessOf,
  courseGrantId,
  grantId,
  isActive,
  longestGrant,
  payingGrant,
  termsEnd,
  type GrantDoc,
} from '../model';
import { grantOfEnrollment } from '../migrate';

const NOW = new Date('2026-06-01T00:00:00.000Z');

function grant(overrides: Partial<GrantDoc>): GrantDoc {
  return {
    _id: 'g',
    _openid: 'o-ann',
    via: 'purchase',
    target: 'course:c1',
    courseId: 'c1',
    status: 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('grant ids', () => {
  test("a learner's own grant of a course keeps the id of the enrollment it replaces", () => {
    // sha256("o-ann\0c1"), the enrollmentId of the code before grants.
    expect(courseGrantId('o-ann', 'c1')).toBe('cbc934b04588cfd14bf2bd78303b0d8b');
    expect(grantId('o-ann', 'purchase', { kind: 'course', id: 'c1' })).toBe(courseGrantId('o-ann', 'c1'));
    expect(grantId('o-ann', 'free', { kind: 'course', id: 'c1' })).toBe(courseGrantId('o-ann', 'c1'));
  });

  test('every other source and target has its own id', () => {
    const ids = [
      courseGrantId('o-ann', 'c1'),
      grantId('o-ann', 'redeem', { kind: 'course', id: 'c1' }),
      grantId('o-ann', 'bundle', { kind: 'bundle', id: 'c1' }),
      grantId('o-ann', 'redeem', { kind: 'bundle', id: 'c1' }),
      grantId('o-bob', 'bundle', { kind: 'bundle', id: 'c1' }),
      grantId('o-ann', 'org', { kind: 'course', id: 'c1' }),
      grantId('o-ann', 'free', { kind: 'bundle', id: 'c1' }),
      grantId('o-ann', 'purchase', { kind: 'bundle', id: 'c1' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('isActive', () => {
  test('for life while not revoked; a term until its end, exclusive', () => {
    expect(isActive(grant({}), NOW)).toBe(true);
    expect(isActive(grant({ status: 'revoked' }), NOW)).toBe(false);
    expect(isActive(grant({ until: '2026-06-01T00:00:00.001Z' }), NOW)).toBe(true);
    expect(isActive(grant({ until: '2026-06-01T00:00:00.000Z' }), NOW)).toBe(false);
    expect(isActive(grant({ until: '2027-01-01T00:00:00.000Z', status: 'revoked' }), NOW)).toBe(false);
  });
});

describe('termsEnd', () => {
  const term = (paidAt: string, days: number) => ({ orderId: paidAt, days, paidAt });

  test('one term: days from the payment', () => {
    expect(termsEnd([term('2026-01-01T08:00:00.000Z', 365)])).toBe('2027-01-01T08:00:00.000Z');
  });

  test('buying again before the end extends from the end', () => {
    const terms = [term('2026-01-01T00:00:00.000Z', 30), term('2026-01-20T00:00:00.000Z', 30)];
    expect(termsEnd(terms)).toBe('2026-03-02T00:00:00.000Z');
  });

  test('buying again after a lapse starts from the payment', () => {
    const terms = [term('2026-01-01T00:00:00.000Z', 10), term('2026-03-01T00:00:00.000Z', 10)];
    expect(termsEnd(terms)).toBe('2026-03-11T00:00:00.000Z');
  });

  test('the terms are folded in payment order whatever order they are stored in', () => {
    const a = term('2026-01-01T00:00:00.000Z', 30);
    const b = term('2026-01-20T00:00:00.000Z', 30);
    expect(termsEnd([b, a])).toBe(termsEnd([a, b]));
  });

  test('a refunded term taken out shortens the end by exactly that term', () => {
    const a = term('2026-01-01T00:00:00.000Z', 30);
    const b = term('2026-01-20T00:00:00.000Z', 30);
    expect(termsEnd([a])).toBe('2026-01-31T00:00:00.000Z');
    expect(termsEnd([b])).toBe('2026-02-19T00:00:00.000Z');
  });
});

describe('longestGrant and accessOf', () => {
  test('for life beats any date; a later date beats an earlier one; expired and revoked ones do not count', () => {
    const membership = grant({ _id: 'm', via: 'bundle', until: '2026-12-01T00:00:00.000Z' });
    const shorter = grant({ _id: 's', via: 'org', until: '2026-07-01T00:00:00.000Z' });
    const bought = grant({ _id: 'b' });
    const expired = grant({ _id: 'x', via: 'redeem', until: '2026-05-01T00:00:00.000Z' });
    expect(longestGrant([shorter, membership], NOW)?._id).toBe('m');
    expect(longestGrant([membership, bought], NOW)?._id).toBe('b');
    expect(longestGrant([expired], NOW)).toBeUndefined();
    expect(longestGrant([grant({ status: 'revoked' })], NOW)).toBeUndefined();
  });

  test('the longer grant wins whatever its source', () => {
    const lateBundle = grant({ _id: 'l', via: 'bundle', until: '2026-12-01T00:00:00.000Z' });
    const earlyRedeem = grant({ _id: 'e', via: 'redeem', until: '2026-07-01T00:00:00.000Z' });
    const orgForLife = grant({ _id: 'o', via: 'org' });
    expect(longestGrant([earlyRedeem, lateBundle], NOW)?._id).toBe('l');
    expect(longestGrant([lateBundle, orgForLife], NOW)?._id).toBe('o');
    expect(longestGrant([orgForLife, lateBundle], NOW)?._id).toBe('o');
  });

  test('among equally long grants the learner sees their own purchase first', () => {
    const column = grant({ _id: 'a', via: 'bundle' });
    const redeemed = grant({ _id: 'b', via: 'redeem' });
    const bought = grant({ _id: 'c', via: 'purchase' });
    expect(longestGrant([column, redeemed, bought], NOW)?.via).toBe('purchase');
    expect(longestGrant([column, redeemed], NOW)?.via).toBe('redeem');
  });

  test('accessOf answers the source and, for a term, its end', () => {
    expect(accessOf(grant({}))).toStrictEqual({ via: 'purchase' });
    expect(accessOf(grant({ via: 'bundle', until: '2026-12-01T00:00:00.000Z' }))).toEqual({
      via: 'bundle',
      until: '2026-12-01T00:00:00.000Z',
    });
  });
});

describe('payingGrant', () => {
  test("the learner's own purchase of the course first, then a paid bundle; never a free, redeemed or org grant", () => {
    const bought = grant({ _id: 'p', orderId: 'o1' });
    const bundle = grant({ _id: 'b', via: 'bundle', courseId: undefined, bundleId: 'm', orderId: 'o2' });
    const free = grant({ _id: 'f', via: 'free', orderId: 'o3' });
    const redeemed = grant({ _id: 'r', via: 'redeem' });
    expect(payingGrant([bundle, bought], NOW)?._id).toBe('p');
    expect(payingGrant([bundle, free, redeemed], NOW)?._id).toBe('b');
    expect(payingGrant([free, redeemed], NOW)).toBeUndefined();
    expect(payingGrant([grant({ _id: 'p', orderId: 'o1', status: 'revoked' }), bundle], NOW)?._id).toBe('b');
  });

  test('a grant no order paid is never paying, and of two paid bundles the longer-lived one is', () => {
    expect(payingGrant([grant({ _id: 'p' })], NOW)).toBeUndefined();
    const bundle = { via: 'bundle' as const, courseId: undefined };
    const short = grant({ ...bundle, _id: 's', bundleId: 'm1', orderId: 'o1', until: '2026-07-01T00:00:00.000Z' });
    const long = grant({ ...bundle, _id: 'l', bundleId: 'm2', orderId: 'o2', until: '2026-12-01T00:00:00.000Z' });
    expect(payingGrant([short, long], NOW)?._id).toBe('l');
  });
});

describe('grantOfEnrollment', () => {
  test('a paid enrollment becomes a purchase grant under the same id, keeping order, status and times', () => {
    expect(
      grantOfEnrollment({
        _id: 'e1',
        _openid: 'o-ann',
        courseId: 'c1',
        source: 'paid',
        orderId: 'ord-1',
        status: 'revoked',
        createdAt: '2026-01-01T00:00:00.000Z',
        revokedAt: '2026-01-02T00:00:00.000Z',
      }),
    ).toEqual({
      _id: 'e1',
      _openid: 'o-ann',
      via: 'purchase',
      target: 'course:c1',
      courseId: 'c1',
      orderId: 'ord-1',
      status: 'revoked',
      createdAt: '2026-01-01T00:00:00.000Z',
      revokedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  test('a free one becomes a free grant', () => {
    const doc = { _id: 'e2', _openid: 'o', courseId: 'c', source: 'free' as const, status: 'active' as const };
    // Strict: an enrollment without an order or a revocation gets no such keys, not keys set to undefined.
    expect(grantOfEnrollment({ ...doc, createdAt: '2026-01-01T00:00:00.000Z' })).toStrictEqual({
      _id: 'e2',
      _openid: 'o',
      via: 'free',
      target: 'course:c',
      courseId: 'c',
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
