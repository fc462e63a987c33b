/** DingTalk v1.0 route group: schedule (filled in by its owner). */
import type { FastifyInstance } from 'fastify';
import type { LiveDeps } from '../../domain/live/ports.js';

/** Registers this group's routes inside the /v1.0 scope. */
export function registerScheduleRoutes(_f: FastifyInstance, _deps: LiveDeps): void {}
