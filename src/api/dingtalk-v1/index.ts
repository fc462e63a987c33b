/**
 * The DingTalk conference v1.0 dialect (dingtalk-conference.md): an encapsulated plugin with one `/v1.0`
 * scope serving the `oauth2_1_0` token call and the `conference_1_0` routes, so the unmodified
 * `@alicloud/dingtalk` SDK works against Convene. The scope has:
 * - the shared JSON body parser (streams chunked bodies without Content-Length; an empty body is no body;
 *   non-JSON content types are refused and answered `400 Missingbody`);
 * - no Ajv: fields are read by hand (input.ts) so each fault gets its exact `paramsError` detail;
 * - this dialect's error handler and a not-found handler answering `404 NotFound` in the `{code, requestid,
 *   message}` shape, so the SDK always gets a JSON error body (§2.3 item 11);
 * - `x-acs-request-id` and `Content-Type: application/json;charset=utf-8` on every answer;
 * - the `x-acs-dingtalk-access-token` check for routes with `config.auth: 'dingtalkToken'`, right after
 *   route matching (§4.3 step 2, before the body).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { LiveDeps } from '../../domain/live/ports.js';
import { useJsonBody } from '../common/jsonBody.js';
import { requireDingtalkToken } from './auth.js';
import { registerConferenceRoutes } from './conference.js';
import { registerControlRoutes } from './controls.js';
import { DingtalkError, paramsError, renderDingtalkError, sendDingtalkError } from './errors.js';
import { registerOAuth2Routes } from './oauth2.js';
import { registerScheduleRoutes } from './schedule.js';

/** Options of {@link dingtalkV1}. */
export interface DingtalkV1Options {
  deps: LiveDeps;
  /** Largest accepted body (1 MiB, §4.2); larger → `413 paramsError`. */
  maxBodyBytes: number;
}

const JSON_UTF8 = 'application/json;charset=utf-8';

/** The DingTalk plugin: `app.register(dingtalkV1, { deps, maxBodyBytes })`, without a prefix. */
export const dingtalkV1: FastifyPluginAsync<DingtalkV1Options> = async (f, o) => {
  await f.register(
    async (s) => {
      useJsonBody(s, { lenientTypes: false, bodyLimit: o.maxBodyBytes });
      s.setValidatorCompiler(() => () => true);
      s.setErrorHandler(renderDingtalkError);
      s.setNotFoundHandler(async (req, reply) => {
        const path = req.url.split('?')[0] ?? '';
        // The router drops a trailing slash, so `GET|DELETE …/videoConferences/` (an empty conferenceId, §2.3
        // item 8) lands here: answer it as the seed's "meeting ID is missing", never a route miss.
        if ((req.method === 'GET' || req.method === 'DELETE') && /^\/v1\.0\/conference\/videoConferences\/+$/.test(path)) {
          // As on a matched route, the token is checked first (§4.3 steps 2 before 4).
          try {
            await requireDingtalkToken(req, o.deps.store, o.deps.clock.now());
          } catch (e) {
            if (e instanceof DingtalkError) return sendDingtalkError(req, reply, e);
            throw e;
          }
          return sendDingtalkError(req, reply, paramsError('conferenceId is empty'));
        }
        return sendDingtalkError(req, reply, new DingtalkError(404, 'NotFound', `api not found: ${req.method} ${path}`));
      });
      s.addHook('onRequest', async (req, reply) => {
        reply.header('x-acs-request-id', req.id);
        if (req.routeOptions.config.auth === 'dingtalkToken') req.dingtalkPrincipal = await requireDingtalkToken(req, o.deps.store, o.deps.clock.now());
      });
      s.addHook('onSend', async (_req, reply, payload) => {
        reply.header('content-type', JSON_UTF8);
        return payload;
      });
      registerOAuth2Routes(s, o.deps);
      registerConferenceRoutes(s, o.deps);
      registerControlRoutes(s, o.deps);
      registerScheduleRoutes(s, o.deps);
    },
    { prefix: '/v1.0' },
  );
};
