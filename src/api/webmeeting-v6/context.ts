import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/accounts/policies.js';
import type { Deps } from '../../domain/deps.js';

/** What the v6 plugin is built from (handed in by app.ts). */
export interface V6Options {
  deps: Deps;
  /** Request bodies above this are 413 (§4.2). */
  maxBodyBytes: number;
  /** CONVENE_ERRORS_AS_HTTP_200 (§2.3). */
  errorsAsHttp200: boolean;
}

/** The authenticated actor of a v6 request (set by the onRequest hook). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new Error('v6 actor missing: the auth hook did not run');
  return req.actor;
}
