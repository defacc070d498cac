import { isTransactionConflict } from '..';

test('write conflicts are recognised from a failed commit and from a failed operation, nothing else', () => {
  // A commit refused by the server, as @cloudbase/database throws it.
  expect(isTransactionConflict({ code: 'DATABASE_TRANSACTION_CONFLICT', message: 'conflict' })).toBe(true);
  // A write refused inside the transaction, as wx-server-sdk delivers it (../../../local/db contract suite).
  const write = Object.assign(new Error('x'), {
    errCode: -501001,
    errMsg: 'document.update:fail -501001 resource system error. WriteConflict error: this operation conflicted',
  });
  expect(isTransactionConflict(write)).toBe(true);
  expect(
    isTransactionConflict({ errCode: -501001, errMsg: 'WriteConflict: write conflict during plan execution' }),
  ).toBe(true);
  expect(isTransactionConflict({ errCode: -501001, errMsg: 'system error' })).toBe(false);
  expect(isTransactionConflict(new Error('E11000 duplicate key'))).toBe(false);
  // A product error that happens to say "conflict" is not a database's.
  expect(isTransactionConflict(Object.assign(new Error('WriteConflict'), { code: 'CONFLICT' }))).toBe(false);
  expect(isTransactionConflict(undefined)).toBe(false);
});
