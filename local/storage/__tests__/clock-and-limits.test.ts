/**
 * Expiry of temp URLs and upload authorisations, against a storage-only cloud whose clock the test moves (no sleeps).
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
  storage = attachStorage(cloud, { now: () => now });
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
  }) as { data: { url: string; token: string; authorization: string } };
  now += 600_000;
  const late = await fetch(data.url, {
    method: 'PUT',
    body: 'late',
    headers: { 'x-cos-security-token': data.token, authorization: data.authorization },
  });
  expect(late.status).toBe(403);
  expect(await storage.exists(storage.fileId('late.txt'))).toBe(false);
});
