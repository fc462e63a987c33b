/* eslint-disable @typescript-eslint/no-explicit-any -- ad-hoc JSON of the API under test */
/**
 * `npm run bench:dingtalk` (and the DingTalk section of `npm run bench`): issue #6, the DingTalk inviteUsers
 * endpoint (`POST /v1.0/conference/videoConferences/{conferenceId}/users/invite`) through raw HTTP
 * (autocannon) and through the unmodified `@alicloud/dingtalk` SDK client, each as a ratio to the bare
 * node:http baseline (bench/baseline-server.ts) POSTed with a body of the same size, all in the same run
 * (shared machines are noisy, so only ratios mean anything).
 *
 * Processes: the baseline and Convene (`node dist/main.js`, what `npm start` runs, over a fresh SQLite file)
 * are child processes; this process is the load generator. Provisioning: a v6 account through the API, then
 * a second connection to the same SQLite file (WAL) gives the admin a unionId and creates the DingTalk app
 * (createDingtalkApp, what `convene dingtalk app create` runs); the token comes from the server's own
 * `POST /v1.0/oauth2/accessToken`. The invite re-invites a simulated phone that is already connected
 * (`+4915100000001` answers after 1 s): a documented no-op that succeeds, so every request is the same.
 *
 * The SDK is measured as a closed loop: SDK_CALLERS concurrent callers each awaiting `inviteUsersWithOptions`
 * (RuntimeOptions autoretry false) back to back for DURATION s.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createDingtalkApp } from '../src/domain/credentials/createDingtalkApp.js';
import { createIds, systemClock } from '../src/infra/ids.js';
import { createSecretBox } from '../src/infra/secretBox.js';
import { createStore } from '../src/storage/index.js';
import { CONVENE_NODE_ARGS } from './serverArgs.js';

const require = createRequire(import.meta.url);
const conference = require('@alicloud/dingtalk/dist/conference_1_0/client.js') as typeof import('@alicloud/dingtalk/dist/conference_1_0/client.js');
const { Config: OpenApiConfig } = require('@alicloud/openapi-client') as typeof import('@alicloud/openapi-client');
const { RuntimeOptions } = require('@alicloud/tea-util') as typeof import('@alicloud/tea-util');

const DURATION = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = 16;
const SDK_CALLERS = Number(process.env.DINGTALK_BENCH_CALLERS ?? 16);
const INSTANCE_KEY = 'dingtalk-bench-instance-key-0123456789abcdef';
const SECRET_KEY = 'dingtalk-bench-secret-key-0123456789abcdef';
const HOST_UNION_ID = 'benchHost0000000000000000000iE';
const PHONE = '+4915100000001';
const START = '<!-- dingtalk-bench:start -->';
const END = '<!-- dingtalk-bench:end -->';

const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function startChild(args: string[], env: Record<string, string>, healthPath: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TZ: 'UTC' }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}${healthPath}`);
      await r.text();
      if (r.status < 500) break;
    } catch {
      /* not up yet */
    }
    if (performance.now() - t0 > 30_000) throw new Error(`${args.join(' ')} never became healthy`);
    await sleep(20);
  }
  return { child, port };
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode === null && c.signalCode === null) {
    const exited = new Promise<void>((res) => c.once('exit', () => res()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }
  children.delete(c);
}

async function json(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<any> {
  const r = await fetch(url, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${method} ${url}: HTTP ${r.status} ${text}`);
  return JSON.parse(text);
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

/** autocannon closed loop with CONNECTIONS connections for DURATION s; every answer must be 2xx. */
async function cannon(url: string, body: string, headers: Record<string, string> = {}): Promise<Figures> {
  const r = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: DURATION, headers: { 'content-type': 'application/json', ...headers }, body });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`POST ${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** SDK_CALLERS callers, each awaiting the SDK call back to back until DURATION s have passed. */
async function sdkLoop(call: () => Promise<{ statusCode?: number; body?: { success?: boolean } }>): Promise<Figures> {
  // Warm-up: the SDK's first request pays for module and agent set-up.
  for (let i = 0; i < 20; i++) await call();
  const samples: number[] = [];
  const t0 = performance.now();
  const until = t0 + DURATION * 1000;
  const caller = async () => {
    while (performance.now() < until) {
      const s = performance.now();
      const res = await call();
      if (res.statusCode !== 200 || res.body?.success !== true) throw new Error(`SDK inviteUsers answered ${res.statusCode}`);
      samples.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: SDK_CALLERS }, caller));
  const elapsed = (performance.now() - t0) / 1000;
  samples.sort((a, b) => a - b);
  return { rps: samples.length / elapsed, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Runs the DingTalk bench and returns its markdown section (markers included). */
export async function runDingtalkBench(o: { build?: boolean } = {}): Promise<string> {
  if (o.build !== false) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'convene-dingtalk-bench-'));
  const db = join(dir, 'dingtalk.db');
  const srv = await startChild(CONVENE_NODE_ARGS, { CONVENE_DATABASE_URL: db, CONVENE_INSTANCE_API_KEY: INSTANCE_KEY, CONVENE_SECRET_KEY: SECRET_KEY }, '/healthz');
  const base = `http://127.0.0.1:${srv.port}`;
  const store = await createStore({ url: db, migrate: false, secrets: createSecretBox(SECRET_KEY) });
  let baseline: { child: ChildProcess; port: number } | undefined;
  try {
    // ── provisioning ──
    const v6h = { 'x-api-key': INSTANCE_KEY };
    const accountId = (await json(`${base}/api/v6/account`, 'POST', v6h, { accountType: 'paid', adminFirstname: 'Ding', adminLastname: 'Bench', adminEmail: `dingtalk-bench-${Date.now()}@example.com` })).data.id as string;
    const adminId = (await json(`${base}/api/v6/account/admin/${accountId}`, 'GET', v6h)).data[0].id as string;
    const admin = await store.users.get(accountId, adminId);
    if (!admin) throw new Error('admin not found in the database');
    await store.users.update({ ...admin, unionId: HOST_UNION_ID });
    const { appKey, appSecret } = await createDingtalkApp({ store, ids: createIds(systemClock), clock: systemClock }, { accountId, name: 'bench' });
    const token = (await json(`${base}/v1.0/oauth2/accessToken`, 'POST', {}, { appKey, appSecret })).accessToken as string;
    const th = { 'x-acs-dingtalk-access-token': token };
    const conferenceId = (await json(`${base}/v1.0/conference/videoConferences`, 'POST', th, { confTitle: 'Bench', userId: HOST_UNION_ID, inviteCaller: false })).conferenceId as string;
    const inviteUrl = `${base}/v1.0/conference/videoConferences/${conferenceId}/users/invite`;
    const inviteBody = { unionId: HOST_UNION_ID, phoneInviteeList: [{ phoneNumber: PHONE, nick: 'Bench phone' }] };
    const body = JSON.stringify(inviteBody);
    await json(inviteUrl, 'POST', th, inviteBody);
    // Wait until the simulated phone has answered: from then on every invite is the same no-op.
    const t0 = performance.now();
    for (;;) {
      const m = await json(`${base}/v1.0/conference/videoConferences/${conferenceId}/members`, 'GET', th);
      if ((m.memberModels as Array<{ attendStatus: number; pstnJoin: boolean }>).some((e) => e.pstnJoin && e.attendStatus === 3)) break;
      if (performance.now() - t0 > 10_000) throw new Error(`the simulated phone never connected: ${JSON.stringify(m)}`);
      await sleep(100);
    }

    // ── (a) baseline, same body ──
    baseline = await startChild(['--import', 'tsx', 'bench/baseline-server.ts'], {}, '/');
    const bare = await cannon(`http://127.0.0.1:${baseline.port}/`, body);
    await stopChild(baseline.child);
    baseline = undefined;

    // ── (b) raw HTTP ──
    const raw = await cannon(inviteUrl, body, th);

    // ── (c) the unmodified SDK ──
    const client = new conference.default(new OpenApiConfig({ protocol: 'http', endpoint: `127.0.0.1:${srv.port}` }));
    const runtime = new RuntimeOptions({ autoretry: false, readTimeout: 10_000, connectTimeout: 5_000 });
    const request = new conference.InviteUsersRequest({
      unionId: HOST_UNION_ID,
      phoneInviteeList: [new conference.InviteUsersRequestPhoneInviteeList({ phoneNumber: PHONE, nick: 'Bench phone' })],
    });
    const headers = new conference.InviteUsersHeaders({ xAcsDingtalkAccessToken: token });
    const viaSdk = await sdkLoop(() => client.inviteUsersWithOptions(conferenceId, request, headers, runtime));

    // Still exactly one phone leg, connected: every measured invite was the no-op, not a new dial.
    const after = (await json(`${base}/v1.0/conference/videoConferences/${conferenceId}/members`, 'GET', th)).memberModels as Array<{ attendStatus: number; pstnJoin: boolean }>;
    const phones = after.filter((e) => e.pstnJoin);
    if (phones.length !== 1 || phones[0]?.attendStatus !== 3) throw new Error(`expected one connected phone leg after the bench: ${JSON.stringify(after)}`);

    // autocannon reports whole milliseconds; the SDK loop measures with performance.now().
    const f = (n: number) => (!Number.isFinite(n) ? '–' : Number.isInteger(n) ? String(n) : n.toFixed(1));
    const pct = (a: number) => `${((a / bare.rps) * 100).toFixed(0)} %`;
    return `${START}
## DingTalk inviteUsers (issue #6)

Produced by \`npm run bench:dingtalk\` (\`bench/dingtalk.ts\`, also part of \`npm run bench\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, in one run.
Convene runs as \`node dist/main.js\` over a fresh SQLite file; \`POST /v1.0/conference/videoConferences/{conferenceId}/users/invite\`
re-invites a simulated phone (\`${PHONE}\`) that is already connected — a documented no-op that succeeds (body ${Buffer.byteLength(body)} bytes).
The baseline is the bare \`node:http\` JSON handler (\`bench/baseline-server.ts\`) POSTed the same body. Raw HTTP and baseline: autocannon,
${CONNECTIONS} connections, ${DURATION} s, maximum rate (latency at that rate). SDK: the unmodified \`@alicloud/dingtalk\` client
(\`inviteUsersWithOptions\`, RuntimeOptions autoretry false), ${SDK_CALLERS} concurrent callers in a closed loop for ${DURATION} s, in this process.

| target | req/s | ratio to baseline | p50 ms | p99 ms |
|---|---|---|---|---|
| (a) node:http POST (same body) | ${bare.rps.toFixed(0)} | 100 % | ${f(bare.p50)} | ${f(bare.p99)} |
| (b) inviteUsers, raw HTTP (autocannon) | ${raw.rps.toFixed(0)} | ${pct(raw.rps)} | ${f(raw.p50)} | ${f(raw.p99)} |
| (c) inviteUsers, \`@alicloud/dingtalk\` SDK | ${viaSdk.rps.toFixed(0)} | ${pct(viaSdk.rps)} | ${f(viaSdk.p50)} | ${f(viaSdk.p99)} |

(c) adds the SDK's own cost (Tea model serialisation, its HTTP client, in the load-generating process) to the same server work as (b);
the gap between (b) and (c) is mostly that cost. autocannon latencies are whole milliseconds.
${END}
`;
  } finally {
    if (baseline) await stopChild(baseline.child);
    await store.close();
    await stopChild(srv.child);
  }
}

/** Replaces only the DingTalk section of docs/benchmarks.md (appends it when absent). */
export function writeDingtalkSection(section: string, file = 'docs/benchmarks.md'): void {
  let doc = '';
  try {
    doc = readFileSync(file, 'utf8');
  } catch {
    /* no file yet */
  }
  const s = doc.indexOf(START);
  const e = doc.indexOf(END);
  const next = s >= 0 && e > s ? `${doc.slice(0, s)}${section.trimEnd()}${doc.slice(e + END.length)}` : `${doc}${doc && !doc.endsWith('\n\n') ? '\n' : ''}${section}`;
  writeFileSync(file, next);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runDingtalkBench()
    .then((md) => {
      writeDingtalkSection(md);
      console.log(md);
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
