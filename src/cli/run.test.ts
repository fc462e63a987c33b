/**
 * The admin CLI in-process (runCli), against a temporary SQLite file: every verb's output and every way the
 * command line can be wrong. test/e2e/cli.test.ts runs the same binary as a child process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { peer } from '../../test/support/peers.js';
import { hashKeySecret } from '../domain/accounts/issueApiKey.js';
import { verifyPassword } from '../infra/secrets.js';
import { createStore } from '../storage/index.js';
import { migrations } from '../storage/sql/migrations/index.js';
import { runCli, usage } from './run.js';

const root = mkdtempSync(join(tmpdir(), 'convene-cli-'));
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
  /** Parsed stdout (only for successful runs). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function cli(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: { CONVENE_DATABASE_URL: db, ...env },
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr, json: code === 0 && stdout.startsWith('{') ? JSON.parse(stdout) : undefined };
}

/** A failed run: the exit code, nothing on stdout, and exactly this one line on stderr. */
function expectFailure(out: Out, code: number, message: string): void {
  expect({ code: out.code, stdout: out.stdout, stderr: out.stderr }).toEqual({ code, stdout: '', stderr: `convene: ${message}\n` });
}

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof createStore>>) => Promise<T>): Promise<T> {
  const store = await createStore({ url: db });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const ADA = ['account', 'create', '--email', 'Ada@Example.com', '--first-name', 'Ada', '--last-name', 'Lovelace'];

describe('convene --help', () => {
  it('prints every command on stdout and exits 0', async () => {
    const out = await cli(['--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`${usage()}\n`);
    for (const verb of ['account create', 'account list', 'user create', 'user list', 'user set-password', 'key create', 'key list', 'key revoke', 'migrate']) {
      expect(out.stdout).toContain(`convene ${verb}`);
    }
  });

  it('prints the usage and exits 2 without a command', async () => {
    const out = await cli([]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('Usage: convene');
  });

  it('prints one command’s usage with <noun> <verb> --help', async () => {
    const out = await cli(['key', 'revoke', '--help']);
    expect(out).toMatchObject({ code: 0, stdout: 'Usage: convene key revoke --id <keyId> [--database <url>]\n', stderr: '' });
    expect((await cli(['user', 'set-password', '-h'])).stdout).toBe('Usage: convene user set-password (--email <e> | --id <userId>) --password <p>|- [--database <url>]\n');
  });
});

describe('convene migrate', () => {
  it('applies the migrations once and reports nothing to do the second time', async () => {
    expect((await cli(['migrate'])).json).toEqual({ engine: 'sqlite', applied: Object.keys(migrations) });
    expect((await cli(['migrate'])).json).toEqual({ engine: 'sqlite', applied: [] });
  });

  it('takes the database from --database over CONVENE_DATABASE_URL', async () => {
    const other = join(root, `other-${n}.db`);
    expect((await cli(['migrate', '--database', other])).json.applied).toEqual(Object.keys(migrations));
    expect((await cli(['migrate', '--database', other])).json.applied).toEqual([]);
    expect((await cli(['migrate'])).json.applied).toEqual(Object.keys(migrations));
  });
});

describe('convene account', () => {
  it('account create makes a free account and its admin, with every identity, and no password', async () => {
    const out = await cli(ADA);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    const { account, admin } = out.json;
    expect(account).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'ada@example.com',
      accountType: 'free',
      paidUntil: null,
      numberOfMeetings: 0,
      numberOfMeetingOrganizers: 0,
      numberOfMeetingRooms: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(admin).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      accountId: account.id,
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      isAdmin: true,
      timezone: 'Europe/Zurich',
      preferredLanguage: 'en',
      hasPassword: false,
      loginName: 'ada@example.com',
      huaweiUserUuid: expect.stringMatching(/^[0-9a-f]{32}$/),
      unionId: expect.any(String),
      icsPath: expect.stringMatching(/^\/api\/v6\/meeting\/calender\/user\/[0-9a-f-]{73}$/),
      createdAt: account.createdAt,
    });
  });

  it('account create honours --type, --name, --timezone, --language and --password (stored hashed)', async () => {
    const out = await cli([...ADA, '--type', 'trial', '--name', 'Analytical', '--timezone', 'America/New_York', '--language', 'de', '--password', 'engine-42']);
    const { account, admin } = out.json;
    expect(account).toMatchObject({ name: 'Analytical', accountType: 'trial' });
    expect(Date.parse(account.paidUntil) - Date.parse(account.createdAt)).toBe(14 * 86_400_000);
    expect(admin).toMatchObject({ timezone: 'America/New_York', preferredLanguage: 'de', hasPassword: true });
    await withStore(async (store) => {
      const user = await store.users.get('*', admin.id);
      expect(user?.passwordHash).toMatch(/^scrypt\$/);
      expect(await verifyPassword('engine-42', user?.passwordHash ?? null)).toBe(true);
    });
  });

  it('account create refuses an email in use (any case) with exit 1 and writes nothing', async () => {
    await cli(ADA);
    expectFailure(await cli(['account', 'create', '--email', 'ADA@example.com', '--first-name', 'A', '--last-name', 'B']), 1, 'email ada@example.com is already in use');
    expect((await cli(['account', 'list'])).json.total).toBe(1);
  });

  it.each([
    [['account', 'create', '--first-name', 'A', '--last-name', 'B'], '--email is required'],
    [['account', 'create', '--email', 'nope', '--first-name', 'A', '--last-name', 'B'], '--email must be an email address, got "nope"'],
    [['account', 'create', '--email', 'a@b.io', '--last-name', 'B'], '--first-name is required'],
    [['account', 'create', '--email', 'a@b.io', '--first-name', ' ', '--last-name', 'B'], '--first-name must not be empty'],
    [['account', 'create', '--email', 'a@b.io', '--first-name', 'A'], '--last-name is required'],
    [['account', 'create', '--email', 'a@b.io', '--first-name', 'x'.repeat(101), '--last-name', 'B'], '--first-name must be at most 100 characters'],
    [[...ADA, '--type', 'gold'], '--type must be one of trial, paid, free'],
    [[...ADA, '--timezone', 'Mars/Olympus'], '--timezone must be an IANA time zone, got "Mars/Olympus"'],
    [[...ADA, '--language', 'xx'], '--language must be one of en, de, fr, it'],
    [[...ADA, '--password', 'short'], '--password must be at least 8 characters'],
    [[...ADA, '--name', 'n'.repeat(256)], '--name must be at most 255 characters'],
    [[...ADA, '--admin'], "Unknown option '--admin'"],
    [[...ADA, 'extra'], "Unexpected argument 'extra'"],
    [['account', 'create', '--email'], "Option '--email <value>' argument missing"],
  ])('account create %j is a usage error (exit 2)', async (args, message) => {
    const out = await cli(args);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.startsWith(`convene: ${message}`)).toBe(true);
    expect(out.stderr).toMatch(/^convene: [^\n]+\n$/);
  });

  it('account list pages, searches and filters by type', async () => {
    await cli(ADA);
    await cli(['account', 'create', '--email', 'grace@example.com', '--first-name', 'Grace', '--last-name', 'Hopper', '--type', 'paid']);
    const all = (await cli(['account', 'list'])).json;
    expect(all.total).toBe(2);
    expect(all.accounts.map((a: { name: string }) => a.name).sort()).toEqual(['ada@example.com', 'grace@example.com']);
    expect((await cli(['account', 'list', '--search', 'GRACE'])).json.accounts.map((a: { name: string }) => a.name)).toEqual(['grace@example.com']);
    expect((await cli(['account', 'list', '--type', 'paid'])).json.total).toBe(1);
    const page = (await cli(['account', 'list', '--limit', '1', '--offset', '1'])).json;
    expect(page.total).toBe(2);
    expect(page.accounts).toHaveLength(1);
    expectFailure(await cli(['account', 'list', '--limit', '0']), 2, '--limit must be an integer from 1 to 1000');
    expectFailure(await cli(['account', 'list', '--type', 'x']), 2, '--type must be one of trial, paid, free');
  });
});

describe('convene user', () => {
  async function account(): Promise<string> {
    return (await cli(ADA)).json.account.id as string;
  }

  it('user create adds an organizer (or an admin) to an account', async () => {
    const accountId = await account();
    const out = await cli(['user', 'create', '--account', accountId, '--email', 'Bob@Example.com', '--first-name', 'Bob', '--last-name', 'B', '--login-name', 'bob', '--union-id', 'bob_union-1']);
    expect(out.code).toBe(0);
    expect(out.json.user).toMatchObject({ accountId, email: 'bob@example.com', isAdmin: false, hasPassword: false, loginName: 'bob', unionId: 'bob_union-1', timezone: 'Europe/Zurich' });
    const admin = (await cli(['user', 'create', '--account', accountId, '--email', 'carol@example.com', '--first-name', 'C', '--last-name', 'C', '--admin', '--password', 'carol-pass'])).json.user;
    expect(admin).toMatchObject({ isAdmin: true, hasPassword: true, loginName: 'carol@example.com' });
    const list = (await cli(['user', 'list', '--account', accountId])).json;
    expect(list.total).toBe(3);
    expect(list.users.map((u: { email: string }) => u.email)).toEqual(['ada@example.com', 'bob@example.com', 'carol@example.com']);
    expect((await cli(['user', 'list', '--account', accountId, '--admins'])).json.total).toBe(2);
  });

  it('user create refuses identities other users hold, and unknown accounts, writing nothing', async () => {
    const accountId = await account();
    await cli(['user', 'create', '--account', accountId, '--email', 'bob@example.com', '--first-name', 'Bob', '--last-name', 'B', '--login-name', 'bob', '--union-id', 'u1']);
    const bob = (await cli(['user', 'list', '--account', accountId])).json.users[1];
    const base = ['user', 'create', '--account', accountId, '--first-name', 'X', '--last-name', 'Y'];
    expectFailure(await cli([...base, '--email', 'BOB@example.com']), 1, `email bob@example.com is already used by user ${bob.id} of account ${accountId}`);
    expectFailure(await cli([...base, '--email', 'x@example.com', '--login-name', 'bob']), 1, `login name bob is already used by user ${bob.id}`);
    expectFailure(await cli([...base, '--email', 'x@example.com', '--union-id', 'u1']), 1, `unionId u1 is already used by user ${bob.id} of this account`);
    const ada = (await cli(['user', 'list', '--account', accountId])).json.users[0];
    expectFailure(await cli([...base, '--email', 'x@example.com', '--login-name', 'ada@example.com']), 1, `login name ada@example.com is already used by user ${ada.id}`);
    expectFailure(await cli(['user', 'create', '--account', 'ffffffffffffffffffffffff', '--email', 'x@example.com', '--first-name', 'X', '--last-name', 'Y']), 1, 'account ffffffffffffffffffffffff not found');
    expect((await cli(['user', 'list', '--account', accountId])).json.total).toBe(2);
  });

  it.each([
    [['user', 'create', '--email', 'x@y.io', '--first-name', 'X', '--last-name', 'Y'], '--account is required'],
    [['user', 'create', '--account', 'abc', '--email', 'x@y.io', '--first-name', 'X', '--last-name', 'Y'], '--account must be a 24-hex id, got "abc"'],
    [['user', 'create', '--account', 'a'.repeat(24), '--email', 'x@y.io', '--first-name', 'X', '--last-name', 'Y', '--union-id', 'has space'], '--union-id must be 1–64 characters of A-Z a-z 0-9 _ -'],
    [['user', 'create', '--account', 'a'.repeat(24), '--email', 'x@y.io', '--first-name', 'X', '--last-name', 'Y', '--login-name', 'l'.repeat(256)], '--login-name must be at most 255 characters'],
    [['user', 'list'], '--account is required'],
    [['user', 'set-password', '--password', 'long-enough'], 'give exactly one of --email and --id'],
    [['user', 'set-password', '--email', 'a@b.io', '--id', 'a'.repeat(24), '--password', 'long-enough'], 'give exactly one of --email and --id'],
    [['user', 'set-password', '--email', 'a@b.io'], '--password is required'],
    [['user', 'set-password', '--id', 'xyz', '--password', 'long-enough'], '--id must be a 24-hex id, got "xyz"'],
    [['user', 'set-password', '--email', 'a@b.io', '--password', 'p'.repeat(129)], '--password must be at most 128 characters'],
    [['user', 'delete'], 'unknown command "user delete"; run convene --help'],
  ])('user %j is a usage error (exit 2)', async (args, message) => {
    expectFailure(await cli(args), 2, message);
  });

  it('user set-password sets a password by email or by id, hashed', async () => {
    const { admin } = (await cli(ADA)).json;
    const byEmail = await cli(['user', 'set-password', '--email', 'ADA@example.com', '--password', 'first-password']);
    expect(byEmail.json.user).toMatchObject({ id: admin.id, hasPassword: true });
    await withStore(async (store) => expect(await verifyPassword('first-password', (await store.users.get('*', admin.id))?.passwordHash ?? null)).toBe(true));
    await cli(['user', 'set-password', '--id', admin.id, '--password', 'second-password']);
    await withStore(async (store) => {
      const hash = (await store.users.get('*', admin.id))?.passwordHash ?? null;
      expect(await verifyPassword('second-password', hash)).toBe(true);
      expect(await verifyPassword('first-password', hash)).toBe(false);
    });
    // `--password -` reads the first line of stdin, keeping the password out of shell history.
    await cli(['user', 'set-password', '--id', admin.id, '--password', '-'], {}, 'from-standard-input\nignored\n');
    await withStore(async (store) => expect(await verifyPassword('from-standard-input', (await store.users.get('*', admin.id))?.passwordHash ?? null)).toBe(true));
    expectFailure(await cli(['user', 'set-password', '--id', admin.id, '--password', '-'], {}, ''), 2, '--password must be at least 8 characters');
    expectFailure(await cli(['user', 'set-password', '--email', 'nobody@example.com', '--password', 'whatever-1']), 1, 'user nobody@example.com not found');
    expectFailure(await cli(['user', 'set-password', '--id', 'f'.repeat(24), '--password', 'whatever-1']), 1, `user ${'f'.repeat(24)} not found`);
  });
});

describe('convene key', () => {
  it('key create --instance prints the secret once; only its hash is stored', async () => {
    const out = await cli(['key', 'create', '--instance', '--name', 'ops']);
    const { key, secret } = out.json;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), level: 'instance', accountId: null, permissions: ['account', 'meeting'], name: 'ops', createdAt: expect.any(String), revokedAt: null });
    expect(out.stdout.split(secret)).toHaveLength(2);
    await withStore(async (store) => {
      const stored = await store.apiKeys.getByHash(hashKeySecret(secret));
      expect(stored?.id).toBe(key.id);
      expect(JSON.stringify(stored)).not.toContain(secret);
    });
    expect((await cli(['key', 'list', '--instance'])).json.keys).toEqual([key]);
  });

  it('key create --account makes an account key with the given permissions', async () => {
    const accountId = (await cli(ADA)).json.account.id;
    const { key } = (await cli(['key', 'create', '--account', accountId, '--permissions', 'Meeting'])).json;
    expect(key).toMatchObject({ level: 'account', accountId, permissions: ['meeting'], name: 'cli' });
    expect((await cli(['key', 'list', '--account', accountId])).json.keys).toEqual([key]);
    expectFailure(await cli(['key', 'create', '--account', 'f'.repeat(24)]), 1, `account ${'f'.repeat(24)} not found`);
    expectFailure(await cli(['key', 'list', '--account', 'f'.repeat(24)]), 1, `account ${'f'.repeat(24)} not found`);
  });

  it.each([
    [['key', 'create'], 'give exactly one of --instance and --account'],
    [['key', 'create', '--instance', '--account', 'a'.repeat(24)], 'give exactly one of --instance and --account'],
    [['key', 'create', '--instance', '--permissions', 'account,admin'], '--permissions: unknown permission "admin" (use account, meeting)'],
    [['key', 'create', '--instance', '--permissions', ','], '--permissions must name at least one of: account, meeting'],
    [['key', 'list'], 'give exactly one of --instance and --account'],
    [['key', 'revoke'], '--id is required'],
    [['key', 'revoke', '--id', 'K'], '--id must be a 24-hex id, got "K"'],
  ])('key %j is a usage error (exit 2)', async (args, message) => {
    expectFailure(await cli(args), 2, message);
  });

  it('key revoke revokes once and is safe to repeat', async () => {
    const { key } = (await cli(['key', 'create', '--instance'])).json;
    const first = (await cli(['key', 'revoke', '--id', key.id])).json.key;
    expect(first).toMatchObject({ id: key.id, revokedAt: expect.any(String) });
    expect((await cli(['key', 'revoke', '--id', key.id])).json.key).toEqual(first);
    expectFailure(await cli(['key', 'revoke', '--id', 'f'.repeat(24)]), 1, `key ${'f'.repeat(24)} not found`);
  });
});

