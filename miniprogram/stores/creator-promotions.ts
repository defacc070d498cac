/**
 * 优惠管理 of one course in the creator center: its coupons, limited-time prices and batches of redemption codes with
 * their usage (`creator.promotions`), a new one of each (`creator.createPromotion`: the rules of `npm run promo`), and
 * pause, resume or revoke (`creator.updatePromotionStatus`; revoking is final, so it is confirmed first). The codes of
 * a new batch are shown once, to copy: only their hashes are stored.
 */
import type {
  CouponKind,
  CreatePromotionParams,
  CreatorCodeBatchView,
  CreatorCouponView,
  CreatorDiscountView,
  PromotionKind,
  PromotionStatus,
} from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { dateTimeText, priceText } from '../view/format';
import type { LoadStatus } from '../core/store';
import { ActionStore } from '../core/action-store';

const DAY_MS = 86_400_000;

export const STATUS_TEXT: Record<PromotionStatus, string> = { active: '进行中', paused: '已暂停', revoked: '已撤销' };

export interface PromotionItemView {
  kind: PromotionKind;
  id: string;
  title: string;
  detail: string;
  usage: string;
  status: PromotionStatus;
  statusText: string;
  /** The toggle's label: 暂停 or 恢复; '' once revoked. */
  toggleText: string;
}

function actions(status: PromotionStatus): Pick<PromotionItemView, 'status' | 'statusText' | 'toggleText'> {
  return {
    status,
    statusText: STATUS_TEXT[status],
    toggleText: status === 'active' ? '暂停' : status === 'paused' ? '恢复' : '',
  };
}

const windowText = (startsAt: string, endsAt: string) => `${dateTimeText(startsAt)} 至 ${dateTimeText(endsAt)}`;

export function couponItem(coupon: CreatorCouponView): PromotionItemView {
  return {
    kind: 'coupon',
    id: coupon.id,
    title: `${coupon.title}（${coupon.label}）`,
    detail: windowText(coupon.startsAt, coupon.endsAt),
    usage: `已领 ${coupon.claimed} / ${coupon.stock} · 已用 ${coupon.used} · 待支付占用 ${coupon.held} · 每人限 ${coupon.perLearner} 张`,
    ...actions(coupon.status),
  };
}

export function discountItem(discount: CreatorDiscountView): PromotionItemView {
  return {
    kind: 'discount',
    id: discount.id,
    title: `${discount.label} ${priceText(discount.priceFen)}`,
    detail: windowText(discount.startsAt, discount.endsAt),
    usage: discount.running ? '学员现在按这个价格购买' : '不在进行中',
    ...actions(discount.status),
  };
}

/** A batch past its `expiresAt` redeems nothing whatever its status: shown as 已过期, with nothing to pause. */
export function batchItem(batch: CreatorCodeBatchView, now: Date): PromotionItemView {
  const expired = batch.expiresAt !== undefined && Date.parse(batch.expiresAt) <= now.getTime();
  return {
    kind: 'codes',
    id: batch.id,
    title: `兑换码 ${batch.count} 个${batch.note ? `（${batch.note}）` : ''}`,
    detail: batch.expiresAt ? `有效期至 ${dateTimeText(batch.expiresAt)}` : '长期有效',
    usage: `已兑换 ${batch.used} / ${batch.count}`,
    ...actions(batch.status),
    ...(expired && batch.status !== 'revoked' ? { statusText: '已过期', toggleText: '' } : {}),
  };
}

/** What the form holds, as typed (yuan, days, counts as text). */
export interface PromotionForm {
  kind: PromotionKind;
  couponKind: CouponKind;
  title: string;
  /** Yuan. */
  amount: string;
  percentOff: string;
  threshold: string;
  stock: string;
  price: string;
  label: string;
  days: string;
  count: string;
  note: string;
}

export function emptyForm(): PromotionForm {
  return {
    kind: 'coupon',
    couponKind: 'amount',
    title: '',
    amount: '',
    percentOff: '',
    threshold: '',
    stock: '100',
    price: '',
    label: '限时特惠',
    days: '7',
    count: '50',
    note: '',
  };
}

/** `49.9` yuan → 4990 fen; a number the server will refuse naming the field when it is not one. */
function fen(yuan: string): number {
  return Math.round(Number(yuan) * 100);
}

