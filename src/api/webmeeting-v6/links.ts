/** v6 route group: links (filled in by its owner). */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../domain/deps.js';

/** Registers this group's routes. */
export function registerLinksRoutes(_f: FastifyInstance, _deps: Deps): void {}
