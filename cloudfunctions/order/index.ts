import * as cloud from 'wx-server-sdk';
import { handleClientCall, orderActions, type OrderResponses } from '../../shared/contract';
import { cloudOrderDeps } from '../../shared/orders/cloud';
import { createOrder, getOrder, listOrders, requestRefund } from '../../shared/orders/service';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

export async function main(event: unknown, context: { request_id?: string }) {
  const wx = cloud.getWXContext();
  const deps = () => cloudOrderDeps(cloud, wx.ENV);
  return handleClientCall<typeof orderActions, OrderResponses>(
    event,
    { openid: wx.OPENID, requestId: context.request_id },
    orderActions,
    {
      create: async (params, call) =>
        createOrder(
          await deps(),
          // `||`: an empty CLIENTIP is as good as none, and unifiedOrder needs some payer IP.
          { openid: call.openid, clientIp: wx.CLIENTIP || wx.CLIENTIPV6 || '127.0.0.1' },
          params,
        ),
      get: async (params, call) => ({ order: await getOrder(await deps(), call.openid, params.orderId) }),
      list: async (params, call) => listOrders(await deps(), call.openid, params),
      refund: async (params, call) => ({ order: await requestRefund(await deps(), call.openid, params) }),
    },
  );
}
