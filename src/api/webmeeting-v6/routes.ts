/** Registers the v6 route groups beyond accounts; each group lives in its own file owned by one engineer. */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../domain/deps.js';
import { registerApikeysRoutes } from './apikeys.js';
import { registerDialinRoutes } from './dialin.js';
import { registerIcsRoutes } from './ics.js';
import { registerLinksRoutes } from './links.js';
import { registerMeetingsRoutes } from './meetings.js';
import { registerOccurrencesRoutes } from './occurrences.js';
import { registerPermissionsRoutes } from './permissions.js';
import { registerRecordingsRoutes } from './recordings.js';
import { registerRoomsRoutes } from './rooms.js';
import { registerSwaggerRoutes } from './swagger.js';
import { registerUsersRoutes } from './users.js';
import { registerWebhooksRoutes } from './webhooks.js';

/** Every further v6 route group. Fastify's router ranks static segments above parameters, so order is free. */
export function registerV6Extensions(f: FastifyInstance, deps: Deps): void {
  registerUsersRoutes(f, deps);
  registerApikeysRoutes(f, deps);
  registerPermissionsRoutes(f, deps);
  registerRoomsRoutes(f, deps);
  registerDialinRoutes(f, deps);
  registerIcsRoutes(f, deps);
  registerMeetingsRoutes(f, deps);
  registerOccurrencesRoutes(f, deps);
  registerLinksRoutes(f, deps);
  registerWebhooksRoutes(f, deps);
  registerRecordingsRoutes(f, deps);
  registerSwaggerRoutes(f, deps);
}
