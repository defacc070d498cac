import fc from 'fast-check';
import { CODE_ALPHABET, CODE_BITS, codeHash, formatCode, generateCode, generateCodes, normalizeCode } from '../codes';

const KEY = 'test-key-of-32-bytes-0123456789a';

describe('redemption codes', () => {
  it('carry at least 80 bits in 16 symbols of an alphabet without I, L, O, U', () => {
    expect(CODE_BITS).toBeGreaterThanOrEqual(80);
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    for (const c of 'ILOU') expect(CODE_ALPHABET).not.toContain(c);
  });

  it('write the random bits as Crockford base32, most significant first (known answers)', () => {
    expect(generateCode(() => Uint8Array.from({ length: 10 }, (_, i) => i))).toBe('000G-40R4-0M30-E209');
    expect(generateCode(() => new Uint8Array(10).fill(255))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    expect(generateCode(() => new Uint8Array(10))).toBe('0000-0000-0000-0000');
    expect(() => generateCode(() => new Uint8Array(9))).toThrow('random source gave 9 bytes');
  });

  it('use every bit: each of the 80 input bits changes the code', () => {
    const zero = normalizeCode(generateCode(() => new Uint8Array(10)));
    for (let bit = 0; bit < 80; bit++) {
      const bytes = new Uint8Array(10);
      bytes[bit >> 3] = 1 << (7 - (bit & 7));
      expect(normalizeCode(generateCode(() => bytes))).not.toBe(zero);
    }
  });

  it('from the system source look like ABCD-EFGH-JKMN-PQRS and do not repeat', () => {
    const codes = generateCodes(500);
    expect(new Set(codes).size).toBe(500);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  it.each([
    ['7k3m-q9xd-2hwt-b8ne', '7K3MQ9XD2HWTB8NE'],
    [' 7K3M Q9XD 2HWT B8NE ', '7K3MQ9XD2HWTB8NE'],
    ['７Ｋ３Ｍ－Ｑ９ＸＤ－２ＨＷＴ－Ｂ８ＮＥ', '7K3MQ9XD2HWTB8NE'],
    ['O0IL-oiil-0000-1111', '0011011100001111'],
    ['7K3M—Q9XD–2HWT_B8NE', '7K3MQ9XD2HWTB8NE'],
  ])('normalize %j to %s', (typed, canonical) => {
    expect(normalizeCode(typed)).toBe(canonical);
  });

  it.each([['7K3M-Q9XD-2HWT'], ['7K3M-Q9XD-2HWT-B8NEX'], ['7K3M-Q9XD-2HWT-B8NU'], ['7K3M-Q9XD-2HWT-B8N!'], ['']])(
    'refuse %j as no code',
    (typed) => expect(normalizeCode(typed)).toBeUndefined(),
  );

  it('survive the round trip through what a person may type', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
        fc.constantFrom('-', ' ', '', '  '),
        (bytes, lower, separator) => {
          const code = generateCode(() => bytes);
          const canonical = code.replace(/-/g, '');
          const typed = [...canonical]
            .map((c, i) => (lower[i] ? c.toLowerCase() : c).replace('0', i % 2 ? 'O' : '0').replace('1', 'l'))
            .join('')
            .match(/.{4}/g)!
            .join(separator);
          expect(normalizeCode(typed)).toBe(canonical);
          expect(formatCode(canonical)).toBe(code);
        },
      ),
    );
  });

  it('are stored as HMAC-SHA256 of the canonical code under the key (known answer)', () => {
    // printf '7K3MQ9XD2HWTB8NE' | openssl dgst -sha256 -hmac 'test-key-of-32-bytes-0123456789a'
    expect(codeHash(KEY, '7K3MQ9XD2HWTB8NE')).toBe('b21369635c2a6735c911214ff32f6cbc1ff0e7b0812f92b7b33aaf6e048cbd2b');
    expect(codeHash(`${KEY}x`, '7K3MQ9XD2HWTB8NE')).not.toBe(codeHash(KEY, '7K3MQ9XD2HWTB8NE'));
    expect(codeHash(KEY, normalizeCode('7k3m-q9xd-2hwt-b8ne')!)).toBe(codeHash(KEY, '7K3MQ9XD2HWTB8NE'));
  });

  it('refuse to hash with a short key or a code not in canonical form', () => {
    expect(() => codeHash('short', '7K3MQ9XD2HWTB8NE')).toThrow('at least 16 bytes');
    expect(() => codeHash(KEY, '7K3M-Q9XD-2HWT-B8NE')).toThrow('canonical form');
  });
});
