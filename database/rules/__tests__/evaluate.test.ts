import { collections, type CollectionRules } from '../../collections';
import { checkAccess, parseRule, RuleSyntaxError, type AccessRequest } from '../evaluate';

const rulesOf = (name: string): CollectionRules => {
  const spec = collections.find((c) => c.name === name);
  if (!spec) throw new Error(`no collection ${name}`);
  return spec.rules;
};

const alice = { openid: 'o-alice' };
const bob = { openid: 'o-bob' };
const read = (auth: AccessRequest['auth'], query: AccessRequest['query']): AccessRequest => ({
  operation: 'read',
  auth,
  query,
});

describe('the product rules', () => {
  it('parse, and use only auth.openid and doc fields', () => {
    for (const { name, rules } of collections) {
      for (const rule of Object.values(rules)) {
        if (typeof rule === 'string') expect(() => parseRule(rule)).not.toThrow();
        else expect(typeof rule).toBe('boolean');
      }
      expect([name, rules.write]).toEqual([name, false]);
    }
  });

  it('keep every client out of the price tests, the insights and the reports', () => {
    for (const name of ['priceTests', 'courseInsights', 'reports']) {
      expect([name, checkAccess(rulesOf(name), read(alice, { _id: 'py-101' })).allowed]).toEqual([name, false]);
    }
  });

  it('let a learner read their own orders', () => {
    expect(checkAccess(rulesOf('orders'), read(alice, { _openid: 'o-alice' }))).toEqual({
      allowed: true,
      reason: 'the query guarantees "doc._openid == auth.openid"',
    });
    expect(checkAccess(rulesOf('orders'), read(alice, { _openid: 'o-alice', status: 'paid' })).allowed).toBe(true);
  });

  it("deny another learner's order", () => {
    expect(checkAccess(rulesOf('orders'), read(bob, { _openid: 'o-alice' }))).toEqual({
      allowed: false,
      reason: '"doc._openid == auth.openid" is false for _openid = "o-alice"',
    });
    expect(checkAccess(rulesOf('orders'), read(bob, { _id: 'order-1', _openid: 'o-alice' })).allowed).toBe(false);
  });

  it('deny a query without the owner filter, including doc(id).get()', () => {
    expect(checkAccess(rulesOf('orders'), read(alice, {}))).toEqual({
      allowed: false,
      reason: 'the query must fix doc._openid so that "doc._openid == auth.openid" holds for every document it matches',
    });
    expect(checkAccess(rulesOf('orders'), read(alice, { _id: 'order-1' })).allowed).toBe(false);
    expect(checkAccess(rulesOf('orders'), read(alice, { _openid: { $gt: '' } })).allowed).toBe(false);
    expect(checkAccess(rulesOf('orders'), read(alice, { _openid: /o-alice/ })).allowed).toBe(false);
  });

  it('deny a caller without a login', () => {
    expect(checkAccess(rulesOf('grants'), read(null, { _openid: 'o-alice' })).allowed).toBe(false);
  });

  it.each(['grants', 'courseProgress', 'reviews', 'orders'])('keep %s to their owner', (name) => {
    expect(checkAccess(rulesOf(name), read(alice, { _openid: 'o-alice', courseId: 'c' })).allowed).toBe(true);
    expect(checkAccess(rulesOf(name), read(alice, { _openid: 'o-bob' })).allowed).toBe(false);
    expect(checkAccess(rulesOf(name), read(alice, { courseId: 'c' })).allowed).toBe(false);
  });

  it('let anyone read published courses, and no one drafts or archived ones', () => {
    const courses = rulesOf('courses');
    expect(checkAccess(courses, read(alice, { status: 'published' })).allowed).toBe(true);
    expect(checkAccess(courses, read(null, { status: 'published', category: 'python' })).allowed).toBe(true);
    expect(checkAccess(courses, read(alice, { status: 'draft' })).allowed).toBe(false);
    expect(checkAccess(courses, read(alice, { status: { $in: ['published', 'archived'] } })).allowed).toBe(false);
    expect(checkAccess(courses, read(alice, { category: 'python' })).allowed).toBe(false);
    expect(checkAccess(courses, read(alice, { _id: 'py-101' })).allowed).toBe(false);
  });

  it('let no client read lessons, whatever the query', () => {
    expect(checkAccess(rulesOf('lessons'), read(alice, { courseId: 'py-101', free: true }))).toEqual({
      allowed: false,
      reason: 'read is denied to every client',
    });
  });

  it('let anyone read categories and creators', () => {
    expect(checkAccess(rulesOf('categories'), read(null, {})).allowed).toBe(true);
    expect(checkAccess(rulesOf('creators'), read(alice, {})).allowed).toBe(true);
  });

  it('let no client write anything anywhere, even its own documents', () => {
    for (const { name, rules } of collections) {
      const own = { _openid: 'o-alice', status: 'published' };
      for (const operation of ['create', 'update', 'delete'] as const) {
        const decision = checkAccess(rules, { operation, auth: alice, query: own, data: own });
        expect([name, operation, decision.allowed]).toEqual([name, operation, false]);
      }
    }
  });
});

