/** 我的: the privacy agreement state and the learner's interests (categories for a new learner's recommendations). */
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import type { LoadStatus } from './store';
import { Store } from './store';

export interface InterestView {
  id: string;
  name: string;
  on: boolean;
}

export interface MeState {
  status: LoadStatus;
  error: string;
  /** WeChat still needs the learner's agreement to the privacy guide. */
  needPrivacy: boolean;
  privacyName: string;
  interests: InterestView[];
  saved: boolean;
}

export interface MeDeps {
  call: typeof call;
  privacySetting(): Promise<{ needAuthorization: boolean; privacyContractName: string }>;
  loadInterests(): string[];
  saveInterests(ids: string[]): void;
}

export function initialMe(): MeState {
  return {
    status: 'loading',
    error: '',
    needPrivacy: false,
    privacyName: '《用户隐私保护指引》',
    interests: [],
    saved: false,
  };
}

export class MeStore extends Store<MeState> {
  constructor(private readonly deps: MeDeps) {
    super(initialMe());
  }

  async load(): Promise<void> {
    this.update({ status: 'loading', error: '' });
    await this.refreshPrivacy();
    try {
      const { items } = await this.deps.call('catalog', { action: 'categories' });
      const chosen = new Set(this.deps.loadInterests());
      this.update({
        status: 'ready',
        interests: items.map((c) => ({ id: c.id, name: c.name, on: chosen.has(c.id) })),
      });
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  async refreshPrivacy(): Promise<void> {
    try {
      const setting = await this.deps.privacySetting();
      this.update({
        needPrivacy: setting.needAuthorization,
        privacyName: setting.privacyContractName || initialMe().privacyName,
      });
    } catch {
      // Older base libraries have no privacy API and need no agreement.
      this.update({ needPrivacy: false });
    }
  }

  /** The learner agreed through the `agreePrivacyAuthorization` button. */
  agreed(): void {
    this.update({ needPrivacy: false });
  }

  toggleInterest(id: string): void {
    const interests = this.state.interests.map((i) => (i.id === id ? { ...i, on: !i.on } : i));
    this.deps.saveInterests(interests.filter((i) => i.on).map((i) => i.id));
    this.update({ interests, saved: true });
  }
}
