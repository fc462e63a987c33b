/**
 * Child-process harness for end-to-end tests: boots the real server (`node --import tsx src/main.ts`) or the
 * admin CLI (`node bin/convene.mjs`) against a temporary database. Every child is killed when the test
 * process exits (ARCHITECTURE.md §4 "harnesses that spawn children kill them on exit").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the server's working directory). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A temporary directory, removed when the test process exits. */
export function tempDir(prefix = 'convene-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/**
 * A TCP port that was free a moment ago. The server must print a URL the test can parse, so it gets a
 * concrete port rather than 0; the tiny race with other processes is accepted.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The test runner's environment without any Convene setting, so only what a test passes applies. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('CONVENE_') || ['PORT', 'HOST', 'LOG_LEVEL', 'NODE_OPTIONS'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** How a child ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running server child. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** Every stdout line so far. */
  stdout: string[];
  /** Every stderr line so far. */
  stderr: string[];
  /** The stdout lines that are JSON log records. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves when the child has exited. */
  exited: Promise<Exit>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    into.push(...parts);
  });
  stream?.on('end', () => {
    if (rest) into.push(rest);
  });
}

/**
 * Starts `src/main.ts` with `env` (on top of a clean environment; HOST and PORT are set here) and, unless
 * `waitHealthy` is false, waits until `/healthz` answers 200. Rejects with the child's output if it exits first.
 */
export async function startServerProcess(o: { env: Record<string, string>; port?: number; waitHealthy?: boolean; timeoutMs?: number }): Promise<ServerProcess> {
  const port = o.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: cleanEnv({ HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...o.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  collectLines(child.stdout, stdout);
  collectLines(child.stderr, stderr);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const server: ServerProcess = {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    stdout,
    stderr,
    logs: () =>
      stdout.flatMap((l) => {
        try {
          const v: unknown = JSON.parse(l);
          return typeof v === 'object' && v !== null ? [v as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (o.waitHealthy === false) return server;

  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const e = await exited;
      throw new Error(`server exited early (${e.code ?? e.signal}):\n${[...stdout, ...stderr].join('\n')}`);
    }
    try {
      const res = await fetch(`${server.base}/healthz`);
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy in time:\n${[...stdout, ...stderr].join('\n')}`);
}

/** What a CLI run printed. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/convene.mjs …args` with `env` on top of a clean environment. */
export async function runCliProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn(process.execPath, ['bin/convene.mjs', ...args], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  children.delete(child);
  return { code, stdout, stderr };
}
