/**
 * An error the CloudBase server API answers with `{ code, message, requestId }`. The SDK maps `code` to its own
 * `errCode` (for example DATABASE_COLLECTION_NOT_EXIST → -502005), so the codes here are the real service's.
 */
export class CloudApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status of the reply; the real service answers API errors with 200 and the code in the body. */
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = 'CloudApiError';
  }
}

/** Error codes of the real service that the local cloud answers with. */
export const ErrorCodes = {
  invalidParam: 'INVALID_PARAM',
  invalidAction: 'INVALID_ACTION',
  collectionNotExist: 'DATABASE_COLLECTION_NOT_EXIST',
  collectionAlreadyExist: 'DATABASE_COLLECTION_ALREADY_EXIST',
  requestFailed: 'DATABASE_REQUEST_FAILED',
  /** Spelled as the real service (and wx-server-sdk's error table) spell it. */
  invalidOperator: 'DATABASE_INVALID_OPERRATOR',
  permissionDenied: 'DATABASE_PERMISSION_DENIED',
  transactionConflict: 'DATABASE_TRANSACTION_CONFLICT',
  transactionFail: 'DATABASE_TRANSACTION_FAIL',
  functionNotFound: 'FUNCTIONS_EXECUTE_FAIL',
  functionTimeout: 'FUNCTIONS_TIME_LIMIT_EXCEEDED',
  storageFileNotExist: 'STORAGE_FILE_NONEXIST',
  storageRequestFail: 'STORAGE_REQUEST_FAIL',
  internal: 'SYS_ERR',
} as const;
