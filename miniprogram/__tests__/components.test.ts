/** @jest-environment jsdom */
import { allText, installWx, listen, renderComponent, tap } from './helpers/simulate';

beforeEach(() => installWx());

describe('state-view', () => {
  it('shows the error with a retry that fires `retry`', async () => {
    const comp = renderComponent('components/state-view', { status: 'error', errorText: '网络连接失败' });
    expect(allText(comp)).toContain('网络连接失败');
    const retry = jest.fn();
    listen(comp, 'retry', retry);
    await tap(comp, '.retry');
    expect(retry).toHaveBeenCalled();
  });
});