describe('checkAccess with other expressions', () => {
  const rules = (read: string): CollectionRules => ({ read, write: false });

  it('proves a rule over each $in and $or alternative', () => {
    const r = rules("doc.status in ['published', 'archived']");
    expect(checkAccess(r, read(alice, { status: { $in: ['published', 'archived'] } })).allowed).toBe(true);
    expect(checkAccess(r, read(alice, { $or: [{ status: 'published' }, { status: 'draft' }] })).allowed).toBe(false);
    expect(checkAccess(r, read(alice, { $and: [{ status: 'archived' }, { tags: 'x' }] })).allowed).toBe(true);
  });

  it('needs only the side of || or && that decides', () => {
    const r = rules("doc._openid == auth.openid || doc.public == true && doc.status != 'draft'");
    expect(checkAccess(r, read(alice, { _openid: 'o-alice' })).allowed).toBe(true);
    expect(checkAccess(r, read(alice, { public: true, status: 'published' })).allowed).toBe(true);
    expect(checkAccess(r, read(alice, { public: false, _openid: 'o-bob' })).allowed).toBe(false);
    expect(checkAccess(r, read(alice, { public: true })).reason).toBe(
      `the query must fix doc._openid, doc.status so that "${r.read}" holds for every document it matches`,
    );
  });

  it('reads nested paths, now and comparisons', () => {
    const r = rules('(doc.meta.level >= 2 && !(doc.expiresAt < now))');
    expect(checkAccess(r, { ...read(alice, { 'meta.level': 3, expiresAt: 2000 }), now: 1000 }).allowed).toBe(true);
    expect(checkAccess(r, { ...read(alice, { meta: { level: 2 }, expiresAt: 500 }), now: 1000 }).allowed).toBe(false);
    expect(checkAccess(r, { ...read(alice, { meta: { $eq: { level: 9 } }, expiresAt: 2000 }), now: 1 }).allowed).toBe(
      true,
    );
  });

  it('checks a create against the new document', () => {
    const r: CollectionRules = { read: false, write: false, create: 'doc._openid == auth.openid' };
    expect(checkAccess(r, { operation: 'create', auth: alice, data: { _openid: 'o-alice' } }).allowed).toBe(true);
    expect(checkAccess(r, { operation: 'create', auth: alice, data: { _openid: 'o-bob' } }).allowed).toBe(false);
    expect(checkAccess(r, { operation: 'update', auth: alice, query: { _openid: 'o-alice' } }).allowed).toBe(false);
  });

  it('refuses a query with too many combinations to check', () => {
    const many = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const decision = checkAccess(rules('doc.a == 1'), read(alice, { a: { $in: many }, b: { $in: many } }));
    expect(decision).toEqual({ allowed: false, reason: 'the query is too complex to prove it satisfies "doc.a == 1"' });
  });
});

describe('parseRule', () => {
  it('builds the tree with && binding tighter than ||', () => {
    expect(parseRule("doc.a == 'x' || doc.b && true")).toEqual({
      type: 'binary',
      op: '||',
      left: {
        type: 'binary',
        op: '==',
        left: { type: 'ref', root: 'doc', path: ['a'] },
        right: { type: 'literal', value: 'x' },
      },
      right: {
        type: 'binary',
        op: '&&',
        left: { type: 'ref', root: 'doc', path: ['b'] },
        right: { type: 'literal', value: true },
      },
    });
  });

  it.each([
    ["doc.a == 'x", 'unterminated string at position 9'],
    ['doc.a = 1', 'unexpected character "=" at position 6'],
    ['doc.a == ', 'unexpected end of rule at position 9'],
    ['(doc.a == 1', 'expected ")" at position 11'],
    ['auth.uid == doc.u', 'only auth.openid is available in a mini-program at position 0'],
    ['process.exit()', 'unknown name "process" at position 0'],
    ['doc == 1', 'expected "doc.<field>" at position 4'],
    ['doc.a 1', 'unexpected token at position 6'],
  ])('rejects %s', (source, message) => {
    expect(() => parseRule(source)).toThrow(RuleSyntaxError);
    expect(() => parseRule(source)).toThrow(message);
  });
});
