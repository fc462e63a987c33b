/**
 * WAL checkpoints on a worker thread, for the server's SQLite file.
 *
 * With SQLite's automatic checkpoint, every ~1000 WAL pages one commit copies the WAL into the database file
 * and fsyncs it, on the event loop: under a stream of creates that was a quarter of POST /meeting's time and
 * the p99 latency of every other request waiting behind it (webmeeting-v6 bench, docs/performance.md). Here a
 * worker thread with its own connection runs `wal_checkpoint(PASSIVE)`, which never blocks the writer, every
 * `intervalMs`; the server's connection keeps a much larger automatic checkpoint as a backstop, so the WAL
 * stays bounded even if the worker stalls or dies. Durability is unchanged: a commit is in the WAL (the OS page
 * cache) before it returns, whoever copies it into the database file later.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages after which the server's own connection checkpoints anyway (4 KiB pages: 40 MiB of WAL). */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

/** Options of `startCheckpointer`. */
export interface CheckpointerOptions {
  /** The database file (not `:memory:`). */
  file: string;
  /** How often the worker checkpoints; default 200 ms. */
  intervalMs?: number | undefined;
  /** Told about a checkpoint that failed or a worker that died (the backstop keeps the WAL bounded). */
  onError?: ((err: Error) => void) | undefined;
}

/** A running checkpointer. */
export interface Checkpointer {
  /** Stops the worker after its current checkpoint and closes its connection. Idempotent. */
  stop(): Promise<void>;
}

// CommonJS, evaluated in the worker: it needs nothing but better-sqlite3, whose resolved path it is given.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let timer;
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message || e) });
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/** Starts the checkpoint worker for `file`. The caller sets the backstop on its own connection. */
export function startCheckpointer({ file, intervalMs = 200, onError = () => {} }: CheckpointerOptions): Checkpointer {
  const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs, modulePath },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 4, stackSizeMb: 1 },
  });
  // The worker must never keep a finished process alive (tests, the CLI): the server's own handles do that.
  worker.unref();
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (m: { error?: string }) => {
    if (m.error) onError(new Error(`WAL checkpoint failed: ${m.error}`));
  });
  worker.on('error', (err) => onError(err));
  worker.once('exit', (code) => {
    if (!stopped && code !== 0) onError(new Error(`WAL checkpoint worker exited with ${code}`));
  });
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        worker.postMessage('stop');
        const timeout = setTimeout(() => void worker.terminate(), 5000);
        await exited;
        clearTimeout(timeout);
      })();
      return stopping;
    },
  };
}
