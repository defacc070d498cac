import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Variables that belong to one invocation. Inside an invocation they come only from that invocation's store (a timer
 * never sees a stray WX_OPENID); outside one they read the real environment, where the host never writes them.
 */
const INVOCATION_KEYS = new Set([
  'WX_OPENID',
  'WX_APPID',
  'WX_UNIONID',
  'WX_CLIENTIP',
  'WX_CLIENTIPV6',
  'WX_API_TOKEN',
  'WX_TRIGGER_API_TOKEN_V0',
  'WX_CONTEXT_KEYS',
  'TCB_SOURCE',
  'TCB_SEQID',
  'TRIGGER_SRC',
  'SCF_FUNCTIONNAME',
]);

type InvocationVars = Record<string, string>;

const STORAGE = Symbol.for('cloudcourse.local.functionEnvStorage');

/**
 * The storage behind `process.env`. The real SCF runs one invocation per container, so the SDK reads identity from
 * `process.env` (docs/cloudbase-protocol.md §6). Here many invocations share one process, so `process.env` is replaced,
 * once per process object, with a Proxy that reads the current invocation's variables first.
 */
function envStorage(): AsyncLocalStorage<InvocationVars> {
  const current = (process.env as unknown as Record<symbol, unknown>)[STORAGE];
  if (current instanceof AsyncLocalStorage) return current as AsyncLocalStorage<InvocationVars>;
  const storage = new AsyncLocalStorage<InvocationVars>();
  process.env = new Proxy(process.env, envHandler(storage));
  return storage;
}

function envHandler(storage: AsyncLocalStorage<InvocationVars>): ProxyHandler<NodeJS.ProcessEnv> {
  /** The store that owns `key`, or undefined when the real environment does. */
  const owner = (key: string | symbol): InvocationVars | undefined => {
    const vars = storage.getStore();
    if (vars === undefined || typeof key !== 'string') return undefined;
    return Object.hasOwn(vars, key) || INVOCATION_KEYS.has(key) ? vars : undefined;
  };
  return {
    get(target, key) {
      if (key === STORAGE) return storage;
      const vars = owner(key);
      return vars ? vars[key as string] : target[key as string];
    },
    set(target, key, value) {
      const vars = owner(key);
      if (vars) vars[key as string] = String(value);
      else target[key as string] = value;
      return true;
    },
    has(target, key) {
      const vars = owner(key);
      return vars ? Object.hasOwn(vars, key) : key in target;
    },
    deleteProperty(target, key) {
      const vars = owner(key);
      if (vars) delete vars[key as string];
      else delete target[key as string];
      return true;
    },
    ownKeys(target) {
      const vars = storage.getStore();
      if (vars === undefined) return Reflect.ownKeys(target);
      const inherited = Reflect.ownKeys(target).filter((key) => typeof key !== 'string' || !INVOCATION_KEYS.has(key));
      return [...new Set([...inherited, ...Object.keys(vars)])];
    },
    getOwnPropertyDescriptor(target, key) {
      const vars = owner(key);
      if (!vars) return Reflect.getOwnPropertyDescriptor(target, key);
      if (!Object.hasOwn(vars, key)) return undefined;
      return { value: vars[key as string], writable: true, enumerable: true, configurable: true };
    },
  };
}

/** Runs `fn` with `vars` as the invocation's environment, for `fn` and everything asynchronous it starts. */
export function runWithEnv<T>(vars: InvocationVars, fn: () => T): T {
  return envStorage().run(vars, fn);
}

/** Makes sure `process.env` is the invocation-aware Proxy (idempotent). */
export function installEnvProxy(): void {
  envStorage();
}
