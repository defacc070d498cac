/** Typed routes: every page and the query it reads. */

export interface Routes {
  home: Record<string, never>;
  list: { category?: string; tag?: string; keyword?: string };
  detail: { courseId: string };
  lesson: { courseId: string; lessonId: string };
  'my-courses': Record<string, never>;
  orders: Record<string, never>;
  review: { courseId: string; title?: string };
  me: Record<string, never>;
  /** 领券: the coupons the learner may claim now, for one course or all. */
  coupons: { courseId?: string };
  'my-coupons': Record<string, never>;
  redeem: Record<string, never>;
  bundles: Record<string, never>;
  bundle: { bundleId: string };
  /** 创作者中心, for creator admins (the 我的 page shows the entry only to them). */
  creator: Record<string, never>;
  'creator-course': { courseId: string };
  'creator-reviews': Record<string, never>;
  /** The course's coupons, limited-time prices and redemption codes; `title` for the heading. */
  'creator-promotions': { courseId: string; title?: string };
}

export type RouteName = keyof Routes;

/** The pages of the tab bar; they are reached with `wx.switchTab`, which takes no query. */
const TABS: ReadonlySet<RouteName> = new Set<RouteName>(['home', 'my-courses', 'me']);

export function urlOf<R extends RouteName>(name: R, query?: Routes[R]): string {
  const pairs = Object.entries(query ?? {})
    .filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  return `/pages/${name}/index${pairs.length ? `?${pairs.join('&')}` : ''}`;
}

export function navigate<R extends RouteName>(name: R, query?: Routes[R]): void {
  if (TABS.has(name)) wx.switchTab({ url: urlOf(name) });
  else wx.navigateTo({ url: urlOf(name, query) });
}

/** Replaces the current page (e.g. the lesson page moving to the next lesson). */
export function redirect<R extends RouteName>(name: R, query?: Routes[R]): void {
  wx.redirectTo({ url: urlOf(name, query) });
}

/** Page options arrive URL-encoded on some base library versions; this reads one safely. */
export function queryParam(query: Record<string, string | undefined> | undefined, key: string): string {
  const value = query?.[key];
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
