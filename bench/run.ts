/* eslint-disable @typescript-eslint/no-explicit-any -- ad-hoc JSON of the API under test */
/**
 * `npm run bench`: throughput and latency of the v6 API against a bare node:http baseline measured in the
 * same run (machines are shared and noisy, so only ratios are reported). Servers run as child processes;
 * this process is the load generator (autocannon). Writes docs/benchmarks.md.
 *
 * Per target: max throughput with 16 connections for DURATION s, then p50/p99 latency at half that rate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { runLiveBench } from './live.js';
import { runDingtalkBench } from './dingtalk.js';
import { CONVENE_NODE_ARGS } from './serverArgs.js';

const DURATION = Number(process.env.BENCH_DURATION_S ?? 5);
const KEY = 'bench-instance-key-0123456789abcdef';
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

interface Started {
  port: number;
  pid: number;
  msToHealthy: number;
  child: ChildProcess;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitHealthy(port: number, path: string, t0: number): Promise<number> {
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      if (r.status < 500) return performance.now() - t0;
    } catch {
      /* not up yet */
    }
    if (performance.now() - t0 > 30_000) throw new Error(`server on ${port} never became healthy`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startNode(args: string[], env: Record<string, string>, healthPath: string): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  child.stdout?.resume();
  const msToHealthy = await waitHealthy(port, healthPath, t0);
  return { port, pid: child.pid as number, msToHealthy, child };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
}

