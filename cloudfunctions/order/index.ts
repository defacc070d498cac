import * as sdk from 'wx-server-sdk';
import { orderActions, type OrderResponses } from '../../shared/contract';
import { clientFunction, initCloud } from '../../shared/entry';
import { cloudOrderDeps } from '../../shared/orders/cloud';
import { createOrder, getOrder, listOrders, requestRefund } from '../../shared/orders';
import { countDaily } from '../../shared/insights/daily/counters';

const cloud = initCloud(sdk);

export const main = clientFunction<typeof orderActions, OrderResponses>(cloud, orderActions, (wx) => {
  const deps = () => cloudOrderDeps(cloud, wx.ENV);
  return {
    create: async (params, call) => {
      const orderDeps = await deps();
      const reply = await createOrder(
        orderDeps,
        // `||`: an empty CLIENTIP is as good as none, and unifiedOrder needs some payer IP.
        { openid: call.openid, clientIp: wx.CLIENTIP || wx.CLIENTIPV6 || '127.0.0.1' },
        params,
      );
      // A checkout of a course that reached a price (shared/insights/daily; a refused one threw above).
      if (params.courseId !== undefined) {
        await countDaily(orderDeps, params.courseId, orderDeps.clock(), { kind: 'checkout' });
      }
      return reply;
    },
    get: async (params, call) => ({ order: await getOrder(await deps(), call.openid, params.orderId) }),
    list: async (params, call) => listOrders(await deps(), call.openid, params),
    refund: async (params, call) => ({ order: await requestRefund(await deps(), call.openid, params) }),
  };
});
