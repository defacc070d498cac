/**
 * The browser side of the preview: a small mini-program runtime around miniprogram-simulate's browser build. It
 * gives pages the `wx` they use, backed by the local cloud through the preview server (`wx.cloud.callFunction` →
 * `/client/functions/<name>` as the learner `?openid=`), a page stack with the navigation bar and tab bar, a sandbox
 * payment sheet (`/preview/pay`), and renders the built-in `image`, `video` and `button` as real HTML elements. A
 * video's children (the watermark) lie over the player, and its fullscreen (the 全屏 corner) fills the window with
 * the video and those children, as WeChat's does.
 *
 * Bundled by esbuild into `/runtime.js`; `window.__preview` reports readiness and errors to the screenshot script.
 */
import { createOffscreenCanvas, registerCanvas } from './canvas';

interface Rendered {
  instance: Record<string, (...args: unknown[]) => unknown>;
  dom: HTMLElement;
  attach(parent: HTMLElement): void;
  detach(): void;
}

interface Simulate {
  load(pathOrDefinition: string | Record<string, unknown>, options?: Record<string, unknown>): string;
  render(id: string, props?: Record<string, unknown>): Rendered;
}

interface PageEntry {
  name: string;
  comp: Rendered;
  container: HTMLElement;
  title: string;
}

declare global {
  interface Window {
    simulate: Simulate;
    __FILE_MAP__: Record<string, string>;
    __preview: { pending: number; errors: string[]; page: string; autoPay: boolean };
  }
}

const params = new URLSearchParams(location.search);
const openid = params.get('openid') || 'preview-learner';
const platform = params.get('platform') || 'android';
const TABS = ['home', 'my-courses', 'me'];
const TAB_TEXT: Record<string, string> = { home: '首页', 'my-courses': '我的课程', me: '我的' };
const state = (window.__preview = { pending: 0, errors: [] as string[], page: '', autoPay: params.has('autopay') });

window.addEventListener('error', (event) => state.errors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) =>
  state.errors.push(`unhandled rejection: ${String(event.reason)}`),
);

type Callbacks = { success?: (r: unknown) => void; fail?: (e: { errMsg: string }) => void; complete?: () => void };

function succeed(options: Callbacks | undefined, result: Record<string, unknown> = {}): void {
  setTimeout(() => {
    options?.success?.({ errMsg: 'ok', ...result });
    options?.complete?.();
  }, 0);
}

function fail(options: Callbacks | undefined, errMsg: string): void {
  setTimeout(() => {
    options?.fail?.({ errMsg });
    options?.complete?.();
  }, 0);
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  state.pending += 1;
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  } finally {
    state.pending -= 1;
  }
}

/** Order ids by prepay package, so the sandbox sheet can pay the order `wx.requestPayment` was given. */
const ordersByPackage = new Map<string, string>();

function toast(text: string): void {
  const el = document.createElement('div');
  el.className = 'pv-toast';
  el.textContent = text;
  document.body.appendChild(el);
  setTimeout(() => el.remove(), 1800);
}

function paySheet(amountText: string): Promise<'SUCCESS' | 'FAIL' | 'cancel'> {
  if (state.autoPay) return Promise.resolve('SUCCESS');
  return new Promise((resolve) => {
    const mask = document.createElement('div');
    mask.className = 'pv-sheet-mask';
    mask.innerHTML = `<div class="pv-sheet"><div class="pv-sheet-title">微信支付（本地沙箱）</div>
      <div class="pv-sheet-amount">${amountText}</div>
      <button data-r="SUCCESS" class="pv-pay">确认支付</button>
      <button data-r="FAIL" class="pv-fail">模拟支付失败</button>
      <button data-r="cancel" class="pv-cancel">取消</button></div>`;
    mask.addEventListener('click', (event) => {
      const r = (event.target as HTMLElement).dataset.r as 'SUCCESS' | 'FAIL' | 'cancel' | undefined;
      if (!r) return;
      mask.remove();
      resolve(r);
    });
    document.body.appendChild(mask);
  });
}

let lastAmount = '';

const cloud = {
  init(): void {},
  async callFunction({ name, data }: { name: string; data: Record<string, unknown> }): Promise<{ result: unknown }> {
    const response = await post(`/client/functions/${name}`, { data }, { 'x-wx-openid': openid });
    const body = (await response.json()) as { result?: unknown; errMsg?: string };
    if (!response.ok) throw new Error(body.errMsg || `HTTP ${response.status}`);
    const result = body.result as {
      ok?: boolean;
      data?: { order?: { id: string; amountFen: number }; payment?: { package: string } };
    };
    if (name === 'order' && data.action === 'create' && result?.ok && result.data?.payment && result.data.order) {
      ordersByPackage.set(result.data.payment.package, result.data.order.id);
      lastAmount = `¥${(result.data.order.amountFen / 100).toFixed(2)}`;
    }
    return { result: body.result };
  },
};

