/**
 * A launch: learners who all buy one course at the same moment, through the local cloud as the mini-program and the
 * platform drive it. Each learner calls `order.create` through the client gateway, pays in the cloudPay sandbox
 * (`POST /sandbox/pay`), and then two things race as they do on a phone: the platform's first callback delivery to
 * `payNotify`, and the learner's page polling `order.get` until the order is paid. Used by the launch regression test
 * (cloudfunctions/order) and by `npm run bench:launch`.
 */
import type { CourseDoc } from '../shared/catalog/schema';
import { getById, type Database } from '../shared/db';
import type { Order } from '../shared/contract';
import type { OrderDoc } from '../shared/orders/model';

/** A published course that has just gone on sale: no learner yet. */
export function launchCourse(id: string, fields: Partial<CourseDoc> = {}): CourseDoc {
  const at = new Date().toISOString();
  return {
    _id: id,
    status: 'published',
    title: '发布日的新课',
    subtitle: '很多人同时购买',
    description: '热门新课',
    category: 'dev',
    tags: ['dev'],
    level: 'beginner',
    cover: 'cloud://local-env.launch/cover.png',
    creator: { id: 'lin', name: '林老师' },
    priceFen: 9900,
    lessonCount: 3,
    learnerCount: 0,
    rating: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
    version: 1,
    createdAt: at,
    updatedAt: at,
    publishedAt: at,
    ...fields,
  };
}

/** What one learner of the crowd met. */
export interface BuyerOutcome {
  openid: string;
  orderId?: string;
  /** Why `order.create` failed, if it did (no payment was made then). */
  createError?: string;
  /** The platform's first callback delivery was acknowledged (`errcode: 0`). */
  firstDeliveryAcked: boolean;
  /** Milliseconds the first delivery took, from the platform's call to the function's answer. */
  callbackMs?: number;
  /** Every error code `order.get` answered this learner (the learner saw each one). */
  getErrors: string[];
  /** The order's status at the learner's last `order.get`. */
  lastStatus?: string;
}

export interface CrowdOptions {
  /** The local cloud's base URL. */
  url: string;
  /** An admin database handle (to look up the trade number a learner's phone never sees). */
  db: Database;
  courseId: string;
  buyers: number;
  /** Distinguishes the learners of one crowd from another's. */
  prefix: string;
  /** `order.get` polls per learner until the order is paid, and the wait between them. @default 10, 200 */
  polls?: number;
  pollDelayMs?: number;
  /**
   * At most this many of the crowd's requests in flight (the rest wait their turn). The local cloud runs every
   * invocation in one process, which has to answer each within the SDK's timeout; on CloudBase each runs on its own
   * instance. @default unbounded
   */
  inFlight?: number;
}

type Gate = <T>(run: () => Promise<T>) => Promise<T>;

/** A counting gate: `run` waits while `limit` others are running. */
function gate(limit: number): Gate {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await run();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

type Envelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

type Post = (url: string, body: unknown, headers?: Record<string, string>) => Promise<unknown>;

/** The JSON reply of a POST, or the HTTP failure a phone or the platform would meet (a function that timed out). */
async function postOnce(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new HttpFailure(res.status, text);
  return JSON.parse(text) as unknown;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status} ${body.slice(0, 200)}`);
  }
}

/** An order action as the learner's phone calls it; an HTTP failure is an error code like any other. */
async function callOrder<T>(
  post: Post,
  url: string,
  openid: string,
  data: Record<string, unknown>,
): Promise<Envelope<T>> {
  try {
    const reply = (await post(`${url}/client/functions/order`, { data }, { 'x-wx-openid': openid })) as {
      result: Envelope<T>;
    };
    return reply.result;
  } catch (error) {
    if (!(error instanceof HttpFailure)) throw error;
    return { ok: false, error: { code: `HTTP ${error.status}`, message: error.message } };
  }
}

const ACK = JSON.stringify({ errcode: 0, errmsg: 'OK' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function buyer(options: CrowdOptions, limited: Gate, openid: string): Promise<BuyerOutcome> {
  const { url, courseId } = options;
  const post: Post = (to, body, headers) => limited(() => postOnce(to, body, headers));
  const outcome: BuyerOutcome = { openid, firstDeliveryAcked: false, getErrors: [] };
  const created = await callOrder<{ order: Order }>(post, url, openid, { action: 'create', courseId });
  if (!created.ok) return { ...outcome, createError: created.error.code };
  const orderId = created.data.order.id;
  outcome.orderId = orderId;
  const { outTradeNo } = (await limited(() => getById<OrderDoc>(options.db, 'orders', orderId))) as OrderDoc;
  // The learner pays in the sheet: the trade is paid at the platform, no callback yet.
  await post(`${url}/sandbox/pay`, { outTradeNo, deliveries: 0 });

  const deliver = () =>
    limited(async () => {
      // Timed once it is the platform's turn, not while it waits at the crowd's gate.
      const started = performance.now();
      // Re-paying a paid trade only delivers its callback: this is the platform's first delivery.
      const reply = (await postOnce(`${url}/sandbox/pay`, { outTradeNo, deliveries: 1 })) as {
        deliveries: { result?: unknown; error?: string }[];
      };
      outcome.callbackMs = performance.now() - started;
      // A function that failed or timed out is not an acknowledgement either.
      outcome.firstDeliveryAcked = JSON.stringify(reply.deliveries[0]?.result) === ACK;
    });
  const poll = async () => {
    for (let i = 0; i < (options.polls ?? 10); i += 1) {
      if (i > 0) await sleep(options.pollDelayMs ?? 200);
      const got = await callOrder<{ order: Order }>(post, url, openid, { action: 'get', orderId });
      if (!got.ok) {
        outcome.getErrors.push(got.error.code);
        continue;
      }
      outcome.lastStatus = got.data.order.status;
      if (outcome.lastStatus === 'paid') return;
    }
  };
  await Promise.all([deliver(), poll()]);
  return outcome;
}

/** Every learner of the crowd buys `courseId` at once; one outcome per learner, in order. */
export function launchCrowd(options: CrowdOptions): Promise<BuyerOutcome[]> {
  const limited = gate(options.inFlight ?? Infinity);
  return Promise.all(
    Array.from({ length: options.buyers }, (_v, i) =>
      buyer(options, limited, `${options.prefix}${String(i).padStart(5, '0')}`),
    ),
  );
}
