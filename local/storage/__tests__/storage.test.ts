/**
 * Cloud storage of the local cloud, driven by the real wx-server-sdk (and @cloudbase/node-sdk) as an admin, the way a
 * cloud function uses CloudBase storage. Assumptions about the real service are named where a test encodes one.
 */
import type { LocalCloud } from '../../cloud';
import { startTestCloud } from '../../testing';
import { MAX_FILES_PER_CALL, storageOf, type Storage } from '..';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's typings declare these calls as `Promise | void`
type Sdk = any;
let cloud: LocalCloud;
let storage: Storage;
let sdk: Sdk;

beforeAll(async () => {
  cloud = await startTestCloud();
  storage = storageOf(cloud);
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
});
afterAll(() => cloud.close());

async function upload(cloudPath: string, bytes: Buffer): Promise<string> {
  const { fileID } = await sdk.uploadFile({ cloudPath, fileContent: bytes });
  return fileID;
}

async function tempUrlOf(fileID: string, maxAge?: number): Promise<string> {
  const fileList = maxAge === undefined ? [fileID] : [{ fileID, maxAge }];
  const {
    fileList: [entry],
  } = await sdk.getTempFileURL({ fileList });
  expect(entry.status).toBe(0);
  return entry.tempFileURL;
}

describe('upload, temp URL, download', () => {
  test('bytes uploaded with uploadFile come back from downloadFile and from the temp URL', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 10, 13]);
    const result = await sdk.uploadFile({ cloudPath: 'courses/c1/cover.png', fileContent: bytes });
    expect(result).toMatchObject({ errMsg: 'uploadFile:ok' });
    expect(result.fileID).toBe(`cloud://${cloud.envId}.${storage.bucket}/courses/c1/cover.png`);

    const { fileList } = await sdk.getTempFileURL({ fileList: [result.fileID] });
    expect(fileList).toEqual([
      { fileID: result.fileID, status: 0, errMsg: 'ok', maxAge: 86400, tempFileURL: expect.any(String) },
    ]);
    const response = await fetch(encodeURI(fileList[0].tempFileURL));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);

    const downloaded = await sdk.downloadFile({ fileID: result.fileID });
    expect(downloaded.statusCode).toBe(200);
    expect(Buffer.compare(downloaded.fileContent, bytes)).toBe(0);
  });

  test('a path with spaces and non-ASCII characters round-trips; the temp URL is returned unencoded', async () => {
    const fileID = await upload('课程/第 1 课/讲义 v2.pdf', Buffer.from('%PDF-1.4 fake'));
    const url = await tempUrlOf(fileID);
    expect(url).toContain('/课程/第 1 课/讲义 v2.pdf?');
    const { fileContent } = await sdk.downloadFile({ fileID });
    expect(fileContent.toString()).toBe('%PDF-1.4 fake');
    expect((await fetch(encodeURI(url))).headers.get('content-type')).toBe('application/pdf');
  });

  test('uploading to the same path overwrites the file, as COS does', async () => {
    const first = await upload('notes/overwrite.txt', Buffer.from('first'));
    const second = await upload('notes/overwrite.txt', Buffer.from('second'));
    expect(second).toBe(first);
    expect((await sdk.downloadFile({ fileID: first })).fileContent.toString()).toBe('second');
  });

  test('a Range request gets 206 with the requested bytes (video players seek this way)', async () => {
    const fileID = await upload('media/clip.mp4', Buffer.from('0123456789'));
    const url = encodeURI(await tempUrlOf(fileID));
    const partial = await fetch(url, { headers: { range: 'bytes=2-5' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await partial.text()).toBe('2345');
    expect((await fetch(url, { headers: { range: 'bytes=20-' } })).status).toBe(416);
  });

  test('node-sdk getFileInfo reads size and type with a HEAD of the temp URL', async () => {
    const tcb = require('@cloudbase/node-sdk');
    const app = tcb.init({ env: cloud.envId });
    const { fileID } = await app.uploadFile({ cloudPath: 'docs/readme.md', fileContent: Buffer.from('# hi\n') });
    const { fileList } = await app.getFileInfo({ fileList: [fileID] });
    expect(fileList[0]).toMatchObject({ code: 'SUCCESS', size: 5, mime: 'text/markdown' });
  });
});

