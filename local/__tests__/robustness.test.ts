/**
 * Bad requests never crash or wedge the local cloud: malformed JSON, unknown actions, broken EJSON, huge bodies and
 * random bytes on every endpoint all get an error reply, and the server keeps serving real SDK calls afterwards.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { collections as productCollections, type CollectionSpec } from '../../database/collections';
import type { LocalCloud } from '../cloud';
import { MAX_BODY_BYTES } from '../server/http';
import { startTestCloud } from '../testing';

// The product's collections too: random requests reach real functions (the catalog, the retrain timer).
const collections: CollectionSpec[] = [
  ...productCollections,
  { name: 'notes', indexes: [], rules: { read: false, write: false } },
];
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ collections });
});
afterAll(() => cloud.close());

function send(
  method: string,
  path: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${cloud.url}${path}`,
      { method, headers: { 'content-length': body.length, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // A reset connection (ECONNRESET, EPIPE) is a failure like any other: the server must answer every request.
    req.on('error', reject);
    req.end(body);
  });
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

async function stillServing(): Promise<void> {
  expect((await send('GET', '/healthz', Buffer.alloc(0))).status).toBe(200);
  const sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  const { _id } = await sdk
    .database()
    .collection('notes')
    .add({ data: { ok: true } });
  expect((await sdk.database().collection('notes').doc(_id).get()).data.ok).toBe(true);
}

describe('the admin endpoint answers bad requests with an error', () => {
  it.each([
    ['malformed JSON', Buffer.from('{"action": "database.getDocument",'), 400, 'INVALID_PARAM'],
    ['a JSON array', json([1, 2]), 400, 'INVALID_PARAM'],
    ['no action', json({ envName: 'x' }), 200, 'INVALID_PARAM'],
    ['an unknown action', json({ action: 'database.dropEverything' }), 200, 'INVALID_ACTION'],
    [
      'broken EJSON',
      json({ action: 'database.getDocument', collectionName: 'notes', query: '{"$date": ' }),
      200,
      'INVALID_PARAM',
    ],
    [
      'EJSON of the wrong type',
      json({ action: 'database.getDocument', collectionName: 'notes', query: '{"a":{"$oid":"zz"}}' }),
      200,
      'INVALID_PARAM',
    ],
    [
      'a bad operator',
      json({ action: 'database.getDocument', collectionName: 'notes', query: '{"a":{"$where":"1"}}' }),
      200,
      'DATABASE_INVALID_OPERRATOR',
    ],
    [
      'bad regular expressions: a pattern that does not compile ($regex)',
      json({ action: 'database.getDocument', collectionName: 'notes', query: '{"a":{"$regex":"(a+"}}' }),
      200,
      'INVALID_PARAM',
    ],
    [
      'bad regular expressions: a pattern that does not compile (with other operators)',
      json({
        action: 'database.getDocument',
        collectionName: 'notes',
        query: '{"a":{"$regex":"[z","$options":"i","$exists":true}}',
      }),
      200,
      'INVALID_PARAM',
    ],
    [
      'a negative limit',
      json({ action: 'database.getDocument', collectionName: 'notes', limit: -1 }),
      200,
      'INVALID_PARAM',
    ],
    [
      'insert of a non-object',
      json({ action: 'database.insertDocument', collectionName: 'notes', data: ['5'] }),
      200,
      'INVALID_PARAM',
    ],
    [
      'a missing collection',
      json({ action: 'database.calculateDocument', collectionName: 'nope' }),
      200,
      'DATABASE_COLLECTION_NOT_EXIST',
    ],
    [
      'an unknown transaction',
      json({ action: 'database.commitTransaction', transactionId: 'nope' }),
      200,
      'DATABASE_TRANSACTION_FAIL',
    ],
  ])('%s', async (_name, body, status, code) => {
    const reply = await send('POST', '/admin', body, { 'content-type': 'application/json' });
    expect(reply.status).toBe(status);
    expect(JSON.parse(reply.text)).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
  });

  it('refuses a body over the size limit without reading it', async () => {
    const reply = await send('POST', '/admin', Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), {
      'content-type': 'application/json',
    });
    expect(reply.status).toBe(413);
    await stillServing();
  });

  it('refuses a broken multipart body', async () => {
    const reply = await send('POST', '/admin', Buffer.from('--xx\r\ngarbage'), {
      'content-type': 'multipart/form-data; boundary=xx',
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    await stillServing();
  });

  it('answers unknown paths and methods', async () => {
    expect((await send('GET', '/nope', Buffer.alloc(0))).status).toBe(404);
    expect((await send('GET', '/admin', Buffer.alloc(0))).status).toBe(405);
  });
});

describe('random bytes on every endpoint', () => {
  const paths = [
    '/admin',
    '/client/functions/catalog',
    '/sandbox/pay',
    '/sandbox/timers/retrain',
    '/healthz',
    '/storage/x',
  ];
  const contentTypes = [
    'application/json',
    'multipart/form-data; boundary=b',
    'text/plain',
    'application/octet-stream',
  ];

  it('never crashes the server', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('POST', 'PUT', 'GET'),
        fc.constantFrom(...contentTypes),
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.json().map((text) => new TextEncoder().encode(text)),
          fc
            .record({
              action: fc.constantFrom(
                'database.getDocument',
                'database.modifyDocument',
                'database.insertDocument',
                'database.aggregateDocuments',
                'functions.invokeFunction',
                'storage.batchGetDownloadUrl',
              ),
              collectionName: fc.constantFrom('notes', 'nope'),
              query: fc.string(),
              data: fc.anything(),
              stages: fc.anything(),
            })
            .map((value) => new TextEncoder().encode(JSON.stringify(value))),
        ),
        async (path, method, contentType, bytes) => {
          const reply = await send(method, path, Buffer.from(bytes), { 'content-type': contentType });
          expect(reply.status).toBeGreaterThanOrEqual(200);
          // A 5xx would mean the server failed on input it should have refused.
          expect(reply.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300, seed: 20261125 },
    );
    await stillServing();
  });
});
