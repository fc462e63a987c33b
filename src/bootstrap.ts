/**
 * The bootstrap file (`CONVENE_BOOTSTRAP`, CROSS-DIALECT.md "People and credentials"): a JSON file of instance
 * keys, accounts, users and account keys that is applied at every start as an idempotent upsert, so that
 * stand-ins and self-hosters get fixed credentials without SQL. docs/operations.md documents the format.
 *
 * Rules (DESIGNED):
 * - Records are found by their natural keys: instance and account keys by their secret, accounts by `id` or
 *   else by their admin's email, users by email.
 * - What is missing is created. For existing users the profile fields the file states (names, time zone,
 *   language, login name, unionId, password) are written when they differ, and `isAdmin: true` (or being the
 *   account's `admin`) promotes; an existing account's name is updated. Account settings (type, limits) are
 *   only set at creation; keys are never changed (the store keeps no updatable key fields), and nothing is
 *   ever deleted, demoted or revoked. A revoked key stays revoked and is reported as a warning.
 * - A file that names one identity in two places (an email in two accounts, a secret used twice, a key that is
 *   another account's) is an error: nothing is guessed.
 * - Unknown keys are ignored with a warning, so that later issues can add their own sections to the same file.
 * - Each account is applied in one transaction; the instance keys in one more. Applying the same file twice
 *   changes nothing the second time.
 */
import { readFile } from 'node:fs/promises';
import type { AccountType } from './domain/accounts/Account.js';
import type { KeyPermission } from './domain/accounts/ApiKey.js';
import { createAccount } from './domain/accounts/createAccount.js';
import { hashKeySecret, issueApiKey } from './domain/accounts/issueApiKey.js';
import type { User } from './domain/accounts/User.js';
import type { Deps } from './domain/deps.js';
import type { Repositories } from './domain/ports.js';
import { hashPassword, verifyPassword } from './infra/secrets.js';
import { ACCOUNT_TYPES, CliError, isEmail, isHex24, isTimezone, isUnionId, KEY_PERMISSIONS, LANGUAGES, passwordProblem } from './cli/checks.js';
import { addUser, checkIdentities, operatorActor } from './cli/provision.js';

/** A person in the file (an account's `admin` or one of its `users`). */
export interface BootstrapUser {
  email: string;
  firstName: string;
  lastName: string;
  /** Plain text in the file; hashed (scrypt) on load. */
  password?: string;
  timezone?: string;
  preferredLanguage?: string;
  /** Huawei login name; default the email. */
  loginName?: string;
  /** DingTalk unionId; default generated. */
  unionId?: string;
  /** `users` only; `true` makes (or promotes to) an admin. */
  isAdmin?: boolean;
}

/** An account-level API key with a fixed secret. */
export interface BootstrapKey {
  secret: string;
  /** Default both. */
  permissions?: KeyPermission[];
  /** Default `bootstrap`. */
  name?: string;
}

/** An account with its first admin, further users and keys. */
export interface BootstrapAccount {
  /** Fixed 24-hex id; default generated (the account is then found by its admin's email). */
  id?: string;
  /** Default the admin's email. */
  name?: string;
  /** Default `free`. */
  accountType?: AccountType;
  admin: BootstrapUser;
  users?: BootstrapUser[];
  keys?: BootstrapKey[];
}

/** The checked content of a bootstrap file. */
export interface BootstrapFile {
  /** Instance-level keys with every permission (at least 16 characters each). */
  instanceKeys?: string[];
  accounts?: BootstrapAccount[];
}

/** What applying a file did. */
export interface BootstrapReport {
  instanceKeys: { created: number; existing: number };
  accounts: { created: number; updated: number; unchanged: number };
  users: { created: number; updated: number; unchanged: number };
  keys: { created: number; existing: number };
  /** Unknown keys, revoked keys and other things the operator should know. */
  warnings: string[];
}

/** The file is unreadable, invalid, or contradicts the database; `problems` name the JSON paths. */
export class BootstrapError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid bootstrap file ${file}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'BootstrapError';
  }
}