describe('temp URLs are signed', () => {
  test('a tampered signature, expiry or path is refused with 403', async () => {
    const fileID = await upload('private/lesson1.mp4', Buffer.from('paid video'));
    await upload('private/lesson2.mp4', Buffer.from('other paid video'));
    const url = new URL(encodeURI(await tempUrlOf(fileID, 60)));
    expect((await fetch(url)).status).toBe(200);

    const badSign = new URL(url);
    const sign = badSign.searchParams.get('sign') ?? '';
    badSign.searchParams.set('sign', `${sign[0] === 'a' ? 'b' : 'a'}${sign.slice(1)}`);
    const refused = await fetch(badSign);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>');

    const longer = new URL(url);
    longer.searchParams.set('t', String(Number(url.searchParams.get('t')) + 3600));
    expect((await fetch(longer)).status).toBe(403);

    const otherFile = new URL(url);
    otherFile.pathname = otherFile.pathname.replace('lesson1', 'lesson2');
    expect((await fetch(otherFile)).status).toBe(403);

    const unsigned = new URL(url);
    unsigned.search = '';
    expect((await fetch(unsigned)).status).toBe(403);
  });

  test('maxAge is echoed and capped at one day', async () => {
    const fileID = await upload('private/cap.txt', Buffer.from('x'));
    const { fileList } = await sdk.getTempFileURL({
      fileList: [
        { fileID, maxAge: 120 },
        { fileID, maxAge: 7 * 86400 },
      ],
    });
    expect(fileList.map((entry: { maxAge: number }) => entry.maxAge)).toEqual([120, 86400]);
  });
});

describe('missing files and limits', () => {
  test('an unknown fileID gets STORAGE_FILE_NONEXIST per file, next to the files that exist', async () => {
    const fileID = await upload('a/exists.txt', Buffer.from('x'));
    const missing = `cloud://${cloud.envId}.${storage.bucket}/a/missing.txt`;
    const otherEnv = 'cloud://other-env.6f74-other-env-1250000000/a/exists.txt';
    const { fileList } = await sdk.getTempFileURL({ fileList: [fileID, missing, otherEnv] });
    expect(fileList.map((entry: { status: number }) => entry.status)).toEqual([0, -503003, -503003]);
    expect(fileList[1]).toMatchObject({ fileID: missing, tempFileURL: '' });
  });

  test('deleteFile reports per file; a deleted file can no longer be downloaded', async () => {
    const fileID = await upload('a/doomed.txt', Buffer.from('bye'));
    const url = encodeURI(await tempUrlOf(fileID));
    const missing = `cloud://${cloud.envId}.${storage.bucket}/a/never.txt`;
    const { fileList } = await sdk.deleteFile({ fileList: [fileID, missing] });
    expect(fileList).toEqual([
      { fileID, status: 0, errMsg: 'ok' },
      expect.objectContaining({ fileID: missing, status: -503003 }),
    ]);
    // node-sdk throws a TcbError carrying the server's code; wx-server-sdk reports it with errCode -1.
    await expect(sdk.downloadFile({ fileID })).rejects.toMatchObject({ code: 'STORAGE_FILE_NONEXIST', errCode: -1 });
    // A temp URL given out before the delete stops working too.
    const gone = await fetch(url);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('<Code>NoSuchKey</Code>');
    expect(await storage.exists(fileID)).toBe(false);
  });

  test(`more than ${MAX_FILES_PER_CALL} fileIDs in one call is an INVALID_PARAM error`, async () => {
    const ids = Array.from({ length: MAX_FILES_PER_CALL + 1 }, (_, i) => storage.fileId(`bulk/${i}.txt`));
    // Assumed: the real service answers an over-long list with INVALID_PARAM for the whole call.
    await expect(sdk.getTempFileURL({ fileList: ids })).rejects.toMatchObject({ code: 'INVALID_PARAM' });
    await expect(sdk.deleteFile({ fileList: ids })).rejects.toMatchObject({ code: 'INVALID_PARAM' });
    const { fileList } = await sdk.getTempFileURL({ fileList: ids.slice(0, MAX_FILES_PER_CALL) });
    expect(fileList).toHaveLength(MAX_FILES_PER_CALL);
  });
});

