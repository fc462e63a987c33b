/**
 * Starts a whole Convene instance from a checked configuration: store (migrated at open), domain
 * dependencies, bootstrap file, instance keys, the HTTP app on HOST:PORT, the outbox workers and the meeting
 * and housekeeping jobs. Used by main.ts; tests may call it in-process.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from './app.js';
import { applyBootstrap, loadBootstrapFile, type BootstrapReport } from './bootstrap.js';
import type { Config } from './config.js';
import { ensureInstanceKey, hashKeySecret, issueApiKey } from './domain/accounts/issueApiKey.js';
import type { Deps } from './domain/deps.js';
import type { Store } from './domain/ports.js';
import { HousekeepingJob } from './jobs/HousekeepingJob.js';
import { MeetingJobs } from './jobs/MeetingJobs.js';
import { createSecretBox } from './infra/secretBox.js';
import { resolveSecretKey } from './infra/secretKey.js';
import { MailWorker } from './mail/MailWorker.js';
import { createStore } from './storage/index.js';
import { WebhookWorker } from './webhooks/WebhookWorker.js';
import { createDeps, createLiveRuntime, type LiveRuntime } from './wiring.js';
import { recoverAfterRestart } from './domain/live/recoverAfterRestart.js';

/** Settings key that records the first start; its presence means "never generate an instance key again". */
export const FIRST_START_SETTING = 'first_started_at';

/** Options of `startServer`. */
export interface StartServerOptions {
  /** Default: a JSON pino logger on stdout at `config.logLevel`. */
  logger?: Logger;
}

