import type * as Sdk from 'wx-server-sdk';
import { fromClient, platformFunction } from '..';

/** Only `getWXContext` is read by the entries; the rest of the SDK is never touched here. */
function cloudWith(wx: { SOURCE?: string; OPENID?: string }): typeof Sdk {
  return { getWXContext: () => wx } as unknown as typeof Sdk;
}

const FORBIDDEN = { ok: false, error: { code: 'FORBIDDEN', message: '无权调用' } };

describe('fromClient', () => {
  it.each([
    ['wx_client', true],
    ['wx_devtools,wx_client', true],
    ['wx_client,scf', true],
    ['wx_trigger', false],
    ['wx_http', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (source, expected) => expect(fromClient(source)).toBe(expected));
});

describe('platformFunction', () => {
  const run = jest.fn(async () => 'ran');
  beforeEach(() => run.mockClear());

  it.each([
    ['timer', { SOURCE: 'wx_trigger' }, 'ran'],
    ['timer', { SOURCE: 'wx_trigger', OPENID: 'o-1' }, FORBIDDEN],
    ['timer', { SOURCE: 'wx_client', OPENID: 'o-1' }, FORBIDDEN],
    ['push', { SOURCE: 'wx_trigger', OPENID: 'o-1' }, 'ran'],
    ['push', { SOURCE: 'wx_devtools,wx_client', OPENID: 'o-1' }, FORBIDDEN],
    ['push', {}, 'ran'],
  ] as const)('a %s invoked with %j answers %j', async (caller, wx, expected) => {
    const main = platformFunction(cloudWith(wx), caller, run);
    await expect(main({}, {})).resolves.toEqual(expected);
    expect(run).toHaveBeenCalledTimes(expected === 'ran' ? 1 : 0);
  });
});
