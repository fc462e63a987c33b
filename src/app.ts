/**
 * The composition root (ARCHITECTURE.md §3): builds the Fastify app from injected dependencies and never
 * listens, so tests build the same app and call `inject()`.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { enforceAuthPolicy } from './api/common/authPolicy.js';
import { webmeetingV6 } from './api/webmeeting-v6/index.js';
import { sendV6Error } from './api/webmeeting-v6/errors.js';
import { joinPages } from './web/joinPages.js';
import { setPasswordPages } from './web/setPassword.js';
import type { Deps } from './domain/deps.js';
import type { LiveRuntime } from './wiring.js';
import { huaweiMmc } from './api/huawei-mmc/index.js';
import { dingtalkV1 } from './api/dingtalk-v1/index.js';
import { sessionTokenRoutes } from './api/auth/sessionToken.js';
import { realtimePlugin } from './realtime/plugin.js';
import { createMetrics, type Metrics } from './metrics.js';

/** What buildApp needs. */
export interface AppOptions {
  deps: Deps;
  logger?: Logger | false;
  maxBodyBytes?: number;
  errorsAsHttp200?: boolean;
  metrics?: Metrics;
  version?: string;
  /** The live runtime: when given, the Huawei and DingTalk dialects, the session-token route and the realtime channel are served. */
  live?: LiveRuntime;
}

/** Builds the whole HTTP surface. */
export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const metrics = o.metrics ?? createMetrics();
  const app = Fastify({
    ...(o.logger ? { loggerInstance: o.logger } : { logger: false }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: o.maxBodyBytes ?? 1_048_576,
    // Feed tokens may be 128 characters plus `.ics` (webmeeting-v6 §2.4); Fastify's default limit is 100.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // URLs the router rejects before any route runs (a parameter over maxParamLength, a broken %-escape)
    // still get the dialect's own error body, never Fastify's default one.
    frameworkErrors: (err, req, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const detail = status === 414 ? 'a path segment is too long' : 'the URL is not valid';
      if (req.url.startsWith('/api/v6/')) return sendV6Error(req, reply, status, -4, [{ field: null, code: 'format', message: detail }]);
      if (/^\/v[12]\/(usg|mmc)\//.test(req.url)) {
        return reply.status(status).type('application/json;charset=UTF-8').send({ error_code: 'MMC.111071061', error_msg: 'PARAMETER_VERIFIED_FAIL', error_detail: detail, request_id: req.id });
      }
      return reply.status(status).send({ error: detail, code: err.code, statusCode: status });
    },
  }) as unknown as FastifyInstance;
  enforceAuthPolicy(app);
  // Callback hooks, not async ones: every request runs them, and a promise per hook showed in the profile.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('X-Request-Id', req.id);
    done(null, payload);
  });
  app.addHook('onResponse', (req, reply, done) => {
    metrics.httpRequests.observe({ method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Convene', version: o.version ?? '0.1.0', description: 'Web Meeting API v6, Huawei Cloud Meeting and DingTalk conference dialects' },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const ok = await o.deps.store.ping().catch(() => false);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'database unreachable' });
  });
  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  await app.register(webmeetingV6, { prefix: '/api/v6', deps: o.deps, maxBodyBytes: o.maxBodyBytes ?? 1_048_576, errorsAsHttp200: o.errorsAsHttp200 ?? false });
  if (o.live) {
    await app.register(huaweiMmc, { deps: o.live.deps, maxBodyBytes: o.maxBodyBytes ?? 1_048_576 });
    await app.register(dingtalkV1, { deps: o.live.deps, maxBodyBytes: o.maxBodyBytes ?? 1_048_576 });
    await app.register(sessionTokenRoutes, { deps: o.live.deps });
    await app.register(realtimePlugin, { deps: o.live.deps, realtime: o.live.realtime, ...(o.logger ? { logger: o.logger.child({ component: 'realtime' }) } : {}) });
  }
  await app.register(joinPages, { deps: o.deps });
  await app.register(setPasswordPages, { deps: o.deps });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: 'not found', path: req.url.split('?')[0] }));
  return app;
}
