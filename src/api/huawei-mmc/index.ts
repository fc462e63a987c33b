/**
 * The Huawei Cloud Meeting dialect (huawei-meeting.md): an encapsulated Fastify plugin registered WITHOUT a
 * prefix (and without fastify-plugin), which opens one child scope per vendor prefix — `/v1/usg` (H1),
 * `/v2/usg` (H2), `/v1/mmc` (management H3–H7 here, control H8–H20 from control.ts) and `/cms` (the push
 * feed's prefix, Phase 2: answered like an unknown route until built). Each scope has:
 * - the shared lenient JSON body parser (Content-Type not enforced, an empty body is no body, §10.5);
 * - no Ajv for bodies: fields are read by hand so each gets its vendor code (§3.2, §5.2);
 * - this dialect's error handler and a not-found handler answering `404 APIG.0101` (§5.1);
 * - `X-Request-Id` and `Content-Type: application/json;charset=UTF-8` on every answer (FOUND, §10.9);
 * - the `X-Access-Token` check for routes with `config.auth: 'accessToken'` (control routes bring their own).
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { HTTPMethod } from 'find-my-way';
import FindMyWay from 'find-my-way';
import type { LiveDeps } from '../../domain/live/ports.js';
import { useJsonBody } from '../common/jsonBody.js';
import { requireAccessToken } from './accessAuth.js';
import { registerControlRoutes } from './control.js';
import { gatewayErrors, renderHuaweiError, sendGatewayError } from './errors.js';
import { registerManagementRoutes } from './management.js';
import { registerUsgV1Routes, registerUsgV2Routes } from './usg.js';

export { renderHuaweiError } from './errors.js';

/** Options of {@link huaweiMmc}. */
export interface HuaweiMmcOptions {
  deps: LiveDeps;
  /** Largest accepted body (DESIGNED 1 MiB, §5.1); larger → `413 APIG.0201`. */
  maxBodyBytes: number;
}

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const JSON_UTF8 = 'application/json;charset=UTF-8';

/** Sets up one vendor-prefix scope: parser, validator, error and not-found handlers, headers, auth hook. */
function setUpScope(s: FastifyInstance, o: HuaweiMmcOptions): void {
  // A shadow router of the scope's routes tells "known path, other method" from "no such path" (§5.1).
  const shadow = FindMyWay({ ignoreTrailingSlash: true });
  s.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (!METHODS.includes(m as HTTPMethod)) continue;
      try {
        shadow.on(m as HTTPMethod, route.url, () => undefined);
      } catch {
        /* the HEAD twin of a GET route is already there */
      }
    }
  });
  useJsonBody(s, { lenientTypes: true, bodyLimit: o.maxBodyBytes });
  s.setValidatorCompiler(() => () => true);
  s.setErrorHandler(renderHuaweiError);
  s.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const known = METHODS.some((m) => shadow.find(m, path));
    return sendGatewayError(req, reply, known ? gatewayErrors.unknownMethod : gatewayErrors.unknownRoute);
  });
  s.addHook('onRequest', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });
  // After the body was parsed, so a malformed body is answered before a missing token (§5.4 steps 2–3).
  s.addHook('preValidation', async (req) => {
    if (req.routeOptions.config.auth === 'accessToken') req.huaweiPrincipal = await requireAccessToken(req, o.deps.store, o.deps.clock.now());
  });
  s.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-type', JSON_UTF8);
    return payload;
  });
}

/** The Huawei dialect plugin: `app.register(huaweiMmc, { deps, maxBodyBytes })`, without a prefix. */
export const huaweiMmc: FastifyPluginAsync<HuaweiMmcOptions> = async (f, o) => {
  await f.register(
    async (s) => {
      setUpScope(s, o);
      registerUsgV1Routes(s, o.deps);
    },
    { prefix: '/v1/usg' },
  );
  await f.register(
    async (s) => {
      setUpScope(s, o);
      registerUsgV2Routes(s, o.deps);
    },
    { prefix: '/v2/usg' },
  );
  await f.register(
    async (s) => {
      setUpScope(s, o);
      registerManagementRoutes(s, o.deps);
      registerControlRoutes(s, o.deps);
    },
    { prefix: '/v1/mmc' },
  );
  await f.register(
    async (s) => {
      setUpScope(s, o);
    },
    { prefix: '/cms' },
  );
};
