/**
 * The order-shipping upload (小程序发货信息录入, wxpay/shipping.ts) that releases a cloudPay payment's funds, through
 * the real wx-server-sdk's `cloud.openapi` against the local cloud, whose `wxa.sec.order.uploadShippingInfo` answers
 * here as each test scripts it and records the request as the SDK sent it.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { openApisOf, type OpenApiReply } from '../../../local/openapi';
import { SHIPPING_API } from '../../../local/sandbox/pay';
import { startTestCloud } from '../../../local/testing';
import type { OrderDoc } from '../model';
import { openApiShipping, rfc3339Beijing, type ShippingUploader, type UploadShippingInfo } from '../wxpay/shipping';

const PAID: OrderDoc = {
  _id: 'order-1',
  _openid: 'oLearner1',
  courseId: 'course-ts',
  courseTitle: 'TypeScript 入门',
  amountFen: 9900,
  rail: 'wxpay',
  status: 'paid',
  attempt: 1,
  outTradeNo: 'CC24010108000012345678abcdef01',
  merchantId: '1900000109',
  body: '云课堂-TypeScript 入门',
  clientIp: '10.0.0.7',
  createdAt: '2024-01-01T00:00:00.000Z',
  expiresAt: '2024-01-01T00:30:00.000Z',
  paidAt: '2024-01-01T00:05:12.000Z',
  transactionId: '4200002024010100000000000001',
  history: [],
};

let cloud: LocalCloud;
let shipping: ShippingUploader;
const uploads: Record<string, unknown>[] = [];
let answer: OpenApiReply;

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk.init({ env: cloud.envId });
  openApisOf(cloud).openApi.register(SHIPPING_API, (call) => {
    uploads.push(call.params);
    return answer;
  });
  const openapi = (
    sdk as unknown as { openapi: { wxa: { sec: { order: { uploadShippingInfo: UploadShippingInfo } } } } }
  ).openapi;
  shipping = openApiShipping((params) => openapi.wxa.sec.order.uploadShippingInfo(params));
});
afterAll(() => cloud.close());
beforeEach(() => {
  uploads.length = 0;
  answer = { errcode: 0, errmsg: 'ok' };
});

describe('rfc3339Beijing', () => {
  test.each([
    ['2024-01-01T00:00:00.000Z', '2024-01-01T08:00:00+08:00'],
    // The Beijing date is the next day; milliseconds are dropped, not rounded.
    ['2024-01-01T17:30:05.999Z', '2024-01-02T01:30:05+08:00'],
    ['2023-12-31T16:00:00.000Z', '2024-01-01T00:00:00+08:00'],
  ])('%s is %s', (utc, beijing) => {
    expect(rfc3339Beijing(new Date(utc))).toBe(beijing);
  });
});

describe('openApiShipping', () => {
  test('uploads one unified delivery of a virtual good, by the WeChat Pay transaction, to the payer', async () => {
    await expect(
      shipping.upload(PAID, '云课堂 · TypeScript 入门', new Date('2024-01-01T00:05:30.250Z')),
    ).resolves.toBeUndefined();
    expect(uploads).toEqual([
      {
        order_key: { order_number_type: 2, transaction_id: PAID.transactionId },
        // 3: 虚拟商品; 1: 统一发货 (everything in one delivery, no tracking number).
        logistics_type: 3,
        delivery_mode: 1,
        shipping_list: [{ item_desc: '云课堂 · TypeScript 入门' }],
        upload_time: '2024-01-01T08:05:30+08:00',
        payer: { openid: 'oLearner1' },
      },
    ]);
  });

  test('a refusal rejects with the platform’s code and reason', async () => {
    answer = { errcode: 10060004, errmsg: '支付单处于不可发货的状态' };
    const error = (await shipping.upload(PAID, '云课堂 · TypeScript 入门', new Date()).catch((e: unknown) => e)) as {
      errCode?: unknown;
      errMsg?: unknown;
    };
    expect(error.errCode).toBe(10060004);
    expect(String(error.errMsg)).toContain('支付单处于不可发货的状态');
    expect(uploads).toHaveLength(1);
  });
});
