import vm from 'node:vm';
import { CloudApiError, ErrorCodes } from '../server/errors';

/**
 * The longest one read holding a regular expression may run. The local cloud serves every request on one thread, so
 * this is also the longest such a read can hold up the others.
 */
export const QUERY_TIME_LIMIT_MS = 500;

const context = vm.createContext({});
const runTask = new vm.Script('task()');
/** Set while a limited read runs: a read nested in it (an aggregate's join) is under the outer limit already. */
let limited = false;

/**
 * Runs a read under the time limit and fails it like MongoDB's `maxTimeMS` when it runs over. A regular expression
 * can backtrack for longer than any budget checked between documents (one `test` of `(a+)+$` on 30 characters takes
 * seconds and doubles with each one more), so the limit must interrupt a match in progress; V8 stops running code only
 * through a vm script's `timeout`, which is how `read` is run. `read` must not change any state: it may be stopped at
 * any point.
 */
export function withinTimeLimit<T>(read: () => T, limitMs = QUERY_TIME_LIMIT_MS): T {
  if (limited) return read();
  limited = true;
  context.task = read;
  try {
    return runTask.runInContext(context, { timeout: limitMs }) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new CloudApiError(
        ErrorCodes.requestFailed,
        `operation exceeded time limit (${limitMs} ms): a regular expression of the query backtracks too much`,
      );
    }
    throw error;
  } finally {
    context.task = undefined;
    limited = false;
  }
}

/** Whether a filter or pipeline holds a regular expression (a pattern, `$regex`, or `$regexMatch` and the like). */
export function holdsRegex(value: unknown): boolean {
  if (value instanceof RegExp) return true;
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (Array.isArray(value)) return value.some(holdsRegex);
  return Object.entries(value).some(([key, item]) => key.startsWith('$regex') || holdsRegex(item));
}
