/** Files kept under `<dataDir>/storage/` outlive the process that stored them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestCloud } from '../../testing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's typings declare these calls as `Promise | void`
type Sdk = any;
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cloudcourse-storage-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test('a file uploaded before a restart on the same data folder is still downloadable, by the same fileID', async () => {
  const sdk: Sdk = require('wx-server-sdk');
  const first = await startTestCloud({ dataDir });
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  const bytes = Buffer.from('kept across restarts \u2713');
  const { fileID } = await sdk.uploadFile({ cloudPath: 'courses/c1/lesson-1.md', fileContent: bytes });
  const { fileList } = await sdk.getTempFileURL({ fileList: [{ fileID, maxAge: 3600 }] });
  const oldUrlPath = new URL(encodeURI(fileList[0].tempFileURL));
  await first.close();

  const second = await startTestCloud({ dataDir });
  try {
    const { fileContent } = await sdk.downloadFile({ fileID });
    expect(Buffer.compare(fileContent, bytes)).toBe(0);
    // The signing secret is kept in the folder too, so a URL given out before the restart still works (on the new port).
    const response = await fetch(`${second.url}${oldUrlPath.pathname}${oldUrlPath.search}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  } finally {
    await second.close();
  }
});
