import type { FastifyInstance } from 'fastify';

/** How a route authenticates; every route must declare one (ARCHITECTURE.md §4.7). */
export type AuthMode = 'apiKey' | 'icsToken' | 'accessToken' | 'conferenceToken' | 'dingtalkToken' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}

/**
 * Refuses to boot when a route lacks `config.auth`, so "every route is authenticated unless its spec says
 * public" is checked by the program rather than by review. Fastify's own HEAD twins inherit the config.
 */
export function enforceAuthPolicy(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const auth = (route.config as { auth?: AuthMode } | undefined)?.auth;
    // @fastify/swagger-ui's own routes under /docs are public documentation and carry no config.
    if (!auth && !route.url.startsWith('/docs')) throw new Error(`route ${String(route.method)} ${route.url} declares no config.auth`);
  });
}
