/**
 * 我的: the privacy agreement state and the learner's interests (categories a new learner's recommendations start
 * from), kept on the server (`recommend.setInterests`) so they follow the learner to every device. While WeChat still
 * needs the learner's agreement to the privacy guide, a choice is shown but saved only once they agree.
 */
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

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
  /** What became of the last choice: 已保存, waiting for the agreement, or why saving failed; '' before any. */
  saveNote: string;
  saveFailed: boolean;
  /** The caller administers a creator: the 创作者中心 entry shows. */
  creatorAdmin: boolean;
}

export interface MeDeps {
  call: typeof call;
  privacySetting(): Promise<{ needAuthorization: boolean; privacyContractName: string }>;
}

export function initialMe(): MeState {
  return {
    status: 'loading',
    error: '',
    needPrivacy: false,
    privacyName: '《用户隐私保护指引》',
    interests: [],
    saveNote: '',
    saveFailed: false,
    creatorAdmin: false,
  };
}

export const SAVE_NOTES = {
  saved: '已保存',
  needsAgreement: '同意隐私保护指引后即可保存',
} as const;

function chosenIds(interests: readonly InterestView[]): string[] {
  return interests.filter((i) => i.on).map((i) => i.id);
}

export class MeStore extends Store<MeState> {
  /** What the server holds, as last confirmed. */
  private savedIds: string[] = [];
  /** Saves run one after another, so the server ends with the latest choice. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: MeDeps) {
    super(initialMe());
  }

  async load(): Promise<void> {
    this.update({ status: 'loading', error: '' });
    void this.refreshCreatorAccess();
    await this.refreshPrivacy();
    try {
      const [{ items }, { categories }] = await Promise.all([
        this.deps.call('catalog', { action: 'categories' }),
        this.deps.call('recommend', { action: 'interests' }),
      ]);
      const chosen = new Set(categories);
      this.savedIds = categories;
      this.update({
        status: 'ready',
        interests: items.map((c) => ({ id: c.id, name: c.name, on: chosen.has(c.id) })),
      });
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  /** Whether to show 创作者中心: asked apart, so that a failure only leaves the entry out. */
  async refreshCreatorAccess(): Promise<void> {
    try {
      const { creators } = await this.deps.call('creator', { action: 'access' });
      this.update({ creatorAdmin: creators.length > 0 });
    } catch {
      this.update({ creatorAdmin: false });
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

  /** The learner agreed through the `agreePrivacyAuthorization` button: a choice made before is saved now. */
  async agreed(): Promise<void> {
    this.update({ needPrivacy: false });
    if (this.state.saveNote === SAVE_NOTES.needsAgreement) await this.save();
  }

  async toggleInterest(id: string): Promise<void> {
    this.update({ interests: this.state.interests.map((i) => (i.id === id ? { ...i, on: !i.on } : i)) });
    if (this.state.needPrivacy) {
      this.update({ saveNote: SAVE_NOTES.needsAgreement, saveFailed: false });
      return;
    }
    await this.save();
  }

  private save(): Promise<void> {
    this.saving = this.saving.then(() => this.send());
    return this.saving;
  }

  /** Sends the choice on screen now (a later toggle's save sends its own). */
  private async send(): Promise<void> {
    const ids = chosenIds(this.state.interests);
    if (ids.join('\n') === this.savedIds.join('\n')) {
      this.update({ saveNote: SAVE_NOTES.saved, saveFailed: false });
      return;
    }
    try {
      const { categories } = await this.deps.call('recommend', { action: 'setInterests', categories: ids });
      this.savedIds = categories;
      this.update({ saveNote: SAVE_NOTES.saved, saveFailed: false });
    } catch (error) {
      this.update({ saveNote: `保存失败：${messageOf(error)}`, saveFailed: true });
    }
  }
}