describe('convene with a bad environment', () => {
  it('reports the configuration problems on one line and exits 1', async () => {
    expectFailure(await cli(['account', 'list'], { PORT: 'x', CONVENE_TRIAL_DAYS: 'y' }), 1, 'invalid configuration: PORT must be an integer, got "x"; CONVENE_TRIAL_DAYS must be an integer, got "y"');
  });

  it('reports an unreachable PostgreSQL on one line and exits 1', async () => {
    const out = await cli(['account', 'list', '--database', 'postgres://nobody@127.0.0.1:1/none']);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^convene: [^\n]+\n$/);
  });
});

const postgres = await peer('postgres');
describe.skipIf(!postgres.ok)(`convene on PostgreSQL${postgres.ok ? '' : ' (skipped: PostgreSQL unavailable)'}`, () => {
  it('migrates, creates and lists on a postgres:// URL', async () => {
    // A database of its own, so the test neither sees nor leaves other tests' rows.
    const admin = new pg.Client({ connectionString: postgres.ok ? postgres.url : '' });
    await admin.connect();
    const name = `convene_cli_${process.pid}_${Date.now()}`;
    await admin.query(`create database ${name}`);
    try {
      const url = new URL(postgres.ok ? (postgres.url as string) : '');
      url.pathname = `/${name}`;
      const database = ['--database', url.toString()];
      expect((await cli(['migrate', ...database])).json).toEqual({ engine: 'postgres', applied: Object.keys(migrations) });
      const created = (await cli([...ADA, ...database])).json;
      expect(created.account.name).toBe('ada@example.com');
      expect((await cli(['account', 'list', ...database])).json).toMatchObject({ total: 1, accounts: [{ id: created.account.id }] });
      expectFailure(await cli([...ADA, ...database]), 1, 'email ada@example.com is already in use');
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
