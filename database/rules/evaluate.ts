/**
 * Decides a client database request the way CloudBase security rules do, so the rules in this folder are tested.
 *
 * Expressions: `auth.openid`, `doc.<path>`, `now` (epoch ms), string/number/`true`/`false`/`null` literals, `[...]`
 * lists, `==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `!`, `&&`, `||` and parentheses. Parsed by a small recursive-descent
 * parser; nothing is ever `eval`ed.
 *
 * CloudBase does not look at the documents a query returns: it allows a read, update or delete only when the query
 * itself guarantees the rule, i.e. the query is a subset of the rule ("a read of orders must include
 * `_openid: '{openid}'`"). This module decides that by evaluating the rule in three-valued logic over what the
 * query's equality conditions fix: a `doc` field the query leaves open is unknown, and the request is allowed only if
 * the rule is true whatever the unknown fields hold.
 */
import type { CollectionRules } from '../collections';

export type ClientOperation = 'read' | 'create' | 'update' | 'delete';

/** A Mongo-style filter: `{ field: value }`, `{ field: { $eq | $in | $gt… } }`, `$and`, `$or`, dotted paths. */
export type Query = Record<string, unknown>;

export interface AccessRequest {
  operation: ClientOperation;
  /** The caller; `null` for a request without a login. */
  auth: { openid: string } | null;
  /** The filter of a read, update or delete. `doc(id).get()` is `{ _id: id }`. */
  query?: Query;
  /** The new document of a create. */
  data?: Record<string, unknown>;
  /** Epoch ms. @default Date.now() */
  now?: number;
}

export interface AccessDecision {
  allowed: boolean;
  reason: string;
}

export class RuleSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'RuleSyntaxError';
  }
}

// ---- tokenizer ------------------------------------------------------------------------------------------------

type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'end'; pos: number };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', ',', '.'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (/[A-Za-z_$]/.test(ch)) {
      const text = /^[A-Za-z_$][\w$]*/.exec(source.slice(i))?.[0] as string;
      tokens.push({ kind: 'ident', text, pos: i });
      i += text.length;
    } else if (/\d/.test(ch)) {
      const text = /^\d+(\.\d+)?/.exec(source.slice(i))?.[0] as string;
      tokens.push({ kind: 'number', value: Number(text), pos: i });
      i += text.length;
    } else if (ch === "'" || ch === '"') {
      let value = '';
      let j = i + 1;
      while (j < source.length && source[j] !== ch) {
        if (source[j] === '\\') j += 1;
        if (j >= source.length) break;
        value += source[j];
        j += 1;
      }
      if (j >= source.length) throw new RuleSyntaxError('unterminated string', i);
      tokens.push({ kind: 'string', value, pos: i });
      i = j + 1;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) throw new RuleSyntaxError(`unexpected character ${JSON.stringify(ch)}`, i);
      tokens.push({ kind: 'op', text: op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', pos: source.length });
  return tokens;
}

// ---- parser -----------------------------------------------------------------------------------------------------

export type RuleExpr =
  | { type: 'literal'; value: string | number | boolean | null }
  | { type: 'list'; items: RuleExpr[] }
  | { type: 'ref'; root: 'auth' | 'doc' | 'now'; path: string[] }
  | { type: 'not'; operand: RuleExpr }
  | { type: 'binary'; op: BinaryOp; left: RuleExpr; right: RuleExpr };

type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '&&' | '||';

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** Parses a rule expression; throws `RuleSyntaxError` with the position of the first problem. */
export function parseRule(source: string): RuleExpr {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token => tokens[at] as Token;
  const isOp = (text: string): boolean => {
    const t = peek();
    return t.kind === 'op' && t.text === text;
  };
  const expectOp = (text: string): void => {
    if (!isOp(text)) throw new RuleSyntaxError(`expected "${text}"`, peek().pos);
    at += 1;
  };

  function or(): RuleExpr {
    let left = and();
    while (isOp('||')) {
      at += 1;
      left = { type: 'binary', op: '||', left, right: and() };
    }
    return left;
  }
  function and(): RuleExpr {
    let left = unary();
    while (isOp('&&')) {
      at += 1;
      left = { type: 'binary', op: '&&', left, right: unary() };
    }
    return left;
  }
  function unary(): RuleExpr {
    if (isOp('!')) {
      at += 1;
      return { type: 'not', operand: unary() };
    }
    return comparison();
  }
  function comparison(): RuleExpr {
    const left = primary();
    const t = peek();
    if (t.kind === 'op' && COMPARISONS.has(t.text)) {
      at += 1;
      return { type: 'binary', op: t.text as BinaryOp, left, right: primary() };
    }
    if (t.kind === 'ident' && t.text === 'in') {
      at += 1;
      return { type: 'binary', op: 'in', left, right: primary() };
    }
    return left;
  }
  function primary(): RuleExpr {
    const t = peek();
    at += 1;
    if (t.kind === 'string' || t.kind === 'number') return { type: 'literal', value: t.value };
    if (t.kind === 'op' && t.text === '(') {
      const inner = or();
      expectOp(')');
      return inner;
    }
    if (t.kind === 'op' && t.text === '[') {
      const items: RuleExpr[] = [];
      while (!isOp(']')) {
        items.push(or());
        if (!isOp(']')) expectOp(',');
      }
      at += 1;
      return { type: 'list', items };
    }
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') return { type: 'literal', value: t.text === 'true' };
      if (t.text === 'null') return { type: 'literal', value: null };
      if (t.text === 'now') return { type: 'ref', root: 'now', path: [] };
      if (t.text === 'auth' || t.text === 'doc') {
        const path: string[] = [];
        while (isOp('.')) {
          at += 1;
          const key = peek();
          if (key.kind !== 'ident') throw new RuleSyntaxError('expected a field name', key.pos);
          path.push(key.text);
          at += 1;
        }
        if (path.length === 0) throw new RuleSyntaxError(`expected "${t.text}.<field>"`, peek().pos);
        if (t.text === 'auth' && (path.length !== 1 || path[0] !== 'openid')) {
          throw new RuleSyntaxError('only auth.openid is available in a mini-program', t.pos);
        }
        return { type: 'ref', root: t.text, path };
      }
      throw new RuleSyntaxError(`unknown name "${t.text}"`, t.pos);
    }
    throw new RuleSyntaxError(t.kind === 'end' ? 'unexpected end of rule' : 'unexpected token', t.pos);
  }

  const expr = or();
  if (peek().kind !== 'end') throw new RuleSyntaxError('unexpected token', peek().pos);
  return expr;
}

