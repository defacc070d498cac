/**
 * The preview server: serves the built mini-program to headless or real Chromium and stands in for WeChat between
 * the page and the local cloud — function calls go to the client gateway with the learner's openid and the sandbox
 * payment sheet pays through `/sandbox/pay`. It reads no storage: covers come from the functions as temp URLs.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import tcb from '@cloudbase/node-sdk';
import { execFileSync } from 'node:child_process';
import { buildMiniprogram } from '../lib/build-miniprogram';
import { COLLECTIONS } from '../../shared/collections';
import { demoLearnerId } from '../../local/demo/catalog/learners';
import { DEMO_CREATOR_ADMIN, DEMO_NEW_CREATOR_ADMIN } from '../../local/demo/catalog/moderation';

const ROOT = path.resolve(__dirname, '../..');

export interface PreviewServer {
  url: string;
  close(): Promise<void>;
}

export interface PreviewOptions {
  /** The local cloud, e.g. `http://127.0.0.1:8787`. */
  cloudUrl: string;
  /** @default 0 (any free port) */
  port?: number;
  /** @default 'local-env' */
  envId?: string;
  /** Where the mini-program is built. */
  buildDir: string;
}

/** WeChat's styles of the built-in components, before the pages' own (see the file). */
const WECHAT_CSS = fs.readFileSync(path.join(__dirname, 'browser/wechat.css'), 'utf8');

/** The preview's chrome (navigation bar, tab bar, toast, payment sheet) and the HTML inside built-in components. */
const PAGE_CSS = `
html,body{margin:0;padding:0;background:#f5f6f8;-webkit-font-smoothing:antialiased}
body{font-family:-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;padding-top:44px}
body.pv-has-tabbar{padding-bottom:56px}
wx-input input,wx-textarea textarea{all:inherit;display:block;width:100%;height:100%;border:none;outline:none;background:transparent;padding:0}
wx-scroll-view{overflow-x:auto}
wx-video.pv-fullscreen{position:fixed;inset:0;width:100vw;height:100vh;z-index:400;background:#000}
.pv-video-fullscreen{position:absolute;top:8px;right:8px;z-index:6;padding:2px 8px;border-radius:4px;background:rgba(0,0,0,.45);color:#fff;font-size:12px;line-height:20px;cursor:pointer}
#pv-nav{position:fixed;top:0;left:0;right:0;height:44px;background:#fff;display:flex;align-items:center;justify-content:center;z-index:100;border-bottom:1px solid #eee;font-size:17px;font-weight:600}
#pv-nav .pv-back{position:absolute;left:0;width:44px;height:44px;line-height:44px;text-align:center;font-size:22px;cursor:pointer}
#pv-tabbar{position:fixed;bottom:0;left:0;right:0;height:56px;background:#fff;border-top:1px solid #eee;display:none;z-index:100}
#pv-tabbar div{flex:1;text-align:center;line-height:56px;color:#8f959e;font-size:13px;cursor:pointer}
#pv-tabbar div.on{color:#07c160;font-weight:600}
body.pv-has-tabbar .pv-page [class$="bottom-bar"]{bottom:56px}
.pv-toast{position:fixed;left:50%;top:45%;transform:translate(-50%,-50%);background:rgba(0,0,0,.75);color:#fff;padding:10px 16px;border-radius:8px;font-size:14px;z-index:300;max-width:70%}
.pv-sheet-mask{position:fixed;inset:0;background:rgba(0,0,0,.45);z-index:200;display:flex;align-items:flex-end}
.pv-sheet{background:#fff;width:100%;border-radius:12px 12px 0 0;padding:20px 16px 24px;text-align:center}
.pv-sheet-title{font-size:15px;color:#646a73}.pv-sheet-amount{font-size:32px;font-weight:600;margin:12px 0 16px}
.pv-sheet button{display:block;width:100%;height:44px;margin-top:8px;border-radius:8px;border:1px solid #e8eaed;background:#fff;font-size:16px}
.pv-sheet .pv-pay{background:#07c160;color:#fff;border-color:#07c160}
`;

