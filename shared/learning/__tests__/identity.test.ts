import { authorName, learnerCode, watermarkText } from '../identity';

describe('learner codes', () => {
  test('are stable per learner and secret, and never contain the openid', () => {
    const openid = 'oABCDEFGHIJKLMNOPQRSTUVWXYZ0';
    expect(watermarkText(openid, 's1')).toBe(watermarkText(openid, 's1'));
    expect(watermarkText(openid, 's1')).toMatch(/^ID [0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(watermarkText(openid, 's1')).not.toBe(watermarkText(openid, 's2'));
    expect(watermarkText(openid, 's1')).not.toContain(openid.slice(0, 4));
    expect(authorName(openid, 's1')).toMatch(/^学员 [0-9A-Z]{4}$/);
  });

  test('the watermark and the review author of one learner cannot be linked', () => {
    const openid = 'o-learner';
    expect(learnerCode(openid, 's', 'watermark', 4)).not.toBe(learnerCode(openid, 's', 'author', 4));
  });

  test('distinct learners get distinct watermarks', () => {
    const codes = new Set(Array.from({ length: 2000 }, (_, i) => watermarkText(`o-${i}`, 's')));
    expect(codes.size).toBe(2000);
  });
});
