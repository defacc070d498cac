/**
 * 创作者中心: a creator admin's overview (`creator.overview`, one call a screen): totals, revenue and paid orders by
 * day, week or month, and every course with its status and numbers. An admin of several creators switches between
 * them; a learner who opens the page is refused by the server and sees why.
 */
import type { OverviewPeriod } from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { overviewView, PERIOD_TABS, type OverviewView } from '../view/creator';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export interface Tab {
  key: string;
  label: string;
  active: boolean;
}

export interface CreatorState {
  status: LoadStatus;
  error: string;
  period: OverviewPeriod;
  periods: Tab[];
  /** The creators, when there are several to switch between. */
  creatorTabs: Tab[];
  /** The creator shown; null until loaded. */
  current: OverviewView | null;
  rangeText: string;
}

function periodTabs(period: OverviewPeriod): Tab[] {
  return PERIOD_TABS.map((tab) => ({ key: tab.key, label: tab.label, active: tab.key === period }));
}

export function initialCreator(): CreatorState {
  return {
    status: 'loading',
    error: '',
    period: 'day',
    periods: periodTabs('day'),
    creatorTabs: [],
    current: null,
    rangeText: '',
  };
}

export class CreatorStore extends Store<CreatorState> {
  private creators: OverviewView[] = [];
  private creatorId = '';
  /** An answer for a period the creator has left is dropped. */
  private generation = 0;

  constructor(private readonly deps: { call: typeof call }) {
    super(initialCreator());
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    const { period } = this.state;
    this.update({ status: this.state.current ? this.state.status : 'loading', error: '' });
    try {
      const data = await this.deps.call('creator', { action: 'overview', period });
      if (generation !== this.generation) return;
      this.creators = data.creators.map((creator) => overviewView(creator, period));
      if (!this.creators.some((c) => c.id === this.creatorId)) this.creatorId = this.creators[0]?.id ?? '';
      this.update({ status: 'ready', rangeText: `${data.from} 至 ${data.to}` });
      this.show();
    } catch (error) {
      if (generation === this.generation) this.update({ status: 'error', error: messageOf(error), current: null });
    }
  }

  switchPeriod(period: OverviewPeriod): Promise<void> {
    if (period === this.state.period) return Promise.resolve();
    this.update({ period, periods: periodTabs(period) });
    return this.load();
  }

  switchCreator(id: string): void {
    if (!this.creators.some((c) => c.id === id)) return;
    this.creatorId = id;
    this.show();
  }

  private show(): void {
    const current = this.creators.find((c) => c.id === this.creatorId) ?? null;
    this.update({
      current,
      creatorTabs:
        this.creators.length > 1
          ? this.creators.map((c) => ({ key: c.id, label: c.name, active: c.id === this.creatorId }))
          : [],
    });
  }
}
