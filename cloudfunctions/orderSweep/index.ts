import * as sdk from 'wx-server-sdk';
import { initCloud, platformFunction } from '../../shared/entry';
import { cloudOrderDeps } from '../../shared/orders/cloud';
import { sweepOrders } from '../../shared/orders';

const cloud = initCloud(sdk);

/** Timer: closes expired orders, reconciles pending ones, finishes refunds and shipping uploads. */
export const main = platformFunction(cloud, 'timer', async (_event, _context, wx) => {
  const report = await sweepOrders(await cloudOrderDeps(cloud, wx.ENV));
  // The platform discards a timer's result; the log is where a creator finds it.
  console.log('[orderSweep]', JSON.stringify(report));
  return report;
});