const storage = window.localStorage;

const wxStub = {
  cloud,
  getDeviceInfo: () => ({ platform }),
  getSystemInfoSync: () => ({ platform, windowWidth: 390, windowHeight: 844, pixelRatio: devicePixelRatio }),
  getWindowInfo: () => ({ windowWidth: 390, windowHeight: 844, pixelRatio: devicePixelRatio }),
  createOffscreenCanvas,
  showToast: (o: { title: string }) => toast(o.title),
  showModal: (o: Callbacks & { content?: string }) =>
    succeed(o, { confirm: window.confirm(o.content ?? ''), cancel: false }),
  // The sheet as a numbered prompt: the item's number picks it, anything else dismisses it.
  showActionSheet: (o: Callbacks & { itemList: string[] }) => {
    const answer = window.prompt(o.itemList.map((item, i) => `${i + 1}. ${item}`).join('\n'), '1');
    const tapIndex = Number(answer) - 1;
    if (Number.isInteger(tapIndex) && tapIndex >= 0 && tapIndex < o.itemList.length) succeed(o, { tapIndex });
    else fail(o, 'showActionSheet:fail cancel');
  },
  stopPullDownRefresh: () => undefined,
  getStorageSync: (key: string) => {
    const raw = storage.getItem(`${openid}:${key}`);
    return raw === null ? '' : (JSON.parse(raw) as unknown);
  },
  setStorageSync: (key: string, value: unknown) => storage.setItem(`${openid}:${key}`, JSON.stringify(value)),
  getPrivacySetting: (o: Callbacks) =>
    succeed(o, {
      needAuthorization: params.get('privacy') === 'need',
      privacyContractName: '《CloudCourse 用户隐私保护指引》',
    }),
  requirePrivacyAuthorize: (o: Callbacks) => succeed(o),
  openPrivacyContract: (o: Callbacks) => {
    toast('隐私保护指引（预览中不打开）');
    succeed(o);
  },
  setClipboardData: (o: Callbacks & { data: string }) => {
    void navigator.clipboard?.writeText(o.data).catch(() => undefined);
    toast('已复制');
    succeed(o);
  },
  requestPayment: (o: Callbacks & { package: string }) => {
    const orderId = ordersByPackage.get(o.package);
    void paySheet(lastAmount).then(async (choice) => {
      if (choice === 'cancel' || !orderId) return fail(o, 'requestPayment:fail cancel');
      await post('/preview/pay', { orderId, result: choice });
      if (choice === 'SUCCESS') succeed(o);
      else fail(o, 'requestPayment:fail 支付失败');
    });
  },
  requestVirtualPayment: (o: Callbacks) => fail(o, 'requestVirtualPayment:fail 预览不支持虚拟支付'),
  createInnerAudioContext: () => {
    const audio = new Audio();
    const api = {
      set src(value: string) {
        audio.src = value;
      },
      get src() {
        return audio.src;
      },
      set startTime(value: number) {
        audio.addEventListener('loadedmetadata', () => (audio.currentTime = value), { once: true });
      },
      get startTime() {
        return 0;
      },
      get paused() {
        return audio.paused;
      },
      get currentTime() {
        return audio.currentTime;
      },
      play: () => void audio.play().catch((e: unknown) => toast(`无法播放：${String(e)}`)),
      pause: () => audio.pause(),
      seek: (t: number) => (audio.currentTime = t),
      destroy: () => audio.removeAttribute('src'),
      onTimeUpdate: (f: () => void) => audio.addEventListener('timeupdate', f),
      onPause: (f: () => void) => audio.addEventListener('pause', f),
      onEnded: (f: () => void) => audio.addEventListener('ended', f),
      onError: (f: (e: { errMsg: string }) => void) =>
        audio.addEventListener('error', () => f({ errMsg: 'audio error' })),
    };
    return api;
  },
  navigateTo: (o: { url: string }) => open(o.url, 'push'),
  redirectTo: (o: { url: string }) => open(o.url, 'replace'),
  switchTab: (o: { url: string }) => open(o.url, 'tab'),
  reLaunch: (o: { url: string }) => open(o.url, 'tab'),
  navigateBack: () => back(),
};

Object.assign((window as unknown as { wx: object }).wx ?? ((window as unknown as { wx: object }).wx = {}), wxStub);

