/**
 * The realtime channel on the app's HTTP server (ARCHITECTURE.md §1, §4.9): a WebSocket endpoint (default
 * `/realtime`) whose sockets become Sessions, plus the process-wide parts — RoomHub, RealtimeRinger (the Ringer
 * port) and RealtimePublisher (the LivePublisher port) — built by `createRealtime` before LiveDeps exists.
 *
 * Wiring, in this order (the ringer and publisher go into LiveDeps; the plugin needs LiveDeps):
 *   const realtime = createRealtime({ report: (i) => recordCallProgress(liveDeps, i), logger });
 *   const liveDeps: LiveDeps = { ...deps, ringer: realtime.ringer, publisher: realtime.publisher, … };
 *   await app.register(realtimePlugin, { deps: liveDeps, realtime });
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { LiveDeps } from '../domain/live/ports.js';
import { silentLogger, type RealtimeLogger } from './enhancedEvents.js';
import { handleRequest } from './handlers.js';
import { RealtimePublisher } from './Publisher.js';
import { RealtimeRinger } from './Ringer.js';
import { RoomHub, type ReportProgress } from './RoomHub.js';
import { Session } from './Session.js';
import { createWireServer, rejectUpgrade, WireSocket } from './wire.js';

/** Options of createRealtime. */
export interface CreateRealtimeOptions {
  /** recordCallProgress bound to LiveDeps (a callback: LiveDeps is built from this function's result). */
  report: ReportProgress;
  logger?: RealtimeLogger;
  /** Reconnect grace (media-and-sip.md §1.4); default 15 s. */
  reconnectGraceMs?: number;
  /** Heartbeat period; default 30 s (RoomHubOptions.heartbeatMs). */
  heartbeatMs?: number;
}

/** The process-wide realtime parts. */
export interface Realtime {
  hub: RoomHub;
  /** The Ringer port. */
  ringer: RealtimeRinger;
  /** The LivePublisher port. */
  publisher: RealtimePublisher;
  /** Closes every socket and stops every timer. Idempotent. */
  close(): void;
}

/** Builds the hub, the ringer and the publisher. */
export function createRealtime({ report, logger = silentLogger, reconnectGraceMs, heartbeatMs }: CreateRealtimeOptions): Realtime {
  const hub = new RoomHub({ report, logger, ...(reconnectGraceMs !== undefined ? { reconnectGraceMs } : {}), ...(heartbeatMs !== undefined ? { heartbeatMs } : {}) });
  const ringer = new RealtimeRinger({ hub, report, logger });
  const publisher = new RealtimePublisher({ hub, logger });
  return {
    hub,
    ringer,
    publisher,
    close() {
      ringer.close();
      hub.close();
    },
  };
}

/** Options of the realtime plugin. */
export interface RealtimePluginOptions {
  deps: LiveDeps;
  realtime: Realtime;
  /** The WebSocket path; default `/realtime`. */
  path?: string;
  /** Close with 4401 when no successful `auth` arrived within this time; default 5000 ms (ARCHITECTURE.md §4.9). */
  authTimeoutMs?: number;
  /** Largest client message, bytes; default 64 KiB (SDP offers are a few KiB). */
  maxPayload?: number;
  logger?: RealtimeLogger;
}

/**
 * Serves the realtime WebSocket on the app's server. A plain GET of the path answers 426. On app close, every
 * socket gets `session.ended {reason: 'SERVER_SHUTDOWN'}` and close 1001 before the server stops listening.
 */
export const realtimePlugin: FastifyPluginAsync<RealtimePluginOptions> = async (f: FastifyInstance, o) => {
  const path = o.path ?? '/realtime';
  const logger = o.logger ?? silentLogger;
  const { hub, ringer } = o.realtime;
  const ctx = { deps: o.deps, hub, ringer, logger };
  // ws answers bad handshakes itself (400 / 405) and closes with 1009 past maxPayload.
  const wss = createWireServer({ maxPayload: o.maxPayload ?? 65_536 });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== path) {
      // Another upgrade listener (a later feed) may own this path; when none exists, answer rather than hang.
      if (f.server.listenerCount('upgrade') === 1) rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (hub.closed) {
      rejectUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const wire = new WireSocket(ws);
      const session = new Session({
        socket: wire,
        handle: (s, msg) => handleRequest(ctx, s, msg),
        onClosed: (s, lost) => hub.sessionClosed(s, lost),
        authTimeoutMs: o.authTimeoutMs ?? 5000,
        remoteAddress: req.socket.remoteAddress ?? null,
        logger,
      });
      hub.add(session);
      wire.start();
    });
  };
  f.server.on('upgrade', onUpgrade);
  f.addHook('preClose', async () => {
    f.server.off('upgrade', onUpgrade);
    o.realtime.close();
  });

  f.get(path, { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.status(426).header('Upgrade', 'websocket').send({ error: 'this endpoint speaks WebSocket only (Upgrade: websocket)' }),
  );
};
