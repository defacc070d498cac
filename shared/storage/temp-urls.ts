/**
 * Temp URLs of cloud storage files from wx-server-sdk (`getTempFileURL`), the one way a client opens a file: the
 * environment's storage is admin-only (README, "Storage"), so a fileID opens nothing outside a function.
 */
import type * as WxServerSdk from 'wx-server-sdk';

/** Files per `getTempFileURL` call, as the service allows. */
export const MAX_FILES_PER_CALL = 50;

/** The temp URL of each file that exists, by fileID; a missing file is absent from the map. */
export type TempUrls = (fileIds: readonly string[], maxAgeSec: number) => Promise<Map<string, string>>;

interface TempFileReply {
  fileList: { fileID: string; status: number; errMsg?: string; tempFileURL: string }[];
}

export function sdkTempUrls(sdk: Pick<typeof WxServerSdk, 'getTempFileURL'>): TempUrls {
  return async (fileIds, maxAgeSec) => {
    const urls = new Map<string, string>();
    const unique = [...new Set(fileIds)];
    for (let i = 0; i < unique.length; i += MAX_FILES_PER_CALL) {
      const fileList = unique.slice(i, i + MAX_FILES_PER_CALL).map((fileID) => ({ fileID, maxAge: maxAgeSec }));
      const reply = (await sdk.getTempFileURL({ fileList })) as TempFileReply;
      for (const file of reply.fileList) {
        if (file.status === 0 && file.tempFileURL !== '') urls.set(file.fileID, file.tempFileURL);
      }
    }
    return urls;
  };
}

/** One file's temp URL, or `undefined` when it does not exist. */
export async function tempUrlOf(tempUrls: TempUrls, fileId: string, maxAgeSec: number): Promise<string | undefined> {
  return (await tempUrls([fileId], maxAgeSec)).get(fileId);
}
