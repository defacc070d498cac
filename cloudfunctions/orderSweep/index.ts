import * as cloud from 'wx-server-sdk';
import { err } from '../../shared/contract';
import { cloudOrderDeps, fromClient } from '../../shared/orders/cloud';
import { sweepOrders } from '../../shared/orders/service';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/** Timer: closes expired orders, reconciles pending ones, finishes refunds and shipping uploads. */
export async function main() {
  const wx = cloud.getWXContext();
  if (fromClient(wx.SOURCE) || wx.OPENID) return err('FORBIDDEN', '无权调用');
  const report = await sweepOrders(await cloudOrderDeps(cloud, wx.ENV));
  // The platform discards a timer's result; the log is where a creator finds it.
  console.log('[orderSweep]', JSON.stringify(report));
  return report;
}