/** Secrets of keys named in the file: as long as CONVENE_INSTANCE_API_KEY must be. */
const SECRET_MIN = 16;
const SECRET_MAX = 512;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks parsed JSON against the format, collecting every problem and the unknown keys (as warnings). */
export function checkBootstrap(raw: unknown, file = 'bootstrap'): { content: BootstrapFile; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const unknownKeys = (o: Obj, path: string, known: string[]) => {
    for (const k of Object.keys(o)) if (!known.includes(k)) warnings.push(`${path ? `${path}.` : ''}${k} is not a known key and was ignored`);
  };
  const checkText = (v: unknown, path: string, rule: { required?: boolean; max?: number; check?: (v: string) => string | null } = {}): string | undefined => {
    if (v === undefined || v === null) {
      if (rule.required) problems.push(`${path} is required`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      problems.push(`${path} must be a non-empty string`);
      return undefined;
    }
    if (rule.max !== undefined && v.length > rule.max) problems.push(`${path} must be at most ${rule.max} characters`);
    const p = rule.check?.(v);
    if (p) problems.push(`${path} ${p}`);
    return v;
  };
  const text = (o: Obj, key: string, path: string, rule: Parameters<typeof checkText>[2] = {}) => checkText(o[key], `${path}.${key}`, rule);
  const secretRule = { required: true, check: (v: string) => (v.length < SECRET_MIN || v.length > SECRET_MAX ? `must be ${SECRET_MIN}–${SECRET_MAX} characters` : null) };
  const seenEmails = new Map<string, string>();
  const seenSecrets = new Map<string, string>();
  const once = (seen: Map<string, string>, value: string, path: string, what: string) => {
    const first = seen.get(value);
    if (first) problems.push(`${path} repeats the ${what} of ${first}`);
    else seen.set(value, path);
  };

  const user = (v: unknown, path: string, inUsers: boolean): BootstrapUser | undefined => {
    if (!isObj(v)) {
      problems.push(`${path} must be an object`);
      return undefined;
    }
    unknownKeys(v, path, ['email', 'firstName', 'lastName', 'password', 'timezone', 'preferredLanguage', 'loginName', 'unionId', ...(inUsers ? ['isAdmin'] : [])]);
    const email = text(v, 'email', path, { required: true, check: (s) => (isEmail(s.trim()) ? null : 'must be an email address') })?.trim().toLowerCase();
    if (email) once(seenEmails, email, `${path}.email`, 'email');
    const u: Partial<BootstrapUser> = {
      email,
      firstName: text(v, 'firstName', path, { required: true, max: 100 }),
      lastName: text(v, 'lastName', path, { required: true, max: 100 }),
      password: text(v, 'password', path, { check: passwordProblem }),
      timezone: text(v, 'timezone', path, { check: (s) => (isTimezone(s) ? null : 'must be an IANA time zone') }),
      preferredLanguage: text(v, 'preferredLanguage', path, { check: (s) => ((LANGUAGES as readonly string[]).includes(s) ? null : `must be one of ${LANGUAGES.join(', ')}`) }),
      loginName: text(v, 'loginName', path, { max: 255 }),
      unionId: text(v, 'unionId', path, { check: (s) => (isUnionId(s) ? null : 'must be 1–64 characters of A-Z a-z 0-9 _ -') }),
    };
    if (inUsers && v.isAdmin !== undefined) {
      if (typeof v.isAdmin !== 'boolean') problems.push(`${path}.isAdmin must be true or false`);
      else u.isAdmin = v.isAdmin;
    }
    return Object.fromEntries(Object.entries(u).filter(([, x]) => x !== undefined)) as unknown as BootstrapUser;
  };

  const content: BootstrapFile = {};
  if (!isObj(raw)) {
    throw new BootstrapError(file, ['the file must contain one JSON object']);
  }
  unknownKeys(raw, '', ['instanceKeys', 'accounts']);
  if (raw.instanceKeys !== undefined) {
    if (!Array.isArray(raw.instanceKeys)) problems.push('instanceKeys must be an array of strings');
    else {
      content.instanceKeys = [];
      raw.instanceKeys.forEach((k, i) => {
        const s = checkText(k, `instanceKeys[${i}]`, secretRule);
        if (s !== undefined) {
          once(seenSecrets, s, `instanceKeys[${i}]`, 'secret');
          content.instanceKeys?.push(s);
        }
      });
    }
  }
  if (raw.accounts !== undefined) {
    if (!Array.isArray(raw.accounts)) problems.push('accounts must be an array');
    else {
      content.accounts = [];
      const seenIds = new Map<string, string>();
      raw.accounts.forEach((a, i) => {
        const path = `accounts[${i}]`;
        if (!isObj(a)) {
          problems.push(`${path} must be an object`);
          return;
        }
        unknownKeys(a, path, ['id', 'name', 'accountType', 'admin', 'users', 'keys']);
        const id = text(a, 'id', path, { check: (s) => (isHex24(s) ? null : 'must be 24 lower-case hex characters') });
        if (id) once(seenIds, id, `${path}.id`, 'id');
        const accountType = text(a, 'accountType', path, { check: (s) => ((ACCOUNT_TYPES as readonly string[]).includes(s) ? null : `must be one of ${ACCOUNT_TYPES.join(', ')}`) });
        const account: Partial<BootstrapAccount> = {
          ...(id === undefined ? {} : { id }),
          ...(a.name === undefined ? {} : { name: text(a, 'name', path, { max: 255 }) as string }),
          ...(accountType === undefined ? {} : { accountType: accountType as AccountType }),
        };
        if (a.admin === undefined) problems.push(`${path}.admin is required`);
        else account.admin = user(a.admin, `${path}.admin`, false);
        if (a.users !== undefined) {
          if (!Array.isArray(a.users)) problems.push(`${path}.users must be an array`);
          else account.users = a.users.map((u, j) => user(u, `${path}.users[${j}]`, true)).filter((u): u is BootstrapUser => u !== undefined);
        }
        if (a.keys !== undefined) {
          if (!Array.isArray(a.keys)) problems.push(`${path}.keys must be an array`);
          else {
            account.keys = [];
            a.keys.forEach((k, j) => {
              const kp = `${path}.keys[${j}]`;
              if (!isObj(k)) {
                problems.push(`${kp} must be an object`);
                return;
              }
              unknownKeys(k, kp, ['secret', 'permissions', 'name']);
              const secret = text(k, 'secret', kp, secretRule);
              if (secret !== undefined) once(seenSecrets, secret, `${kp}.secret`, 'secret');
              let permissions: KeyPermission[] | undefined;
              if (k.permissions !== undefined) {
                const ps = Array.isArray(k.permissions) ? k.permissions.map((p) => (typeof p === 'string' ? p.toLowerCase() : p)) : null;
                if (!ps || ps.length === 0 || ps.some((p) => !(KEY_PERMISSIONS as readonly unknown[]).includes(p))) {
                  problems.push(`${kp}.permissions must be a non-empty array of ${KEY_PERMISSIONS.map((p) => `"${p}"`).join(', ')}`);
                } else permissions = [...new Set(ps as KeyPermission[])];
              }
              const name = text(k, 'name', kp, { max: 255 });
              if (secret !== undefined) account.keys?.push({ secret, ...(permissions ? { permissions } : {}), ...(name ? { name } : {}) });
            });
          }
        }
        content.accounts?.push(account as BootstrapAccount);
      });
    }
  }
  if (problems.length > 0) throw new BootstrapError(file, problems);
  return { content, warnings };
}

/** Reads and checks a bootstrap file. @throws BootstrapError when it is unreadable, not JSON, or invalid. */
export async function loadBootstrapFile(path: string): Promise<{ content: BootstrapFile; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BootstrapError(path, [`cannot be read: ${(e as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BootstrapError(path, [`is not valid JSON: ${(e as Error).message}`]);
  }
  return checkBootstrap(raw, path);
}

/** Password hashes prepared outside transactions (scrypt is slow on purpose): email → new hash, or `keep`. */
type PasswordPlan = Map<string, string | 'keep'>;

async function planPasswords(deps: Deps, users: BootstrapUser[]): Promise<PasswordPlan> {
  const plan: PasswordPlan = new Map();
  for (const u of users) {
    if (u.password === undefined) continue;
    const existing = await deps.store.users.getByEmail('*', u.email);
    plan.set(u.email, existing && (await verifyPassword(u.password, existing.passwordHash)) ? 'keep' : await hashPassword(u.password));
  }
  return plan;
}

/**
 * Applies checked file content to the store. Returns what was created and what already existed.
 * @throws BootstrapError when the file contradicts the database (an email of another account, a key secret
 *   that belongs elsewhere); accounts applied before the failing one stay applied (re-running is safe).
 */
export async function applyBootstrap(deps: Deps, content: BootstrapFile, o: { file?: string; warnings?: string[] } = {}): Promise<BootstrapReport> {
  const file = o.file ?? 'bootstrap';
  const report: BootstrapReport = {
    instanceKeys: { created: 0, existing: 0 },
    accounts: { created: 0, updated: 0, unchanged: 0 },
    users: { created: 0, updated: 0, unchanged: 0 },
    keys: { created: 0, existing: 0 },
    warnings: [...(o.warnings ?? [])],
  };
  const fail = (problem: string): never => {
    throw new BootstrapError(file, [problem]);
  };
  const now = () => deps.clock.now();

  if (content.instanceKeys?.length) {
    await deps.store.transaction(async (tx) => {
      for (const [i, secret] of content.instanceKeys!.entries()) {
        const existing = await tx.apiKeys.getByHash(hashKeySecret(secret));
        if (!existing) {
          await issueApiKey(tx, deps, { level: 'instance', accountId: null, permissions: ['account', 'meeting'], name: 'bootstrap', secret });
          report.instanceKeys.created++;
          continue;
        }
        if (existing.level !== 'instance') fail(`instanceKeys[${i}] is the secret of an account-level key (${existing.id})`);
        if (existing.revokedAt !== null) report.warnings.push(`instanceKeys[${i}] names key ${existing.id}, which was revoked; it stays revoked`);
        report.instanceKeys.existing++;
      }
    });
  }

  for (const [i, a] of (content.accounts ?? []).entries()) {
    const path = `accounts[${i}]`;
    const people = [{ ...a.admin, isAdmin: true }, ...(a.users ?? [])];
    const passwords = await planPasswords(deps, people);

    /** Creates or updates one person of account `accountId`; `isAdmin: true` promotes, nothing demotes. */
    const upsertUser = async (tx: Repositories, accountId: string, u: BootstrapUser, upath: string): Promise<void> => {
      const found = await tx.users.getByEmail('*', u.email);
      const plan = passwords.get(u.email);
      if (found && found.accountId !== accountId) fail(`${upath}.email ${u.email} belongs to user ${found.id} of another account (${found.accountId})`);
      if (!found) {
        try {
          await addUser(tx, deps, {
            accountId,
            email: u.email,
            firstName: u.firstName,
            lastName: u.lastName,
            isAdmin: u.isAdmin === true,
            timezone: u.timezone ?? deps.settings.defaultUserTimezone,
            passwordHash: plan === undefined || plan === 'keep' ? null : plan,
            ...(u.preferredLanguage === undefined ? {} : { preferredLanguage: u.preferredLanguage }),
            ...(u.loginName === undefined ? {} : { loginName: u.loginName }),
            ...(u.unionId === undefined ? {} : { unionId: u.unionId }),
          });
        } catch (e) {
          if (e instanceof CliError) fail(`${upath}: ${e.message}`);
          throw e;
        }
        report.users.created++;
        return;
      }
      const user = found as User;
      const next: User = {
        ...user,
        firstName: u.firstName,
        lastName: u.lastName,
        timezone: u.timezone ?? user.timezone,
        preferredLanguage: u.preferredLanguage ?? user.preferredLanguage,
        loginName: u.loginName ?? user.loginName,
        unionId: u.unionId ?? user.unionId,
        isAdmin: user.isAdmin || u.isAdmin === true,
        passwordHash: plan === undefined || plan === 'keep' ? user.passwordHash : plan,
      };
      const changed = (Object.keys(next) as (keyof User)[]).some((k) => next[k] !== user[k]);
      if (!changed) {
        report.users.unchanged++;
        return;
      }
      try {
        await checkIdentities(tx, { accountId, loginName: next.loginName, unionId: next.unionId }, user);
      } catch (e) {
        if (e instanceof CliError) fail(`${upath}: ${e.message}`);
        throw e;
      }
      await tx.users.update({ ...next, updatedAt: now() });
      report.users.updated++;
    };

    const ensureKey = async (tx: Repositories, accountId: string, k: BootstrapKey, kpath: string): Promise<void> => {
      const existing = await tx.apiKeys.getByHash(hashKeySecret(k.secret));
      if (!existing) {
        await issueApiKey(tx, deps, { level: 'account', accountId, permissions: k.permissions ?? ['account', 'meeting'], name: k.name ?? 'bootstrap', secret: k.secret });
        report.keys.created++;
        return;
      }
      if (existing.level !== 'account' || existing.accountId !== accountId) fail(`${kpath}.secret is the secret of another key (${existing.id}, ${existing.level === 'instance' ? 'instance level' : `account ${existing.accountId}`})`);
      if (existing.revokedAt !== null) report.warnings.push(`${kpath} names key ${existing.id}, which was revoked; it stays revoked`);
      report.keys.existing++;
    };

    const rest = async (tx: Repositories, accountId: string) => {
      for (const [j, u] of (a.users ?? []).entries()) await upsertUser(tx, accountId, u, `${path}.users[${j}]`);
      for (const [j, k] of (a.keys ?? []).entries()) await ensureKey(tx, accountId, k, `${path}.keys[${j}]`);
    };

    const byId = a.id === undefined ? undefined : await deps.store.accounts.get('*', a.id);
    const admin = await deps.store.users.getByEmail('*', a.admin.email);
    const accountId: string | undefined = byId?.id ?? (a.id === undefined ? admin?.accountId : undefined);
    if (a.id !== undefined && admin && admin.accountId !== a.id) fail(`${path}.admin.email ${a.admin.email} belongs to another account (${admin.accountId})`);

    if (accountId === undefined) {
      if (a.admin.loginName !== undefined) {
        const clash = await deps.store.users.getByLoginName(a.admin.loginName);
        if (clash) fail(`${path}.admin.loginName ${a.admin.loginName} is already used by user ${clash.id}`);
      }
      const plan = passwords.get(a.admin.email);
      await createAccount(
        deps,
        operatorActor('bootstrap'),
        {
          sendPassword: false,
          accountType: a.accountType ?? 'free',
          adminFirstname: a.admin.firstName,
          adminLastname: a.admin.lastName,
          adminEmail: a.admin.email,
          adminPreferredLanguage: a.admin.preferredLanguage ?? 'en',
          paidUntil: null,
          adminPasswordHash: plan === undefined || plan === 'keep' ? null : plan,
          ...(a.id === undefined ? {} : { id: a.id }),
          ...(a.name === undefined ? {} : { name: a.name }),
          ...(a.admin.timezone === undefined ? {} : { adminTimezone: a.admin.timezone }),
          ...(a.admin.loginName === undefined ? {} : { adminLoginName: a.admin.loginName }),
          ...(a.admin.unionId === undefined ? {} : { adminUnionId: a.admin.unionId }),
        },
        { inTx: (tx, { account }) => rest(tx, account.id) },
      );
      report.accounts.created++;
      report.users.created++;
      continue;
    }

    const id = accountId;
    await deps.store.transaction(async (tx) => {
      const account = await tx.accounts.get('*', id);
      if (!account) return fail(`${path}: account ${id} disappeared while the file was applied`);
      if (a.name !== undefined && a.name !== account.name) {
        await tx.accounts.update({ ...account, name: a.name, updatedAt: now() });
        report.accounts.updated++;
      } else report.accounts.unchanged++;
      if (a.accountType !== undefined && a.accountType !== account.accountType) {
        report.warnings.push(`${path}.accountType: account ${id} is "${account.accountType}"; the file's "${a.accountType}" applies only when the account is created`);
      }
      await upsertUser(tx, id, { ...a.admin, isAdmin: true }, `${path}.admin`);
      await rest(tx, id);
    });
  }
  return report;
}
