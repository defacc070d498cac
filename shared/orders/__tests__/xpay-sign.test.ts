/**
 * The virtual-payment signatures against the example values the documentation publishes: the "参考的python脚本" of
 * developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/virtual-payment.html §2.4
 * (query_user_balance, AppKey "12345", session_key "9hAb/NEYUlkaMBEsmFgzig=="). The client's paySig has no published
 * example; it is checked against an HMAC computed here independently over the documented string.
 */
import { createHmac } from 'node:crypto';
import { CLIENT_PAY_URI, goodsSignData, paySig, sameSignature, userSignature } from '../xpay/sign';

const DOC_BODY = '{"openid": "xxx", "user_ip": "127.0.0.1", "env": 0}';

describe('virtual-payment signatures', () => {
  test('pay_sig of a server API matches the documented example', () => {
    expect(paySig('12345', '/xpay/query_user_balance', DOC_BODY)).toBe(
      'c37809f27c6d7fd1837ad2500a04512b66b34fd793a39a385fade56dca89a4b5',
    );
  });

  test('the user signature matches the documented example (session key used as text, not base64-decoded)', () => {
    expect(userSignature('9hAb/NEYUlkaMBEsmFgzig==', DOC_BODY)).toBe(
      '089d9e8dc5d308977360c4b79ec600a93d736802802a807d634192328032f6c7',
    );
  });

  test('the client paySig signs "requestVirtualPayment&" + signData with the AppKey', () => {
    const signData = goodsSignData({
      offerId: '1450000001',
      buyQuantity: 1,
      env: 1,
      currencyType: 'CNY',
      productId: 'course_py101',
      goodsPrice: 9900,
      outTradeNo: 'CC2401011200000123456789abcd',
      attach: 'order-1',
    });
    const independent = createHmac('sha256', 'app-key').update(`requestVirtualPayment&${signData}`).digest('hex');
    expect(CLIENT_PAY_URI).toBe('requestVirtualPayment');
    expect(paySig('app-key', CLIENT_PAY_URI, signData)).toBe(independent);
  });

  test('signData has exactly the documented fields, in the documented order', () => {
    const text = goodsSignData({
      attach: 'a',
      outTradeNo: 'o',
      goodsPrice: 1,
      productId: 'p',
      currencyType: 'CNY',
      env: 0,
      buyQuantity: 1,
      offerId: '1',
    });
    expect(text).toBe(
      '{"offerId":"1","buyQuantity":1,"env":0,"currencyType":"CNY","productId":"p","goodsPrice":1,"outTradeNo":"o","attach":"a"}',
    );
  });

  test('signatures compare exactly', () => {
    expect(sameSignature('abc', 'abc')).toBe(true);
    expect(sameSignature('abc', 'abd')).toBe(false);
    expect(sameSignature('abc', 'ab')).toBe(false);
    // The right signature with anything after it is not the signature.
    expect(sameSignature('abc', 'abcd')).toBe(false);
    expect(sameSignature('abc', undefined)).toBe(false);
  });
});