/** Built-in components as HTML: images load, videos play, buttons look like buttons. */
function registerBuiltins(simulate: Simulate): void {
  // Attributes of plain HTML elements in a template are not applied by the renderer, so the element is made here.
  type Host = { _exparserNode?: { $$: HTMLElement }; data: Record<string, unknown> };
  const imageOf = (self: Host): HTMLImageElement | undefined => {
    const host = self._exparserNode?.$$;
    if (!host) return undefined;
    let img = host.querySelector('img');
    if (!img) {
      img = document.createElement('img');
      img.style.cssText = 'width:100%;height:100%;object-fit:cover;display:block';
      host.appendChild(img);
    }
    return img;
  };
  const setSrc = (self: Host): void => {
    const src = String(self.data.src ?? '');
    const img = imageOf(self);
    // Covers come as temp URLs (shared/storage/cover-urls.ts); a fileID would not load on a phone either.
    if (img && src) img.src = src;
  };
  simulate.load({
    id: 'image',
    tagName: 'wx-image',
    properties: { src: { type: String, value: '' }, mode: { type: String, value: '' } },
    observers: {
      src(this: Host) {
        setSrc(this);
      },
    },
    lifetimes: {
      attached(this: Host) {
        setSrc(this);
      },
    },
    template: '<slot/>',
  });
  for (const kind of ['input', 'textarea'] as const) {
    simulate.load({
      id: kind,
      tagName: `wx-${kind}`,
      properties: {
        value: { type: String, value: '' },
        placeholder: { type: String, value: '' },
        maxlength: { type: Number, value: 140 },
      },
      observers: {
        value(this: Host & { field?: HTMLInputElement | HTMLTextAreaElement }, value: string) {
          if (this.field && this.field.value !== value) this.field.value = value;
        },
      },
      lifetimes: {
        attached(
          this: Host & { field?: HTMLInputElement | HTMLTextAreaElement; triggerEvent(n: string, d: object): void },
        ) {
          const host = this._exparserNode?.$$;
          if (!host) return;
          const field = document.createElement(kind);
          field.value = String(this.data.value ?? '');
          field.placeholder = String(this.data.placeholder ?? '');
          field.maxLength = Number(this.data.maxlength ?? 140);
          field.style.cssText =
            'width:100%;height:100%;border:none;outline:none;background:transparent;font:inherit;color:inherit;padding:0;resize:none';
          field.addEventListener('input', () => this.triggerEvent('input', { value: field.value }));
          field.addEventListener('keydown', (event) => {
            if (kind === 'input' && (event as KeyboardEvent).key === 'Enter')
              this.triggerEvent('confirm', { value: field.value });
          });
          host.appendChild(field);
          this.field = field;
        },
      },
      template: '<slot/>',
    });
  }
  simulate.load({
    id: 'video',
    tagName: 'wx-video',
    properties: { src: { type: String, value: '' }, initialTime: { type: Number, value: 0 } },
    lifetimes: {
      attached(this: {
        shadowRoot?: unknown;
        _exparserNode?: { $$: HTMLElement };
        data: { src: string; initialTime: number };
        triggerEvent(n: string, d?: object): void;
      }) {
        const host = this._exparserNode?.$$;
        if (!host) return;
        const video = document.createElement('video');
        video.controls = true;
        video.playsInline = true;
        // The player's own fullscreen would show the <video> alone; WeChat's shows the video with its children.
        video.setAttribute('controlslist', 'nofullscreen');
        video.style.cssText = 'width:100%;height:100%;background:#000;display:block';
        video.src = this.data.src;
        video.addEventListener('loadedmetadata', () => (video.currentTime = this.data.initialTime || 0), {
          once: true,
        });
        video.addEventListener('timeupdate', () =>
          this.triggerEvent('timeupdate', { currentTime: video.currentTime, duration: video.duration }),
        );
        video.addEventListener('pause', () => this.triggerEvent('pause', {}));
        video.addEventListener('ended', () => this.triggerEvent('ended', {}));
        host.appendChild(video);
        const toggle = document.createElement('span');
        toggle.className = 'pv-video-fullscreen';
        toggle.textContent = '全屏';
        toggle.addEventListener('click', () => {
          const on = host.classList.toggle('pv-fullscreen');
          toggle.textContent = on ? '退出全屏' : '全屏';
          this.triggerEvent('fullscreenchange', { fullScreen: on, direction: 'horizontal' });
        });
        host.appendChild(toggle);
      },
    },
    template: '<slot/>',
  });
}

