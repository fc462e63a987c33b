/* eslint-disable @typescript-eslint/no-explicit-any -- ad-hoc JSON of the APIs under test */
/**
 * `npm run bench:live` (and the second half of `npm run bench`): the issue #5 benchmarks of live conferences,
 * each beside a baseline measured in the same run. Machines are shared and noisy, so the report gives
 * percentiles and ratios and never asserts a timing; only loopback traffic; the bench stops by itself.
 *
 * Processes: Convene runs as `node dist/main.js` (what `npm start` runs) over a fresh SQLite file; the
 * baseline is a bare `ws` server (bench/live/wsBaselineServer.ts); each is a child process, measured one
 * after the other, so its RSS is readable from /proc/<pid>/status. This process is the load generator: a
 * crowd of plain `ws` sockets speaking the realtime protocol (bench/live/crowd.ts) and `fetch` for HTTP.
 *
 * 1. Control latency: N_CONTROL participants joined by `meeting.join`; Huawei H10 hang-up of one of them →
 *    their socket closed with 4001, repeated (the hung-up user rejoins, so the room stays at N_CONTROL);
 *    beside the bare round trip (echo) and the bare "HTTP call closes socket K with 4001".
 * 2. Fan-out: N_FANOUT participants; H12 mute (of one participant) and H14 lock → every socket notified;
 *    beside a bare broadcast of a message of the same size. Memory: server RSS delta / participants.
 * 3. Invites: H9 with 100 simulated phones that answer after 1 s, in a fresh conference per round: API
 *    latency and time until all 100 legs are connected (seen by a participant socket; checked with H11).
 *
 * Provisioning goes through the APIs (v6 accounts and users, Huawei H1/H3/H8), except that participant
 * session tokens are written straight into the database with issueSessionToken: 2,000 password sign-ins
 * would only measure scrypt.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueSessionToken } from '../src/api/auth/sessionToken.js';
import { createIds, systemClock } from '../src/infra/ids.js';
import { createSecretBox } from '../src/infra/secretBox.js';
import { hashPassword } from '../src/infra/secrets.js';
import { createStore } from '../src/storage/index.js';
import { allReceive, Member, pct, pool, within } from './live/crowd.js';

function envInt(name: string, dflt: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : dflt;
}

/** Sizes and repetitions (env overrides exist for quick trial runs, e.g. LIVE_BENCH_FANOUT=200). */
const N_CONTROL = envInt('LIVE_BENCH_CONTROL', 1000);
const N_FANOUT = Math.max(N_CONTROL, envInt('LIVE_BENCH_FANOUT', 2000));
const HANGUPS = envInt('LIVE_BENCH_HANGUPS', 200);
const CHANGES = envInt('LIVE_BENCH_CHANGES', 30);
const INVITE_ROUNDS = envInt('LIVE_BENCH_INVITE_ROUNDS', 8);
const INVITEES = 100;
const WARMUP = 10;
const JOIN_CONCURRENCY = 16;
/** The whole live bench gives up after this long (it normally needs well under half). */
const DEADLINE_MS = envInt('LIVE_BENCH_TIMEOUT_S', 360) * 1000;
const INSTANCE_KEY = 'live-bench-instance-key-0123456789abcdef';
const SECRET_KEY = 'live-bench-secret-key-0123456789abcdef';
const PASSWORD = 'Live-bench-pass1';

const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

interface Child {
  child: ChildProcess;
  pid: number;
  port: number;
  /** The last lines the child printed (for error messages). */
  tail: string[];
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function startChild(args: string[], env: Record<string, string>, healthPath: string): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}:\n${tail.join('\n')}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}${healthPath}`);
      await r.text();
      if (r.status < 500) break;
    } catch {
      /* not up yet */
    }
    if (performance.now() - t0 > 30_000) throw new Error(`${args.join(' ')} never became healthy:\n${tail.join('\n')}`);
    await sleep(20);
  }
  return { child, pid: child.pid as number, port, tail };
}

async function stopChild(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return void children.delete(c.child);
  const exited = new Promise<void>((res) => c.child.once('exit', () => res()));
  c.child.kill('SIGTERM');
  const t = setTimeout(() => c.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
  children.delete(c.child);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resident set size of a process, KiB. */
function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** The soft open-files limit of this process (children inherit it), or Infinity where /proc is missing. */
function openFilesLimit(): number {
  if (!existsSync('/proc/self/limits')) return Infinity;
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

interface Res {
  status: number;
  body: any;
  ms: number;
}

async function call(url: string, method: string, o: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Res> {
  const t0 = performance.now();
  const r = await fetch(url, {
    method,
    headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
    ...(o.body !== undefined ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
  });
  const text = await r.text();
  const ms = performance.now() - t0;
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body, ms };
}

function ok(r: Res, what: string): any {
  if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status} ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`);
  return r.body;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