describe('path safety', () => {
  test.each(['../escape.txt', 'a/../../escape.txt', 'a/./b.txt', '/absolute.txt', 'a//b.txt', 'a\\..\\b.txt', 'q?x=1'])(
    'uploadFile refuses cloudPath %p',
    async (cloudPath) => {
      await expect(sdk.uploadFile({ cloudPath, fileContent: Buffer.from('x') })).rejects.toMatchObject({
        code: 'INVALID_PARAM',
      });
      await expect(storage.put(cloudPath, Buffer.from('x'))).rejects.toThrow();
    },
  );

  test('a fileID or URL with dot segments names no file', async () => {
    await upload('safe/inside.txt', Buffer.from('inside'));
    const dotted = `cloud://${cloud.envId}.${storage.bucket}/safe/../safe/inside.txt`;
    const { fileList } = await sdk.getTempFileURL({ fileList: [dotted] });
    expect(fileList[0].status).toBe(-503003);
    const escape = await fetch(
      `${cloud.url}/tcb/${storage.bucket}/..%2F..%2Fetc%2Fpasswd?sign=${'0'.repeat(64)}&t=9999999999`,
    );
    expect(escape.status).toBe(403);
  });

  test('a PUT without a pending upload, or a second PUT on the same one, is refused with COS XML', async () => {
    const stray = await fetch(`${cloud.url}/cos/${storage.bucket}/stray.txt`, { method: 'PUT', body: 'x' });
    expect(stray.status).toBe(403);
    expect(await stray.text()).toContain('<Code>AccessDenied</Code>');
    expect(await storage.exists(storage.fileId('stray.txt'))).toBe(false);

    const { data } = storage.getUploadMetadata({
      action: 'storage.getUploadMetadata',
      params: { path: 'once.txt' },
      requestId: 'r',
      envName: cloud.envId,
    }) as { data: { url: string; token: string; authorization: string; cosFileId: string } };
    const headers = {
      'x-cos-security-token': data.token,
      authorization: data.authorization,
      'x-cos-meta-fileid': data.cosFileId,
    };
    expect((await fetch(data.url, { method: 'PUT', body: 'first', headers })).status).toBe(200);
    expect((await fetch(data.url, { method: 'PUT', body: 'again', headers })).status).toBe(403);
    expect((await storage.get(storage.fileId('once.txt')))?.toString()).toBe('first');
  });
});

describe('the direct API', () => {
  test('put, get, exists and tempUrl agree with what the SDK sees', async () => {
    const fileID = await storage.put('demo/intro.mp3', Buffer.from('ID3 fake'));
    expect(await storage.exists(fileID)).toBe(true);
    expect((await sdk.downloadFile({ fileID })).fileContent.toString()).toBe('ID3 fake');
    const sdkFileID = await upload('demo/from-sdk.txt', Buffer.from('via sdk'));
    expect((await storage.get(sdkFileID))?.toString()).toBe('via sdk');
    const response = await fetch(encodeURI(storage.tempUrl(fileID, 30)));
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(await response.text()).toBe('ID3 fake');
    expect(() => storage.tempUrl('cloud://elsewhere/x.txt')).toThrow(/not a fileID/);
  });
});
