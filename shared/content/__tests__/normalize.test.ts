import { checkForm, cleanText, findBlockedTerm } from '..';

describe('content check evasion: what is stored', () => {
  test.each([
    ['刷\u200b单返现', '刷单返现'],
    ['加\u200c微\u200d信\u2060号\ufeff', '加微信号'],
    ['刷\u202e单\u202c', '刷单'],
    ['\u00ad返\u034f现\u180e', '返现'],
    ['a\u0000b\u0007c\u001b[0m\u007f\u0085', 'abc[0m'],
    ['第一行\r\n第二行\r第三行\t完', '第一行\n第二行\n第三行\t完'],
    ['  \u200b 讲得清楚 \u3000', '讲得清楚'],
    ['\u2800\u2800', ''],
    ['\u200b\u200b', ''],
    // As typed: spacing, full-width forms and Chinese punctuation are what the learner wrote.
    ['加 微信', '加 微信'],
    ['ｗｘ：ａｂｃ，好课！', 'ｗｘ：ａｂｃ，好课！'],
    // Canonical composition only: e + combining acute is é.
    ['cafe\u0301', 'café'],
    // Emoji keep their joiners, skin tones and presentation selectors.
    ['👨\u200d👩\u200d👧 ❤\ufe0f 👍🏽', '👨\u200d👩\u200d👧 ❤\ufe0f 👍🏽'],
    ['👩🏽\u200d💻', '👩🏽\u200d💻'],
    // A joiner or selector that joins no emoji is just hidden.
    ['刷\ufe0f单', '刷单'],
    ['👍\u200d单', '👍单'],
  ])('cleanText(%j) = %j', (text, clean) => expect(cleanText(text)).toBe(clean));
});

describe('content check evasion: what is checked', () => {
  test.each([
    ['刷\u200b单返现', '刷单返现'],
    ['加 微信', '加微信'],
    ['加　微 \n 信', '加微信'],
    ['加\u2800微信', '加微信'],
    ['ｗｅｉｘｉｎ：ＡＢＣ１２３', 'weixin:ABC123'],
    ['加ｖ信①②③', '加v信123'],
    ['好课，推荐！', '好课,推荐!'],
    ['ﾎﾟｲﾝﾄ 返 现', 'ポイント返现'],
    ['한 국 어', '한국어'],
    // Spacing between words of other scripts stays (one space), so words do not run together.
    ['add  my   wechat', 'add my wechat'],
    ['加 wx 123', '加 wx 123'],
    ['👨\u200d👩\u200d👧 好课', '👨👩👧 好课'],
    ['\u200b', ''],
  ])('checkForm(%j) = %j', (text, form) => expect(checkForm(text)).toBe(form));

  test('the check form of a check form is itself', () => {
    for (const text of ['刷\u200b单 返 现', 'ｗｘ　加 微信', '👍🏽\u200d单']) {
      expect(checkForm(checkForm(text))).toBe(checkForm(text));
    }
  });
});

describe('blocked terms', () => {
  test.each([
    ['私信返 现', ['返现'], '返现'],
    ['加ＶＸ领资料', ['加vx'], '加vx'],
    ['加 V X', ['加vx'], undefined],
    ['WeChat me', ['wechat'], 'wechat'],
    ['好课', ['返现', '刷单'], undefined],
    ['刷\u200b单', ['返现', '刷 单'], '刷 单'],
  ] as const)('%j with %j → %j', (text, terms, found) => expect(findBlockedTerm(text, terms)).toBe(found));

  test('a term blank in check form matches nothing', () => {
    expect(findBlockedTerm('好课', ['', ' ', '\u200b', '\u3000'])).toBeUndefined();
  });
});
