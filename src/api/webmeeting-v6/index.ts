/**
 * The Web Meeting API v6 dialect (webmeeting-v6.md): an encapsulated Fastify plugin under /api/v6 with its
 * own body parser, auth hook, error handler and not-found handler (ARCHITECTURE.md §4.4). Registered
 * WITHOUT fastify-plugin, so nothing here leaks into the other dialects.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { HTTPMethod } from 'find-my-way';
import FindMyWay from 'find-my-way';
import { useJsonBody } from '../common/jsonBody.js';
import { authenticateV6 } from './auth.js';
import { registerAccountRoutes } from './accounts.js';
import type { V6Options } from './context.js';
import { renderV6Error, sendV6Error } from './errors.js';
import { registerV6Extensions } from './routes.js';

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** The v6 plugin. */
export const webmeetingV6: FastifyPluginAsync<V6Options> = async (f: FastifyInstance, opts) => {
  const { deps } = opts;
  // A shadow router of this scope's routes answers "known path, wrong method" with 405 + Allow (§2.9).
  const shadow = FindMyWay({ ignoreTrailingSlash: true });
  f.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (!METHODS.includes(m as HTTPMethod)) continue;
      try {
        shadow.on(m as HTTPMethod, route.url, () => undefined);
      } catch {
        /* duplicate HEAD twin */
      }
    }
  });
  f.decorate('convene', { errorsAsHttp200: opts.errorsAsHttp200 });

  useJsonBody(f, { lenientTypes: true, bodyLimit: opts.maxBodyBytes });
  // Bodies are read by validate.ts so that every issue is reported at once (§4.1); Ajv checks nothing here.
  f.setValidatorCompiler(() => () => true);
  f.setErrorHandler(renderV6Error);
  f.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const allowed = METHODS.filter((m) => shadow.find(m, path));
    if (allowed.length > 0) {
      reply.header('Allow', allowed.join(', '));
      return sendV6Error(req, reply, 405, -4, [{ field: null, code: 'methodNotAllowed', message: `${req.method} is not allowed here; allowed: ${allowed.join(', ')}` }]);
    }
    return sendV6Error(req, reply, 404, -5, [{ field: null, code: 'unknownRoute', message: `no route ${req.method} ${path}` }]);
  });
  f.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.auth === 'apiKey') req.actor = await authenticateV6(req, deps.store);
  });

  registerAccountRoutes(f, deps);
  registerV6Extensions(f, deps);
};