/** A running instance. */
export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:8080` (the real port when PORT=0). */
  url: string;
  /** CONVENE_PUBLIC_URL (or its default): what links and feeds show. */
  publicUrl: string;
  /** The secret of the instance key generated on the first start, or null on every later start. */
  generatedInstanceKey: string | null;
  /** What the bootstrap file did, or null without CONVENE_BOOTSTRAP. */
  bootstrap: BootstrapReport | null;
  app: FastifyInstance;
  deps: Deps;
  store: Store;
  logger: Logger;
  /** Drains: stops accepting requests and finishes those in flight, stops the workers, closes the store. Idempotent. */
  close(): Promise<void>;
}

/** The version in package.json, shown in the OpenAPI document. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Makes CONVENE_INSTANCE_API_KEY an active instance key. A configured key that was revoked (through the CLI)
 * or that is an account key's secret stops the start: silently reviving or widening a key would be worse.
 */
async function configuredInstanceKey(deps: Deps, secret: string): Promise<void> {
  const existing = await deps.store.apiKeys.getByHash(hashKeySecret(secret));
  if (existing?.level === 'account') throw new Error('CONVENE_INSTANCE_API_KEY is the secret of an account-level key; choose another value');
  if (existing && existing.revokedAt !== null) throw new Error(`CONVENE_INSTANCE_API_KEY names key ${existing.id}, which was revoked; choose another value`);
  await deps.store.transaction((tx) => ensureInstanceKey(tx, deps, secret, 'CONVENE_INSTANCE_API_KEY'));
}

/**
 * On the very first start of a database, generates an instance key unless one exists already (from
 * CONVENE_INSTANCE_API_KEY, the bootstrap file or the CLI). Returns its secret, which is shown once and
 * stored only hashed; every later start returns null, even if all instance keys were revoked since
 * (`npx convene key create --instance` makes a new one).
 */
async function firstStartKey(deps: Deps): Promise<string | null> {
  return deps.store.transaction(async (tx) => {
    const stamp = new Date(deps.clock.now()).toISOString();
    // getOrInit decides under the database's unique constraint, so two nodes starting together on one
    // PostgreSQL cannot both believe they are first.
    if ((await tx.settings.getOrInit(FIRST_START_SETTING, stamp)) !== stamp) return null;
    if ((await tx.apiKeys.listInstance()).some((k) => k.revokedAt === null)) return null;
    const { secret } = await issueApiKey(tx, deps, { level: 'instance', accountId: null, permissions: ['account', 'meeting'], name: 'first-start' });
    return secret;
  });
}

/** Starts Convene. On a failure before listening, everything opened so far is closed and the error rethrown. */
export async function startServer(config: Config, o: StartServerOptions = {}): Promise<RunningServer> {
  const logger = o.logger ?? pino({ level: config.logLevel });
  const secretKey = resolveSecretKey(config.secretKey, config.databaseUrl, (path) =>
    logger.warn({ path }, 'CONVENE_SECRET_KEY is not set: generated one in the data directory; back it up with the database'),
  );
  const store = await createStore({
    url: config.databaseUrl,
    logger: logger.child({ component: 'storage' }),
    secrets: createSecretBox(secretKey),
    backgroundCheckpoint: true,
  });
  let app: FastifyInstance | undefined;
  let live: LiveRuntime | undefined;
  try {
    const deps = await createDeps(store, config);

    let bootstrap: BootstrapReport | null = null;
    if (config.bootstrapFile) {
      const { content, warnings } = await loadBootstrapFile(config.bootstrapFile);
      bootstrap = await applyBootstrap(deps, content, { file: config.bootstrapFile, warnings });
      for (const w of bootstrap.warnings) logger.warn({ bootstrapFile: config.bootstrapFile }, `bootstrap: ${w}`);
      const { warnings: _w, ...counts } = bootstrap;
      logger.info({ bootstrapFile: config.bootstrapFile, ...counts }, 'bootstrap file applied');
    }
    if (config.instanceApiKey) await configuredInstanceKey(deps, config.instanceApiKey);
    const generatedInstanceKey = await firstStartKey(deps);

    live = createLiveRuntime(deps, config, { logger });
    // Calls and sockets died with the previous process: end their legs with events before anyone connects.
    const recovered = await recoverAfterRestart(live.deps);
    if (recovered > 0) logger.warn({ legs: recovered }, 'ended participant legs left live by the previous process (CONNECTION_LOST)');
    app = await buildApp({ deps, live, logger, maxBodyBytes: config.maxBodyBytes, errorsAsHttp200: config.errorsAsHttp200, version: packageVersion() });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;

    const workerBase = { store, clock: deps.clock, ids: deps.ids, settings: deps.settings };
    const webhooks = new WebhookWorker({ ...workerBase, logger: logger.child({ component: 'webhooks' }) });
    const mail = new MailWorker({
      ...workerBase,
      logger: logger.child({ component: 'mail' }),
      smtpUrl: config.smtpUrl,
      ...(config.smtpFrom ? { from: config.smtpFrom } : {}),
    });
    deps.onOutbox(() => {
      webhooks.wake();
      mail.wake();
    });
    // Auto-close and auto-delete (webmeeting-v6 §8.7, §8.11); their first run happens after listening, so it
    // never delays start-up.
    const jobs = new MeetingJobs({ deps, logger: logger.child({ component: 'jobs' }) });
    // Deletes expired nonces, tokens, throttle rows and the logs past retention (docs/operations.md).
    const housekeeping = new HousekeepingJob({ store, clock: deps.clock, settings: deps.settings, logger: logger.child({ component: 'housekeeping' }) });
    webhooks.start();
    mail.start();
    jobs.start();
    housekeeping.start();

    const running = app;
    const runtime = live;
    let closing: Promise<void> | undefined;
    return {
      url,
      publicUrl: config.publicUrl,
      generatedInstanceKey,
      bootstrap,
      app: running,
      deps,
      store,
      logger,
      close() {
        // Order matters: requests in flight and the jobs may record outbox rows and wake the workers, so the
        // app drains first, then the jobs, then the workers finish their attempts, and only then the store
        // goes away under them.
        closing ??= (async () => {
          await running.close();
          await runtime.close();
          await Promise.all([jobs.stop(), housekeeping.stop()]);
          await Promise.all([webhooks.stop(), mail.stop()]);
          await store.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await app?.close().catch(() => {});
    await live?.close().catch(() => {});
    await store.close().catch(() => {});
    throw e;
  }
}
