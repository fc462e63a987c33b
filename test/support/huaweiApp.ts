/**
 * The Huawei dialect's API test harness: the real app (`buildApp`) over a real SQLite store, with LiveDeps
 * whose process edges (dialer, ringer, publisher) are the recording fakes of liveFakes.ts until the real
 * ones are wired into `createDeps`. The Huawei plugin is registered here unless app.ts already does.
 * Provisioning goes through the v6 API (accounts, users) and the domain (passwords, app credentials).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { huaweiMmc } from '../../src/api/huawei-mmc/index.js';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ensureInstanceKey } from '../../src/domain/accounts/issueApiKey.js';
import type { User } from '../../src/domain/accounts/User.js';
import { createAppCredential } from '../../src/domain/credentials/createAppCredential.js';
import type { LiveDeps } from '../../src/domain/live/ports.js';
import type { Clock, Store } from '../../src/domain/ports.js';
import { hashPassword } from '../../src/infra/secrets.js';
import { createStore } from '../../src/storage/index.js';
import { createDeps } from '../../src/wiring.js';
import { INSTANCE_KEY } from './app.js';
import { FakeRinger, RecordingDialer, RecordingPublisher } from './liveFakes.js';

/** The password every harness user gets (8–32 characters, as H1 requires). */
export const PASSWORD = 'S3cure-pass!';

/** Options of {@link huaweiHarness}. */
export interface HuaweiHarnessOptions {
  clock?: Clock;
  env?: Record<string, string>;
  maxParticipants?: number;
  /** Use this store (e.g. a SQLite file the CLI wrote); it is not closed with the harness. */
  store?: Store;
}

/** A provisioned user with a password. */
export interface TestUser {
  user: User;
  login: string;
}

/** A running Huawei test app. */
export interface HuaweiHarness {
  app: FastifyInstance;
  deps: LiveDeps;
  store: Store;
  config: Config;
  dialer: RecordingDialer;
  ringer: FakeRinger;
  publisher: RecordingPublisher;
  /** A v6 request with the instance key. */
  v6(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** A request as the Huawei SDKs send it: JSON body, `Content-Type: application/json`, optional access token. */
  hw(method: string, url: string, o?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  /** A new account (through v6 E1) whose first admin has {@link PASSWORD}. */
  newAccount(o?: { email?: string; body?: Record<string, unknown> }): Promise<{ accountId: string; admin: TestUser }>;
  /** A new member (or admin) of an account (through v6), with {@link PASSWORD}. */
  newUser(accountId: string, o?: { email?: string; admin?: boolean; firstName?: string; lastName?: string; externalUserId?: string }): Promise<TestUser>;
  /** H1 with {@link PASSWORD}; returns the access token. */
  signIn(login: string, password?: string, clientType?: number): Promise<string>;
  /** A Huawei app of the account (or an instance app for null). */
  newApp(accountId: string | null): Promise<{ appId: string; appKey: string }>;
  close(): Promise<void>;
}

let seq = 0;

/** `Basic base64(account:password)`. */
export function basic(account: string, password: string, encoding: BufferEncoding = 'utf8'): string {
  return `Basic ${Buffer.from(`${account}:${password}`, encoding).toString('base64')}`;
}

/** Builds a harness. */
export async function huaweiHarness(o: HuaweiHarnessOptions = {}): Promise<HuaweiHarness> {
  const config = loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent', ...o.env });
  const store = o.store ?? (await createStore({ url: ':memory:' }));
  const base = await createDeps(store, config, o.clock ? { clock: o.clock } : {});
  const dialer = new RecordingDialer();
  const ringer = new FakeRinger();
  const publisher = new RecordingPublisher();
  const deps: LiveDeps = { ...base, dialer, ringer, publisher, live: { ringTimeoutMs: 60_000, maxParticipants: o.maxParticipants ?? 500 } };
  await store.transaction((tx) => ensureInstanceKey(tx, deps, INSTANCE_KEY, 'test'));
  const app = await buildApp({ deps, logger: false, maxBodyBytes: config.maxBodyBytes, errorsAsHttp200: config.errorsAsHttp200 });
  if (!app.hasRoute({ method: 'POST', url: '/v1/usg/acs/auth/account' })) await app.register(huaweiMmc, { deps, maxBodyBytes: config.maxBodyBytes });
  await app.ready();

  const v6: HuaweiHarness['v6'] = (method, url, body, headers = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { 'x-api-key': INSTANCE_KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  const hw: HuaweiHarness['hw'] = (method, url, ho = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { 'content-type': 'application/json', ...(ho.token !== undefined ? { 'x-access-token': ho.token } : {}), ...ho.headers },
      ...(ho.body !== undefined ? { payload: typeof ho.body === 'string' ? ho.body : JSON.stringify(ho.body) } : {}),
    });
  const passwordHash = await hashPassword(PASSWORD);
  const withPassword = async (userId: string): Promise<User> => {
    const u = await store.users.get('*', userId);
    if (!u) throw new Error(`no user ${userId}`);
    const updated = { ...u, passwordHash };
    await store.users.update(updated);
    return updated;
  };

  const h: HuaweiHarness = {
    app,
    deps,
    store,
    config,
    dialer,
    ringer,
    publisher,
    v6,
    hw,
    async newAccount(ao = {}) {
      const adminEmail = ao.email ?? `admin${++seq}-${Date.now()}@example.com`;
      const res = await v6('POST', '/api/v6/account', { accountType: 'paid', adminFirstname: 'Anna', adminLastname: 'Muster', adminEmail, ...ao.body });
      if (res.statusCode !== 200) throw new Error(`newAccount failed: ${res.statusCode} ${res.body}`);
      const accountId = res.json().data.id as string;
      const admins = await v6('GET', `/api/v6/account/admin/${accountId}`);
      const user = await withPassword(admins.json().data[0].id as string);
      return { accountId, admin: { user, login: user.loginName } };
    },
    async newUser(accountId, uo = {}) {
      const email = uo.email ?? `user${++seq}-${Date.now()}@example.com`;
      const res = await v6('POST', `/api/v6/account/user/${accountId}`, {
        email,
        firstName: uo.firstName ?? 'Bob',
        lastName: uo.lastName ?? 'Builder',
        isAdmin: uo.admin ?? false,
        ...(uo.externalUserId !== undefined ? { externalUserId: uo.externalUserId } : {}),
      });
      if (res.statusCode !== 200) throw new Error(`newUser failed: ${res.statusCode} ${res.body}`);
      const user = await withPassword(res.json().data.id as string);
      return { user, login: user.loginName };
    },
    async signIn(login, password = PASSWORD, clientType = 72) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/usg/acs/auth/account',
        headers: { authorization: basic(login, password), 'content-type': 'application/json; charset=UTF-8' },
        payload: JSON.stringify({ account: login, clientType }),
      });
      if (res.statusCode !== 200) throw new Error(`signIn failed: ${res.statusCode} ${res.body}`);
      return res.json().accessToken as string;
    },
    async newApp(accountId) {
      const { app: a, appKey } = await createAppCredential(deps, { accountId, name: 'test' });
      return { appId: a.appId, appKey };
    },
    async close() {
      await app.close();
      if (!o.store) await store.close();
    },
  };
  return h;
}
