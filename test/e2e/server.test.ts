/**
 * The real process: `node --import tsx src/main.ts` on a temporary SQLite file, as `npm start` runs it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { hashKeySecret, issueApiKey } from '../../src/domain/accounts/issueApiKey.js';
import { startServer } from '../../src/server.js';
import { createStore } from '../../src/storage/index.js';
import { createIds, systemClock } from '../../src/infra/ids.js';
import { REPO_ROOT, startServerProcess, tempDir, type ServerProcess } from '../support/servers.js';

const running: ServerProcess[] = [];
async function start(env: Record<string, string>, o: { waitHealthy?: boolean } = {}): Promise<ServerProcess> {
  const s = await startServerProcess({ env, ...o });
  running.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
});

const json = (key: string) => ({ 'x-api-key': key, 'content-type': 'application/json' });

describe('npm start (src/main.ts)', () => {
  it('prints its URL and, on the first start only, an instance key that works; health, readiness, metrics and OpenAPI answer', async () => {
    const db = join(tempDir(), 'convene.db');

    // 1. First start on an empty file.
    const first = await start({ CONVENE_DATABASE_URL: db });
    const listening = first.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('Convene is listening'));
    expect(listening?.url).toBe(first.base);
    expect(listening?.msg).toBe(`Convene is listening on ${first.base}`);
    const keyLines = first.logs().filter((l) => 'instanceApiKey' in l);
    expect(keyLines).toHaveLength(1);
    const key = keyLines[0]?.instanceApiKey as string;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keyLines[0]?.msg).toContain(key);

    // 2. The key is an instance key: it lists accounts (E2 is instance-only).
    const list = await fetch(`${first.base}/api/v6/account`, { headers: { 'x-api-key': key } });
    expect(list.status).toBe(200);
    expect(list.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await list.json()).toEqual({ responseCode: 0, data: [] });
    const noKey = await fetch(`${first.base}/api/v6/account`);
    expect(((await noKey.json()) as { responseCode: number }).responseCode).toBe(-1);

    // 3. Operational endpoints.
    const ready = await fetch(`${first.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const metrics = await fetch(`${first.base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toContain('# TYPE convene_http_request_duration_seconds histogram');
    expect(text).toMatch(/convene_http_request_duration_seconds_count\{method="GET",route="\/api\/v6\/account",status="200"\} 1/);
    const docs = await fetch(`${first.base}/docs/json`);
    expect(docs.status).toBe(200);
    const openapi = (await docs.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/api/v6/account');

    // 4. SIGTERM drains and exits 0.
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(first.logs().some((l) => l.msg === 'stopped')).toBe(true);

    // 5. A second start on the same file prints no key, and the first key still works.
    const second = await start({ CONVENE_DATABASE_URL: db });
    expect(second.logs().filter((l) => 'instanceApiKey' in l)).toEqual([]);
    expect(second.stdout.join('\n')).not.toContain(key);
    expect((await fetch(`${second.base}/api/v6/account`, { headers: { 'x-api-key': key } })).status).toBe(200);
  });

  it('uses CONVENE_INSTANCE_API_KEY as the instance key and generates none', async () => {
    const instanceKey = 'configured-instance-key-0123456789';
    const s = await start({ CONVENE_DATABASE_URL: join(tempDir(), 'c.db'), CONVENE_INSTANCE_API_KEY: instanceKey });
    expect(s.logs().filter((l) => 'instanceApiKey' in l)).toEqual([]);
    const res = await fetch(`${s.base}/api/v6/account`, { headers: { 'x-api-key': instanceKey } });
    expect(await res.json()).toEqual({ responseCode: 0, data: [] });
  });

  it('applies CONVENE_BOOTSTRAP at start, the same way on every start', async () => {
    const dir = tempDir();
    const file = join(dir, 'bootstrap.json');
    const accountId = '65f0c0ffee0000000000beef';
    writeFileSync(
      file,
      JSON.stringify({
        instanceKeys: ['bootstrap-instance-key-0123456789'],
        accounts: [
          {
            id: accountId,
            name: 'Acme',
            accountType: 'paid',
            admin: { email: 'admin@acme.test', firstName: 'Ada', lastName: 'Admin', password: 'correct horse' },
            users: [{ email: 'bob@acme.test', firstName: 'Bob', lastName: 'Builder' }],
            keys: [{ secret: 'acme-meeting-key-0123456789', permissions: ['meeting'], name: 'ci' }],
          },
        ],
      }),
    );
    const env = { CONVENE_DATABASE_URL: join(dir, 'c.db'), CONVENE_BOOTSTRAP: file };
    for (const round of [1, 2]) {
      const s = await start(env);
      // The file has an instance key, so the first start generates none.
      expect(s.logs().filter((l) => 'instanceApiKey' in l)).toEqual([]);
      const applied = s.logs().find((l) => l.msg === 'bootstrap file applied');
      expect(applied).toMatchObject(
        round === 1
          ? { instanceKeys: { created: 1, existing: 0 }, accounts: { created: 1, updated: 0, unchanged: 0 }, users: { created: 2, updated: 0, unchanged: 0 }, keys: { created: 1, existing: 0 } }
          : { instanceKeys: { created: 0, existing: 1 }, accounts: { created: 0, updated: 0, unchanged: 1 }, users: { created: 0, updated: 0, unchanged: 2 }, keys: { created: 0, existing: 1 } },
      );
      const users = await fetch(`${s.base}/api/v6/account/admin/${accountId}`, { headers: { 'x-api-key': 'bootstrap-instance-key-0123456789' } });
      expect(((await users.json()) as { data: Array<{ email: string }> }).data.map((u: { email: string }) => u.email)).toEqual(['admin@acme.test']);
      // The account key has only the meeting permission: account routes answer -3.
      const denied = await fetch(`${s.base}/api/v6/account/${accountId}`, { headers: { 'x-api-key': 'acme-meeting-key-0123456789' } });
      expect(((await denied.json()) as { responseCode: number }).responseCode).toBe(-3);
      await s.stop();
    }
  });

  it('prints the configuration problem and exits 1 on a bad environment', async () => {
    const s = await start({ CONVENE_DATABASE_URL: join(tempDir(), 'c.db'), PORT: 'eighty', CONVENE_TRIAL_DAYS: '-1' }, { waitHealthy: false });
    expect(await s.exited).toEqual({ code: 1, signal: null });
    const err = s.stderr.join('\n');
    expect(err).toContain('Invalid configuration:');
    expect(err).toContain('PORT must be an integer, got "eighty"');
    expect(err).toContain('CONVENE_TRIAL_DAYS');
  });

  it('prints the bootstrap problems and exits 1 on an invalid bootstrap file', async () => {
    const dir = tempDir();
    const file = join(dir, 'b.json');
    writeFileSync(file, JSON.stringify({ accounts: [{ admin: { email: 'not-an-email', firstName: 'A' } }] }));
    const s = await start({ CONVENE_DATABASE_URL: join(dir, 'c.db'), CONVENE_BOOTSTRAP: file }, { waitHealthy: false });
    expect(await s.exited).toEqual({ code: 1, signal: null });
    expect(s.stderr.join('\n')).toBe(
      [`Invalid bootstrap file ${file}:`, '  - accounts[0].admin.email must be an email address', '  - accounts[0].admin.lastName is required'].join('\n'),
    );
  });

  it('keeps every acknowledged account when killed with SIGKILL mid-stream', async () => {
    const db = join(tempDir(), 'durable.db');
    const instanceKey = 'durability-instance-key-0123456789';
    const env = { CONVENE_DATABASE_URL: db, CONVENE_INSTANCE_API_KEY: instanceKey, LOG_LEVEL: 'warn' };
    const s = await start(env);

    // 1. Create accounts one after another; once 25 are acknowledged, SIGKILL lands while the next is in flight.
    const acknowledged: Array<{ id: string; email: string }> = [];
    for (let i = 0; i < 500; i++) {
      const email = `durable-${i}@example.com`;
      const pending = fetch(`${s.base}/api/v6/account`, {
        method: 'POST',
        headers: json(instanceKey),
        body: JSON.stringify({ accountType: 'paid', adminFirstname: 'D', adminLastname: 'U', adminEmail: email }),
      });
      if (i === 25) setTimeout(() => s.child.kill('SIGKILL'), 1);
      try {
        const res = await pending;
        const body = (await res.json()) as { responseCode: number; data: { id: string } };
        if (res.status === 200 && body.responseCode === 0) acknowledged.push({ id: body.data.id, email });
      } catch {
        break;
      }
    }
    expect(await s.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(acknowledged.length).toBeGreaterThanOrEqual(25);

    // 2. Restart on the same file: every acknowledged account is there, at most one unacknowledged one more.
    const again = await start(env);
    for (const a of acknowledged) {
      const res = await fetch(`${again.base}/api/v6/account/${a.id}`, { headers: { 'x-api-key': instanceKey } });
      expect(res.status, a.email).toBe(200);
      expect(((await res.json()) as { data: { name: string } }).data.name).toBe(a.email);
    }
    const list = await fetch(`${again.base}/api/v6/account?limit=500`, { headers: { 'x-api-key': instanceKey } });
    const total = Number(list.headers.get('x-total-count'));
    expect(total - acknowledged.length).toBeGreaterThanOrEqual(0);
    expect(total - acknowledged.length).toBeLessThanOrEqual(1);
  });
});

describe('configuration documentation', () => {
  const read = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8');
  // Every variable is read through one of config.ts's helpers, so their calls are the complete list.
  const readByConfig = [...read('src/config.ts').matchAll(/\b(?:str|int|bool|json(?:<[^>]*>)?)\('([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1] as string);
  const tableRows = (doc: string) => [...read(doc).matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1] as string);

  it('src/config.ts reads the variables this test knows about', () => {
    expect(readByConfig.length).toBeGreaterThanOrEqual(34);
    expect(readByConfig).toEqual(expect.arrayContaining(['PORT', 'HOST', 'LOG_LEVEL', 'CONVENE_DATABASE_URL', 'CONVENE_STANDARD_DIALIN_NUMBERS', 'CONVENE_WEBHOOK_RETRY_SCHEDULE']));
  });

  it.each(['README.md', 'docs/configuration.md'])('%s has one table row for every variable, and none for variables not read', (doc) => {
    expect([...tableRows(doc)].sort()).toEqual([...new Set(readByConfig)].sort());
  });
});

describe('startServer() in-process', () => {
  const silent = pino({ level: 'silent' });
  const config = (env: Record<string, string>) => loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', ...env });
  const deps = { ids: createIds(systemClock), clock: systemClock };

  /** Opens the file the way the CLI does, runs `fn`, closes it. */
  async function onFile(url: string, fn: (store: Awaited<ReturnType<typeof createStore>>) => Promise<void>): Promise<void> {
    const store = await createStore({ url });
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }

  it('reports the real port when PORT=0, and close() drains once however often it is called', async () => {
    const server = await startServer(config({ CONVENE_DATABASE_URL: join(tempDir(), 'c.db') }), { logger: silent });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    expect(server.generatedInstanceKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('generates no key on a first start when the CLI already made an instance key', async () => {
    const url = join(tempDir(), 'c.db');
    await onFile(url, (store) => store.transaction(async (tx) => void (await issueApiKey(tx, deps, { level: 'instance', accountId: null, permissions: ['account', 'meeting'], name: 'cli' }))));
    const server = await startServer(config({ CONVENE_DATABASE_URL: url }), { logger: silent });
    expect(server.generatedInstanceKey).toBeNull();
    await server.close();
  });

  it('refuses to start when CONVENE_INSTANCE_API_KEY was revoked or is an account key, and leaves the file closed', async () => {
    const url = join(tempDir(), 'c.db');
    const revoked = 'revoked-instance-key-0123456789';
    const accountSecret = 'account-key-secret-0123456789';
    await onFile(url, async (store) => {
      await store.transaction(async (tx) => {
        const { key } = await issueApiKey(tx, deps, { level: 'instance', accountId: null, permissions: ['account', 'meeting'], name: 'old', secret: revoked });
        await tx.apiKeys.revoke(key.id, 1);
        await tx.accounts.insert({
          id: 'a'.repeat(24), name: 'A', accountType: 'free', paidUntil: null, numberOfMeetings: 0, numberOfMeetingOrganizers: 0, numberOfMeetingRooms: 1,
          iceCandidatesToFilter: [], customDialInNumbers: [], displayStandardDialInNumbersInInvite: true, defaultMeetingPermissions: null,
          defaultMeetingType: 'standard', defaultMeetingHasDialin: false, defaultMeetingHasRecording: false, autoExtendMeetings: false,
          autoDeleteMeetingsAfterXDays: 360, createdAt: 1, updatedAt: 1,
        });
        await issueApiKey(tx, deps, { level: 'account', accountId: 'a'.repeat(24), permissions: ['meeting'], name: 'acct', secret: accountSecret });
      });
    });
    await expect(startServer(config({ CONVENE_DATABASE_URL: url, CONVENE_INSTANCE_API_KEY: revoked }), { logger: silent })).rejects.toThrow(
      /^CONVENE_INSTANCE_API_KEY names key [0-9a-f]{24}, which was revoked; choose another value$/,
    );
    await expect(startServer(config({ CONVENE_DATABASE_URL: url, CONVENE_INSTANCE_API_KEY: accountSecret }), { logger: silent })).rejects.toThrow(
      'CONVENE_INSTANCE_API_KEY is the secret of an account-level key; choose another value',
    );
    // Nothing was changed, and the failed starts released the file: it opens and the keys are as they were.
    await onFile(url, async (store) => {
      expect((await store.apiKeys.getByHash(hashKeySecret(revoked)))?.revokedAt).toBe(1);
      expect((await store.apiKeys.getByHash(hashKeySecret(accountSecret)))?.level).toBe('account');
      expect(await store.settings.get('first_started_at')).toBeUndefined();
    });
  });
});
