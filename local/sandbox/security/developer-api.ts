/**
 * The content-security sandbox's developer endpoints, which the platform does not have:
 *
 * - `POST /sandbox/security/media` `{ rules?, delayMs?, failure?: 'none'|'error'|'noPush', pushFunction? }`: which
 *   media are risky (`{ name?, sha256?, suggest, label }`), how long a push waits, and whether calls fail or are
 *   never pushed; `{ flush: true }` waits until every due push is delivered.
 * - `POST /sandbox/security/penalty` `{ fields? }`: sends a `Penalty_for_Violation` push now (fields override the
 *   sandbox's defaults) and answers what the function returned.
 * - `POST /sandbox/security/stale-openids` `{ openids }`: these openids "have not visited in two hours": msgSecCheck
 *   and mediaCheckAsync answer them 61010.
 */
import { Type } from '@sinclair/typebox';
import type { LocalCloud } from '../../cloud';
import { sendJson } from '../../server/http';
import { readDeveloperBody } from '../developer-body';
import type { SecuritySandbox } from '.';

const Suggest = Type.Union([Type.Literal('review'), Type.Literal('risky')]);

const MediaBody = Type.Object({
  rules: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.Optional(Type.String()),
        sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
        suggest: Suggest,
        label: Type.Integer(),
      }),
      { refusal: 'rules must be a list of { name?, sha256?, suggest: review|risky, label }' },
    ),
  ),
  delayMs: Type.Optional(Type.Integer({ minimum: 0, refusal: 'delayMs must be an integer >= 0' })),
  failure: Type.Optional(
    Type.Union([Type.Literal('none'), Type.Literal('error'), Type.Literal('noPush')], {
      refusal: 'failure must be none, error or noPush',
    }),
  ),
  pushFunction: Type.Optional(Type.String({ minLength: 1, refusal: 'pushFunction must name a function' })),
  flush: Type.Optional(Type.Boolean({ refusal: 'flush must be true or false' })),
});

const PenaltyBody = Type.Object({
  fields: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { refusal: 'fields must be an object' })),
});

const StaleBody = Type.Object({
  openids: Type.Array(Type.String({ minLength: 1 }), { refusal: 'openids must be a list of openids' }),
});

export function serveSecurityDeveloperApi(cloud: LocalCloud, sandbox: SecuritySandbox): void {
  cloud.routes.add('POST', /^\/sandbox\/security\/media$/, async (req, res) => {
    const { rules, delayMs, failure, pushFunction, flush } = await readDeveloperBody(req, MediaBody);
    if (rules) sandbox.media.setRules(rules);
    sandbox.media.configure({ delayMs, failure, pushFunction });
    if (flush) await sandbox.media.idle();
    sendJson(res, 200, { submissions: sandbox.media.submissions.length, pushes: sandbox.media.pushLog.length });
  });

  cloud.routes.add('POST', /^\/sandbox\/security\/penalty$/, async (req, res) => {
    const { fields } = await readDeveloperBody(req, PenaltyBody);
    sendJson(res, 200, await sandbox.media.pushPenalty(fields));
  });

  cloud.routes.add('POST', /^\/sandbox\/security\/stale-openids$/, async (req, res) => {
    const { openids } = await readDeveloperBody(req, StaleBody);
    sandbox.setStaleOpenids(openids);
    sendJson(res, 200, { openids });
  });
}
