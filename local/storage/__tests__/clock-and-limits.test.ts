/**
 * Expiry of temp URLs and upload authorisations, and the upload size limit, against a storage-only cloud whose clock
 * the test moves (no sleeps) and whose limit is small.
 */
import { LocalCloud } from '../../cloud';
import { useLocalCloudFromThisProcess } from '../../sdk-env';
import { attachStorage, DEFAULT_URL_MAX_AGE_SEC, type Storage } from '..';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's typings declare these calls as `Promise | void`
type Sdk = any;
let cloud: LocalCloud;
let storage: Storage;
let sdk: Sdk;
let now = Date.UTC(2030, 0, 1);

beforeAll(async () => {
  cloud = new LocalCloud({ dataDir: null });
  storage = attachStorage(cloud, { now: () => now, maxFileBytes: 1024 });
  await cloud.listen();
  useLocalCloudFromThisProcess(`${cloud.url}/admin`, cloud.envId);
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
});
afterAll(() => cloud.close());

test('a temp URL works until max_age seconds have passed, then answers 403', async () => {
  const { fileID } = await sdk.uploadFile({ cloudPath: 'paid/lesson.mp4', fileContent: Buffer.from('video') });
  const { fileList } = await sdk.getTempFileURL({ fileList: [{ fileID, maxAge: 60 }] });
  const url = encodeURI(fileList[0].tempFileURL);

  now += 59_000;
  expect((await fetch(url)).status).toBe(200);
  now += 1_000;
  const expired = await fetch(url);
  expect(expired.status).toBe(403);
  expect(await expired.text()).toContain('<Message>Request has expired.</Message>');

  // A fresh URL for the same file works again.
  const { fileList: renewed } = await sdk.getTempFileURL({ fileList: [fileID] });
  expect(renewed[0].maxAge).toBe(DEFAULT_URL_MAX_AGE_SEC);
  expect((await fetch(encodeURI(renewed[0].tempFileURL))).status).toBe(200);
});

test('the default lifetime is one day', async () => {
  const fileID = await storage.put('paid/default.txt', Buffer.from('x'));
  const url = encodeURI(storage.tempUrl(fileID));
  now += (DEFAULT_URL_MAX_AGE_SEC - 1) * 1000;
  expect((await fetch(url)).status).toBe(200);
  now += 1000;
  expect((await fetch(url)).status).toBe(403);
});

test('an upload authorisation expires after ten minutes', async () => {
  const { data } = storage.getUploadMetadata({
    action: 'storage.getUploadMetadata',
    params: { path: 'late.txt' },
    requestId: 'r',
    envName: cloud.envId,
  }) as { data: { url: string; token: string; authorization: string; cosFileId: string } };
  now += 600_000;
  const late = await fetch(data.url, {
    method: 'PUT',
    body: 'late',
    headers: {
      'x-cos-security-token': data.token,
      authorization: data.authorization,
      'x-cos-meta-fileid': data.cosFileId,
    },
  });
  expect(late.status).toBe(403);
  expect(await storage.exists(storage.fileId('late.txt'))).toBe(false);
});

test('a file over the size limit is refused with COS XML, which the SDK reports as STORAGE_REQUEST_FAIL', async () => {
  const upload = sdk.uploadFile({ cloudPath: 'big.bin', fileContent: Buffer.alloc(4096) });
  await expect(upload).rejects.toMatchObject({ code: 'STORAGE_REQUEST_FAIL' });
  expect(await storage.exists(storage.fileId('big.bin'))).toBe(false);
  await expect(sdk.uploadFile({ cloudPath: 'small.bin', fileContent: Buffer.alloc(1024) })).resolves.toMatchObject({
    errMsg: 'uploadFile:ok',
  });
});
