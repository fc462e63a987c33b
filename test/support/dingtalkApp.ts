/**
 * The DingTalk dialect's test harness: the real app (`buildApp`) over an in-memory SQLite store, listening on
 * 127.0.0.1 (the SDK needs a real socket), with either the recording fakes of liveFakes.ts or the real live
 * runtime (`createLiveRuntime`: realtime ringer, simulated telephone network at a small timeScale). The
 * DingTalk plugin is registered here unless app.ts already does. `sdk(port)` gives the unmodified
 * `@alicloud/dingtalk` clients pointed at the server.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dingtalkV1 } from '../../src/api/dingtalk-v1/index.js';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ensureInstanceKey } from '../../src/domain/accounts/issueApiKey.js';
import type { User } from '../../src/domain/accounts/User.js';
import { createDingtalkApp } from '../../src/domain/credentials/createDingtalkApp.js';
import type { LiveDeps } from '../../src/domain/live/ports.js';
import type { Clock, Store } from '../../src/domain/ports.js';
import { createStore } from '../../src/storage/index.js';
import { createDeps, createLiveRuntime, type LiveRuntime } from '../../src/wiring.js';
import { INSTANCE_KEY } from './app.js';
import { FakeRinger, RecordingDialer, RecordingPublisher } from './liveFakes.js';

// The SDK is CommonJS: `require` it so that vitest and plain Node see the same module object (§2.1).
const require = createRequire(import.meta.url);
/** The SDK's `conference_1_0` module (`default` is the client class; request/headers models alongside). */
export const conference = require('@alicloud/dingtalk/dist/conference_1_0/client.js') as typeof import('@alicloud/dingtalk/dist/conference_1_0/client.js');
/** The SDK's `oauth2_1_0` module. */
export const oauth2 = require('@alicloud/dingtalk/dist/oauth2_1_0/client.js') as typeof import('@alicloud/dingtalk/dist/oauth2_1_0/client.js');
const { Config: OpenApiConfig } = require('@alicloud/openapi-client') as typeof import('@alicloud/openapi-client');
/** tea-util's RuntimeOptions. */
export const { RuntimeOptions } = require('@alicloud/tea-util') as typeof import('@alicloud/tea-util');
type RuntimeOptions = InstanceType<typeof RuntimeOptions>;

/** Options of {@link dingtalkHarness}. */
export interface DingtalkHarnessOptions {
  clock?: Clock;
  env?: Record<string, string>;
  maxParticipants?: number;
  /** Use the real live runtime with the simulated network at this time scale (e.g. 0.01) instead of fakes. */
  live?: { simTimeScale: number };
}

/** The unmodified SDK clients pointed at a local port. */
export interface DingtalkSdk {
  conference: InstanceType<typeof conference.default>;
  oauth2: InstanceType<typeof oauth2.default>;
  /** RuntimeOptions without retries and with timeouts generous for CI. */
  runtime(): RuntimeOptions;
}

/** `sdk(port)`: the `conference_1_0` and `oauth2_1_0` clients on `http://127.0.0.1:<port>`. */
export function sdk(port: number): DingtalkSdk {
  const cfg = () => new OpenApiConfig({ protocol: 'http', endpoint: `127.0.0.1:${port}` });
  return {
    conference: new conference.default(cfg()),
    oauth2: new oauth2.default(cfg()),
    runtime: () => new RuntimeOptions({ autoretry: false, readTimeout: 10_000, connectTimeout: 5_000 }),
  };
}

