/**
 * The admin CLI's commands (`npx convene <noun> <verb>`). Each one checks its flags, calls the domain
 * commands or repositories (never SQL), and returns the one JSON object the CLI prints.
 */
import type { ParseArgsConfig } from 'node:util';
import type { AccountType } from '../domain/accounts/Account.js';
import { createAccount } from '../domain/accounts/createAccount.js';
import { issueApiKey } from '../domain/accounts/issueApiKey.js';
import type { Deps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import type { Store } from '../domain/ports.js';
import type { MigrationReport } from '../storage/index.js';
import { hashPassword } from '../infra/secrets.js';
import { ACCOUNT_TYPES, CliError, isEmail, isHex24, isTimezone, isUnionId, LANGUAGES, parsePermissions, passwordProblem } from './checks.js';
import { addUser, operatorActor, presentAccount, presentKey, presentUser } from './provision.js';
import { createDingtalkApp, revokeDingtalkApp } from '../domain/credentials/createDingtalkApp.js';
import { createAppCredential } from '../domain/credentials/createAppCredential.js';
import type { AppCredential } from '../domain/credentials/ports.js';
import { revokeAppCredential } from '../domain/credentials/revokeAppCredential.js';

/** What a command works with: the open, migrated store and the domain dependencies built from the configuration. */
export interface CommandContext {
  deps: Deps;
  store: Store;
  /** Migrations this invocation applied (every command migrates first, so a fresh database just works). */
  migration: MigrationReport;
  /** Reads standard input to its end (for `--password -`). */
  readStdin: () => Promise<string>;
}

/** Flag values as `node:util` parseArgs returns them. */
export type Flags = Record<string, string | boolean | undefined>;

/** One CLI command. */
export interface Command {
  /** One usage line, shown by `--help`. */
  usage: string;
  /** Flags besides the global `--database` and `--help`. */
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext, flags: Flags): Promise<object>;
}

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;

/** The value of a string flag, or a usage error naming it when it is required and missing. */
function flag(flags: Flags, name: string, o: { required: true }): string;
function flag(flags: Flags, name: string, o?: { required?: false }): string | undefined;
function flag(flags: Flags, name: string, o: { required?: boolean } = {}): string | undefined {
  const v = flags[name];
  if (typeof v === 'string') {
    if (v.trim() === '') throw new CliError(`--${name} must not be empty`, 2);
    return v.trim();
  }
  if (o.required) throw new CliError(`--${name} is required`, 2);
  return undefined;
}

function emailFlag(flags: Flags, name = 'email'): string {
  const v = flag(flags, name, { required: true }).toLowerCase();
  if (!isEmail(v)) throw new CliError(`--${name} must be an email address, got "${v}"`, 2);
  return v;
}

function nameFlag(flags: Flags, name: string, max = 100): string {
  const v = flag(flags, name, { required: true });
  if (v.length > max) throw new CliError(`--${name} must be at most ${max} characters`, 2);
  return v;
}

function idFlag(flags: Flags, name: string): string {
  const v = flag(flags, name, { required: true });
  if (!isHex24(v)) throw new CliError(`--${name} must be a 24-hex id, got "${v}"`, 2);
  return v;
}

function timezoneFlag(flags: Flags): string | undefined {
  const v = flag(flags, 'timezone');
  if (v !== undefined && !isTimezone(v)) throw new CliError(`--timezone must be an IANA time zone, got "${v}"`, 2);
  return v;
}

function languageFlag(flags: Flags): string | undefined {
  const v = flag(flags, 'language');
  if (v !== undefined && !(LANGUAGES as readonly string[]).includes(v)) throw new CliError(`--language must be one of ${LANGUAGES.join(', ')}`, 2);
  return v;
}

/**
 * Hashes `--password` when given (before any transaction: scrypt is deliberately slow). `--password -` reads
 * the first line of standard input instead, so the password stays out of shell history and `ps`.
 */
async function passwordFlag(ctx: CommandContext, flags: Flags, o: { required: boolean }): Promise<string | undefined> {
  let v = flags.password;
  if (typeof v !== 'string') {
    if (o.required) throw new CliError('--password is required', 2);
    return undefined;
  }
  if (v === '-') v = (await ctx.readStdin()).split(/\r?\n/)[0] ?? '';
  const problem = passwordProblem(v);
  if (problem) throw new CliError(`--password ${problem}`, 2);
  return hashPassword(v);
}

