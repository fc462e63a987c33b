import { DomainError } from '../errors.js';
import { ALL_ACCOUNTS, type Scope } from '../ports.js';
import type { KeyLevel } from './ApiKey.js';
import type { User } from './User.js';

/**
 * Who is acting: the credential's level and account, plus the acting user when one is known
 * (webmeeting-v6 §3). Every command authorizes itself with the predicates below, so the dialects
 * cannot disagree about who may do what.
 */
export interface Actor {
  level: KeyLevel;
  /** The credential's account (null for instance level). */
  accountId: string | null;
  /** The acting organizer, when the request names one (or the account key's first admin). */
  user: User | null;
  /** Credential id, for idempotency scoping and audit. */
  credentialId: string;
}

/** The storage scope an actor may read. */
export function scopeOf(actor: Actor): Scope {
  return actor.level === 'instance' ? ALL_ACCOUNTS : (actor.accountId as string);
}

/** Only instance-level credentials. */
export function requireInstance(actor: Actor): void {
  if (actor.level !== 'instance') throw new DomainError('permission.denied', 'an instance-level key is required');
}

/** The actor may address this account at all (an account key names only its own account → else -3). */
export function requireAccountAccess(actor: Actor, accountId: string): void {
  if (actor.level === 'account' && actor.accountId !== accountId) {
    throw new DomainError('permission.denied', 'this key may not access that account');
  }
  if (actor.user && actor.user.accountId !== accountId) {
    throw new DomainError('permission.denied', 'the acting user belongs to another account');
  }
}

/** Account administration (users, rooms, permission sets): an admin acting user, or no acting user. */
export function requireAccountAdmin(actor: Actor, accountId: string): void {
  requireAccountAccess(actor, accountId);
  if (actor.user && !actor.user.isAdmin) throw new DomainError('permission.denied', 'the acting user is not an admin of the account');
}

/** A non-admin organizer may act only on meetings they organize (webmeeting-v6 §3.3). */
export function requireMeetingRight(actor: Actor, meeting: { accountId: string; addedByUserId: string }): void {
  requireAccountAccess(actor, meeting.accountId);
  if (actor.user && !actor.user.isAdmin && actor.user.id !== meeting.addedByUserId) {
    throw new DomainError('permission.denied', 'the acting user may act only on their own meetings');
  }
}

/** A non-admin may read/update only their own user record. */
export function requireUserRight(actor: Actor, target: { id: string; accountId: string }): void {
  requireAccountAccess(actor, target.accountId);
  if (actor.user && !actor.user.isAdmin && actor.user.id !== target.id) {
    throw new DomainError('permission.denied', 'the acting user may act only on their own user record');
  }
}