/** A running DingTalk test app. */
export interface DingtalkHarness {
  app: FastifyInstance;
  deps: LiveDeps;
  store: Store;
  config: Config;
  port: number;
  /** Set with the fakes (no `live` option). */
  dialer?: RecordingDialer;
  ringer?: FakeRinger;
  publisher?: RecordingPublisher;
  runtime?: LiveRuntime;
  /** The SDK clients on this harness' port. */
  sdk: DingtalkSdk;
  /** An inject() request as the SDK sends it (JSON body, optional token). */
  dt(method: string, url: string, o?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  /** A new account (v6 E1); its first admin gets `adminUnionId` when given. */
  newAccount(o?: { adminUnionId?: string }): Promise<{ accountId: string; admin: User }>;
  /** A new member with a fixed unionId (and display name `firstName lastName`). */
  newUser(accountId: string, unionId: string, o?: { firstName?: string; lastName?: string }): Promise<User>;
  /** A DingTalk app of the account. */
  newApp(accountId: string): Promise<{ appKey: string; appSecret: string }>;
  /** getAccessToken through inject(). */
  token(app: { appKey: string; appSecret: string }): Promise<string>;
  close(): Promise<void>;
}

let seq = 0;

/** Builds and starts a harness. */
export async function dingtalkHarness(o: DingtalkHarnessOptions = {}): Promise<DingtalkHarness> {
  const config = loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent', ...o.env });
  const store = await createStore({ url: ':memory:' });
  const base = await createDeps(store, config, o.clock ? { clock: o.clock } : {});
  let deps: LiveDeps;
  let runtime: LiveRuntime | undefined;
  let fakes: { dialer: RecordingDialer; ringer: FakeRinger; publisher: RecordingPublisher } | undefined;
  if (o.live) {
    runtime = createLiveRuntime(base, config, { simTimeScale: o.live.simTimeScale });
    deps = { ...runtime.deps, live: { ...runtime.deps.live, ...(o.maxParticipants ? { maxParticipants: o.maxParticipants } : {}) } };
  } else {
    fakes = { dialer: new RecordingDialer(), ringer: new FakeRinger(), publisher: new RecordingPublisher() };
    deps = { ...base, ...fakes, live: { ringTimeoutMs: 60_000, maxParticipants: o.maxParticipants ?? 500 } };
  }
  await store.transaction((tx) => ensureInstanceKey(tx, deps, INSTANCE_KEY, 'test'));
  const app = await buildApp({ deps, logger: false, maxBodyBytes: config.maxBodyBytes, errorsAsHttp200: config.errorsAsHttp200, ...(runtime ? { live: { ...runtime, deps } } : {}) });
  if (!app.hasRoute({ method: 'POST', url: '/v1.0/oauth2/accessToken' })) await app.register(dingtalkV1, { deps, maxBodyBytes: config.maxBodyBytes });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;

  const v6 = async (method: string, url: string, body?: unknown) => {
    const res = await app.inject({ method: method as 'GET', url, headers: { 'x-api-key': INSTANCE_KEY, 'content-type': 'application/json' }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
    if (res.statusCode !== 200) throw new Error(`${method} ${url} failed: ${res.statusCode} ${res.body}`);
    return res.json() as { data: { id: string } & Record<string, unknown> };
  };
  const withUnion = async (accountId: string, userId: string, unionId: string | undefined): Promise<User> => {
    const u = await store.users.get(accountId, userId);
    if (!u) throw new Error(`no user ${userId}`);
    if (unionId === undefined) return u;
    const updated = { ...u, unionId };
    await store.users.update(updated);
    return updated;
  };

  const h: DingtalkHarness = {
    app,
    deps,
    store,
    config,
    port,
    ...(fakes ?? {}),
    ...(runtime ? { runtime } : {}),
    sdk: sdk(port),
    dt(method, url, ho = {}) {
      return app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(ho.body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          ...(ho.token !== undefined ? { 'x-acs-dingtalk-access-token': ho.token } : {}),
          ...ho.headers,
        },
        ...(ho.body !== undefined ? { payload: typeof ho.body === 'string' ? ho.body : JSON.stringify(ho.body) } : {}),
      });
    },
    async newAccount(ao = {}) {
      const adminEmail = `dtadmin${++seq}-${Date.now()}@example.com`;
      const res = await v6('POST', '/api/v6/account', { accountType: 'paid', adminFirstname: 'Host', adminLastname: 'Han', adminEmail });
      const accountId = res.data.id;
      const admins = (await app.inject({ method: 'GET', url: `/api/v6/account/admin/${accountId}`, headers: { 'x-api-key': INSTANCE_KEY } })).json() as { data: Array<{ id: string }> };
      const admin = await withUnion(accountId, (admins.data[0] as { id: string }).id, ao.adminUnionId);
      return { accountId, admin };
    },
    async newUser(accountId, unionId, uo = {}) {
      const res = await v6('POST', `/api/v6/account/user/${accountId}`, { email: `dtuser${++seq}-${Date.now()}@example.com`, firstName: uo.firstName ?? 'Alice', lastName: uo.lastName ?? 'Liddell', isAdmin: false });
      return withUnion(accountId, res.data.id, unionId);
    },
    async newApp(accountId) {
      const { appKey, appSecret } = await createDingtalkApp(deps, { accountId, name: 'test' });
      return { appKey, appSecret };
    },
    async token(a) {
      const res = await h.dt('POST', '/v1.0/oauth2/accessToken', { body: { appKey: a.appKey, appSecret: a.appSecret } });
      if (res.statusCode !== 200) throw new Error(`token failed: ${res.statusCode} ${res.body}`);
      return res.json().accessToken as string;
    },
    async close() {
      await app.close();
      await runtime?.close();
      await store.close();
    },
  };
  return h;
}
