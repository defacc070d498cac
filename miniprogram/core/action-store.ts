/**
 * A store whose screen acts on the server one action at a time (the creator center's price, review and promotion
 * actions): `busy` while one runs, the screen read again once it changed something, and a failure told with a toast
 * while the screen stays as it was.
 */
import { messageOf } from '../services/call';
import { Store } from './store';

export abstract class ActionStore<S extends { busy: boolean }> extends Store<S> {
  abstract load(): Promise<void>;

  /** Runs `run` (which answers `false` when it changed nothing, e.g. the creator cancelled) unless one is running. */
  protected async act(run: () => Promise<boolean | void>, toast: (text: string) => void): Promise<void> {
    if (this.state.busy) return;
    this.update({ busy: true } as Partial<S>);
    try {
      if ((await run()) !== false) await this.load();
    } catch (error) {
      toast(messageOf(error));
    } finally {
      this.update({ busy: false } as Partial<S>);
    }
  }
}
