/** Stores and flows driven directly, without rendering a page: their deps are plain functions. */
import type { call } from '../services/call';
import { CallError } from '../services/call';
import { WxApiError } from '../services/wx-api';
import { Checkout } from '../flows/checkout';
import { Purchase } from '../flows/purchase';
import type { PurchaseDeps } from '../flows/purchase';
import { OrdersStore } from '../stores/orders';
import { myCoupon, order, payment, quote } from './helpers/fixtures';

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
    expect(await purchase.buy({ courseId: 'py' })).toBe('paid');
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
    expect(await purchase.buy({ courseId: 'py' })).toBe('cancelled');
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
    expect(await purchase.buy({ courseId: 'py' })).toBe('ios-blocked');
    expect((deps.call as jest.Mock).mock.calls[0]?.[1]).toMatchObject({ action: 'create', rail: 'virtual' });
    expect(deps.requestPayment).not.toHaveBeenCalled();
  });
});

describe('Purchase of a bundle', () => {
  it('orders the bundle with the coupon and says it is open once paid', async () => {
    const deps = purchaseDeps({
      'order.create': () => ({ order: order('o1', { courseId: undefined, bundleId: 'vip' }), payment }),
      'order.get': () => ({ order: order('o1', { status: 'paid' }) }),
    });
    const purchase = new Purchase(deps);
    expect(await purchase.buy({ bundleId: 'vip' }, 'c1')).toBe('paid');
    const [, request] = (deps.call as jest.Mock).mock.calls[0] as [string, Record<string, unknown>];
    expect(request).toMatchObject({ action: 'create', bundleId: 'vip', couponId: 'c1' });
    expect(request).not.toHaveProperty('courseId');
    expect(purchase.state.message).toBe('购买成功，已开通');
  });
});

describe('Checkout', () => {
  /** A `call` whose quotes wait until `release` is called with the answer. */
  function heldQuotes() {
    const waiting: ((answer: unknown) => void)[] = [];
    const call = jest.fn(
      (_name: string, _request: Record<string, unknown>) => new Promise((resolve) => waiting.push(resolve)),
    ) as unknown as jest.Mock & typeof import('../services/call').call;
    return { call, release: (i: number, answer: unknown) => waiting[i]?.(answer) };
  }

  it('drops an answer to an older quote: the last coupon chosen is the bill', async () => {
    const { call, release } = heldQuotes();
    const checkout = new Checkout({ call });
    const coupons = [myCoupon('m1', 'a'), myCoupon('m2', 'b')];
    const opened = checkout.open({ courseId: 'py' }, { couponId: '' });
    release(0, quote(9900, [], coupons));
    await opened;
    const first = checkout.choose('a');
    const second = checkout.choose('b');
    release(2, quote(9900, [{ kind: 'coupon', id: 'b', label: 'b', amountFen: 500 }], coupons));
    release(1, quote(9900, [{ kind: 'coupon', id: 'a', label: 'a', amountFen: 2000 }], coupons));
    await Promise.all([first, second]);
    expect(checkout.state).toMatchObject({ couponId: 'b', pay: '¥94', quoting: false });
    expect(checkout.payFen).toBe(9400);
  });

  it('is not confirmable while a quote is on its way, nor after it is closed', async () => {
    const { call, release } = heldQuotes();
    const checkout = new Checkout({ call });
    const opened = checkout.open({ bundleId: 'vip' }, { couponId: '' });
    expect(checkout.confirmable).toBe(false);
    expect(call.mock.calls[0]?.[1]).toEqual({ action: 'quote', bundleId: 'vip' });
    release(0, quote(39900));
    await opened;
    expect(checkout.confirmable).toBe(true);
    checkout.close();
    expect(checkout.confirmable).toBe(false);
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
