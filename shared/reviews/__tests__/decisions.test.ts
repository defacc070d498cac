import { reportDecisionOf } from '../decisions';

const at = '2024-05-03T00:00:00.000Z';

describe('reportDecisionOf', () => {
  test.each([
    ['keep on a hidden review shows it', 'hidden', 'keep', 'visible'],
    ['keep on a visible review leaves it', 'visible', 'keep', 'visible'],
    ['hide on a visible review hides it', 'visible', 'hide', 'hidden'],
    ['hide leaves a pending review pending', 'pending', 'hide', 'pending'],
    ['keep leaves a rejected review rejected', 'rejected', 'keep', 'rejected'],
  ] as const)('%s', (_name, status, decision, after) => {
    expect(reportDecisionOf({ status, reports: { count: 3, hiddenAt: at, decision } }, at)).toEqual({
      status: after,
      reports: { count: 3, hiddenAt: at, decision, decidedAt: at },
    });
  });

  test('reject is a creator rejection', () => {
    expect(reportDecisionOf({ status: 'hidden', reports: { count: 3, decision: 'reject' } }, at)).toEqual({
      status: 'rejected',
      rejectedBy: 'creator',
      reports: { count: 3, decision: 'reject', decidedAt: at },
    });
  });

  test('a status edit means the same: visible after reports hid it is keep, hidden without them is hide', () => {
    expect(reportDecisionOf({ status: 'visible', reports: { count: 3, hiddenAt: at } }, at)).toMatchObject({
      status: 'visible',
      reports: { decision: 'keep', decidedAt: at },
    });
    expect(reportDecisionOf({ status: 'hidden' }, at)).toEqual({
      status: 'hidden',
      reports: { count: 0, decision: 'hide', decidedAt: at },
    });
  });

  test('nothing to apply: decided already, no decision, or one that is not a decision', () => {
    const decided = { count: 5, hiddenAt: at, decision: 'keep' as const, decidedAt: at };
    expect(reportDecisionOf({ status: 'visible', reports: decided }, at)).toBeUndefined();
    expect(reportDecisionOf({ status: 'visible', reports: { count: 2 } }, at)).toBeUndefined();
    expect(reportDecisionOf({ status: 'hidden', reports: { count: 3, hiddenAt: at } }, at)).toBeUndefined();
    const typo = { count: 3, hiddenAt: at, decision: 'kept' } as unknown as { count: number };
    expect(reportDecisionOf({ status: 'hidden', reports: typo }, at)).toBeUndefined();
  });
});
