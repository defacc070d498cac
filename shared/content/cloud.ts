/**
 * The media checks' dependencies from wx-server-sdk inside a cloud function: the database, temp URLs of storage
 * files and the `security.mediaCheckAsync` cloud call (which works only inside a function, with the permission in
 * its config.json).
 */
import type * as WxServerSdk from 'wx-server-sdk';
import type { MediaCheckAsync, MediaCheckDeps } from './media-check';

type Sdk = typeof WxServerSdk;

/** wx-server-sdk types `openapi` loosely. */
interface UntypedApis {
  openapi: { security: { mediaCheckAsync: MediaCheckAsync } };
}

export function cloudMediaCheckDeps(sdk: Sdk): MediaCheckDeps {
  return {
    db: sdk.database(),
    tempUrl: async (fileId, maxAgeSec) => {
      const result = (await sdk.getTempFileURL({ fileList: [{ fileID: fileId, maxAge: maxAgeSec }] })) as {
        fileList: { status: number; tempFileURL: string }[];
      };
      const file = result.fileList[0];
      return file && file.status === 0 && file.tempFileURL !== '' ? file.tempFileURL : undefined;
    },
    mediaCheckAsync: (params) => (sdk as unknown as UntypedApis).openapi.security.mediaCheckAsync(params),
  };
}
