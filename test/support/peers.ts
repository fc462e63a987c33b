/**
 * Availability probes for the real peers some tests need (ARCHITECTURE.md §6): PostgreSQL, Chromium, sipp.
 *
 * A missing peer under `CI=true` throws, so the test file fails loudly and names what to install or start.
 * Anywhere else the probe prints `SKIP <peer>: <reason>` to stderr and returns `{ ok: false, reason }`, and the
 * caller skips with the reason in the test title. A test never returns early and counts as a pass.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import pg from 'pg';

/** A peer a test may need. */
export type PeerName = 'postgres' | 'chromium' | 'sipp';

/** Result of a probe: `url` is set for postgres (the URL that answered). */
export type PeerStatus = { ok: true; url?: string } | { ok: false; reason: string };

/** Where Debian's chromium package installs the browser (dependency-notes: pass it as executablePath). */
const CHROMIUM_PATH = '/usr/bin/chromium';
/** Default PostgreSQL of the development and CI machines: trust auth, database `test`. */
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Milliseconds to wait for a PostgreSQL connection before declaring it absent. */
const PG_CONNECT_TIMEOUT_MS = 2_000;

/** How to make each peer available, for the CI failure message. */
const howToFix: Record<PeerName, string> = {
  postgres:
    'start PostgreSQL on 127.0.0.1:5432 with trust auth and a database "test" ' +
    '(e.g. `apt-get install postgresql && pg_ctlcluster 15 main start`), or set PG_URL',
  chromium: `install Debian's chromium so that ${CHROMIUM_PATH} exists (\`apt-get install chromium\`)`,
  sipp: 'install sipp on PATH (`apt-get install sip-tester`)',
};

/** Probes a peer. Missing under CI=true → throws (the file fails). Missing elsewhere → prints why and returns { ok: false }. */
export async function peer(name: PeerName): Promise<PeerStatus> {
  const status = await probe(name);
  if (status.ok) return status;
  if (process.env.CI === 'true') {
    throw new Error(`peer ${name} is required under CI=true but unavailable: ${status.reason}; ${howToFix[name]}`);
  }
  process.stderr.write(`SKIP ${name}: ${status.reason}\n`);
  return status;
}

async function probe(name: PeerName): Promise<PeerStatus> {
  switch (name) {
    case 'postgres':
      return probePostgres();
    case 'chromium':
      return existsSync(CHROMIUM_PATH) ? { ok: true } : { ok: false, reason: `${CHROMIUM_PATH} does not exist` };
    case 'sipp':
      return onPath('sipp') ? { ok: true } : { ok: false, reason: 'sipp is not on PATH' };
  }
}

/**
 * Tries `PG_URL` when set, otherwise the default URL as user `postgres` and then as `root` (some machines only
 * have a role named after the OS user).
 */
async function probePostgres(): Promise<PeerStatus> {
  const explicit = process.env.PG_URL;
  const candidates = explicit ? [explicit] : [DEFAULT_PG_URL, DEFAULT_PG_URL.replace('//postgres@', '//root@')];
  const failures: string[] = [];
  for (const url of candidates) {
    const error = await tryConnect(url);
    if (error === undefined) return { ok: true, url };
    failures.push(`${redact(url)}: ${error}`);
  }
  return { ok: false, reason: `no PostgreSQL answered (${failures.join('; ')})${explicit ? '' : ' (set PG_URL)'}` };
}

/** Connects, runs `select 1`, disconnects. Returns the error text, or undefined on success. */
async function tryConnect(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
  // A connection dropped after a failed start-up is reported as an 'error' event; keep it from crashing.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message || e.name : String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Hides a password in a URL before it is printed. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** True when an executable `cmd` is in one of the PATH directories. */
function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
