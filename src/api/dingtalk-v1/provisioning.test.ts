/**
 * Provisioning for the DingTalk dialect through the admin CLI (dingtalk-conference.md §3.5): `dingtalk app
 * create` prints the appKey and appSecret once, `dingtalk app list` never shows secrets, `dingtalk app
 * revoke` revokes the app and its tokens. The created credentials work for getAccessToken.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run.js';
import { loadConfig } from '../../config.js';
import { issueDingtalkToken } from '../../domain/credentials/issueDingtalkToken.js';
import { DomainError } from '../../domain/errors.js';
import { createSecretBox } from '../../infra/secretBox.js';
import { createStore } from '../../storage/index.js';
import { createDeps } from '../../wiring.js';

const SECRET = 'provisioning-test-secret-key';
const root = mkdtempSync(join(tmpdir(), 'convene-dingtalk-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let db: string;
beforeEach(() => {
  db = join(root, `cli-${++n}.db`);
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: Record<string, unknown> }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { env: { CONVENE_DATABASE_URL: db, CONVENE_SECRET_KEY: SECRET }, io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, readStdin: async () => '' });
  return { code, stdout, stderr, json: code === 0 ? (JSON.parse(stdout) as Record<string, unknown>) : {} };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('convene dingtalk app …', () => {
  it('create prints key and secret once; list hides the secret; the secret signs in; revoke stops it', async () => {
    const acc = await cli(['account', 'create', '--email', `ops${n}@example.com`, '--first-name', 'Olga', '--last-name', 'Ops', '--type', 'paid']);
    expect(acc.code, acc.stderr).toBe(0);
    const accountId = (acc.json.account as { id: string }).id;
    const created = await cli(['dingtalk', 'app', 'create', '--account', accountId, '--name', 'crm']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json).toEqual({
      appKey: expect.stringMatching(/^ding[a-z0-9]{16}$/),
      appSecret: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
      level: 'account',
      accountId,
      name: 'crm',
      createdAt: expect.stringMatching(ISO),
      revokedAt: null,
    });
    const list = await cli(['dingtalk', 'app', 'list', '--account', accountId]);
    expect(list.json).toEqual({ apps: [{ appKey: created.json.appKey, level: 'account', accountId, name: 'crm', createdAt: created.json.createdAt, revokedAt: null }] });
    expect(list.stdout).not.toContain(created.json.appSecret as string);

    const signIn = async () => {
      const store = await createStore({ url: db, secrets: createSecretBox(SECRET) });
      try {
        const deps = await createDeps(store, loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' }));
        return await issueDingtalkToken(deps, { appKey: created.json.appKey as string, appSecret: created.json.appSecret as string, ip: null });
      } finally {
        await store.close();
      }
    };
    expect((await signIn()).token).toMatch(/^[0-9a-f]{32}$/);
    const revoked = await cli(['dingtalk', 'app', 'revoke', '--app', created.json.appKey as string]);
    expect(revoked.json).toMatchObject({ appKey: created.json.appKey, tokensRevoked: 1, revokedAt: expect.stringMatching(ISO) });
    await expect(signIn()).rejects.toBeInstanceOf(DomainError);
  });

  it.each([
    [['dingtalk', 'app', 'revoke', '--app', 'dingnope'], 1, 'dingtalk app dingnope not found'],
    [['dingtalk', 'app', 'list', '--account', '0123456789abcdef01234567'], 1, 'account 0123456789abcdef01234567 not found'],
  ])('%j fails with %i', async (args, code, msg) => {
    const out = await cli(args);
    expect(out.code).toBe(code);
    expect(out.stderr).toContain(msg);
  });
});
