/** Stores and flows driven directly, without rendering a page: their deps are plain functions. */
import type { call } from '../services/call';
import { CallError } from '../services/call';
import { WxApiError } from '../services/wx-api';
import { Purchase } from '../flows/purchase';
import type { PurchaseDeps } from '../flows/purchase';
import { OrdersStore } from '../stores/orders';
import { order, payment } from './helpers/fixtures';

type Answer = (request: Record<string, unknown>) => unknown;

/** A `call` answering `name.action` from `answers`; an unknown action fails as the server would. */
function fakeCall(answers: Record<string, Answer>): jest.Mock & typeof call {
  return jest.fn(async (name: string, request: Record<string, unknown>) => {
    const answer = answers[`${name}.${String(request.action)}`];
    if (!answer) throw new CallError('INTERNAL', `no answer for ${name}.${String(request.action)}`);
    return answer(request);
  }) as unknown as jest.Mock & typeof call;
}

function purchaseDeps(answers: Record<string, Answer>, patch: Partial<PurchaseDeps> = {}): PurchaseDeps {
  return {
    call: fakeCall(answers),
    platform: () => 'android',
    login: async () => 'code',
    requestPayment: jest.fn(async () => ({})),
    requestVirtualPayment: jest.fn(async () => ({})),
    sleep: async () => undefined,
    pollDelaysMs: [0, 0, 0],
    ...patch,
  };
}

describe('Purchase', () => {
  it('pays through the sheet and is paid only when order.get says so', async () => {
    let polls = 0;
    const deps = purchaseDeps({
      'order.create': () => ({ order: order('o1'), payment }),
      // The first poll finds the order still pending (the notice has not arrived yet).
      'order.get': () => ({ order: order('o1', { status: polls++ === 0 ? 'pending' : 'paid' }) }),
    });
    const purchase = new Purchase(deps);
    expect(await purchase.buy('py')).toBe('paid');
    expect(deps.requestPayment).toHaveBeenCalledWith(payment);
    expect(polls).toBe(2);
    expect(purchase.state).toMatchObject({ phase: 'paid', orderId: 'o1', busy: false, retryable: false });
  });

  it('leaves a cancelled sheet’s order payable, and says so', async () => {
    const deps = purchaseDeps(
      { 'order.create': () => ({ order: order('o1'), payment }) },
      { requestPayment: async () => Promise.reject(new WxApiError('requestPayment:fail cancel')) },
    );
    const purchase = new Purchase(deps);
    expect(await purchase.buy('py')).toBe('cancelled');
    expect(purchase.state).toMatchObject({ orderId: 'o1', busy: false, retryable: true });
  });

  it('on iOS, without the virtual rail, explains the rule instead of paying', async () => {
    const deps = purchaseDeps(
      {
        'order.create': () => {
          throw new CallError('FAILED_PRECONDITION', '未开通虚拟支付');
        },
      },
      { platform: () => 'ios' },
    );
    const purchase = new Purchase(deps);
    expect(await purchase.buy('py')).toBe('ios-blocked');
    expect((deps.call as jest.Mock).mock.calls[0]?.[1]).toMatchObject({ action: 'create', rail: 'virtual' });
    expect(deps.requestPayment).not.toHaveBeenCalled();
  });
});

describe('OrdersStore', () => {
  const list = () => ({
    items: [order('o1', { status: 'paid' })],
    total: 1,
    policy: { refundDays: 7, maxProgressPercent: 20 },
  });

  it('asks for a reason before calling the server, then shows the order refunding', async () => {
    const deps = {
      call: fakeCall({ 'order.list': list, 'order.refund': () => ({ order: order('o1', { status: 'refunding' }) }) }),
    };
    const store = new OrdersStore(deps);
    await store.load();
    store.openRefund('o1');
    expect(await store.submitRefund()).toBe(false);
    expect(store.state.refundError).toBe('请填写退款原因');
    store.setReason(' 买错了 ');
    expect(await store.submitRefund()).toBe(true);
    expect(deps.call.mock.calls[1]?.[1]).toEqual({ action: 'refund', orderId: 'o1', reason: '买错了' });
    expect(store.state).toMatchObject({ refundingId: '', submitting: false });
    expect(store.state.items[0]?.status).toBe('refunding');
  });

  it('shows the server’s refusal and the policy it was refused under', async () => {
    const store = new OrdersStore({
      call: fakeCall({
        'order.list': list,
        'order.refund': () => {
          throw new CallError('FAILED_PRECONDITION', '已超过支付后 5 天的退款期限', {
            policy: { refundDays: 5, maxProgressPercent: 30 },
          });
        },
      }),
    });
    await store.load();
    store.openRefund('o1');
    store.setReason('买错了');
    expect(await store.submitRefund()).toBe(false);
    expect(store.state.refundError).toBe('已超过支付后 5 天的退款期限');
    expect(store.state.policy).toContain('支付后 5 天内');
    expect(store.state.refundingId).toBe('o1');
  });
});
