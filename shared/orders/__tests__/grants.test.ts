/**
 * Which payment gave a grant, and when a payment would duplicate one (../grants.ts): the rules `activate` and the
 * settlement's duplicate refund rest on, pure.
 */
import type { GrantDoc } from '../../grants';
import type { OrderDoc } from '../model';
import { duplicates, paidBy } from '../grants';

const grant = (fields: Partial<GrantDoc>): GrantDoc => ({
  _id: 'g',
  _openid: 'o',
  via: 'purchase',
  target: 'course:c1',
  courseId: 'c1',
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});
const term = (orderId: string) => ({ orderId, days: 30, paidAt: '2026-01-01T00:00:00.000Z' });

describe('paidBy', () => {
  it('is the order that paid a course grant', () => {
    expect(paidBy(grant({ orderId: 'o1' }), 'o1')).toBe(true);
    expect(paidBy(grant({ orderId: 'o1' }), 'o2')).toBe(false);
  });

  it('is any order that paid a term of a membership, not only the latest', () => {
    const membership = grant({ via: 'bundle', orderId: 'o2', terms: [term('o1'), term('o2')] });
    expect(paidBy(membership, 'o1')).toBe(true);
    expect(paidBy(membership, 'o2')).toBe(true);
    expect(paidBy(membership, 'o3')).toBe(false);
  });

  it('no grant was paid by anything', () => {
    expect(paidBy(null, 'o1')).toBe(false);
  });
});

describe('duplicates', () => {
  const course = { _id: 'o2' } as OrderDoc;
  const membership = { _id: 'o2', bundle: { kind: 'membership', termDays: 30 } } as unknown as OrderDoc;

  it('a second payment for a course held for life duplicates it', () => {
    expect(duplicates(course, grant({ orderId: 'o1' }))).toBe(true);
  });

  it('the payment that gave the grant, a grant revoked and no grant at all are no duplicate', () => {
    expect(duplicates(course, grant({ orderId: 'o2' }))).toBe(false);
    expect(duplicates(course, grant({ orderId: 'o1', status: 'revoked' }))).toBe(false);
    expect(duplicates(course, null)).toBe(false);
  });

  it('paying a membership again extends it: never a duplicate', () => {
    expect(duplicates(membership, grant({ via: 'bundle', orderId: 'o1', terms: [term('o1')] }))).toBe(false);
  });
});