async function load(o: { url: string; method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string>; rate?: number }): Promise<Load> {
  const r = await autocannon({
    url: o.url,
    method: o.method ?? 'GET',
    connections: 16,
    duration: DURATION,
    headers: { 'content-type': 'application/json', ...o.headers },
    ...(o.body ? { body: o.body } : {}),
    ...(o.rate ? { overallRate: o.rate } : {}),
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${o.method ?? 'GET'} ${o.url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

/** Max rate, then latency at half of it. */
async function measure(o: Parameters<typeof load>[0]): Promise<{ max: number; p50: number; p99: number }> {
  const max = await load(o);
  const half = await load({ ...o, rate: Math.max(1, Math.floor(max.rps / 2)) });
  return { max: max.rps, p50: half.p50, p99: half.p99 };
}

const meetingBody = JSON.stringify({
  topic: 'My Meeting Topic', startTime: '2030-04-07T09:00:00.000Z', endTime: '2030-04-07T10:00:00.000Z', duration: 60, type: 'standard',
  isRecurring: false, isRecorded: false, isDialin: false, invitedParticipants: [], recurring: {}, meetingPermissionId: null,
});

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Target {
  max: number;
  /** Median over the rounds of (this round's rate / the baseline's rate in the same round). */
  ratio: number;
  p50: number;
  p99: number;
}

/**
 * Convene and the baseline run side by side; every round measures the baseline and then Convene, GET and POST, so
 * drift on a shared machine hits both alike. Ratios are per round, and the median round is reported.
 */
async function benchConvene(label: string, dbUrl: string, baselinePort: number) {
  // What `npm start` runs (after its build step, done once in main()).
  const s = await startNode(CONVENE_NODE_ARGS, { CONVENE_DATABASE_URL: dbUrl, CONVENE_INSTANCE_API_KEY: KEY }, '/healthz');
  await new Promise((r) => setTimeout(r, 1000));
  const idleRss = rssMb(s.pid);
  const base = `http://127.0.0.1:${s.port}/api/v6`;
  const h = { 'x-api-key': KEY, 'content-type': 'application/json' };
  const acc: any = await (await fetch(`${base}/account`, { method: 'POST', headers: h, body: JSON.stringify({ accountType: 'paid', adminFirstname: 'B', adminLastname: 'Ench', adminEmail: `bench-${Date.now()}@example.com` }) })).json();
  const admins: any = await (await fetch(`${base}/account/admin/${acc.data.id}`, { headers: h })).json();
  const userId = admins.data[0].id as string;
  const created: any = await (await fetch(`${base}/meeting`, { method: 'POST', headers: { ...h, 'x-user-id': userId }, body: meetingBody })).json();
  const meetingId = created.data.id as string;
  const auth = { 'x-api-key': KEY, 'x-user-id': userId };
  const targets = {
    create: { url: `${base}/meeting`, method: 'POST' as const, body: meetingBody, headers: auth },
    get: { url: `${base}/meeting/${meetingId}`, headers: auth },
  };
  const baselines = {
    create: { url: `http://127.0.0.1:${baselinePort}/`, method: 'POST' as const, body: meetingBody },
    get: { url: `http://127.0.0.1:${baselinePort}/` },
  };
  const rounds: Record<'create' | 'get', { convene: number; baseline: number }[]> = { create: [], get: [] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const k of ['get', 'create'] as const) {
      const baseline = (await load(baselines[k])).rps;
      const convene = (await load(targets[k])).rps;
      rounds[k].push({ convene, baseline });
    }
  }
  const result = async (k: 'create' | 'get'): Promise<Target & { baseline: number }> => {
    const max = median(rounds[k].map((r) => r.convene));
    const half = await load({ ...targets[k], rate: Math.max(1, Math.floor(max / 2)) });
    return { max, ratio: median(rounds[k].map((r) => r.convene / r.baseline)), baseline: median(rounds[k].map((r) => r.baseline)), p50: half.p50, p99: half.p99 };
  };
  const get = await result('get');
  const create = await result('create');
  s.child.kill('SIGTERM');
  return { label, create, get, idleRss, msToHealthy: s.msToHealthy };
}

async function main() {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const baseline = await startNode(['--import', 'tsx', 'bench/baseline-server.ts'], {}, '/');
  const baseGet = await measure({ url: `http://127.0.0.1:${baseline.port}/` });
  const basePost = await measure({ url: `http://127.0.0.1:${baseline.port}/`, method: 'POST', body: meetingBody });

  const dir = mkdtempSync(join(tmpdir(), 'convene-bench-'));
  const results = [await benchConvene('SQLite', join(dir, 'bench.db'), baseline.port)];

  const db = `convene_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  let pgOk = true;
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
  } catch (e) {
    pgOk = false;
    console.error(`SKIP PostgreSQL bench: ${(e as Error).message}`);
  }
  if (pgOk) {
    try {
      results.push(await benchConvene('PostgreSQL', PG_URL.replace(/\/[^/]*$/, `/${db}`), baseline.port));
    } finally {
      await new Promise((r) => setTimeout(r, 500));
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    }
  }
  await admin.end().catch(() => undefined);
  baseline.child.kill('SIGTERM');

  const sqlite = results[0] as (typeof results)[number];
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const rows = results.flatMap((r) => [
    `| ${r.label} | POST /api/v6/meeting | ${r.create.max.toFixed(0)} | ${r.create.baseline.toFixed(0)} | ${pct(r.create.ratio)} | ${r.create.p50} | ${r.create.p99} |`,
    `| ${r.label} | GET /api/v6/meeting/{id} | ${r.get.max.toFixed(0)} | ${r.get.baseline.toFixed(0)} | ${pct(r.get.ratio)} | ${r.get.p50} | ${r.get.p99} |`,
  ]);
  const md = `# Benchmarks

Produced by \`npm run bench\` (\`bench/run.ts\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores.
Each server runs as its own child process; the load generator (autocannon, 16 connections, ${DURATION} s per step) runs in the bench process.
Throughput is the maximum rate; latency is measured at **half** of that rate. Ratios are against the bare \`node:http\`
JSON handler (\`bench/baseline-server.ts\`), with the same method and body, running beside Convene: each of ${ROUNDS} rounds
measures the baseline and then Convene, and the table shows the median round (rates and the ratio of the same round).

| baseline | req/s | p50 ms | p99 ms |
|---|---|---|---|
| node:http GET | ${baseGet.max.toFixed(0)} | ${baseGet.p50} | ${baseGet.p99} |
| node:http POST (meeting body) | ${basePost.max.toFixed(0)} | ${basePost.p50} | ${basePost.p99} |

| engine | endpoint | req/s | baseline req/s (same rounds) | ratio to baseline | p50 ms @ half rate | p99 ms @ half rate |
|---|---|---|---|---|---|---|
${rows.join('\n')}

| engine | idle RSS after start | \`start\` → /healthz |
|---|---|---|
${results.map((r) => `| ${r.label} | ${r.idleRss.toFixed(0)} MB | ${r.msToHealthy.toFixed(0)} ms |`).join('\n')}

Targets (issue #4) on SQLite: create ≥ 30 % of the baseline (${verdict(sqlite.create.ratio >= 0.3)}), get ≥ 50 % (${verdict(sqlite.get.ratio >= 0.5)}); idle RSS ≤ 150 MB
(${verdict(sqlite.idleRss <= 150)}); start to healthy ≤ 3 s (${verdict(sqlite.msToHealthy <= 3000)}). Where the time goes and what was
optimised: [performance.md](performance.md).
`;
  // Issue #5: the live-conference section (bench/live.ts) follows the v6 one; BENCH_LIVE=0 skips it.
  const live = process.env.BENCH_LIVE === '0' ? '' : await runLiveBench({ build: false });
  // Issue #6: the DingTalk inviteUsers section (bench/dingtalk.ts) follows; BENCH_DINGTALK=0 skips it.
  const dingtalk = process.env.BENCH_DINGTALK === '0' ? '' : await runDingtalkBench({ build: false });
  writeFileSync('docs/benchmarks.md', [md, live, dingtalk].filter(Boolean).join('\n'));
  console.log(md);
  if (live) console.log(live);
  if (dingtalk) console.log(dingtalk);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
