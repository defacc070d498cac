import { ErrorCodes } from '../server/errors';

/** Why an invocation failed, with the codes a caller sees in the cloud. */
export abstract class FunctionInvocationError extends Error {
  /** The `errCode` wx.cloud.callFunction reports in the mini-program. */
  abstract readonly errCode: number;
  /** The server-API `code` `functions.invokeFunction` answers with (the SDK maps it to its own errCode). */
  abstract readonly apiCode: string;

  constructor(
    readonly functionName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class FunctionNotFoundError extends FunctionInvocationError {
  readonly errCode = -501000;
  readonly apiCode = ErrorCodes.functionNotFound;

  constructor(functionName: string) {
    super(
      functionName,
      `[ResourceNotFound.FunctionName] FunctionName parameter could not be found (no function "${functionName}")`,
    );
    this.name = 'FunctionNotFoundError';
  }
}

/** The function threw, returned a rejected promise, failed to load, or returned something that is not JSON. */
export class FunctionCrashedError extends FunctionInvocationError {
  readonly errCode = -504002;
  /** -504002 through wx-server-sdk's TCB_ERR_CODE. */
  readonly apiCode = 'FUNCTIONS_EXECUTE_FAIL';

  constructor(functionName: string, cause: unknown) {
    super(functionName, describe(cause), { cause });
    this.name = 'FunctionCrashedError';
  }
}

export class FunctionTimeoutError extends FunctionInvocationError {
  readonly errCode = -504003;
  readonly apiCode = ErrorCodes.functionTimeout;

  constructor(functionName: string, timeoutSeconds: number) {
    // SCF's own wording.
    super(functionName, `Invoking task timed out after ${timeoutSeconds} seconds`);
    this.name = 'FunctionTimeoutError';
  }
}

/** `Error: message` as SCF reports a thrown error (without the stack, which goes to the log). */
function describe(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  try {
    return `Error: ${typeof cause === 'string' ? cause : JSON.stringify(cause)}`;
  } catch {
    return `Error: ${String(cause)}`;
  }
}