// ---- three-valued evaluation ------------------------------------------------------------------------------------

/** A value the query does not fix. */
const UNKNOWN = Symbol('unknown');
/** `auth.openid` of a caller without a login: equal to nothing a query can hold. */
const NO_LOGIN = Symbol('no login');
type Value = unknown;

/** The `doc` fields a query fixes, by dotted path. */
type Knowledge = Map<string, unknown>;

interface Env {
  auth: AccessRequest['auth'];
  now: number;
  doc: Knowledge;
  /** Filled with the `doc` paths the evaluation needed and did not know. */
  unknown: Set<string>;
}

function lookup(doc: Knowledge, path: string[]): Value {
  for (let n = path.length; n > 0; n -= 1) {
    const prefix = path.slice(0, n).join('.');
    if (!doc.has(prefix)) continue;
    let value = doc.get(prefix);
    for (const key of path.slice(n)) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  }
  return UNKNOWN;
}

function truthy(value: Value): boolean | typeof UNKNOWN {
  return value === UNKNOWN ? UNKNOWN : Boolean(value);
}

function compare(op: BinaryOp, a: Value, b: Value): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case 'in':
      return Array.isArray(b) && b.some((item) => item === a);
    default: {
      const sameType =
        (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
      if (!sameType) return false;
      const [x, y] = [a as number | string, b as number | string];
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    }
  }
}

