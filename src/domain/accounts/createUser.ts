import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { newUser } from './newUser.js';
import { queuePasswordMail } from './passwordMail.js';
import { requireAccountAdmin, type Actor } from './policies.js';
import type { User } from './User.js';

/** Input of createUser (webmeeting-v6 §7.2 UserInput), already validated and normalised by the dialect. */
export interface CreateUserInput {
  /** Lower-case; unique in the whole instance. */
  email: string;
  /** 1..100 characters. */
  firstName: string;
  /** 1..100 characters. */
  lastName: string;
  /** `en | de | fr | it`; default `en`. */
  preferredLanguage?: string;
  /** IANA zone; default settings.defaultUserTimezone. */
  timezone?: string;
  /** Up to 10 IANA zones; default []. */
  additionalTimezones?: string[];
  /** Up to 255 characters, not unique; default null. */
  externalUserId?: string | null;
  /** Default false. */
  isAdmin?: boolean;
  /** Queue a set-password mail (§8.13); default false. */
  sendPassword?: boolean;
}

/**
 * Creates a meeting organizer (or admin) of an account in one transaction (webmeeting-v6 E10, and E7 with
 * `isAdmin: true`).
 * @throws DomainError permission.denied (other account, non-admin acting user), account.not_found,
 *   account.limit_reached (`numberOfMeetingOrganizers` reached, §6.2 canAddMeetingOrganizer),
 *   user.email_taken (the email is used anywhere in the instance, also when a concurrent create wins the race).
 */
export async function createUser(deps: Deps, actor: Actor, accountId: string, input: CreateUserInput): Promise<User> {
  requireAccountAdmin(actor, accountId);
  let user: User;
  try {
    user = await deps.store.transaction(async (tx) => {
      // Locked first: concurrent creations then count one after another, so the limit holds on PostgreSQL too.
      const account = await tx.accounts.getForUpdate(accountId, accountId);
      if (!account) throw new DomainError('account.not_found', 'account not found', [{ field: 'path.accountId', code: 'notFound', message: 'no such account' }]);
      const count = await tx.users.count(accountId);
      if (account.numberOfMeetingOrganizers !== 0 && count >= account.numberOfMeetingOrganizers) {
        throw new DomainError('account.limit_reached', 'the account has reached numberOfMeetingOrganizers', [
          { field: null, code: 'limit', message: `the account may have at most ${account.numberOfMeetingOrganizers} meeting organizers` },
        ]);
      }
      if (await tx.users.getByEmail('*', input.email)) throw emailTaken();
      // The Huawei login name defaults to the email, but an older user may still hold this address as login
      // name after changing their email; a suffix keeps the instance-wide unique login name free.
      const loginTaken = await tx.users.getByLoginName(input.email);
      const created = newUser(deps.ids, deps.clock.now(), {
        accountId,
        email: input.email,
        firstName: input.firstName,
        lastName: input.lastName,
        externalUserId: input.externalUserId ?? null,
        preferredLanguage: input.preferredLanguage ?? 'en',
        timezone: input.timezone ?? deps.settings.defaultUserTimezone,
        additionalTimezones: input.additionalTimezones ?? [],
        isAdmin: input.isAdmin ?? false,
        ...(loginTaken ? { loginName: `${input.email}.${deps.ids.hex(6)}` } : {}),
      });
      await tx.users.insert(created);
      if (input.sendPassword) await queuePasswordMail(tx, deps, created, 'userCreated');
      return created;
    });
  } catch (e) {
    // A concurrent create with the same email loses the unique-constraint race: still -11, never -99 (§4.1).
    if (e instanceof DomainError && e.code === 'user.email_taken') throw emailTaken();
    throw e;
  }
  deps.notifyOutbox();
  return user;
}

/** The -11 answer, naming the field. */
export function emailTaken(): DomainError {
  return new DomainError('user.email_taken', 'a user with this email already exists', [{ field: 'email', code: 'conflict', message: 'this email address is already in use' }]);
}
