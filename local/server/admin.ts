import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { CloudApiError, ErrorCodes } from './errors';
import { HttpError, parseJsonObject, readBody } from './http';

/** One call of the CloudBase server API (`POST /admin`), whatever its transport. */
export interface AdminRequest {
  action: string;
  /** JSON body fields, or multipart fields (text parts as strings, file parts as Buffers). */
  params: Record<string, unknown>;
  requestId: string;
  envName: string;
  /** `wxCloudApiToken`: the function host's per-invocation token, which tells who is calling. */
  apiToken?: string;
}

/** A JSON reply (requestId is added) or raw bytes, as the open-API transports answer. */
export type AdminReply = Record<string, unknown> | { raw: Buffer; contentType: string };

export type AdminHandler = (request: AdminRequest) => Promise<AdminReply> | AdminReply;

/** Sees every server-API request that names a registered action, before it runs (tests and benchmarks count calls). */
export type AdminObserver = (request: Omit<AdminRequest, 'requestId'>) => void;

/** A way to make a family of actions misbehave, for tests of callers' error paths (e.g. the database going away). */
export interface AdminFault {
  /** Answer with a system error instead of running the action. */
  unavailable?: boolean;
  /** Milliseconds to wait before answering (or failing). */
  delayMs?: number;
}

/**
 * Dispatches server-API actions to the handlers the parts of the local cloud register
 * (`database.*`, `functions.*`, `storage.*`, `wx.openApi`, `wx.wxPayApi`).
 */
export class AdminRouter {
  private readonly handlers = new Map<string, AdminHandler>();
  private readonly observers = new Set<AdminObserver>();
  private readonly faults = new Map<string, AdminFault>();

  register(action: string, handler: AdminHandler): void {
    if (this.handlers.has(action)) throw new Error(`admin action ${action} is registered twice`);
    this.handlers.set(action, handler);
  }

  /** Makes every action starting with `prefix` (`database.`, `storage.`, …) misbehave until `clearFault(prefix)`. */
  setFault(prefix: string, fault: AdminFault): void {
    this.faults.set(prefix, { ...fault });
  }

  clearFault(prefix: string): void {
    this.faults.delete(prefix);
  }

  /** Shows `observer` every request from now on; returns the function that stops it. */
  observe(observer: AdminObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  async handle(req: IncomingMessage, url: URL): Promise<{ status: number; body: AdminReply }> {
    const requestId = randomUUID();
    try {
      const params = await readParams(req);
      const action = params.action;
      if (typeof action !== 'string') throw new CloudApiError(ErrorCodes.invalidParam, 'action is required');
      const handler = this.handlers.get(action);
      if (!handler) throw new CloudApiError(ErrorCodes.invalidAction, `unknown action ${action}`);
      for (const [prefix, fault] of this.faults) {
        if (!action.startsWith(prefix)) continue;
        if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault.unavailable)
          throw new CloudApiError(ErrorCodes.internal, `${action} is unavailable (injected fault)`);
      }
      const envName = String(params.envName ?? url.searchParams.get('env') ?? '');
      const apiToken = typeof params.wxCloudApiToken === 'string' ? params.wxCloudApiToken : undefined;
      for (const observer of this.observers) observer({ action, params, envName, apiToken });
      const reply = await handler({ action, params, requestId, envName, apiToken });
      return { status: 200, body: 'raw' in reply ? reply : { requestId, ...reply } };
    } catch (error) {
      if (error instanceof CloudApiError) {
        return { status: error.httpStatus, body: { requestId, code: error.code, message: error.message } };
      }
      if (error instanceof HttpError) {
        return { status: error.status, body: { requestId, code: ErrorCodes.invalidParam, message: error.message } };
      }
      console.error(`[local cloud] admin request ${requestId} failed`, error);
      return { status: 500, body: { requestId, code: ErrorCodes.internal, message: 'internal error' } };
    }
  }
}

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) return readMultipart(req);
  return parseJsonObject(await readBody(req));
}

/** Multipart bodies (`wx.openApi`, `wx.wxPayApi`): text fields as strings, file fields as Buffers. */
async function readMultipart(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  return new Promise((resolve, reject) => {
    const fields: Record<string, unknown> = {};
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fields: 100, files: 20 } });
    } catch (error) {
      reject(new HttpError(400, `bad multipart body: ${(error as Error).message}`));
      return;
    }
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (fields[name] = Buffer.concat(chunks)));
    });
    parser.on('close', () => resolve(fields));
    parser.on('error', (error: Error) => reject(new HttpError(400, `bad multipart body: ${error.message}`)));
    parser.end(body);
  });
}
