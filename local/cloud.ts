import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { collections as productCollections, type CollectionSpec } from '../database/collections';
import { PartRegistry, type SandboxName } from './parts';
import { AdminRouter } from './server/admin';
import { HttpError, sendBytes, sendJson } from './server/http';
import { RouteTable } from './server/routes';

export interface LocalCloudOptions {
  /**
   * Folder for the database file and stored files; `null` keeps everything in memory (tests).
   * @default null
   */
  dataDir?: string | null;
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The environment id the SDKs send as `envName`. @default 'local-env' */
  envId?: string;
  /** Collections to create. @default the product's, from database/collections.ts */
  collections?: CollectionSpec[];
  /** Where cloud functions live, one folder each. @default <repo>/cloudfunctions */
  functionsDir?: string;
  /** Extra latency added to every server-API call, to model a remote CloudBase in benchmarks. @default 0 */
  latencyMs?: number;
  /** Fire the functions' timer triggers on the wall clock (`POST /sandbox/timers/<fn>` fires them either way). @default true */
  timers?: boolean;
  /**
   * The sandboxes `startLocalCloud` attaches. `npm start` runs them all; a test cloud starts with none, so a transport
   * test can register its own handlers, and tests of the product attach theirs (`attachPaySandbox(cloud)`, …).
   * @default 'none'
   */
  sandboxes?: 'all' | 'none' | readonly SandboxName[];
}

/** The local CloudBase: one HTTP server that speaks the server API and hosts the product's functions. */
export class LocalCloud {
  readonly routes = new RouteTable();
  readonly admin = new AdminRouter();
  readonly envId: string;
  readonly functionsDir: string;
  /** The attached parts (database, functions, storage, …), connected on listen and closed in reverse order. */
  readonly parts = new PartRegistry(this);
  private server?: Server;
  private ready = false;

  constructor(readonly options: LocalCloudOptions = {}) {
    this.envId = options.envId ?? 'local-env';
    this.functionsDir = options.functionsDir ?? path.join(__dirname, '..', 'cloudfunctions');
    const latencyMs = options.latencyMs ?? 0;
    // 503 until `markReady` (API.md §2): a script that waits for 200 finds the collections and the demo catalog in.
    this.routes.add('GET', /^\/healthz$/, async (_req, res) =>
      sendJson(res, this.ready ? 200 : 503, this.ready ? { ok: true } : { ok: false, errMsg: 'starting' }),
    );
    this.routes.add('POST', /^\/admin$/, async (req, res, _match, url) => {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const { status, body } = await this.admin.handle(req, url);
      if ('raw' in body && Buffer.isBuffer(body.raw)) sendBytes(res, status, body.raw, String(body.contentType));
      else sendJson(res, status, body);
    });
  }

  /** From now on `GET /healthz` answers 200: every part is attached and the data the start loads is in. */
  markReady(): void {
    this.ready = true;
  }

  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the local cloud is not listening');
    return address.port;
  }

  get url(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://local');
      const found = this.routes.find(req.method ?? 'GET', url.pathname);
      if (found === undefined) return sendJson(res, 404, { errMsg: `no route ${url.pathname}` });
      if (found === 'wrong-method') return sendJson(res, 405, { errMsg: `method ${req.method} not allowed` });
      found.handler(req, res, found.match, url).catch((error: unknown) => {
        if (res.headersSent) return res.destroy();
        if (error instanceof HttpError) return sendJson(res, error.status, { errMsg: error.message });
        console.error('[local cloud] request failed', error);
        sendJson(res, 500, { errMsg: 'internal error' });
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A launch opens a thousand connections at once; Node's default backlog (511) would reset half of them.
      server.listen({ port: this.options.port ?? 0, host: this.options.host ?? '127.0.0.1', backlog: 4096 }, () =>
        resolve(),
      );
    });
    this.server = server;
    this.parts.connect();
  }

  async close(): Promise<void> {
    await this.parts.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  get collections(): CollectionSpec[] {
    return this.options.collections ?? productCollections;
  }
}
