import { Root } from 'protobufjs';

/**
 * The messages of wx-server-sdk's `src/protobuf/openapi.js` that the transports use, with its field ids
 * (docs/cloudbase-protocol.md §3). `CommApiData` fields 3–5 (`innerData`, `svrkitData`, `tokenData`) and
 * `CommOpenApiResp` fields 5–6 (`headers`, `svrkitErrorCode`) are not declared: the decoder skips unknown fields and
 * the local cloud never sends them.
 */
const root = Root.fromJSON({
  nested: {
    KeyValuePair: {
      fields: {
        key: { type: 'string', id: 1 },
        value: { type: 'bytes', id: 2 },
        contenttype: { type: 'string', id: 3 },
        filename: { type: 'string', id: 4 },
      },
    },
    OpenApiData: { fields: { pairs: { rule: 'repeated', type: 'KeyValuePair', id: 1 } } },
    CommApiData: {
      fields: {
        apiType: { type: 'ApiType', id: 1 },
        openapiData: { type: 'OpenApiData', id: 2 },
        appid: { type: 'string', id: 6 },
      },
      nested: { ApiType: { values: { OPEN_API: 0, INNER_API: 1, SVRKIT_API: 2, TOKEN_API: 3 } } },
    },
    CommOpenApiResp: {
      fields: {
        respData: { type: 'bytes', id: 1 },
        contentType: { type: 'string', id: 2 },
        errorCode: { type: 'int32', id: 3 },
        httpCode: { type: 'uint32', id: 4 },
      },
    },
    ApiOptions: { fields: { appid: { type: 'string', id: 1 } } },
  },
});

const CommApiData = root.lookupType('CommApiData');
const CommOpenApiResp = root.lookupType('CommOpenApiResp');
const ApiOptions = root.lookupType('ApiOptions');

export interface KeyValuePair {
  key: string;
  value: Buffer;
  /** Set by the SDK for file parameters (e.g. media uploads), with `filename`. */
  contenttype?: string;
  filename?: string;
}

export interface CommApiData {
  apiType: 'OPEN_API' | 'INNER_API' | 'SVRKIT_API' | 'TOKEN_API';
  pairs: KeyValuePair[];
  appid: string;
}

export function decodeCommApiData(bytes: Uint8Array): CommApiData {
  const message = CommApiData.toObject(CommApiData.decode(bytes), { enums: String, defaults: true, arrays: true });
  return {
    apiType: message.apiType as CommApiData['apiType'],
    pairs: ((message.openapiData as { pairs?: KeyValuePair[] } | undefined)?.pairs ?? []).map((pair) => ({
      key: pair.key,
      value: Buffer.from(pair.value),
      ...(pair.contenttype ? { contenttype: pair.contenttype, filename: pair.filename } : {}),
    })),
    appid: String(message.appid),
  };
}

export interface CommOpenApiResp {
  respData?: Buffer;
  contentType?: string;
  /** A WeChat system error (e.g. -604100 API not found); the SDK throws it as the errCode. */
  errorCode?: number;
  httpCode?: number;
}

export function encodeCommOpenApiResp(response: CommOpenApiResp): Buffer {
  return Buffer.from(CommOpenApiResp.encode(CommOpenApiResp.fromObject(response)).finish());
}

/** `ApiOptions{appid}`; the SDK sends empty bytes when no appid was given. */
export function decodeApiOptions(bytes: Uint8Array): { appid: string } {
  return { appid: String(ApiOptions.toObject(ApiOptions.decode(bytes), { defaults: true }).appid) };
}