function evaluate(expr: RuleExpr, env: Env): Value {
  switch (expr.type) {
    case 'literal':
      return expr.value;
    case 'list': {
      const items = expr.items.map((item) => evaluate(item, env));
      return items.includes(UNKNOWN) ? UNKNOWN : items;
    }
    case 'ref': {
      if (expr.root === 'now') return env.now;
      if (expr.root === 'auth') return env.auth ? env.auth.openid : NO_LOGIN;
      const value = lookup(env.doc, expr.path);
      if (value === UNKNOWN) env.unknown.add(`doc.${expr.path.join('.')}`);
      return value;
    }
    case 'not': {
      const value = truthy(evaluate(expr.operand, env));
      return value === UNKNOWN ? UNKNOWN : !value;
    }
    case 'binary': {
      if (expr.op === '&&' || expr.op === '||') {
        const stop = expr.op === '||';
        const left = truthy(evaluate(expr.left, env));
        if (left === stop) return stop;
        const right = truthy(evaluate(expr.right, env));
        if (right === stop) return stop;
        return left === UNKNOWN || right === UNKNOWN ? UNKNOWN : !stop;
      }
      const left = evaluate(expr.left, env);
      const right = evaluate(expr.right, env);
      if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
      return compare(expr.op, left, right);
    }
  }
}

// ---- from a query to what it fixes ------------------------------------------------------------------------------

/** Beyond this many `$in`/`$or` combinations the query is treated as not provably within the rule. */
const MAX_WORLDS = 256;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** A list of alternatives, each fixing some fields; a document the query matches satisfies one of them. */
function worldsOf(query: Query, prefix = ''): Knowledge[] {
  let worlds: Knowledge[] = [new Map()];
  const combine = (alternatives: Knowledge[]): void => {
    const next: Knowledge[] = [];
    for (const world of worlds) {
      for (const alt of alternatives) {
        const merged = new Map(world);
        let consistent = true;
        for (const [key, value] of alt) {
          if (merged.has(key) && merged.get(key) !== value) consistent = false;
          merged.set(key, value);
        }
        if (consistent) next.push(merged);
      }
    }
    if (next.length > MAX_WORLDS) throw new RangeError('query too complex');
    worlds = next;
  };

  for (const [key, condition] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (isPlainObject(part)) combine(worldsOf(part, prefix));
    } else if (key === '$or' && Array.isArray(condition)) {
      combine(condition.flatMap((part) => (isPlainObject(part) ? worldsOf(part, prefix) : [new Map()])));
    } else if (key.startsWith('$')) {
      continue; // another operator ($nor, $where, …) fixes nothing
    } else {
      const path = prefix + key;
      if (!isPlainObject(condition)) {
        // A RegExp or other non-plain value constrains without fixing; a primitive fixes the field.
        if (condition === null || typeof condition !== 'object') combine([new Map([[path, condition]])]);
      } else if (Object.keys(condition).some((k) => k.startsWith('$'))) {
        if ('$eq' in condition) combine([new Map([[path, condition.$eq]])]);
        if (Array.isArray(condition.$in)) combine(condition.$in.map((v) => new Map([[path, v]])));
      } else {
        combine(worldsOf(condition, `${path}.`));
      }
    }
  }
  return worlds;
}

// ---- the decision -----------------------------------------------------------------------------------------------

function ruleFor(rules: CollectionRules, operation: ClientOperation): string | boolean {
  if (operation === 'read') return rules.read;
  return rules[operation] ?? rules.write;
}

function describeWorld(world: Knowledge): string {
  const parts = [...world].map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return parts.length > 0 ? parts.join(', ') : 'no fixed field';
}

/** Whether a client may perform `request` under `rules`, and why. */
export function checkAccess(rules: CollectionRules, request: AccessRequest): AccessDecision {
  const rule = ruleFor(rules, request.operation);
  if (rule === true) return { allowed: true, reason: `${request.operation} is open to every client` };
  if (rule === false) return { allowed: false, reason: `${request.operation} is denied to every client` };

  const expr = parseRule(rule);
  let worlds: Knowledge[];
  if (request.operation === 'create') {
    worlds = [new Map(Object.entries(request.data ?? {}))];
  } else {
    try {
      worlds = worldsOf(request.query ?? {});
    } catch {
      return { allowed: false, reason: `the query is too complex to prove it satisfies "${rule}"` };
    }
  }
  for (const world of worlds) {
    const env: Env = { auth: request.auth, now: request.now ?? Date.now(), doc: world, unknown: new Set() };
    const value = truthy(evaluate(expr, env));
    if (value === UNKNOWN) {
      return {
        allowed: false,
        reason: `the query must fix ${[...env.unknown].join(', ')} so that "${rule}" holds for every document it matches`,
      };
    }
    if (!value) return { allowed: false, reason: `"${rule}" is false for ${describeWorld(world)}` };
  }
  return { allowed: true, reason: `the query guarantees "${rule}"` };
}
