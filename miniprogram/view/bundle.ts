/** What a list and the bundle page show of a membership or 专栏. Pure. */
import type { Access, Bundle, BundleKind, PromotionBrief } from '../../shared/contract';
import { dateText } from './access';

export interface BundleView {
  id: string;
  title: string;
  subtitle: string;
  cover: string;
  kind: BundleKind;
  /** `会员 365 天` or `专栏 永久`. */
  kindText: string;
  /** `5 门课程` */
  courses: string;
  /** The list price and a running promotion, as `price-tag` shows them. */
  priceFen: number;
  promotion: PromotionBrief | null;
}

export function kindText(bundle: Pick<Bundle, 'kind' | 'termDays'>): string {
  if (bundle.kind === 'column') return '专栏 永久';
  return bundle.termDays ? `会员 ${bundle.termDays} 天` : '会员';
}

export function bundleView(bundle: Bundle): BundleView {
  return {
    id: bundle.id,
    title: bundle.title,
    subtitle: bundle.subtitle,
    cover: bundle.cover,
    kind: bundle.kind,
    kindText: kindText(bundle),
    courses: `${bundle.courseCount} 门课程`,
    priceFen: bundle.priceFen,
    promotion: bundle.promotion ?? null,
  };
}

/** `已开通 · 有效期至 2025-05-01` or `已开通 · 永久有效`. */
export function ownedText(access: Access): string {
  return `已开通 · ${access.until ? `有效期至 ${dateText(access.until)}` : '永久有效'}`;
}

/** A membership bought again runs on from its current end; '' for a 专栏 or without access. */
export function renewText(bundle: Pick<Bundle, 'kind' | 'termDays'>, access: Access | undefined): string {
  if (bundle.kind !== 'membership' || !access?.until) return '';
  const days = bundle.termDays ? ` ${bundle.termDays} 天` : '';
  return `再次购买可续期：有效期从 ${dateText(access.until)} 起顺延${days}。`;
}