function intFlag(flags: Flags, name: string, dflt: number, min: number, max: number): number {
  const v = flag(flags, name);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new CliError(`--${name} must be an integer from ${min} to ${max}`, 2);
  return Number(v);
}

/** A Huawei app as the CLI prints it (never its key, which is shown once by `huawei app create`). */
function presentApp(a: AppCredential) {
  return {
    level: a.accountId === null ? 'instance' : 'account',
    accountId: a.accountId,
    name: a.name,
    createdAt: new Date(a.createdAt).toISOString(),
    revokedAt: a.revokedAt === null ? null : new Date(a.revokedAt).toISOString(),
  };
}

async function requireAccount(store: Store, id: string) {
  const account = await store.accounts.get('*', id);
  if (!account) throw new CliError(`account ${id} not found`);
  return account;
}

/** Every command, keyed by `noun verb` (or the noun alone for `migrate`). */
export const commands: Record<string, Command> = {
  'account create': {
    usage: 'account create --email <e> --first-name <n> --last-name <n> [--type trial|paid|free] [--name <n>] [--timezone <iana>] [--language en|de|fr|it] [--password <p>|-]',
    options: { email: str, 'first-name': str, 'last-name': str, type: str, name: str, timezone: str, language: str, password: str },
    async run(ctx, flags) {
      const { deps } = ctx;
      const type = flag(flags, 'type') ?? 'free';
      if (!(ACCOUNT_TYPES as readonly string[]).includes(type)) throw new CliError(`--type must be one of ${ACCOUNT_TYPES.join(', ')}`, 2);
      const email = emailFlag(flags);
      const firstName = nameFlag(flags, 'first-name');
      const lastName = nameFlag(flags, 'last-name');
      const name = flag(flags, 'name');
      if (name !== undefined && name.length > 255) throw new CliError('--name must be at most 255 characters', 2);
      const timezone = timezoneFlag(flags);
      const language = languageFlag(flags);
      const passwordHash = await passwordFlag(ctx, flags, { required: false });
      try {
        const { account, admin } = await createAccount(deps, operatorActor(), {
          sendPassword: false,
          accountType: type as AccountType,
          adminFirstname: firstName,
          adminLastname: lastName,
          adminEmail: email,
          adminPreferredLanguage: language ?? 'en',
          paidUntil: null,
          ...(name === undefined ? {} : { name }),
          ...(timezone === undefined ? {} : { adminTimezone: timezone }),
          adminPasswordHash: passwordHash ?? null,
        });
        return { account: presentAccount(account), admin: presentUser(admin) };
      } catch (e) {
        if (e instanceof DomainError && e.code === 'account.already_exists') throw new CliError(`email ${email} is already in use`);
        throw e;
      }
    },
  },

  'account list': {
    usage: 'account list [--search <text>] [--type trial|paid|free] [--limit <n>] [--offset <n>]',
    options: { search: str, type: str, limit: str, offset: str },
    async run({ store }, flags) {
      const type = flag(flags, 'type');
      if (type !== undefined && !(ACCOUNT_TYPES as readonly string[]).includes(type)) throw new CliError(`--type must be one of ${ACCOUNT_TYPES.join(', ')}`, 2);
      const search = flag(flags, 'search');
      const { items, total } = await store.accounts.list({
        offset: intFlag(flags, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
        limit: intFlag(flags, 'limit', 100, 1, 1000),
        ...(search === undefined ? {} : { search }),
        ...(type === undefined ? {} : { accountType: type as AccountType }),
      });
      return { total, accounts: items.map(presentAccount) };
    },
  },

  'user create': {
    usage: 'user create --account <id> --email <e> --first-name <n> --last-name <n> [--admin] [--password <p>|-] [--timezone <iana>] [--language en|de|fr|it] [--login-name <l>] [--union-id <u>]',
    options: { account: str, email: str, 'first-name': str, 'last-name': str, admin: bool, password: str, timezone: str, language: str, 'login-name': str, 'union-id': str },
    async run(ctx, flags) {
      const { deps, store } = ctx;
      const accountId = idFlag(flags, 'account');
      const email = emailFlag(flags);
      const firstName = nameFlag(flags, 'first-name');
      const lastName = nameFlag(flags, 'last-name');
      const timezone = timezoneFlag(flags);
      const language = languageFlag(flags);
      const loginName = flag(flags, 'login-name');
      if (loginName !== undefined && loginName.length > 255) throw new CliError('--login-name must be at most 255 characters', 2);
      const unionId = flag(flags, 'union-id');
      if (unionId !== undefined && !isUnionId(unionId)) throw new CliError('--union-id must be 1–64 characters of A-Z a-z 0-9 _ -', 2);
      const passwordHash = await passwordFlag(ctx, flags, { required: false });
      await requireAccount(store, accountId);
      const user = await store.transaction((tx) =>
        addUser(tx, deps, {
          accountId,
          email,
          firstName,
          lastName,
          isAdmin: flags.admin === true,
          timezone: timezone ?? deps.settings.defaultUserTimezone,
          passwordHash: passwordHash ?? null,
          ...(language === undefined ? {} : { preferredLanguage: language }),
          ...(loginName === undefined ? {} : { loginName }),
          ...(unionId === undefined ? {} : { unionId }),
        }),
      );
      return { user: presentUser(user) };
    },
  },

  'user list': {
    usage: 'user list --account <id> [--admins] [--limit <n>] [--offset <n>]',
    options: { account: str, admins: bool, limit: str, offset: str },
    async run({ store }, flags) {
      const accountId = idFlag(flags, 'account');
      await requireAccount(store, accountId);
      const { items, total } = await store.users.list(accountId, {
        adminsOnly: flags.admins === true,
        sort: 'createdAt',
        offset: intFlag(flags, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
        limit: intFlag(flags, 'limit', 100, 1, 1000),
      });
      return { total, users: items.map(presentUser) };
    },
  },

  'user set-password': {
    usage: 'user set-password (--email <e> | --id <userId>) --password <p>|-',
    options: { email: str, id: str, password: str },
    async run(ctx, flags) {
      const { deps, store } = ctx;
      const byEmail = flags.email !== undefined;
      if (byEmail === (flags.id !== undefined)) throw new CliError('give exactly one of --email and --id', 2);
      const email = byEmail ? emailFlag(flags) : undefined;
      const id = byEmail ? undefined : idFlag(flags, 'id');
      const passwordHash = (await passwordFlag(ctx, flags, { required: true })) as string;
      const user = await store.transaction(async (tx) => {
        const found = email !== undefined ? await tx.users.getByEmail('*', email) : await tx.users.get('*', id as string);
        if (!found) throw new CliError(`user ${email ?? id} not found`);
        const updated = { ...found, passwordHash, updatedAt: deps.clock.now() };
        await tx.users.update(updated);
        return updated;
      });
      return { user: presentUser(user) };
    },
  },

  'key create': {
    usage: 'key create (--instance | --account <id>) [--permissions account,meeting] [--name <n>]',
    options: { instance: bool, account: str, permissions: str, name: str },
    async run({ deps, store }, flags) {
      const instance = flags.instance === true;
      if (instance === (flags.account !== undefined)) throw new CliError('give exactly one of --instance and --account', 2);
      const accountId = instance ? null : idFlag(flags, 'account');
      const permissions = parsePermissions(flag(flags, 'permissions') ?? 'account,meeting');
      const name = flag(flags, 'name') ?? 'cli';
      if (name.length > 255) throw new CliError('--name must be at most 255 characters', 2);
      if (accountId !== null) await requireAccount(store, accountId);
      const { key, secret } = await store.transaction((tx) => issueApiKey(tx, deps, { level: instance ? 'instance' : 'account', accountId, permissions, name }));
      return { key: presentKey(key), secret };
    },
  },

  'key list': {
    usage: 'key list (--instance | --account <id>)',
    options: { instance: bool, account: str },
    async run({ store }, flags) {
      const instance = flags.instance === true;
      if (instance === (flags.account !== undefined)) throw new CliError('give exactly one of --instance and --account', 2);
      if (instance) return { keys: (await store.apiKeys.listInstance()).map(presentKey) };
      const accountId = idFlag(flags, 'account');
      await requireAccount(store, accountId);
      return { keys: (await store.apiKeys.listByAccount(accountId)).map(presentKey) };
    },
  },

  'key revoke': {
    usage: 'key revoke --id <keyId>',
    options: { id: str },
    async run({ deps, store }, flags) {
      const id = idFlag(flags, 'id');
      const key = await store.transaction(async (tx) => {
        const found = await tx.apiKeys.get('*', id);
        if (!found) throw new CliError(`key ${id} not found`);
        // Revoking twice keeps the first revocation time, so the command can be repeated safely.
        if (found.revokedAt !== null) return found;
        const revokedAt = deps.clock.now();
        await tx.apiKeys.revoke(id, revokedAt);
        return { ...found, revokedAt };
      });
      return { key: presentKey(key) };
    },
  },

  'huawei app create': {
    usage: 'huawei app create (--account <id> | --instance) [--name <n>]   (prints the app key once)',
    options: { account: str, instance: bool, name: str },
    async run({ deps, store }, flags) {
      const instance = flags.instance === true;
      if (instance === (flags.account !== undefined)) throw new CliError('give exactly one of --account and --instance', 2);
      const accountId = instance ? null : idFlag(flags, 'account');
      const name = flag(flags, 'name') ?? 'cli';
      if (name.length > 255) throw new CliError('--name must be at most 255 characters', 2);
      if (accountId !== null) await requireAccount(store, accountId);
      const { app, appKey } = await createAppCredential(deps, { accountId, name });
      return { appId: app.appId, appKey, ...presentApp(app) };
    },
  },

  'huawei app list': {
    usage: 'huawei app list (--account <id> | --instance)',
    options: { account: str, instance: bool },
    async run({ store }, flags) {
      const instance = flags.instance === true;
      if (instance === (flags.account !== undefined)) throw new CliError('give exactly one of --account and --instance', 2);
      const accountId = instance ? null : idFlag(flags, 'account');
      if (accountId !== null) await requireAccount(store, accountId);
      return { apps: (await store.appCredentials.listByAccount('huawei', accountId)).map((a) => ({ appId: a.appId, ...presentApp(a) })) };
    },
  },

  'huawei app revoke': {
    usage: 'huawei app revoke --app <appId>   (revokes its access tokens at once)',
    options: { app: str },
    async run({ deps }, flags) {
      const appId = flag(flags, 'app', { required: true });
      const r = await revokeAppCredential(deps, appId);
      if (!r) throw new CliError(`huawei app ${appId} not found`);
      return { appId: r.app.appId, ...presentApp(r.app), tokensRevoked: r.tokensRevoked };
    },
  },

  'dingtalk app create': {
    usage: 'dingtalk app create --account <id> [--name <n>]   (prints the appKey and appSecret once)',
    options: { account: str, name: str },
    async run({ deps, store }, flags) {
      const accountId = idFlag(flags, 'account');
      const name = flag(flags, 'name') ?? 'cli';
      if (name.length > 255) throw new CliError('--name must be at most 255 characters', 2);
      await requireAccount(store, accountId);
      const { app, appKey, appSecret } = await createDingtalkApp(deps, { accountId, name });
      return { appKey, appSecret, ...presentApp(app) };
    },
  },

  'dingtalk app list': {
    usage: 'dingtalk app list --account <id>',
    options: { account: str },
    async run({ store }, flags) {
      const accountId = idFlag(flags, 'account');
      await requireAccount(store, accountId);
      return { apps: (await store.appCredentials.listByAccount('dingtalk', accountId)).map((a) => ({ appKey: a.appId, ...presentApp(a) })) };
    },
  },

  'dingtalk app revoke': {
    usage: 'dingtalk app revoke --app <appKey>   (revokes its access tokens at once)',
    options: { app: str },
    async run({ deps }, flags) {
      const appKey = flag(flags, 'app', { required: true });
      const r = await revokeDingtalkApp(deps, appKey);
      if (!r) throw new CliError(`dingtalk app ${appKey} not found`);
      return { appKey: r.app.appId, ...presentApp(r.app), tokensRevoked: r.tokensRevoked };
    },
  },

  migrate: {
    usage: 'migrate',
    options: {},
    async run({ store, migration }) {
      return { engine: store.engine, applied: migration.applied };
    },
  },
};
