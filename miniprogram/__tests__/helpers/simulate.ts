/**
 * Rendering pages and components of the mini-program in jest with miniprogram-simulate: the mini-program is built
 * once per test file into a temp folder (one common `rootPath`, see docs §7), pages are written with `Component()` and
 * get their page lifecycle (`onLoad(query)`, `onShow`, `onUnload`) called here as WeChat would.
 *
 * The WeChat client is stubbed: `wx.cloud.callFunction` answers from per-action handlers in the envelope of API.md §1
 * and records every call; `wx.requestPayment` and the rest are `jest.fn`s the tests set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { buildMiniprogram } from '../../../scripts/lib/build-miniprogram';

// Pages render with WeChat's template compiler (`compiler: 'official'`). simulate reaches wcc through
// miniprogram-compiler, which would make the binary inside node_modules executable: it gets the compiler tests' copy.
jest.mock('miniprogram-compiler', () => ({
  wxmlToJs(rootPath: string): string {
    const { js, findings } = (require('./wechat-compilers') as typeof import('./wechat-compilers')).compileWxml(
      rootPath,
    );
    if (!js) throw new Error(findings.join('\n'));
    return `${js}\nreturn $gwx;`;
  },
}));

let root: string | undefined;

export function buildRoot(): string {
  if (!root) {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-build-'));
    buildMiniprogram(root);
  }
  return root;
}

export type Rendered = ReturnType<typeof simulate.render>;

/**
 * Registered ids by path. simulate runs each component's JS through `require` on every load (a page registers its
 * child components again), and jest's module registry would return the cached module without running it: reset it.
 */
const loaded = new Map<string, string>();

export function renderComponent(rel: string, props: Record<string, unknown> = {}): Rendered {
  let id = loaded.get(rel);
  if (!id) {
    jest.resetModules();
    id = simulate.load(path.join(buildRoot(), rel, 'index'), { rootPath: buildRoot(), compiler: 'official' });
    loaded.set(rel, id);
  }
  const comp = simulate.render(id, props);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

interface PageMethods {
  onLoad(query: Record<string, string>): void;
  onShow(): void;
  onUnload(): void;
  onReachBottom(): void;
}

export function openPage(name: string, query: Record<string, string> = {}): Rendered & { page: PageMethods } {
  const comp = renderComponent(`pages/${name}`);
  const page = comp.instance as unknown as PageMethods;
  page.onLoad(query);
  page.onShow();
  return Object.assign(comp, { page });
}

/** Lets pending promises and zero-delay timers run, then again, so a chain of awaited calls settles. */
export async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await simulate.sleep(0);
}

export type Handler = (request: Record<string, unknown>) => unknown;

export class CloudStub {
  readonly calls: { name: string; data: Record<string, unknown> }[] = [];
  private readonly handlers = new Map<string, Handler>();

  /** Answers `name.action` with `{ ok: true, data: handler(request) }`; a thrown `StubError` becomes `{ ok: false }`. */
  on(key: string, handler: Handler): this {
    this.handlers.set(key, handler);
    return this;
  }

  callsOf(key: string): Record<string, unknown>[] {
    return this.calls.filter((c) => `${c.name}.${String(c.data.action)}` === key).map((c) => c.data);
  }

  readonly callFunction = jest.fn(async ({ name, data }: { name: string; data: Record<string, unknown> }) => {
    this.calls.push({ name, data });
    const handler = this.handlers.get(`${name}.${String(data.action)}`);
    if (!handler)
      return { result: { ok: false, error: { code: 'INTERNAL', message: `未模拟 ${name}.${data.action}` } } };
    try {
      return { result: { ok: true, data: await handler(data) } };
    } catch (error) {
      if (error instanceof StubError)
        return { result: { ok: false, error: { code: error.code, message: error.message, details: error.details } } };
      throw error;
    }
  });
}

export class StubError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type WxStubs = Record<string, unknown>;

/** Installs a fresh cloud stub and the given wx APIs (on top of simulate's `wx`); returns the cloud stub. */
export function installWx(stubs: WxStubs = {}): CloudStub {
  const cloud = new CloudStub();
  Object.assign(wx, {
    cloud: { callFunction: cloud.callFunction },
    getDeviceInfo: () => ({ platform: 'android' }),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    switchTab: jest.fn(),
    showToast: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    ...stubs,
  });
  return cloud;
}

type Node = NonNullable<ReturnType<Rendered['querySelector']>>;

/**
 * The first element matching `selector` in the component's own tree; `a >>> b` looks for `b` inside the custom
 * component with class `a` (e.g. `.state >>> .retry`; tag names do not match custom components).
 */
export function find(comp: Rendered | Node, selector: string): Node | undefined {
  let current: Rendered | Node | undefined = comp;
  for (const part of selector.split('>>>').map((p) => p.trim())) {
    current = current?.querySelector(part);
  }
  return current === comp ? undefined : (current as Node | undefined);
}

/** The text of the first element matching `selector` inside the rendered tree (trimmed, whitespace collapsed). */
export function textOf(comp: Rendered, selector: string): string {
  const node = find(comp, selector);
  return node ? (node.dom?.textContent ?? '').replace(/\s+/g, ' ').trim() : '';
}

export function allText(comp: Rendered): string {
  return (comp.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Listens to an event the rendered component triggers (`triggerEvent`). */
export function listen(comp: Rendered, event: string, handler: (...args: unknown[]) => void): void {
  (
    comp as unknown as { addEventListener(event: string, handler: (...args: unknown[]) => void): void }
  ).addEventListener(event, handler);
}

/** Dispatches a tap on the first element matching `selector` (handlers run asynchronously). */
export function press(comp: Rendered, selector: string): void {
  const node = find(comp, selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  node.dispatchEvent('tap');
}

/** Taps and lets the handlers run (real timers; with fake timers use `press` and advance them). */
export async function tap(comp: Rendered, selector: string): Promise<void> {
  press(comp, selector);
  await settle();
}