function pageName(url: string): { name: string; query: Record<string, string> } {
  const [path = '', search = ''] = url.split('?');
  const match = /pages\/([^/]+)\/index/.exec(path);
  const query: Record<string, string> = {};
  new URLSearchParams(search).forEach((value, key) => (query[key] = value));
  return { name: match?.[1] ?? 'home', query };
}

const stack: PageEntry[] = [];
const loadedIds = new Map<string, string>();
let root: HTMLElement;

function chrome(): void {
  const top = stack[stack.length - 1];
  if (!top) return;
  const bar = document.getElementById('pv-nav') as HTMLElement;
  (bar.querySelector('.pv-title') as HTMLElement).textContent = top.title;
  (bar.querySelector('.pv-back') as HTMLElement).style.visibility = stack.length > 1 ? 'visible' : 'hidden';
  const tabbar = document.getElementById('pv-tabbar') as HTMLElement;
  tabbar.style.display = TABS.includes(top.name) && stack.length === 1 ? 'flex' : 'none';
  tabbar
    .querySelectorAll('[data-tab]')
    .forEach((el) => el.classList.toggle('on', (el as HTMLElement).dataset.tab === top.name));
  document.body.classList.toggle('pv-has-tabbar', tabbar.style.display === 'flex');
  state.page = top.name;
  window.scrollTo(0, 0);
}

function open(url: string, how: 'push' | 'replace' | 'tab'): void {
  const { name, query } = pageName(url);
  const top = stack[stack.length - 1];
  if (how === 'push') top?.comp.instance.onHide?.();
  if (how === 'replace' && top) close(stack.pop() as PageEntry);
  if (how === 'tab') while (stack.length) close(stack.pop() as PageEntry);
  let id = loadedIds.get(name);
  if (!id) {
    id = window.simulate.load(`/mp/pages/${name}/index`, { compiler: 'simulate', rootPath: '/mp' });
    loadedIds.set(name, id);
  }
  const json = JSON.parse(window.__FILE_MAP__[`/mp/pages/${name}/index.json`] ?? '{}') as {
    navigationBarTitleText?: string;
  };
  const container = document.createElement('div');
  container.className = 'pv-page';
  root.appendChild(container);
  stack.forEach((entry) => (entry.container.style.display = 'none'));
  const comp = window.simulate.render(id);
  comp.attach(container);
  stack.push({ name, comp, container, title: json.navigationBarTitleText ?? 'CloudCourse' });
  chrome();
  comp.instance.onLoad?.(query);
  comp.instance.onShow?.();
}

function close(entry: PageEntry): void {
  entry.comp.instance.onUnload?.();
  entry.comp.detach();
  entry.container.remove();
}

function back(): void {
  if (stack.length < 2) return;
  close(stack.pop() as PageEntry);
  const top = stack[stack.length - 1] as PageEntry;
  top.container.style.display = '';
  chrome();
  top.comp.instance.onShow?.();
}

/** Mouse clicks become the touch pair the renderer turns into a `tap` (form fields keep their own clicks). */
function clicksAsTaps(): void {
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target as HTMLElement;
      if (!target.closest('.pv-page') || target.closest('input, textarea, video, .pv-video-fullscreen')) return;
      const touch = new Touch({ identifier: Date.now(), target, pageX: event.pageX, pageY: event.pageY });
      target.dispatchEvent(new TouchEvent('touchstart', { touches: [touch], changedTouches: [touch], bubbles: true }));
      target.dispatchEvent(new TouchEvent('touchend', { touches: [], changedTouches: [touch], bubbles: true }));
    },
    true,
  );
}

function boot(): void {
  root = document.getElementById('pv-root') as HTMLElement;
  clicksAsTaps();
  registerBuiltins(window.simulate);
  registerCanvas(window.simulate);
  (document.querySelector('#pv-nav .pv-back') as HTMLElement).addEventListener('click', back);
  (document.getElementById('pv-tabbar') as HTMLElement).innerHTML = TABS.map(
    (t) => `<div data-tab="${t}">${TAB_TEXT[t]}</div>`,
  ).join('');
  document
    .querySelectorAll('#pv-tabbar [data-tab]')
    .forEach((el) =>
      el.addEventListener('click', () => open(`/pages/${(el as HTMLElement).dataset.tab}/index`, 'tab')),
    );
  const start = params.get('page') || 'home';
  const query = new URLSearchParams(location.search);
  ['page', 'openid', 'platform', 'autopay', 'privacy'].forEach((k) => query.delete(k));
  if (!TABS.includes(start)) open('/pages/home/index', 'tab');
  open(`/pages/${start}/index?${query.toString()}`, TABS.includes(start) ? 'tab' : 'push');
}

boot();

export {};