function html(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>CloudCourse 预览</title>
<style>${WECHAT_CSS}</style><style>${PAGE_CSS}</style></head><body>
<div id="pv-nav"><span class="pv-back">‹</span><span class="pv-title"></span></div>
<div id="pv-root"></div><div id="pv-tabbar"></div>
<script src="/simulate.js"></script><script src="/files.js"></script><script src="/runtime.js"></script>
</body></html>`;
}

function bundleRuntime(): string {
  return execFileSync(
    path.join(ROOT, 'node_modules/esbuild/bin/esbuild'),
    [path.join(__dirname, 'browser/runtime.ts'), '--bundle', '--format=iife', '--target=es2020', '--log-level=error'],
    { encoding: 'utf8' },
  );
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** What `npm start` and `npm run preview` print: where to open the mini-program, as whom, and the other switches. */
export function previewGuide(url: string, cloudUrl: string): string {
  const port = new URL(cloudUrl).port;
  const importer = `${port === '8787' ? '' : `PORT=${port} `}npm run course:import -- examples/courses`;
  return [
    `mini-program preview: open this on a phone-sized window (e.g. 390×844 in the browser's device toolbar)`,
    `  learner          ${url}/?page=home&openid=demo-learner`,
    `  another learner  ${url}/?page=home&openid=demo-learner-2`,
    `  a demo learner   ${url}/?page=my-courses&openid=${demoLearnerId(0)} (bought, studied and reviewed courses)`,
    `  creator admins   ${url}/?page=me&openid=${DEMO_CREATOR_ADMIN} (何珊: sales, a course rejected, a change in review)`,
    `                   ${url}/?page=me&openid=${DEMO_NEW_CREATOR_ADMIN} (a new creator: no course, no sales yet)`,
    `  creator center   ${url}/?page=creator&openid=${DEMO_CREATOR_ADMIN} (also from 我的 as a creator admin)`,
    `  publishing       \`${importer}\` into this cloud, then reopen a learner page`,
    '  ?platform=ios shows the iOS purchase rule, ?privacy=need the privacy agreement, ?autopay=1 skips the pay sheet',
  ].join('\n');
}

export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const files = buildMiniprogram(options.buildDir);
  const fileMap: Record<string, string> = {};
  for (const [rel, content] of files) fileMap[`/mp/${rel}`] = content;
  const assets = {
    '/': { type: 'text/html; charset=utf-8', body: html() },
    '/simulate.js': {
      type: 'application/javascript; charset=utf-8',
      body: fs.readFileSync(path.join(ROOT, 'node_modules/miniprogram-simulate/build.js'), 'utf8'),
    },
    '/files.js': {
      type: 'application/javascript; charset=utf-8',
      body: `window.__FILE_MAP__ = ${JSON.stringify(fileMap)};`,
    },
    '/runtime.js': { type: 'application/javascript; charset=utf-8', body: bundleRuntime() },
  } as Record<string, { type: string; body: string }>;

  const app = tcb.init({
    env: options.envId ?? 'local-env',
    serviceUrl: `${options.cloudUrl}/admin`,
    secretId: 'local-secret-id',
    secretKey: 'local-secret-key',
  });

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errMsg: String(error) }));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://preview');
    const asset = req.method === 'GET' ? assets[url.pathname] : undefined;
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
      res.end(asset.body);
      return;
    }
    if (req.method === 'POST' && url.pathname.startsWith('/client/functions/')) {
      const upstream = await fetch(`${options.cloudUrl}${url.pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': String(req.headers['x-wx-openid'] ?? '') },
        body: await readBody(req),
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
      return;
    }
    if (req.method === 'POST' && url.pathname === '/preview/pay') {
      // What the WeChat Pay sheet does: the platform learns the payment; the product finds out on its own.
      const { orderId, result } = JSON.parse(await readBody(req)) as { orderId: string; result: 'SUCCESS' | 'FAIL' };
      const found = (await app.database().collection(COLLECTIONS.orders).doc(orderId).get()) as {
        data: { outTradeNo?: string }[];
      };
      const outTradeNo = found.data[0]?.outTradeNo;
      const upstream = await fetch(`${options.cloudUrl}/sandbox/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outTradeNo, result }),
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
      return;
    }
    res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404);
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
