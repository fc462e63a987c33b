/**
 * The realtime test harness (ARCHITECTURE.md §6 "Realtime"): the real app (`buildApp`) with the realtime plugin
 * and the session-token route registered, listening on an ephemeral loopback port, over SQLite in memory, with
 * real sockets through client.ts. Phone dialling is a recording fake (these tests invite app users only).
 * Used by src/realtime/*.test.ts; benchmarks may use it too.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { ensureInstanceKey } from '../domain/accounts/issueApiKey.js';
import type { User } from '../domain/accounts/User.js';
import type { Dialer, LiveDeps, OutgoingCall } from '../domain/live/ports.js';
import { recordCallProgress } from '../domain/live/recordCallProgress.js';
import { startConference } from '../domain/live/startConference.js';
import type { LiveActor } from '../domain/live/types.js';
import type { Meeting } from '../domain/meetings/Meeting.js';
import type { Store } from '../domain/ports.js';
import { createStore } from '../storage/index.js';
import { createDeps } from '../wiring.js';
import { issueSessionToken, sessionTokenRoutes } from '../api/auth/sessionToken.js';
import { ConveneRealtimeClient } from './client.js';
import { createRealtime, realtimePlugin, type Realtime } from './plugin.js';

const INSTANCE_KEY = 'realtime-test-instance-key-0123456789';

/** Options of realtimeHarness. */
export interface RealtimeHarnessOptions {
  /** Auth deadline; default 5000 ms. */
  authTimeoutMs?: number;
  /** Reconnect grace; default 15 000 ms. */
  reconnectGraceMs?: number;
  /** Ring timeout of invitations; default 60 000 ms. */
  ringTimeoutMs?: number;
  /** Heartbeat period; default 30 000 ms. */
  heartbeatMs?: number;
}

/** A running app with the realtime channel. */
export interface RealtimeHarness {
  app: FastifyInstance;
  deps: LiveDeps;
  store: Store;
  realtime: Realtime;
  /** `ws://127.0.0.1:<port>/realtime`. */
  wsUrl: string;
  /** `http://127.0.0.1:<port>`. */
  httpUrl: string;
  accountId: string;
  /** The account's first admin (organizer of harness meetings). */
  admin: User;
  /** A chair-level actor of the account (what a dialect's control credential maps to). */
  host: LiveActor;
  /** Calls placed to phones (recorded, never answered). */
  dials: OutgoingCall[];
  /** Creates a user of the account and a session token for them. */
  newUser(firstName: string): Promise<{ user: User; token: string }>;
  /** A session token for an existing user. */
  tokenFor(user: Pick<User, 'id' | 'accountId'>): Promise<string>;
  /** Schedules a meeting (v6 API, organized by the admin) and starts its conference. */
  startedMeeting(topic?: string): Promise<Meeting>;
  /** A connected, authenticated client; closed by `close()`. */
  client(token: string): Promise<ConveneRealtimeClient>;
  /** Sends an HTTP request to the app (with the instance key). */
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let seq = 0;

/** Boots the harness. */
export async function realtimeHarness(o: RealtimeHarnessOptions = {}): Promise<RealtimeHarness> {
  const config = loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' });
  const store = await createStore({ url: ':memory:' });
  const base = await createDeps(store, config);
  await store.transaction((tx) => ensureInstanceKey(tx, base, INSTANCE_KEY, 'realtime tests'));
  const dials: OutgoingCall[] = [];
  const dialer: Dialer = { network: 'simulated', dial: (c) => void dials.push(c), hangup: () => {}, close: async () => {} };
  // The cycle LiveDeps → ringer → recordCallProgress(LiveDeps) is closed by a callback, as in production wiring.
  const realtime = createRealtime({
    report: (input) => recordCallProgress(deps, input),
    ...(o.reconnectGraceMs !== undefined ? { reconnectGraceMs: o.reconnectGraceMs } : {}),
    ...(o.heartbeatMs !== undefined ? { heartbeatMs: o.heartbeatMs } : {}),
  });
  const deps: LiveDeps = {
    ...base,
    dialer,
    ringer: realtime.ringer,
    publisher: realtime.publisher,
    live: { ringTimeoutMs: o.ringTimeoutMs ?? 60_000, maxParticipants: 500 },
  };
  const app = await buildApp({ deps, logger: false });
  await app.register(sessionTokenRoutes, { deps });
  await app.register(realtimePlugin, { deps, realtime, ...(o.authTimeoutMs !== undefined ? { authTimeoutMs: o.authTimeoutMs } : {}) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;

  const call: RealtimeHarness['call'] = (method, url, body, headers = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { 'x-api-key': INSTANCE_KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const acc = await call('POST', '/api/v6/account', { accountType: 'paid', adminFirstname: 'Ada', adminLastname: 'Admin', adminEmail: `admin${++seq}-${process.pid}@example.com` });
  if (acc.statusCode !== 200) throw new Error(`account: ${acc.statusCode} ${acc.body}`);
  const accountId = acc.json().data.id as string;
  const admins = await call('GET', `/api/v6/account/admin/${accountId}`);
  const admin = (await store.users.get(accountId, admins.json().data[0].id as string)) as User;
  const host: LiveActor = { accountId, canControl: true, meetingId: null, name: 'Ada Admin', userId: admin.id };
  const clients: ConveneRealtimeClient[] = [];

  return {
    app,
    deps,
    store,
    realtime,
    wsUrl: `ws://127.0.0.1:${port}/realtime`,
    httpUrl: `http://127.0.0.1:${port}`,
    accountId,
    admin,
    host,
    dials,
    call,
    async newUser(firstName) {
      const res = await call('POST', `/api/v6/account/user/${accountId}`, { email: `${firstName.toLowerCase()}${++seq}-${process.pid}@example.com`, firstName, lastName: 'Tester' });
      if (res.statusCode !== 200) throw new Error(`user: ${res.statusCode} ${res.body}`);
      const user = (await store.users.get(accountId, res.json().data.id as string)) as User;
      return { user, token: (await issueSessionToken(deps, user)).token };
    },
    async tokenFor(user) {
      return (await issueSessionToken(deps, user)).token;
    },
    async startedMeeting(topic = 'Weekly sync') {
      const res = await call('POST', '/api/v6/meeting', { topic, startTime: new Date(Date.now() + 3_600_000).toISOString(), duration: 60 }, { 'x-user-id': admin.id });
      if (res.statusCode !== 200) throw new Error(`meeting: ${res.statusCode} ${res.body}`);
      const meeting = (await store.meetings.get(accountId, res.json().data.id as string)) as Meeting;
      await startConference(deps, host, { meetingId: meeting.id });
      return meeting;
    },
    async client(token) {
      const c = await ConveneRealtimeClient.connect(`ws://127.0.0.1:${port}/realtime`, token);
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) if (!c.closeInfo) c.socket?.close();
      await app.close();
      await store.close();
    },
  };
}
