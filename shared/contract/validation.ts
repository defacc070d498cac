/**
 * The one ajv instance of the product, and error messages that name the field: `pageSize must be <= 50`,
 * `lessons[2].durationSec must be an integer >= 1`, `courseId is required`, `foo is not allowed`.
 *
 * Schemas are TypeBox values (JSON Schema plus a static type). A constrained string may carry a `description`
 * phrased as what the value must be ("a slug of lowercase letters, digits and dashes"); it is used when the
 * `pattern` fails, since a raw regular expression means nothing to the reader.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** allErrors so that a course file reports every problem at once; verbose so messages can read the failing schema. */
export const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
addFormats(ajv);

export interface Problem {
  /** Field path in the dotted/bracketed form a person reads: `lessons[2].durationSec`; '' for the whole value. */
  path: string;
  /** Complete sentence fragment starting with the path, e.g. `lessons[2].durationSec must be an integer >= 1`. */
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

const compiled = new WeakMap<TSchema, ValidateFunction>();

function compile(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Validates without coercion or defaults (the value is not modified). `rootName` names the value itself in messages
 * about the root, e.g. `event must be an object`.
 */
export function validate<S extends TSchema>(schema: S, value: unknown, rootName = 'value'): Validation<Static<S>> {
  const check = compile(schema);
  if (check(value)) return { ok: true, value: value as Static<S> };
  return { ok: false, problems: describeErrors(check.errors ?? [], rootName) };
}

/** A string limited to the given values, as a plain `enum` (clearer errors than a union of literals). */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * The options that make an object schema take exactly one of `keys`, e.g. a course or a bundle:
 * `Type.Object({ courseId: Type.Optional(DocId), bundleId: Type.Optional(DocId) }, { additionalProperties: false,
 * ...exactlyOneOf(['courseId', 'bundleId']) })`. The problem names the fields: `courseId or bundleId is required`,
 * `courseId and bundleId cannot both be given`. (The static type keeps each key optional.)
 */
export function exactlyOneOf<const K extends readonly string[]>(keys: K) {
  // `properties` only names the key (ajv's strictRequired wants it defined beside `required`); the object's own
  // `properties` validate the value.
  return { oneOf: keys.map((key) => ({ properties: { [key]: {} }, required: [key] })) };
}

/** The keys of an `exactlyOneOf` union, or undefined for any other `oneOf`. */
function exactlyOneKeys(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const keys: string[] = [];
  for (const branch of branches as SchemaLike[]) {
    const { properties, required } = branch;
    if (Object.keys(branch).length !== 2 || !properties || !Array.isArray(required) || required.length !== 1) {
      return undefined;
    }
    keys.push(String(required[0]));
  }
  return keys;
}

/**
 * Control characters (C0, DEL, C1) and unpaired UTF-16 surrogates, which no text a person types contains: NUL breaks
 * the database's regular expressions, the rest hide or garble what is shown. ajv compiles patterns with the `u` flag,
 * so a surrogate range matches only a lone surrogate (an emoji is one code point).
 */
const NOT_CONTROL = '\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF';
/** As NOT_CONTROL, allowing tab (U+0009) and newline (U+000A). */
const NOT_CONTROL_BUT_TAB_NEWLINE = '\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF';

type TextOptions = { minLength?: number; maxLength: number };

/**
 * A one-line text param (a keyword, a tag, a code): any characters but control characters. Every string of an action
 * schema is a `Line`, a `Text`, an id (`DocId`) or an enum (shared/contract/__tests__/text-params.test.ts holds them
 * to it).
 */
export function Line(options: TextOptions) {
  return Type.String({
    ...options,
    pattern: `^[^${NOT_CONTROL}]*$`,
    description: `one line of text${lengths(options, 'characters')} without control characters`,
  });
}

/** Text a person writes in a text area (a review, a refund reason): as `Line`, with newlines and tabs. */
export function Text(options: TextOptions) {
  return Type.String({
    ...options,
    pattern: `^[^${NOT_CONTROL_BUT_TAB_NEWLINE}]*$`,
    description: `text${lengths(options, 'characters')} without control characters other than newline and tab`,
  });
}

/** `/lessons/2/durationSec` → `lessons[2].durationSec`. */
export function formatPath(instancePath: string): string {
  if (instancePath === '') return '';
  let out = '';
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

type SchemaLike = Record<string, unknown>;

function bounds(schema: SchemaLike): string {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function lengths(schema: SchemaLike, unit: string): string {
  const min = (schema.minLength ?? schema.minItems) as number | undefined;
  const max = (schema.maxLength ?? schema.maxItems) as number | undefined;
  if (min !== undefined && max !== undefined) return ` of ${min} to ${max} ${unit}`;
  if (min !== undefined && min > 0) return ` of at least ${min} ${unit}`;
  if (max !== undefined) return ` of at most ${max} ${unit}`;
  return '';
}

/** What a value must be, as a phrase: `an integer between 1 and 50`, `one of popular, newest`. */
export function describeSchema(schema: SchemaLike): string {
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.join(', ')}`;
  if ('const' in schema) return JSON.stringify(schema.const);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) return branches.map((b) => describeSchema(b as SchemaLike)).join(' or ');
  }
  if (typeof schema.description === 'string' && schema.pattern !== undefined) return schema.description;
  switch (schema.type) {
    case 'integer':
      return `an integer${bounds(schema)}`;
    case 'number':
      return `a number${bounds(schema)}`;
    case 'string':
      return schema.format === 'date-time' ? 'an ISO-8601 date-time' : `a string${lengths(schema, 'characters')}`;
    case 'boolean':
      return 'true or false';
    case 'array':
      return `a list${lengths(schema, 'items')}`;
    case 'object':
      return 'an object';
    case 'null':
      return 'null';
    default:
      return 'valid';
  }
}

function messageFor(error: ErrorObject, rootName: string): Problem {
  const path = formatPath(error.instancePath);
  const subject = path === '' ? rootName : path;
  const parent = (error.parentSchema ?? {}) as SchemaLike;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const field = join(path, String(params.missingProperty));
      return { path: field, message: `${field} is required` };
    }
    case 'additionalProperties': {
      const field = join(path, String(params.additionalProperty));
      return { path: field, message: `${field} is not allowed` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `${subject} must be ${String(params.comparison)} ${String(params.limit)}` };
    case 'minLength':
      return { path, message: `${subject} must have at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { path, message: `${subject} must have at most ${String(params.limit)} characters` };
    case 'minItems':
      return { path, message: `${subject} must have at least ${String(params.limit)} items` };
    case 'maxItems':
      return { path, message: `${subject} must have at most ${String(params.limit)} items` };
    case 'uniqueItems':
      return { path, message: `${subject} must not contain duplicates` };
    case 'format':
      return { path, message: `${subject} must be ${describeSchema(parent)}` };
    case 'oneOf': {
      const keys = exactlyOneKeys(error.schema);
      if (!keys) return { path, message: `${subject} must be ${describeSchema(parent)}` };
      const passing = params.passingSchemas as number[] | null;
      if (!passing) return { path: join(path, keys[0] ?? ''), message: `${keys.join(' or ')} is required` };
      const given = passing.map((i) => keys[i] ?? '');
      return { path: join(path, given[1] ?? ''), message: `${given.join(' and ')} cannot both be given` };
    }
    default:
      // type, enum, const, pattern, anyOf, …: say what the value must be, read from the schema itself.
      return { path, message: `${subject} must be ${describeSchema(parent)}` };
  }
}

/** Turns ajv errors into one problem per field, dropping the branch errors under a failed anyOf/oneOf. */
export function describeErrors(errors: readonly ErrorObject[], rootName = 'value'): Problem[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (unions.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const problem = messageFor(error, rootName);
    if (seen.has(problem.message)) continue;
    seen.add(problem.message);
    problems.push(problem);
  }
  return problems;
}
