import * as sdk from 'wx-server-sdk';
import { bundleDetail, listBundles } from '../../shared/catalog/bundles';
import {
  countImpressions,
  courseDetail,
  listCategories,
  listCourses,
  type CatalogDeps,
} from '../../shared/catalog/service';
import { catalogActions, type CatalogResponses } from '../../shared/contract';
import { clientFunction, initCloud } from '../../shared/entry';
import { reportCourse } from '../../shared/reports';

const cloud = initCloud(sdk);

const deps: CatalogDeps = {
  db: cloud.database(),
  logSkipped: (skipped) =>
    console.warn(`[catalog] ${skipped.message}${'fields' in skipped ? ` (fields: ${skipped.fields.join(', ')})` : ''}`),
  log: (message, error) => console.warn(message, error),
  now: () => new Date(),
};

/**
 * The `catalog` function (API.md §1): `list`, `detail`, `categories`, the bundles: `bundles`, `bundle`, `impressions`
 * and `report`.
 */
export const main = clientFunction<typeof catalogActions, CatalogResponses>(cloud, catalogActions, () => ({
  list: (params) => listCourses(deps, params),
  detail: (params, call) => courseDetail(deps, params, call.openid),
  categories: () => listCategories(deps),
  bundles: (params) => listBundles(deps, params),
  bundle: (params, call) => bundleDetail(deps, params, call.openid),
  impressions: (params, call) => countImpressions(deps, params, call.openid),
  report: (params, call) => reportCourse(deps, call.openid, params),
}));
