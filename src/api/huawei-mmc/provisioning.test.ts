/**
 * Provisioning for the Huawei dialect through the admin CLI (huawei-meeting.md §2.6): `huawei app create`
 * prints the App ID and key once, `huawei app list` never shows keys, `huawei app revoke` kills the app's
 * tokens at once — and an app created by the CLI signs in through H2 on a server over the same database
 * (the key sealed under CONVENE_SECRET_KEY at rest).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { huaweiHarness } from '../../../test/support/huaweiApp.js';
import { runCli } from '../../cli/run.js';
import { createSecretBox } from '../../infra/secretBox.js';
import { createStore } from '../../storage/index.js';

const SECRET = 'provisioning-test-secret-key';
const root = mkdtempSync(join(tmpdir(), 'convene-huawei-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let db: string;
beforeEach(() => {
  db = join(root, `cli-${++n}.db`);
});

interface Out {
  code: number;
  stdout: string;
  stderr: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function cli(args: string[]): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { env: { CONVENE_DATABASE_URL: db, CONVENE_SECRET_KEY: SECRET }, io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, readStdin: async () => '' });
  return { code, stdout, stderr, json: code === 0 ? JSON.parse(stdout) : undefined };
}

async function newAccount(): Promise<string> {
  const out = await cli(['account', 'create', '--email', `ops${n}@example.com`, '--first-name', 'Olga', '--last-name', 'Ops', '--type', 'paid']);
  expect(out.code, out.stderr).toBe(0);
  return out.json.account.id as string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('convene huawei app …', () => {
  it('create prints the App ID and key once; list shows no keys; the key is sealed in the database', async () => {
    const accountId = await newAccount();
    const created = await cli(['huawei', 'app', 'create', '--account', accountId, '--name', 'crm']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json).toEqual({ appId: expect.stringMatching(/^[0-9a-f]{32}$/), appKey: expect.stringMatching(/^[A-Za-z0-9]{32}$/), level: 'account', accountId, name: 'crm', createdAt: expect.stringMatching(ISO), revokedAt: null });
    const instance = await cli(['huawei', 'app', 'create', '--instance']);
    expect(instance.json).toMatchObject({ level: 'instance', accountId: null, name: 'cli' });

    const list = await cli(['huawei', 'app', 'list', '--account', accountId]);
    expect(list.json).toEqual({ apps: [{ appId: created.json.appId, level: 'account', accountId, name: 'crm', createdAt: created.json.createdAt, revokedAt: null }] });
    expect(list.stdout).not.toContain(created.json.appKey);
    expect((await cli(['huawei', 'app', 'list', '--instance'])).json.apps.map((a: { appId: string }) => a.appId)).toEqual([instance.json.appId]);

    const store = await createStore({ url: db, secrets: createSecretBox(SECRET) });
    try {
      const raw = await sql<{ secret_sealed: string }>`select secret_sealed from app_credentials where app_id = ${created.json.appId}`.execute(store.db);
      expect(raw.rows[0]!.secret_sealed).toMatch(/^v1:/);
      expect(raw.rows[0]!.secret_sealed).not.toContain(created.json.appKey);
    } finally {
      await store.close();
    }
  });

  it('an app created by the CLI signs in through H2; revoke kills its tokens at once', async () => {
    const accountId = await newAccount();
    const { appId, appKey } = (await cli(['huawei', 'app', 'create', '--account', accountId])).json;
    const store = await createStore({ url: db, secrets: createSecretBox(SECRET) });
    const h = await huaweiHarness({ store });
    try {
      const signIn = (nonce: string) => {
        const expireTime = Math.floor(Date.now() / 1000) + 600;
        const signature = createHmac('sha256', appKey).update(`${appId}:crm-1:${expireTime}:${nonce}`).digest('hex');
        return h.app.inject({
          method: 'POST',
          url: '/v2/usg/acs/auth/appauth',
          headers: { authorization: `HMAC-SHA256 signature=${signature},access=${Buffer.from(appId).toString('base64')}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ appId, userId: 'crm-1', expireTime, nonce, clientType: 72 }),
        });
      };
      const res = await signIn('0123456789abcdef0123456789abcdef');
      expect(res.statusCode, res.body).toBe(200);
      const token = res.json().accessToken as string;
      expect((await h.hw('GET', '/v1/mmc/management/conferences', { token })).statusCode).toBe(200);

      const revoked = await cli(['huawei', 'app', 'revoke', '--app', appId]);
      expect(revoked.json).toEqual({ appId, level: 'account', accountId, name: 'cli', createdAt: expect.stringMatching(ISO), revokedAt: expect.stringMatching(ISO), tokensRevoked: 1 });
      expect((await h.hw('GET', '/v1/mmc/management/conferences', { token })).statusCode).toBe(401);
      expect((await signIn('fedcba9876543210fedcba9876543210')).json()).toMatchObject({ error_code: 'USG.000000007', error_detail: 'unknown appId' });
      // Revoking again is harmless and keeps the first revocation time.
      const again = await cli(['huawei', 'app', 'revoke', '--app', appId]);
      expect(again.json).toMatchObject({ revokedAt: revoked.json.revokedAt, tokensRevoked: 0 });
    } finally {
      await h.close();
      await store.close();
    }
  });

  it.each([
    [['huawei', 'app', 'create'], 2, 'give exactly one of --account and --instance'],
    [['huawei', 'app', 'create', '--account', 'x', '--instance'], 2, 'give exactly one of --account and --instance'],
    [['huawei', 'app', 'create', '--account', 'nope'], 2, '--account must be a 24-hex id, got "nope"'],
    [['huawei', 'app', 'create', '--account', 'ffffffffffffffffffffffff'], 1, 'account ffffffffffffffffffffffff not found'],
    [['huawei', 'app', 'list'], 2, 'give exactly one of --account and --instance'],
    [['huawei', 'app', 'revoke'], 2, '--app is required'],
    [['huawei', 'app', 'revoke', '--app', 'f'.repeat(32)], 1, `huawei app ${'f'.repeat(32)} not found`],
  ])('%j fails with exit code %i', async (args, code, message) => {
    const out = await cli(args);
    expect({ code: out.code, stdout: out.stdout, stderr: out.stderr }).toEqual({ code, stdout: '', stderr: `convene: ${message}\n` });
  });
});
