/**
 * State lives in store classes; a page binds a store's state to its data and forwards events to its methods
 * (the mobx-miniprogram-bindings division of work, without the dependency). Stores are plain classes that tests can
 * drive directly (`__tests__/stores.test.ts`).
 */

export type Patch<S> = Partial<S>;
export type Listener<S> = (patch: Patch<S>) => void;

/** What every loaded screen shows: a spinner, the content, the empty state or the error with a retry. */
export type LoadStatus = 'loading' | 'ready' | 'empty' | 'error';

export class Store<S extends object> {
  private current: S;
  private readonly listeners = new Set<Listener<S>>();

  constructor(initial: S) {
    this.current = initial;
  }

  get state(): Readonly<S> {
    return this.current;
  }

  /** Calls `listener` with the whole state now and with each change later; returns the unsubscribe function. */
  subscribe(listener: Listener<S>): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected update(patch: Patch<S>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener(patch);
  }
}
