/**
 * The admin CLI as operators run it: `node bin/convene.mjs <noun> <verb>` (what `npx convene` runs), as a
 * child process against a temporary SQLite file, alone and next to a running server.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/storage/sql/migrations/index.js';
import { runCliProcess, startServerProcess, tempDir, type CliRun, type ServerProcess } from '../support/servers.js';

/** A successful run: exit 0, nothing on stderr, exactly one JSON object on stdout. */
function ok(run: CliRun) {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A failed run: the exit code, nothing on stdout, one line on stderr. */
function failed(run: CliRun, code: number): string {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code, stdout: '' });
  expect(run.stderr).toMatch(/^convene: [^\n]+\n$/);
  return run.stderr.trim();
}

const servers: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});

describe('npx convene (bin/convene.mjs)', () => {
  it('runs every verb against a fresh database and prints one JSON object each', { timeout: 90_000 }, async () => {
    const env = { CONVENE_DATABASE_URL: join(tempDir(), 'cli.db') };
    const cli = (...args: string[]) => runCliProcess(args, env);

    expect(ok(await cli('migrate'))).toEqual({ engine: 'sqlite', applied: Object.keys(migrations) });

    const created = ok(await cli('account', 'create', '--email', 'ada@example.com', '--first-name', 'Ada', '--last-name', 'Lovelace', '--type', 'paid', '--name', 'Analytical', '--password', 'ada-password'));
    expect(created.account).toMatchObject({ name: 'Analytical', accountType: 'paid', paidUntil: null });
    expect(created.admin).toMatchObject({ email: 'ada@example.com', isAdmin: true, hasPassword: true });
    const accountId = created.account.id as string;

    expect(ok(await cli('account', 'list'))).toMatchObject({ total: 1, accounts: [{ id: accountId }] });

    const bob = ok(await cli('user', 'create', '--account', accountId, '--email', 'bob@example.com', '--first-name', 'Bob', '--last-name', 'B', '--admin', '--timezone', 'Asia/Tokyo'));
    expect(bob.user).toMatchObject({ accountId, email: 'bob@example.com', isAdmin: true, timezone: 'Asia/Tokyo', hasPassword: false });
    expect(ok(await cli('user', 'list', '--account', accountId)).total).toBe(2);
    expect(ok(await cli('user', 'set-password', '--email', 'bob@example.com', '--password', 'bob-password')).user).toMatchObject({ id: bob.user.id, hasPassword: true });
    expect(ok(await cli('user', 'set-password', '--id', bob.user.id, '--password', 'bob-password-2')).user.hasPassword).toBe(true);

    const instanceKey = ok(await cli('key', 'create', '--instance', '--name', 'ops'));
    expect(instanceKey.key).toMatchObject({ level: 'instance', name: 'ops', permissions: ['account', 'meeting'] });
    expect(instanceKey.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const accountKey = ok(await cli('key', 'create', '--account', accountId, '--permissions', 'meeting', '--name', 'crm'));
    expect(accountKey.key).toMatchObject({ level: 'account', accountId, permissions: ['meeting'], name: 'crm' });
    expect(ok(await cli('key', 'list', '--account', accountId)).keys).toEqual([accountKey.key]);
    expect(ok(await cli('key', 'revoke', '--id', accountKey.key.id)).key).toMatchObject({ id: accountKey.key.id, revokedAt: expect.any(String) });

    // Errors: exit 2 for a wrong command line, 1 for a command that cannot be done; one stderr line each.
    const [unknown, badFlag, missing, badEmail, duplicate, noAccount, noKey] = await Promise.all([
      cli('account', 'rename'),
      cli('account', 'list', '--colour'),
      cli('user', 'create', '--account', accountId),
      cli('account', 'create', '--email', 'x', '--first-name', 'X', '--last-name', 'Y'),
      cli('account', 'create', '--email', 'ADA@example.com', '--first-name', 'X', '--last-name', 'Y'),
      cli('user', 'create', '--account', 'f'.repeat(24), '--email', 'z@example.com', '--first-name', 'Z', '--last-name', 'Z'),
      cli('key', 'revoke', '--id', 'f'.repeat(24)),
    ]);
    expect(failed(unknown, 2)).toBe('convene: unknown command "account rename"; run convene --help');
    expect(failed(badFlag, 2)).toMatch(/^convene: Unknown option '--colour'/);
    expect(failed(missing, 2)).toBe('convene: --email is required');
    expect(failed(badEmail, 2)).toBe('convene: --email must be an email address, got "x"');
    expect(failed(duplicate, 1)).toBe('convene: email ada@example.com is already in use');
    expect(failed(noAccount, 1)).toBe(`convene: account ${'f'.repeat(24)} not found`);
    expect(failed(noKey, 1)).toBe(`convene: key ${'f'.repeat(24)} not found`);
    expect(ok(await cli('account', 'list')).total).toBe(1);

    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('convene account create --email <e>');
  });

  it('works on the database of a running server, which sees the result at once', { timeout: 60_000 }, async () => {
    const db = join(tempDir(), 'shared.db');
    const server = await startServerProcess({ env: { CONVENE_DATABASE_URL: db, CONVENE_INSTANCE_API_KEY: 'server-instance-key-0123456789' } });
    servers.push(server);

    const created = ok(await runCliProcess(['account', 'create', '--email', 'live@example.com', '--first-name', 'Live', '--last-name', 'User'], { CONVENE_DATABASE_URL: db }));
    const key = ok(await runCliProcess(['key', 'create', '--account', created.account.id, '--permissions', 'account'], { CONVENE_DATABASE_URL: db }));

    // The key the CLI just made authenticates against the running server.
    const res = await fetch(`${server.base}/api/v6/account/${created.account.id}`, { headers: { 'x-api-key': key.secret } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ responseCode: 0, data: { id: created.account.id, name: 'live@example.com' } });

    // And what the server wrote is visible to the CLI.
    const viaApi = await fetch(`${server.base}/api/v6/account`, {
      method: 'POST',
      headers: { 'x-api-key': 'server-instance-key-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ accountType: 'free', adminFirstname: 'Api', adminLastname: 'User', adminEmail: 'api@example.com' }),
    });
    expect(viaApi.status).toBe(200);
    expect(ok(await runCliProcess(['account', 'list', '--search', 'api@'], { CONVENE_DATABASE_URL: db })).total).toBe(1);

    // Revoking through the CLI takes effect on the running server's next request.
    ok(await runCliProcess(['key', 'revoke', '--id', key.key.id], { CONVENE_DATABASE_URL: db }));
    const revoked = await fetch(`${server.base}/api/v6/account/${created.account.id}`, { headers: { 'x-api-key': key.secret } });
    expect(((await revoked.json()) as { responseCode: number }).responseCode).toBe(-1);
  });
});
