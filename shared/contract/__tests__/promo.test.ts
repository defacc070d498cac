/**
 * The `promo` contract: a quote names exactly one of a course and a bundle, and a wrong event is refused before any
 * handler runs, naming the field.
 */
import { Type } from '@sinclair/typebox';
import { exactlyOneOf, handleClientCall, promoActions, validate, type ActionHandlers, type PromoResponses } from '..';

const caller = { openid: 'o-learner-1', requestId: 'req-1' };

function handlers(calls: unknown[]): ActionHandlers<typeof promoActions, PromoResponses> {
  const record = (params: unknown) => {
    calls.push(params);
    throw new Error('not reached in these tests');
  };
  return { quote: record, coupons: record, claim: record, mine: record, redeem: record };
}

describe('exactlyOneOf', () => {
  const Target = Type.Object(
    { a: Type.Optional(Type.String()), b: Type.Optional(Type.String()), c: Type.Optional(Type.String()) },
    { additionalProperties: false, ...exactlyOneOf(['a', 'b', 'c']) },
  );

  it.each([[{ a: 'x' }], [{ b: 'x' }], [{ c: 'x' }]])('takes %j', (value) => {
    expect(validate(Target, value)).toEqual({ ok: true, value });
  });

  it.each([
    [{}, 'a', 'a or b or c is required'],
    [{ a: 'x', c: 'y' }, 'c', 'a and c cannot both be given'],
    // ajv stops at the second branch that passes.
    [{ a: 'x', b: 'y', c: 'z' }, 'b', 'a and b cannot both be given'],
  ])('refuses %j naming %s', (value, path, message) => {
    expect(validate(Target, value)).toEqual({ ok: false, problems: [{ path, message }] });
  });

  it('reports a bad value of the one key given by its own schema, not as missing', () => {
    expect(validate(Target, { a: 1 })).toEqual({ ok: false, problems: [{ path: 'a', message: 'a must be a string' }] });
  });

  it('names nested fields by their path', () => {
    const Outer = Type.Object({ target: Target });
    expect(validate(Outer, { target: {} })).toEqual({
      ok: false,
      problems: [{ path: 'target.a', message: 'a or b or c is required' }],
    });
  });
});

describe('promo events', () => {
  it.each([
    [{ action: 'quote' }, 'courseId or bundleId is required'],
    [{ action: 'quote', couponId: 'c1' }, 'courseId or bundleId is required'],
    [{ action: 'quote', courseId: 'py-101', bundleId: 'vip' }, 'courseId and bundleId cannot both be given'],
    [{ action: 'quote', courseId: 'py 101' }, 'courseId must be an id of 1 to 64 letters, digits, _ or -'],
    [{ action: 'claim' }, 'couponId is required'],
    [{ action: 'mine', status: 'held' }, 'status must be one of usable, used, expired'],
    [{ action: 'redeem', code: '' }, 'code must have at least 1 characters'],
    [{ action: 'redeem', code: 'A'.repeat(41) }, 'code must have at most 40 characters'],
    [{ action: 'coupons', bundleId: 'vip' }, 'bundleId is not allowed'],
  ])('%j is INVALID_ARGUMENT: %s', async (event, message) => {
    const calls: unknown[] = [];
    const result = await handleClientCall(event, caller, promoActions, handlers(calls));
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(result.ok ? '' : result.error.message).toContain(message);
    expect(calls).toEqual([]);
  });

  it.each([
    [{ action: 'quote', courseId: 'py-101' }],
    [{ action: 'quote', bundleId: 'vip-2025', couponId: 'c1' }],
    [{ action: 'coupons' }],
    [{ action: 'mine', status: 'expired' }],
    [{ action: 'redeem', code: 'abcd efgh-jkmn pqrs' }],
  ])('%j reaches its handler with the params alone', async (event) => {
    const calls: unknown[] = [];
    await handleClientCall(event, caller, promoActions, handlers(calls), { logError: () => undefined });
    const { action: _action, ...params } = event;
    expect(calls).toEqual([params]);
  });
});
