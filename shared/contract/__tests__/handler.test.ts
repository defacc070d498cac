import { AppError, catalogActions, handleClientCall, type CatalogResponses, type ActionHandlers } from '..';

const caller = { openid: 'o-learner-1', requestId: 'req-1' };

function handlers(calls: unknown[] = []): ActionHandlers<typeof catalogActions, CatalogResponses> {
  return {
    list: (params) => {
      calls.push(params);
      return { items: [], total: 0, page: params.page ?? 1, pageSize: params.pageSize ?? 20 };
    },
    detail: (params) => {
      throw new AppError('NOT_FOUND', `课程不存在：${params.courseId}`);
    },
    categories: () => {
      throw new Error('connection refused: mongodb://secret-host/db');
    },
    bundles: () => ({ items: [], total: 0 }),
    bundle: (params) => {
      throw new AppError('NOT_FOUND', `会员不存在：${params.bundleId}`);
    },
    impressions: (params) => ({ counted: params.items.length }),
    report: () => ({ reportedAt: '2024-03-01T00:00:00.000Z' }),
  };
}

describe('handleClientCall', () => {
  it('passes validated params and the caller to the handler, ignoring the platform userInfo', async () => {
    const calls: unknown[] = [];
    const result = await handleClientCall(
      { action: 'list', pageSize: 10, keyword: 'C++', userInfo: { appId: 'wx1', openId: 'o-someone-else' } },
      caller,
      catalogActions,
      handlers(calls),
    );
    expect(result).toEqual({ ok: true, data: { items: [], total: 0, page: 1, pageSize: 10 } });
    expect(calls).toEqual([{ pageSize: 10, keyword: 'C++' }]);
  });

  it.each([
    [{ action: 'list', pageSize: 51 }, 'pageSize must be <= 50'],
    [{ action: 'list', pageSize: 0 }, 'pageSize must be >= 1'],
    [{ action: 'list', pageSize: '20' }, 'pageSize must be an integer between 1 and 50'],
    [{ action: 'list', page: 1.5 }, 'page must be an integer between 1 and 1000'],
    [{ action: 'list', sort: 'cheapest' }, 'sort must be one of popular, newest, rating, priceAsc, priceDesc'],
    [{ action: 'list', limit: 3 }, 'limit is not allowed'],
    [{ action: 'detail' }, 'courseId is required'],
    [{ action: 'detail', courseId: 42 }, 'courseId must be an id of 1 to 64 letters, digits, _ or -'],
    [{ action: 'detail', courseId: 'a/../b' }, 'courseId must be an id of 1 to 64 letters, digits, _ or -'],
    [{ action: 'refund' }, 'action must be one of list, detail, categories, bundles, bundle, impressions, report'],
    [{ action: 'toString' }, 'action must be one of list, detail, categories, bundles, bundle, impressions, report'],
    [{ pageSize: 10 }, 'action is required'],
    [null, 'event must be an object'],
    [[1, 2], 'event must be an object'],
  ])('rejects %j with INVALID_ARGUMENT: %s', async (event, message) => {
    const calls: unknown[] = [];
    const result = await handleClientCall(event, caller, catalogActions, handlers(calls));
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message } });
    expect(calls).toEqual([]);
  });

  // The events as JSON.parse gives them (the platform's event is parsed JSON): `__proto__` is an ordinary own key.
  it.each([
    ['{"action":"list","__proto__":"x"}', '__proto__ is not allowed'],
    ['{"action":"list","__proto__":{"pageSize":10}}', '__proto__ is not allowed'],
    ['{"action":"detail","__proto__":{"courseId":"py-101"}}', 'courseId is required; __proto__ is not allowed'],
    ['{"action":"detail","courseId":"py-101","constructor":{"name":"x"}}', 'constructor is not allowed'],
    ['{"action":"list","prototype":"x"}', 'prototype is not allowed'],
    ['{"action":"list","hasOwnProperty":1}', 'hasOwnProperty is not allowed'],
  ])('__proto__ slips through validation: %s is INVALID_ARGUMENT (%s)', async (json, message) => {
    const calls: unknown[] = [];
    const result = await handleClientCall(JSON.parse(json), caller, catalogActions, handlers(calls));
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message } });
    expect(calls).toEqual([]);
  });

  it('reads the action from the event itself, never from its prototype', async () => {
    const event = Object.create({ action: 'list' }) as object;
    const result = await handleClientCall(event, caller, catalogActions, handlers());
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'action is required' } });
  });

  it('reports every bad field at once, each with its path', async () => {
    const result = await handleClientCall(
      { action: 'list', page: 0, pageSize: 99, extra: true },
      caller,
      catalogActions,
      handlers(),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.details).toEqual({
      problems: [
        { path: 'extra', message: 'extra is not allowed' },
        { path: 'page', message: 'page must be >= 1' },
        { path: 'pageSize', message: 'pageSize must be <= 50' },
      ],
    });
  });

  it('refuses a caller without an openid before looking at the event', async () => {
    for (const openid of [undefined, null, '']) {
      const result = await handleClientCall({ action: 'nope' }, { openid }, catalogActions, handlers());
      expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('turns an AppError into its envelope', async () => {
    const result = await handleClientCall({ action: 'detail', courseId: 'py-101' }, caller, catalogActions, handlers());
    expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: '课程不存在：py-101' } });
  });

  it('turns an unexpected error into INTERNAL with the request id, logging the real error', async () => {
    const logged: unknown[] = [];
    const result = await handleClientCall({ action: 'categories' }, caller, catalogActions, handlers(), {
      logError: (entry) => logged.push(entry),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', details: { requestId: 'req-1' } } });
    if (result.ok) return;
    expect(result.error.message).toContain('req-1');
    expect(result.error.message).not.toMatch(/mongodb|secret|refused/);
    expect(logged).toEqual([{ requestId: 'req-1', action: 'categories', error: expect.any(Error) }]);
  });

  it('makes up a request id when the platform gave none', async () => {
    const result = await handleClientCall({ action: 'categories' }, { openid: 'o1' }, catalogActions, handlers(), {
      logError: () => undefined,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { details: { requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) } },
    });
  });
});
