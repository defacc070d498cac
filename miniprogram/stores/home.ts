/** 首页: continue learning, 为你推荐 (with its reason), categories, popular and new courses. */
import type { CategoryItem } from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { cardView, type CardView } from '../view/format';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export interface ContinueView {
  courseId: string;
  lessonId: string;
  title: string;
  cover: string;
  percent: number;
}

export interface RecommendView {
  /** The course's id: the list's `wx:key`, a field of the item itself. */
  id: string;
  course: CardView;
  reason: string;
}

export interface HomeState {
  status: LoadStatus;
  error: string;
  continueItem: ContinueView | null;
  recommended: RecommendView[];
  categories: CategoryItem[];
  popular: CardView[];
  newest: CardView[];
}

export interface HomeDeps {
  call: typeof call;
}

export function initialHome(): HomeState {
  return { status: 'loading', error: '', continueItem: null, recommended: [], categories: [], popular: [], newest: [] };
}

export class HomeStore extends Store<HomeState> {
  constructor(private readonly deps: HomeDeps) {
    super(initialHome());
  }

  async load(): Promise<void> {
    if (this.state.status !== 'ready') this.update({ status: 'loading', error: '' });
    const { call } = this.deps;
    try {
      // The catalog is the page; personal parts are extras that must not take it down.
      const [categories, popular, newest, mine, forMe] = await Promise.all([
        call('catalog', { action: 'categories' }),
        call('catalog', { action: 'list', sort: 'popular', pageSize: 6 }),
        call('catalog', { action: 'list', sort: 'newest', pageSize: 4 }),
        call('learning', { action: 'myCourses' }).catch(() => ({ items: [] })),
        call('recommend', { action: 'forMe', limit: 6 }).catch(() => ({ items: [], modelVersion: 'cold-start' })),
      ]);
      const latest = mine.items[0];
      // A new learner's list starts from the interests picked on 我的 (kept on the server).
      const recommended: RecommendView[] = forMe.items.map((item) => ({
        id: item.course.id,
        course: cardView(item.course),
        reason: item.reason,
      }));
      this.update({
        status: popular.items.length === 0 && categories.items.length === 0 ? 'empty' : 'ready',
        continueItem:
          latest && latest.lastLessonId
            ? {
                courseId: latest.course.id,
                lessonId: latest.lastLessonId,
                title: latest.course.title,
                cover: latest.course.cover,
                percent: latest.percent,
              }
            : null,
        recommended,
        categories: categories.items,
        popular: popular.items.map(cardView),
        newest: newest.items.map(cardView),
      });
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }
}