// ── Convene ────────────────────────────────────────────────────────────────────────────────────────────────

interface Series {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

function series(samples: number[]): Series {
  return { p50: pct(samples, 50), p99: pct(samples, 99), max: Math.max(...samples), n: samples.length };
}

interface FanOut {
  /** API call sent → last socket notified. */
  all: Series;
  /** First socket notified → last socket notified. */
  span: Series;
  http: Series;
  /** Bytes of the notification. */
  bytes: number;
}

interface ConveneResult {
  joinsPerSecond: { first: number; second: number };
  hangUp: { frame: Series; close: Series; ended: Series; http: Series };
  rss: { idle: number; loaded: number };
  mute: FanOut;
  lock: FanOut;
  stop: { allClosedMs: number; httpMs: number };
  invite: { api: Series; allConnected: Series; rounds: number };
}

async function benchConvene(log: (s: string) => void): Promise<ConveneResult> {
  const dir = mkdtempSync(join(tmpdir(), 'convene-live-bench-'));
  const db = join(dir, 'live.db');
  const srv = await startChild(['--enable-source-maps', 'dist/main.js'], {
    CONVENE_DATABASE_URL: db,
    CONVENE_INSTANCE_API_KEY: INSTANCE_KEY,
    CONVENE_SECRET_KEY: SECRET_KEY,
    // Room for the crowd plus the hung-up legs that are rejoining.
    CONVENE_MAX_PARTICIPANTS: String(N_FANOUT + 100),
  }, '/healthz');
  const base = `http://127.0.0.1:${srv.port}`;
  const wsUrl = `ws://127.0.0.1:${srv.port}/realtime`;
  // A second connection to the same SQLite file (WAL): only to mint tokens and set one password.
  const store = await createStore({ url: db, migrate: false, secrets: createSecretBox(SECRET_KEY) });
  const members: Member[] = [];
  try {
    const v6 = (method: string, path: string, body?: unknown) => call(`${base}/api/v6${path}`, method, { headers: { 'x-api-key': INSTANCE_KEY }, body });
    const stamp = Date.now();
    const adminEmail = `live-bench-${stamp}@example.com`;
    const accountId = ok(await v6('POST', '/account', { accountType: 'paid', adminFirstname: 'Live', adminLastname: 'Bench', adminEmail }), 'v6 account').data.id as string;
    const adminId = ok(await v6('GET', `/account/admin/${accountId}`), 'v6 admins').data[0].id as string;
    const admin = await store.users.get(accountId, adminId);
    if (!admin) throw new Error('admin not found in the database');
    await store.users.update({ ...admin, passwordHash: await hashPassword(PASSWORD) });
    const signIn = ok(
      await call(`${base}/v1/usg/acs/auth/account`, 'POST', {
        headers: { authorization: `Basic ${Buffer.from(`${admin.loginName}:${PASSWORD}`).toString('base64')}` },
        body: { account: admin.loginName, clientType: 72 },
      }),
      'H1 sign-in',
    );
    const accessToken = signIn.accessToken as string;

    log(`live bench: provisioning ${N_FANOUT} users`);
    const userIds = await pool(JOIN_CONCURRENCY, range(0, N_FANOUT), async (i) =>
      ok(await v6('POST', `/account/user/${accountId}`, { email: `p${i}-${stamp}@example.com`, firstName: 'Bench', lastName: `P${i}` }), 'v6 user').data.id as string,
    );
    const ids = createIds(systemClock);
    const mint = async (id: string) => (await issueSessionToken({ store, clock: systemClock, ids }, { id, accountId })).token;
    const tokens: string[] = [];
    for (const id of userIds) tokens.push(await mint(id));
    const adminToken = await mint(adminId);

    /** H3 (instant) + H8: a running conference and its chair control token. */
    const newConference = async (subject: string) => {
      const created = ok(await call(`${base}/v1/mmc/management/conferences`, 'POST', { headers: { 'x-access-token': accessToken }, body: { subject, mediaTypes: 'Voice', length: 120 } }), 'H3 create')[0];
      const id = created.conferenceID as string;
      const chairPwd = (created.passwordEntry as Array<{ conferenceRole: string; password: string }>).find((p) => p.conferenceRole === 'chair')?.password ?? '';
      const tok = ok(await call(`${base}/v1/mmc/control/conferences/token?conferenceID=${id}`, 'GET', { headers: { 'x-password': chairPwd, 'x-login-type': '1' } }), 'H8 token');
      const headers = { 'x-conference-authorization': tok.data.token as string };
      const ctl = (method: string, path: string, body?: unknown) =>
        call(`${base}/v1/mmc/control/conferences${path}${path.includes('?') ? '&' : '?'}conferenceID=${id}`, method, { headers, body });
      return { id, ctl };
    };
    const joinAs = async (token: string, code: string, label: string) => {
      const m = await Member.open(wsUrl, label);
      await m.request('auth', { token });
      m.pid = (await m.request('meeting.join', { meetingCode: code })).participantId;
      return m;
    };

    const conf = await newConference('Live bench crowd');
    await sleep(1000);
    const idle = rssKiB(srv.pid);

    // ── 1. control latency ──
    log(`live bench: ${N_CONTROL} participants join`);
    let t0 = performance.now();
    members.push(...(await pool(JOIN_CONCURRENCY, range(0, N_CONTROL), (i) => joinAs(tokens[i] as string, conf.id, `p${i}`))));
    const firstJoins = N_CONTROL / ((performance.now() - t0) / 1000);

    log(`live bench: ${HANGUPS} hang-ups (H10) among ${N_CONTROL}`);
    const hang = { frame: [] as number[], close: [] as number[], ended: [] as number[], http: [] as number[] };
    for (let k = 0; k < WARMUP + HANGUPS; k++) {
      const idx = k % N_CONTROL;
      const m = members[idx] as Member;
      let endedAt = NaN;
      m.onNotice = (raw, at) => {
        if (raw.includes('"session.ended"')) endedAt = at;
      };
      t0 = performance.now();
      const r = await conf.ctl('POST', '/participants/delete', { bulkHangUpParticipants: [m.pid] });
      ok(r, 'H10 hang-up');
      const c = await within(m.closed, 10_000, `H10 of ${m.label}: socket close`);
      if (c.code !== 4001) throw new Error(`H10 of ${m.label}: closed with ${c.code} ${c.reason}, not 4001`);
      if (k >= WARMUP) {
        hang.frame.push(c.frameAt - t0);
        hang.close.push(c.at - t0);
        hang.ended.push(endedAt - t0);
        hang.http.push(r.ms);
      }
      // The hung-up user rejoins (a new leg), so the room stays at N_CONTROL.
      members[idx] = await joinAs(tokens[idx] as string, conf.id, `p${idx}.${k}`);
    }

    // ── 2. fan-out ──
    log(`live bench: ${N_FANOUT - N_CONTROL} more participants join`);
    t0 = performance.now();
    members.push(...(await pool(JOIN_CONCURRENCY, range(N_CONTROL, N_FANOUT), (i) => joinAs(tokens[i] as string, conf.id, `p${i}`))));
    const secondJoins = (N_FANOUT - N_CONTROL) / ((performance.now() - t0) / 1000);
    await sleep(1500);
    const loaded = rssKiB(srv.pid);

    const fanOut = async (what: string, marker: string, change: (i: number) => Promise<Res>): Promise<FanOut> => {
      log(`live bench: fan-out of ${what} to ${members.length}`);
      const all: number[] = [];
      const span: number[] = [];
      const http: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 3 + CHANGES; i++) {
        const seen = allReceive(members, marker);
        const s = performance.now();
        const r = await change(i);
        ok(r, what);
        const { first, last, bytes: b } = await seen;
        bytes = b;
        if (i >= 3) {
          all.push(last - s);
          span.push(last - first);
          http.push(r.ms);
        }
      }
      return { all: series(all), span: series(span), http: series(http), bytes };
    };
    const target = members[0] as Member;
    const mute = await fanOut('H12 mute', '"change":"mute"', (i) => conf.ctl('PUT', `/participants/mute?participantID=${target.pid}`, { isMute: i % 2 === 0 ? 1 : 0 }));
    const lock = await fanOut('H14 lock', '"type":"conference.updated"', (i) => conf.ctl('PUT', '/lock', { isLock: i % 2 === 0 ? 1 : 0 }));

    log(`live bench: H20 stop with ${members.length} participants`);
    t0 = performance.now();
    const stopRes = await conf.ctl('PUT', '/stop');
    ok(stopRes, 'H20 stop');
    const closes = await within(Promise.all(members.map((m) => m.closed)), 30_000, 'H20 stop: every socket closed');
    const wrong = closes.find((c) => c.code !== 4002);
    if (wrong) throw new Error(`H20 stop: a socket closed with ${wrong.code} ${wrong.reason}, not 4002`);
    const stop = { allClosedMs: Math.max(...closes.map((c) => c.at)) - t0, httpMs: stopRes.ms };
    members.length = 0;

    // ── 3. invites ──
    log(`live bench: ${INVITE_ROUNDS} rounds of H9 with ${INVITEES} phones`);
    const api: number[] = [];
    const allConnected: number[] = [];
    for (let round = 0; round < 1 + INVITE_ROUNDS; round++) {
      const c = await newConference(`Live bench invites ${round}`);
      // The organizer's own socket in the conference sees every leg join, to the millisecond (H11 confirms).
      const observer = await joinAs(adminToken, c.id, `observer${round}`);
      let joined = 0;
      const connected = new Promise<number>((res) => {
        observer.onNotice = (raw, at) => {
          if (raw.includes('"participant.joined"') && raw.includes('"kind":"phone"') && ++joined === INVITEES) res(at);
        };
      });
      const prefix = `+49151${String(round).padStart(3, '0')}`;
      const attendees = range(0, INVITEES).map((i) => ({ name: `Phone ${round}-${i}`, phone: `${prefix}${String(i).padStart(5, '0')}`, type: 'mobile' }));
      t0 = performance.now();
      const r = await c.ctl('POST', '/participants', { attendees });
      ok(r, 'H9 invite');
      const doneAt = await within(connected, 20_000, `H9 round ${round}: all ${INVITEES} connected`);
      const info = ok(await c.ctl('GET', '/realTimeInfo'), 'H11 realTimeInfo');
      const inMeeting = (info.participants as Array<{ phone: string; state: number }>).filter((p) => p.phone.startsWith(prefix) && p.state === 0).length;
      if (inMeeting !== INVITEES) throw new Error(`H11 after round ${round}: ${inMeeting} of ${INVITEES} phones in the meeting`);
      if (round > 0) {
        api.push(r.ms);
        allConnected.push(doneAt - t0);
      }
      ok(await c.ctl('PUT', '/stop'), 'H20 stop');
      await within(observer.closed, 10_000, 'observer closed after H20');
    }

    return {
      joinsPerSecond: { first: firstJoins, second: secondJoins },
      hangUp: { frame: series(hang.frame), close: series(hang.close), ended: series(hang.ended), http: series(hang.http) },
      rss: { idle, loaded },
      mute,
      lock,
      stop,
      invite: { api: series(api), allConnected: series(allConnected), rounds: INVITE_ROUNDS },
    };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server output (last lines) ---\n${srv.tail.join('\n')}`, { cause: e });
  } finally {
    await Promise.all(members.map((m) => m.close()));
    await store.close().catch(() => undefined);
    await stopChild(srv);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ── Baseline ───────────────────────────────────────────────────────────────────────────────────────────────

interface BareResult {
  rtt: Series;
  frame: Series;
  close: Series;
  rss: { idle: number; loaded: number };
  broadcast: Map<number, Series & { span: Series }>;
}

async function benchBare(sizes: number[], log: (s: string) => void): Promise<BareResult> {
  const srv = await startChild(['--import', 'tsx', 'bench/live/wsBaselineServer.ts'], {}, '/');
  const base = `http://127.0.0.1:${srv.port}`;
  const open = (id: string) => Member.open(`ws://127.0.0.1:${srv.port}/?id=${id}`, id);
  const members: Member[] = [];
  try {
    await sleep(1000);
    const idle = rssKiB(srv.pid);
    log(`live bench: baseline, ${N_CONTROL} bare sockets`);
    members.push(...(await pool(JOIN_CONCURRENCY, range(0, N_CONTROL), (i) => open(`b${i}`))));

    // About the size of a realtime request.
    const payload = JSON.stringify({ type: 'roster.get', id: 1, meetingId: '0123456789abcdef01234567' });
    const rtt: number[] = [];
    for (let k = 0; k < WARMUP + HANGUPS; k++) {
      const m = members[k % N_CONTROL] as Member;
      const next = m.next();
      const t0 = performance.now();
      m.sendRaw(payload);
      const { at } = await next;
      if (k >= WARMUP) rtt.push(at - t0);
    }
    const frame: number[] = [];
    const close: number[] = [];
    for (let k = 0; k < WARMUP + HANGUPS; k++) {
      const idx = k % N_CONTROL;
      const m = members[idx] as Member;
      const t0 = performance.now();
      ok(await call(`${base}/close?id=${m.label}`, 'POST'), 'bare close');
      const c = await within(m.closed, 10_000, `bare close of ${m.label}`);
      if (c.code !== 4001) throw new Error(`bare close of ${m.label}: ${c.code}`);
      if (k >= WARMUP) {
        frame.push(c.frameAt - t0);
        close.push(c.at - t0);
      }
      members[idx] = await open(`b${idx}.${k}`);
    }

    log(`live bench: baseline, ${N_FANOUT} bare sockets`);
    members.push(...(await pool(JOIN_CONCURRENCY, range(N_CONTROL, N_FANOUT), (i) => open(`b${i}`))));
    await sleep(1500);
    const loaded = rssKiB(srv.pid);

    const broadcast = new Map<number, Series & { span: Series }>();
    for (const bytes of sizes) {
      const all: number[] = [];
      const span: number[] = [];
      for (let i = 0; i < 3 + CHANGES; i++) {
        const seen = allReceive(members, '"type":"broadcast"');
        const t0 = performance.now();
        ok(await call(`${base}/broadcast?bytes=${bytes}`, 'POST'), 'bare broadcast');
        const { first, last } = await seen;
        if (i >= 3) {
          all.push(last - t0);
          span.push(last - first);
        }
      }
      broadcast.set(bytes, { ...series(all), span: series(span) });
    }
    return { rtt: series(rtt), frame: series(frame), close: series(close), rss: { idle, loaded }, broadcast };
  } finally {
    await Promise.all(members.map((m) => m.close()));
    await stopChild(srv);
  }
}

// ── Report ─────────────────────────────────────────────────────────────────────────────────────────────────

const START = '<!-- live-bench:start -->';
const END = '<!-- live-bench:end -->';
const f1 = (ms: number) => ms.toFixed(1);
const pc = (x: number) => `${(x * 100).toFixed(0)} %`;
const met = (yes: boolean) => (yes ? '**met**' : '**not met**');

function render(c: ConveneResult, b: BareResult): string {
  const bareFor = (bytes: number) => b.broadcast.get(bytes) as Series & { span: Series };
  const fanRow = (what: string, x: FanOut) => {
    const bare = bareFor(x.bytes);
    const rate = bare.p50 / x.all.p50;
    return {
      rate,
      row: `| ${what} | ${x.bytes} B | ${f1(x.all.p50)} | ${f1(x.all.p99)} | ${f1(x.span.p50)} | ${f1(x.http.p50)} | ${f1(bare.p50)} | ${f1(bare.p99)} | ${f1(bare.span.p50)} | ${pc(rate)} | ${pc(bare.span.p50 / x.span.p50)} |`,
    };
  };
  const mute = fanRow('H12 mute one participant → `participant.updated`', c.mute);
  const lock = fanRow('H14 lock → `conference.updated`', c.lock);
  const perParticipant = (c.rss.loaded - c.rss.idle) / N_FANOUT;
  const perBareSocket = (b.rss.loaded - b.rss.idle) / N_FANOUT;
  return `${START}
## Live conferences (issue #5)

Produced by \`npm run bench:live\` (\`bench/live.ts\`; also run by \`npm run bench\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, loopback only.
Convene runs as \`node dist/main.js\` over a fresh SQLite file; the baseline is a bare \`ws\` server on \`node:http\`
(\`bench/live/wsBaselineServer.ts\`), each a child process measured one after the other with the same load generator (this
process: plain \`ws\` sockets speaking the realtime protocol, \`fetch\` for HTTP). Participants join with \`auth\` + \`meeting.join\`
(Convene session tokens minted with \`issueSessionToken\`); the conference is a Huawei instant meeting (H3) driven with a chair
control token (H8). Times are ms from sending the HTTP request to the client seeing the result, after ${WARMUP} warm-up
repetitions (3 for fan-out, 1 round for invites); n is the number of measured repetitions. Needs an open-files limit of at
least ${N_FANOUT + 512} per process (\`ulimit -n\`; the bench checks and says so).

**1. Control latency** — ${N_CONTROL} participants in one conference; H10 hang-up of one of them (who then rejoins, so the
room stays at ${N_CONTROL}), n = ${c.hangUp.close.n}.

| measurement | p50 ms | p99 ms | max ms |
|---|---|---|---|
| Convene: H10 sent → \`session.ended\` (PARTICIPANT_REMOVED) received | ${f1(c.hangUp.ended.p50)} | ${f1(c.hangUp.ended.p99)} | ${f1(c.hangUp.ended.max)} |
| Convene: H10 sent → close frame 4001 received (socket closing, code and reason known) | ${f1(c.hangUp.frame.p50)} | ${f1(c.hangUp.frame.p99)} | ${f1(c.hangUp.frame.max)} |
| Convene: H10 sent → connection closed (\`close\` event: close handshake and TCP done) | ${f1(c.hangUp.close.p50)} | ${f1(c.hangUp.close.p99)} | ${f1(c.hangUp.close.max)} |
| Convene: H10 HTTP answer (200 \`{}\`) | ${f1(c.hangUp.http.p50)} | ${f1(c.hangUp.http.p99)} | ${f1(c.hangUp.http.max)} |
| baseline: plain WebSocket round trip (echo), ${N_CONTROL} sockets open | ${f1(b.rtt.p50)} | ${f1(b.rtt.p99)} | ${f1(b.rtt.max)} |
| baseline: HTTP request → bare \`ws\` close frame 4001 received | ${f1(b.frame.p50)} | ${f1(b.frame.p99)} | ${f1(b.frame.max)} |
| baseline: HTTP request → bare \`ws\` connection closed | ${f1(b.close.p50)} | ${f1(b.close.p99)} | ${f1(b.close.max)} |

Hang-up → close frame is ${(c.hangUp.frame.p50 / b.rtt.p50).toFixed(1)}× the bare round trip at p50 and ${(c.hangUp.frame.p99 / b.rtt.p99).toFixed(1)}× at p99
(${(c.hangUp.frame.p50 / b.frame.p50).toFixed(1)}× / ${(c.hangUp.frame.p99 / b.frame.p99).toFixed(1)}× the bare HTTP → close frame). Target p99 ≤ 20 ms (close frame 4001 received): ${met(c.hangUp.frame.p99 <= 20)}
(${f1(c.hangUp.frame.p99)} ms); until the connection is fully closed: ${met(c.hangUp.close.p99 <= 20)} (${f1(c.hangUp.close.p99)} ms).

**2. Fan-out** — ${N_FANOUT} participants in one conference, one state change → every socket notified, n = ${c.mute.all.n} per
change; the baseline broadcasts a message of the same size to ${N_FANOUT} bare sockets, triggered by an HTTP request.
"All" is HTTP request sent → last socket received; "span" is first → last socket received (the fan-out alone).

| change | message | all p50 | all p99 | span p50 | HTTP p50 | bare all p50 | bare all p99 | bare span p50 | rate vs bare (all) | rate vs bare (span) |
|---|---|---|---|---|---|---|---|---|---|---|
${mute.row}
${lock.row}

Notification rate (sockets / "all" p50): Convene ${(N_FANOUT / (c.mute.all.p50 / 1000)).toFixed(0)}/s (mute) and ${(N_FANOUT / (c.lock.all.p50 / 1000)).toFixed(0)}/s (lock). Target ≥ 70 % of the
bare rate: ${met(Math.min(mute.rate, lock.rate) >= 0.7)} (${pc(mute.rate)} mute, ${pc(lock.rate)} lock).

Memory: Convene RSS ${(c.rss.idle / 1024).toFixed(0)} MB before anyone joined, ${(c.rss.loaded / 1024).toFixed(0)} MB with ${N_FANOUT} connected participants →
**${perParticipant.toFixed(1)} KiB per participant** (target ≤ 20 KiB: ${met(perParticipant <= 20)}); the bare \`ws\` server: ${perBareSocket.toFixed(1)} KiB per socket.
The delta is RSS (V8 heap not collected on demand, SQLite page cache included), so it is an upper bound.

Setup, for scale: joins ran at ${c.joinsPerSecond.first.toFixed(0)}/s for the first ${N_CONTROL} and ${c.joinsPerSecond.second.toFixed(0)}/s for the next ${N_FANOUT - N_CONTROL}
(${JOIN_CONCURRENCY} in flight; each join is announced to everyone already in, so the later joins fan out wider). H20 stop with
${N_FANOUT} participants: ${f1(c.stop.httpMs)} ms to the HTTP answer, ${f1(c.stop.allClosedMs)} ms until every socket was closed (4002).

**3. Invite of ${INVITEES} attendees in one H9 call** — simulated phones that answer after 1 s (\`+49151…\`, outside the test
block), a fresh conference per round, n = ${c.invite.rounds} rounds. "All connected" is H9 sent → the last of the ${INVITEES}
\`participant.joined\` seen by the organizer's realtime socket in the conference; H11 then showed all ${INVITEES} with state 0
in every round.

| measurement | p50 ms | p99 ms | max ms |
|---|---|---|---|
| H9 API latency (200 \`{}\`: ${INVITEES} legs created, events written) | ${f1(c.invite.api.p50)} | ${f1(c.invite.api.p99)} | ${f1(c.invite.api.max)} |
| H9 sent → all ${INVITEES} legs \`connected\` (includes the simulated 1 s of ringing) | ${f1(c.invite.allConnected.p50)} | ${f1(c.invite.allConnected.p99)} | ${f1(c.invite.allConnected.max)} |
${END}
`;
}

/**
 * Runs the whole live bench (≈ 1–3 minutes on 2 cores) and returns its markdown section for docs/benchmarks.md,
 * delimited by `<!-- live-bench:start -->` / `<!-- live-bench:end -->`. `build: false` skips
 * `node scripts/build.mjs` when the caller just built dist/.
 */
export async function runLiveBench(o: { build?: boolean; log?: (s: string) => void } = {}): Promise<string> {
  const log = o.log ?? ((s: string) => console.error(s));
  const limit = openFilesLimit();
  if (limit < N_FANOUT + 512) {
    throw new Error(`the live bench opens ${N_FANOUT} sockets per process: raise the open-files limit to at least ${N_FANOUT + 512} (ulimit -n ${N_FANOUT + 512}); it is ${limit}`);
  }
  if (o.build !== false) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const c of children) c.kill('SIGKILL');
      reject(new Error(`the live bench did not finish within ${DEADLINE_MS / 1000} s`));
    }, DEADLINE_MS);
    timer.unref();
  });
  try {
    const run = async () => {
      const convene = await benchConvene(log);
      const bare = await benchBare([...new Set([convene.mute.bytes, convene.lock.bytes])], log);
      return render(convene, bare);
    };
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Puts `section` into docs/benchmarks.md: replaces an earlier live section, or appends. */
function writeSection(section: string): void {
  const path = 'docs/benchmarks.md';
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  const next = a !== -1 && b > a ? `${old.slice(0, a)}${section.trimEnd()}${old.slice(b + END.length)}` : `${old.trimEnd()}\n\n${section}`;
  writeFileSync(path, next.endsWith('\n') ? next : `${next}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runLiveBench().then(
    (section) => {
      writeSection(section);
      console.log(section);
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
