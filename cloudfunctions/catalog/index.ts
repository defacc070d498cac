import * as cloud from 'wx-server-sdk';
import { courseDetail, listCategories, listCourses, type CatalogDeps } from '../../shared/catalog/service';
import { catalogActions, handleClientCall, type CatalogResponses } from '../../shared/contract';

// index.d.ts types `env` as a string, but the SDK documents and accepts the DYNAMIC_CURRENT_ENV symbol.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

const deps: CatalogDeps = {
  db: cloud.database(),
  logSkipped: (skipped) => console.warn(`[catalog] ${skipped.message} (fields: ${skipped.fields.join(', ')})`),
};

/** The `catalog` function (API.md §1): `list`, `detail`, `categories`. */
export async function main(event: unknown, context: { request_id?: string }) {
  const { OPENID } = cloud.getWXContext();
  return handleClientCall<typeof catalogActions, CatalogResponses>(
    event,
    { openid: OPENID, requestId: context.request_id },
    catalogActions,
    {
      list: (params) => listCourses(deps, params),
      detail: (params, call) => courseDetail(deps, params, call.openid),
      categories: () => listCategories(deps),
    },
  );
}
