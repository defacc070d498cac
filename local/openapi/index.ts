import type { LocalCloud } from '../cloud';
import type { CloudPart } from '../parts';
import type { AdminReply, AdminRequest } from '../server/admin';
import { CloudApiError, ErrorCodes } from '../server/errors';
import { parseJsonBigInt, stringifyJsonBigInt } from './json-bigint';
import { decodeApiOptions, decodeCommApiData, encodeCommOpenApiResp, type KeyValuePair } from './proto';
import { ApiRegistry } from './registry';

export { ApiRegistry, type ApiFault, type ApiHandler } from './registry';

/** One `cloud.openapi.<apiName>(data)` call, as a handler sees it. */
export interface OpenApiCall {
  /** For example `security.msgSecCheck`. */
  apiName: string;
  /**
   * The parameters as the SDK sent them: snake_case keys, JSON values (integers beyond 2^53 as `bigint`); a file
   * parameter (e.g. `media`) as `{ contentType, filename, value: Buffer }`.
   */
  params: Record<string, unknown>;
  /** From `cloud.openapi({ appid })`; empty when none was given. */
  appid: string;
  /** `commrpcv2` for `cloud.openapi({ version: 'v2' })`. */
  cgiName?: string;
  /** The caller's `wxCloudApiToken`: the function host's per-invocation token; absent for an admin caller. */
  apiToken?: string;
  envName: string;
}

/** The JSON the WeChat API answers: `errcode`/`errmsg` (a non-zero errcode makes the SDK throw) and its fields. */
export type OpenApiReply = Record<string, unknown>;

/** One `cloud.cloudPay.<apiName>(data)` call (`unifiedOrder`, `queryOrder`, `closeOrder`, `refund`, …). */
export interface PayApiCall {
  apiName: string;
  /** snake_case parameters (`out_trade_no`, `total_fee`, `sub_mch_id`, `env_id`, `function_name`, …). */
  params: Record<string, unknown>;
  /** From `cloud.cloudPay({ appid })`, sent as `ApiOptions`; empty when none was given. */
  appid: string;
  apiToken?: string;
  envName: string;
}

/** The pay platform's snake_case JSON (`return_code`, `result_code`, …); the SDK camelCases it and never throws on it. */
export type PayApiReply = Record<string, unknown>;

export interface OpenApis {
  openApi: ApiRegistry<OpenApiCall, OpenApiReply>;
  payApi: ApiRegistry<PayApiCall, PayApiReply>;
}

/**
 * wx-server-sdk's code for "API not found" (`WX_FUNCTIONS_SERVER_OPENAPI_NOT_FOUND`). Assumed to be what the real
 * service puts in `CommOpenApiResp.errorCode` for an API it does not serve; the SDK throws it as the errCode.
 */
export const OPENAPI_NOT_FOUND = -604100;

/** The open-API part: the `wx.openApi` and `wx.wxPayApi` transports; sandboxes register their APIs on it. */
export function openApiPart(): CloudPart<'openApi'> {
  return {
    name: 'openApi',
    attach(cloud) {
      const apis: OpenApis = { openApi: new ApiRegistry(), payApi: new ApiRegistry() };
      cloud.admin.register('wx.openApi', (request) => serveOpenApi(apis.openApi, request));
      cloud.admin.register('wx.wxPayApi', (request) => servePayApi(apis.payApi, request));
      return apis;
    },
  };
}

/** The registries attached to a cloud (for sandboxes and tests that hold only the cloud). */
export function openApisOf(cloud: LocalCloud): OpenApis {
  return cloud.parts.get('openApi');
}

/**
 * `wx.openApi`: multipart with `apiName`, `requestData` (protobuf `CommApiData`) and `cgiName`; the reply is a raw
 * `CommOpenApiResp`. Its HTTP Content-Type must not be exactly `application/json; charset=utf-8`, which the SDK would
 * parse as a JSON error.
 */
async function serveOpenApi(registry: OpenApis['openApi'], request: AdminRequest): Promise<AdminReply> {
  const apiName = textField(request.params.apiName, 'apiName');
  let data: ReturnType<typeof decodeCommApiData>;
  try {
    data = decodeCommApiData(bytesField(request.params.requestData));
  } catch {
    throw new CloudApiError(ErrorCodes.invalidParam, 'requestData is not a CommApiData message');
  }
  const params = Object.fromEntries(data.pairs.map((pair) => [pair.key, pairValue(pair)]));
  const cgiName = typeof request.params.cgiName === 'string' ? request.params.cgiName : undefined;
  const outcome = await registry.dispatch(apiName, {
    apiName,
    params,
    appid: data.appid,
    cgiName,
    apiToken: request.apiToken || undefined,
    envName: request.envName,
  });
  if (outcome.kind === 'unavailable') throw unavailable(apiName);
  const response =
    outcome.kind === 'unregistered'
      ? { errorCode: OPENAPI_NOT_FOUND, httpCode: 200 }
      : {
          respData: Buffer.from(stringifyJsonBigInt(outcome.reply)),
          contentType: 'application/json; charset=utf-8',
          httpCode: 200,
        };
  return { raw: encodeCommOpenApiResp(response), contentType: 'application/octet-stream' };
}

/**
 * `wx.wxPayApi`: multipart with `apiName`, `requestData` (JSON bytes) and `apiOptions` (protobuf `ApiOptions`); the
 * reply is the raw JSON bytes, served as text/plain so that the SDK does not take them for a server-API error.
 */
async function servePayApi(registry: OpenApis['payApi'], request: AdminRequest): Promise<AdminReply> {
  const apiName = textField(request.params.apiName, 'apiName');
  let params: unknown;
  let appid: string;
  try {
    params = JSON.parse(bytesField(request.params.requestData).toString('utf8'));
    appid = decodeApiOptions(bytesField(request.params.apiOptions ?? Buffer.alloc(0))).appid;
  } catch {
    throw new CloudApiError(ErrorCodes.invalidParam, 'requestData must be JSON and apiOptions an ApiOptions message');
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new CloudApiError(ErrorCodes.invalidParam, 'requestData must be a JSON object');
  }
  const outcome = await registry.dispatch(apiName, {
    apiName,
    params: params as Record<string, unknown>,
    appid,
    apiToken: request.apiToken || undefined,
    envName: request.envName,
  });
  if (outcome.kind === 'unavailable') throw unavailable(apiName);
  const reply =
    outcome.kind === 'unregistered'
      ? { return_code: 'FAIL', return_msg: `cloudPay API ${apiName} is not available` }
      : outcome.reply;
  return { raw: Buffer.from(JSON.stringify(reply)), contentType: 'text/plain; charset=utf-8' };
}

/** An injected outage answers as the platform's gateway does when the backend fails: a server-API system error. */
function unavailable(apiName: string): CloudApiError {
  return new CloudApiError(ErrorCodes.internal, `${apiName} is unavailable (injected fault)`);
}

function pairValue(pair: KeyValuePair): unknown {
  if (pair.contenttype) return { contentType: pair.contenttype, filename: pair.filename, value: pair.value };
  try {
    return parseJsonBigInt(pair.value.toString('utf8'));
  } catch {
    throw new CloudApiError(ErrorCodes.invalidParam, `parameter ${pair.key} is not JSON`);
  }
}

function textField(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '')
    throw new CloudApiError(ErrorCodes.invalidParam, `${name} is required`);
  return value;
}

/** Multipart parts arrive as Buffers (binary parts) or strings (text parts). */
function bytesField(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new Error('missing binary field');
}
