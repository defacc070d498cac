/**
 * Control characters: every string param of every client action refuses NUL and the other control characters
 * (`catalog.list` with `keyword: "\u0000"` once answered INTERNAL, from the database's regular expression), and every
 * object refuses keys it does not define. Checked on the schemas themselves, so an action added later is held to it.
 */
import type { TSchema } from '@sinclair/typebox';
import {
  catalogActions,
  creatorActions,
  handleClientCall,
  learningActions,
  Line,
  orderActions,
  promoActions,
  recommendActions,
  reviewActions,
  Text,
  validate,
  type ActionSchemas,
} from '..';

const FUNCTIONS: Record<string, ActionSchemas> = {
  catalog: catalogActions,
  order: orderActions,
  learning: learningActions,
  review: reviewActions,
  recommend: recommendActions,
  promo: promoActions,
  creator: creatorActions,
};

/** Characters no text param takes: NUL, ESC, CR, DEL, a C1 control (NEL) and an unpaired surrogate. */
const CONTROLS = ['\u0000', '\u001b', '\r', '\u007f', '\u0085', '\ud800'];

type Node = Record<string, unknown>;

/** Every schema node under `schema`, with the path a person reads. */
function* nodes(schema: Node, path: string): Generator<[string, Node]> {
  yield [path, schema];
  for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Node>)) {
    yield* nodes(child, path === '' ? key : `${path}.${key}`);
  }
  if (schema.items) yield* nodes(schema.items as Node, `${path}[]`);
  for (const union of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const branch of (schema[union] ?? []) as Node[]) yield* nodes(branch, path);
  }
}

const params = Object.entries(FUNCTIONS).flatMap(([fn, actions]) =>
  Object.entries(actions).flatMap(([action, schema]) =>
    [...nodes(schema as unknown as Node, '')].map(([path, node]) => ({ where: `${fn}.${action} ${path}`, node })),
  ),
);

describe('control characters', () => {
  // Enums and constants take only their own values.
  const strings = params.filter((p) => p.node.type === 'string' && !Array.isArray(p.node.enum) && !('const' in p.node));

  test.each(strings.map((p) => [p.where, p.node] as const))('%s refuses every control character', (_where, node) => {
    // A time takes only a time: the control characters are tried on one.
    const sample = node.format === 'date-time' ? '2026-12-06T08:00:00.000Z' : 'abc';
    for (const control of CONTROLS) {
      expect(validate(node as TSchema, `${sample}${control}`).ok).toBe(false);
      expect(validate(node as TSchema, `课程${control}`).ok).toBe(false);
    }
    expect(validate(node as TSchema, sample).ok).toBe(true);
  });

  test.each(params.filter((p) => p.node.type === 'object').map((p) => [p.where, p.node] as const))(
    '%s allows no key it does not define',
    (_where, node) => expect(node.additionalProperties).toBe(false),
  );

  test('Line takes any one line of text, emoji and full-width forms included', () => {
    const line = Line({ maxLength: 40 });
    for (const ok of ['', 'C++ 入门', '👨‍👩‍👧 ＡＢＣ　全角', 'naïve café']) expect(validate(line, ok).ok).toBe(true);
    for (const bad of ['a\nb', 'a\tb', ...CONTROLS]) expect(validate(line, bad).ok).toBe(false);
  });

  test('Text also takes newlines and tabs, nothing else below U+0020', () => {
    const text = Text({ maxLength: 500 });
    expect(validate(text, '第一段\n\n第二段\t完').ok).toBe(true);
    for (const bad of CONTROLS) expect(validate(text, `好${bad}课`).ok).toBe(false);
  });

  const caller = { openid: 'o-learner-1', requestId: 'req-1' };
  const never = () => {
    throw new Error('handler called');
  };

  test.each([
    [
      'catalog',
      { action: 'list', keyword: '\u0000' },
      'keyword must be one line of text of at most 40 characters without control characters',
    ],
    [
      'catalog',
      { action: 'list', tag: 'py\u001b[2J' },
      'tag must be one line of text of 1 to 20 characters without control characters',
    ],
    [
      'review',
      { action: 'submit', courseId: 'py-101', rating: 5, text: '好课\u0000' },
      'text must be text of at most 500 characters without control characters other than newline and tab',
    ],
    [
      'order',
      { action: 'refund', orderId: 'o1', reason: '不想学了\r\n' },
      'reason must be text of 1 to 200 characters without control characters other than newline and tab',
    ],
    [
      'order',
      { action: 'create', courseId: 'py-101', loginCode: 'code\u0000' },
      'loginCode must be one line of text of 1 to 128 characters without control characters',
    ],
    ['learning', { action: 'lesson', courseId: 'py\u0000', lessonId: 'l1' }, 'courseId must be an id of'],
    [
      'promo',
      { action: 'redeem', code: 'ABCD-\u0000' },
      'code must be one line of text of 1 to 40 characters without control characters',
    ],
  ])('%s %j is INVALID_ARGUMENT naming the field', async (fn, event, message) => {
    const actions = FUNCTIONS[fn] ?? {};
    const handlers = Object.fromEntries(Object.keys(actions).map((name) => [name, never]));
    const result = await handleClientCall(event, caller, actions, handlers);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(result.ok ? '' : result.error.message).toContain(message);
  });
});
