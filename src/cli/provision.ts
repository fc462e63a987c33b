/**
 * Provisioning steps shared by the admin CLI and the bootstrap file, plus the JSON shapes the CLI prints.
 * Accounts are made by the `createAccount` command; users by `newUser` and the store, with the uniqueness
 * rules of CROSS-DIALECT.md checked first so the operator reads which identity clashes.
 */
import type { Account } from '../domain/accounts/Account.js';
import type { ApiKey } from '../domain/accounts/ApiKey.js';
import { newUser, type NewUserFields } from '../domain/accounts/newUser.js';
import type { Actor } from '../domain/accounts/policies.js';
import type { User } from '../domain/accounts/User.js';
import type { Deps } from '../domain/deps.js';
import type { Repositories } from '../domain/ports.js';
import { CliError } from './checks.js';

/** The actor of every CLI and bootstrap command: the operator, at instance level. */
export function operatorActor(credentialId: 'cli' | 'bootstrap' = 'cli'): Actor {
  return { level: 'instance', accountId: null, user: null, credentialId };
}

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

/** An account as the CLI prints it. */
export function presentAccount(a: Account) {
  return {
    id: a.id,
    name: a.name,
    accountType: a.accountType,
    paidUntil: iso(a.paidUntil),
    numberOfMeetings: a.numberOfMeetings,
    numberOfMeetingOrganizers: a.numberOfMeetingOrganizers,
    numberOfMeetingRooms: a.numberOfMeetingRooms,
    createdAt: iso(a.createdAt),
  };
}

/**
 * A user as the CLI prints it: every identity each dialect knows the user by (CROSS-DIALECT.md), never the
 * password hash.
 */
export function presentUser(u: User) {
  return {
    id: u.id,
    accountId: u.accountId,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    isAdmin: u.isAdmin,
    timezone: u.timezone,
    preferredLanguage: u.preferredLanguage,
    hasPassword: u.passwordHash !== null,
    loginName: u.loginName,
    huaweiUserUuid: u.huaweiUserUuid,
    unionId: u.unionId,
    icsPath: `/api/v6/meeting/calender/user/${u.icsToken}`,
    createdAt: iso(u.createdAt),
  };
}

/** An API key as the CLI prints it (the hash never leaves the database). */
export function presentKey(k: ApiKey) {
  return {
    id: k.id,
    level: k.level,
    accountId: k.accountId,
    permissions: k.permissions,
    name: k.name,
    createdAt: iso(k.createdAt),
    revokedAt: iso(k.revokedAt),
  };
}

/**
 * Refuses identities that another user holds: the email and login name are unique in the instance, the
 * unionId within the account. `self` is the user being updated, whose own values do not clash.
 */
export async function checkIdentities(tx: Repositories, f: { accountId: string; email?: string; loginName?: string; unionId?: string }, self?: User): Promise<void> {
  if (f.email !== undefined) {
    const other = await tx.users.getByEmail('*', f.email);
    if (other && other.id !== self?.id) throw new CliError(`email ${f.email} is already used by user ${other.id} of account ${other.accountId}`);
  }
  if (f.loginName !== undefined) {
    const other = await tx.users.getByLoginName(f.loginName);
    if (other && other.id !== self?.id) throw new CliError(`login name ${f.loginName} is already used by user ${other.id}`);
  }
  if (f.unionId !== undefined) {
    const other = await tx.users.getByUnionId(f.accountId, f.unionId);
    if (other && other.id !== self?.id) throw new CliError(`unionId ${f.unionId} is already used by user ${other.id} of this account`);
  }
}

/**
 * Adds an organizer to an existing account inside the caller's transaction. The operator is not bound by
 * the account's `numberOfMeetingOrganizers` limit, which is a limit for the tenant's own API calls.
 */
export async function addUser(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock'>, fields: NewUserFields): Promise<User> {
  const email = fields.email.toLowerCase();
  await checkIdentities(tx, { accountId: fields.accountId, email, loginName: fields.loginName ?? email, ...(fields.unionId === undefined ? {} : { unionId: fields.unionId }) });
  const user = newUser(deps.ids, deps.clock.now(), { ...fields, email });
  await tx.users.insert(user);
  return user;
}