/** The `creator.createPromotion` request the form makes, for one course, from `now`. */
export function promotionRequest(form: PromotionForm, courseId: string, now: Date): CreatePromotionParams {
  const endsAt = new Date(now.getTime() + Number(form.days) * DAY_MS).toISOString();
  const target = { kind: 'course' as const, id: courseId };
  if (form.kind === 'discount') {
    return {
      kind: 'discount',
      discount: { target, priceFen: fen(form.price), label: form.label || '限时特惠', endsAt },
    };
  }
  if (form.kind === 'codes') {
    return { kind: 'codes', codes: { target, count: Number(form.count), ...(form.note ? { note: form.note } : {}) } };
  }
  const terms =
    form.couponKind === 'percent'
      ? { percentOff: Number(form.percentOff) }
      : form.couponKind === 'threshold'
        ? { amountFen: fen(form.amount), thresholdFen: fen(form.threshold) }
        : { amountFen: fen(form.amount) };
  return {
    kind: 'coupon',
    coupon: {
      title: form.title,
      kind: form.couponKind,
      ...terms,
      stock: Number(form.stock),
      appliesTo: { courseIds: [courseId] },
      endsAt,
    },
  };
}

/** One kind's list: 优惠券, 限时价, 兑换码. */
export interface PromotionGroup {
  kind: PromotionKind;
  title: string;
  empty: string;
  items: PromotionItemView[];
}

const GROUPS: readonly Omit<PromotionGroup, 'items'>[] = [
  { kind: 'coupon', title: '优惠券', empty: '还没有优惠券' },
  { kind: 'discount', title: '限时价', empty: '还没有限时价' },
  { kind: 'codes', title: '兑换码', empty: '还没有兑换码' },
];

export interface CreatorPromotionsState {
  status: LoadStatus;
  error: string;
  courseId: string;
  courseTitle: string;
  groups: PromotionGroup[];
  form: PromotionForm;
  /** The codes of the batch just made, shown this once. */
  newCodes: string[];
  busy: boolean;
}

export interface CreatorPromotionsDeps {
  call: typeof call;
  confirm(title: string, content: string): Promise<boolean>;
  toast(text: string): void;
  now(): Date;
}

export function initialCreatorPromotions(courseId: string, courseTitle: string): CreatorPromotionsState {
  return {
    status: 'loading',
    error: '',
    courseId,
    courseTitle,
    groups: GROUPS.map((group) => ({ ...group, items: [] })),
    form: emptyForm(),
    newCodes: [],
    busy: false,
  };
}

export class CreatorPromotionsStore extends ActionStore<CreatorPromotionsState> {
  constructor(
    courseId: string,
    courseTitle: string,
    private readonly deps: CreatorPromotionsDeps,
  ) {
    super(initialCreatorPromotions(courseId, courseTitle));
  }

  async load(): Promise<void> {
    try {
      const data = await this.deps.call('creator', { action: 'promotions', courseId: this.state.courseId });
      const items: Record<PromotionKind, PromotionItemView[]> = {
        coupon: data.coupons.map(couponItem),
        discount: data.discounts.map(discountItem),
        codes: data.batches.map((batch) => batchItem(batch, this.deps.now())),
      };
      this.update({
        status: 'ready',
        error: '',
        groups: GROUPS.map((group) => ({ ...group, items: items[group.kind] })),
      });
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  edit(patch: Partial<PromotionForm>): void {
    this.update({ form: { ...this.state.form, ...patch } });
  }

  async create(): Promise<void> {
    if (this.state.busy) return;
    const request = promotionRequest(this.state.form, this.state.courseId, this.deps.now());
    await this.act(async () => {
      const made = await this.deps.call('creator', { action: 'createPromotion', ...request });
      this.update({ form: { ...emptyForm(), kind: this.state.form.kind }, newCodes: made.codes ?? [] });
      this.deps.toast(made.codes ? `已生成 ${made.codes.length} 个兑换码` : '已创建');
    }, this.deps.toast);
  }

  /** 暂停 ↔ 恢复. */
  async toggle(kind: PromotionKind, id: string): Promise<void> {
    const item = this.itemOf(kind, id);
    if (!item || item.status === 'revoked') return;
    await this.setStatus(kind, id, item.status === 'active' ? 'paused' : 'active');
  }

  /** 撤销, after the confirmation: it cannot be undone. */
  async revoke(kind: PromotionKind, id: string): Promise<void> {
    const item = this.itemOf(kind, id);
    if (!item || item.status === 'revoked') return;
    const content =
      kind === 'codes'
        ? '未兑换的码将无法再兑换，已兑换的学员不受影响。撤销后不能恢复。'
        : '学员将不能再领取或使用，撤销后不能恢复。';
    if (!(await this.deps.confirm(`撤销「${item.title}」？`, content))) return;
    await this.setStatus(kind, id, 'revoked');
  }

  private itemOf(kind: PromotionKind, id: string): PromotionItemView | undefined {
    return this.state.groups.find((group) => group.kind === kind)?.items.find((item) => item.id === id);
  }

  private async setStatus(kind: PromotionKind, id: string, status: PromotionStatus): Promise<void> {
    await this.act(async () => {
      await this.deps.call('creator', { action: 'updatePromotionStatus', kind, id, status });
      this.deps.toast(STATUS_TEXT[status]);
    }, this.deps.toast);
  }
}
