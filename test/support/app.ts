/**
 * The API test harness: a real app over a real SQLite store (in memory by default), an instance key, and
 * helpers that provision through the public API. Tests call `h.app.inject()`.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ensureInstanceKey } from '../../src/domain/accounts/issueApiKey.js';
import type { Deps } from '../../src/domain/deps.js';
import type { Clock, Ids, Store } from '../../src/domain/ports.js';
import { createStore } from '../../src/storage/index.js';
import { createDeps } from '../../src/wiring.js';

/** The instance key every harness app accepts. */
export const INSTANCE_KEY = 'test-instance-key-0123456789abcdef';

/** A running test app. */
export interface Harness {
  app: FastifyInstance;
  deps: Deps;
  store: Store;
  config: Config;
  /** Creates an account via E1 and returns its id and first admin's id. */
  newAccount(email?: string, body?: Record<string, unknown>): Promise<{ accountId: string; adminId: string; adminEmail: string }>;
  /** JSON request with the instance key (override headers as needed). */
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let seq = 0;

/** Builds a harness; `env` overrides configuration variables, `clock` injects time, `ids` the id source. */
export async function harness(o: { env?: Record<string, string>; clock?: Clock; ids?: Ids; storeUrl?: string; store?: Store } = {}): Promise<Harness> {
  const config = loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent', ...o.env });
  const store = o.store ?? (await createStore({ url: o.storeUrl ?? ':memory:' }));
  const deps = await createDeps(store, config, { ...(o.clock ? { clock: o.clock } : {}), ...(o.ids ? { ids: o.ids } : {}) });
  await store.transaction((tx) => ensureInstanceKey(tx, deps, INSTANCE_KEY, 'test'));
  const app = await buildApp({ deps, logger: false, maxBodyBytes: config.maxBodyBytes, errorsAsHttp200: config.errorsAsHttp200 });
  await app.ready();
  const call: Harness['call'] = (method, url, body, headers = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { 'x-api-key': INSTANCE_KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  return {
    app,
    deps,
    store,
    config,
    call,
    async newAccount(email, body = {}) {
      const adminEmail = email ?? `admin${++seq}-${Date.now()}@example.com`;
      const res = await call('POST', '/api/v6/account', { accountType: 'paid', adminFirstname: 'Ada', adminLastname: 'Admin', adminEmail, ...body });
      if (res.statusCode !== 200) throw new Error(`newAccount failed: ${res.statusCode} ${res.body}`);
      const accountId = res.json().data.id as string;
      const admins = await call('GET', `/api/v6/account/admin/${accountId}`);
      return { accountId, adminId: admins.json().data[0].id as string, adminEmail };
    },
    async close() {
      await app.close();
      if (!o.store) await store.close();
    },
  };
}
