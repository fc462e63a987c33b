/**
 * The process (`npm start`): configuration → startServer → announce → drain on SIGTERM/SIGINT.
 * Everything else lives in server.ts, so that this file only decides what the operator sees and when the
 * process exits.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { BootstrapError } from './bootstrap.js';
import { pino } from 'pino';
import { startServer, type RunningServer } from './server.js';

/** How long a drain may take before the process exits anyway (orchestrators usually kill after 30 s). */
const DRAIN_TIMEOUT_MS = 20_000;

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}

const logger = pino({ level: config.logLevel });
let server: RunningServer;
try {
  server = await startServer(config, { logger });
} catch (e) {
  if (e instanceof BootstrapError) console.error(e.message);
  else logger.fatal({ err: e }, `Convene could not start: ${(e as Error).message}`);
  process.exit(1);
}

logger.info({ url: server.url, publicUrl: server.publicUrl, database: redactUrl(config.databaseUrl) }, `Convene is listening on ${server.url}`);
if (server.generatedInstanceKey !== null) {
  const text =
    `First start: generated an instance-level API key. It is shown only this once and stored hashed: ${server.generatedInstanceKey} ` +
    '(send it as X-API-KEY; make more with `npx convene key create --instance`)';
  // A key that nobody saw would lock the operator out, so it is printed even when the log level hides warnings.
  if (logger.isLevelEnabled('warn')) logger.warn({ instanceApiKey: server.generatedInstanceKey }, text);
  else process.stderr.write(`${text}\n`);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without finishing the drain');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'draining: no new requests; finishing requests, webhook attempts and mails in flight');
    const force = setTimeout(() => {
      logger.error({ timeoutMs: DRAIN_TIMEOUT_MS }, 'drain timed out; exiting');
      process.exit(1);
    }, DRAIN_TIMEOUT_MS);
    force.unref();
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while draining');
        process.exit(1);
      },
    );
  });
}

/** Hides the password of a postgres:// URL before it is logged. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
