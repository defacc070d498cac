/**
 * The content checks' dependencies from wx-server-sdk inside a cloud function: the database, temp URLs of storage
 * files, the `security.mediaCheckAsync` and `security.msgSecCheck` cloud calls (which work only inside a function,
 * with the permissions in its config.json) and the operator's blocked terms.
 */
import type * as WxServerSdk from 'wx-server-sdk';
import { readBlockedTerms } from '../settings';
import { sdkTempUrls, tempUrlOf } from '../storage/temp-urls';
import type { MediaCheckAsync, MediaCheckDeps } from './media-check';
import type { RevisionCheckDeps } from './revision-check';
import type { MsgSecCheck } from './sec-check';

type Sdk = typeof WxServerSdk;

/** wx-server-sdk types `openapi` loosely. */
interface UntypedApis {
  openapi: { security: { mediaCheckAsync: MediaCheckAsync; msgSecCheck: MsgSecCheck } };
}

export function cloudMediaCheckDeps(sdk: Sdk): MediaCheckDeps {
  const tempUrls = sdkTempUrls(sdk);
  return {
    db: sdk.database(),
    tempUrl: (fileId, maxAgeSec) => tempUrlOf(tempUrls, fileId, maxAgeSec),
    mediaCheckAsync: (params) => (sdk as unknown as UntypedApis).openapi.security.mediaCheckAsync(params),
  };
}

/** The media checks' dependencies and the text checks': what `contentCheck` runs with. */
export function cloudContentCheckDeps(sdk: Sdk): RevisionCheckDeps {
  const media = cloudMediaCheckDeps(sdk);
  return {
    ...media,
    msgSecCheck: (params) => (sdk as unknown as UntypedApis).openapi.security.msgSecCheck(params),
    blockedTerms: () => readBlockedTerms(media.db),
  };
}
