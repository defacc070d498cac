/**
 * The envelope every client-callable cloud function returns (API.md §1), and the error that domain code throws for
 * an expected condition.
 */

export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'FAILED_PRECONDITION',
  'RESOURCE_EXHAUSTED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type Ok<T> = { ok: true; data: T };
export type Err = { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };
export type Result<T> = Ok<T> | Err;

export function ok<T>(data: T): Ok<T> {
  return { ok: true, data };
}

export function err(code: ErrorCode, message: string, details?: unknown): Err {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * An expected failure (not found, forbidden, conflict, …). Domain code throws it; the function entry turns it into an
 * `Err` whose message is shown to the learner, so the message must be safe to show (Chinese or a field name, no
 * internals).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toErr(): Err {
    return err(this.code, this.message, this.details);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
