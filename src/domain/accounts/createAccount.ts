import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { Account, AccountType, DialInNumber, MeetingType } from './Account.js';
import { newUser } from './newUser.js';
import { queuePasswordMail } from './passwordMail.js';
import { requireInstance, type Actor } from './policies.js';
import type { User } from './User.js';

/** Input of createAccount (webmeeting-v6 §6.1), already validated and normalised by the dialect. */
export interface CreateAccountInput {
  /** Queue a set-password mail for the first admin. */
  sendPassword: boolean;
  accountType: AccountType;
  adminFirstname: string;
  adminLastname: string;
  /** Lower-case; must be unused in the instance. */
  adminEmail: string;
  adminPreferredLanguage: string;
  /** Ignored for trial accounts (creation + trialDays, C7). */
  paidUntil: number | null;
  /** Default: adminEmail. */
  name?: string;
  /** Default: settings.defaultUserTimezone. */
  adminTimezone?: string;
  adminExternalUserId?: string | null;
  numberOfMeetings?: number;
  numberOfMeetingOrganizers?: number;
  numberOfMeetingRooms?: number;
  iceCandidatesToFilter?: string[];
  customDialInNumbers?: DialInNumber[];
  displayStandardDialInNumbersInInvite?: boolean;
  defaultMeetingType?: MeetingType;
  defaultMeetingHasDialin?: boolean;
  defaultMeetingHasRecording?: boolean;
  autoExtendMeetings?: boolean;
  autoDeleteMeetingsAfterXDays?: number;
  /** Password hash for the first admin (CLI / bootstrap); the API never sets it. */
  adminPasswordHash?: string | null;
  /** Fixed 24-hex account id (bootstrap files, for stand-ins that need stable ids); default generated. */
  id?: string;
  /** Huawei login name of the first admin (bootstrap); default the email. */
  adminLoginName?: string;
  /** DingTalk unionId of the first admin (bootstrap); default generated. */
  adminUnionId?: string;
}

/**
 * Creates an account and its first admin in one transaction (webmeeting-v6 §6.3).
 * @throws DomainError permission.denied (not instance level), account.already_exists (email in use).
 */
export async function createAccount(deps: Deps, actor: Actor, input: CreateAccountInput, opts: { inTx?: (tx: import('../ports.js').Repositories, result: { account: Account; admin: User }) => Promise<void> } = {}): Promise<{ account: Account; admin: User }> {
  requireInstance(actor);
  const now = deps.clock.now();
  const account: Account = {
    id: input.id ?? deps.ids.objectId(),
    name: input.name ?? input.adminEmail,
    accountType: input.accountType,
    paidUntil: input.accountType === 'trial' ? now + deps.settings.trialDays * 86_400_000 : input.paidUntil,
    numberOfMeetings: input.numberOfMeetings ?? 0,
    numberOfMeetingOrganizers: input.numberOfMeetingOrganizers ?? 0,
    numberOfMeetingRooms: input.numberOfMeetingRooms ?? 1,
    iceCandidatesToFilter: input.iceCandidatesToFilter ?? [],
    customDialInNumbers: input.customDialInNumbers ?? [],
    displayStandardDialInNumbersInInvite: input.displayStandardDialInNumbersInInvite ?? true,
    defaultMeetingPermissions: null,
    defaultMeetingType: input.defaultMeetingType ?? 'standard',
    defaultMeetingHasDialin: input.defaultMeetingHasDialin ?? false,
    defaultMeetingHasRecording: input.defaultMeetingHasRecording ?? false,
    autoExtendMeetings: input.autoExtendMeetings ?? false,
    autoDeleteMeetingsAfterXDays: input.autoDeleteMeetingsAfterXDays ?? 360,
    createdAt: now,
    updatedAt: now,
  };
  const admin = newUser(deps.ids, now, {
    accountId: account.id,
    email: input.adminEmail,
    firstName: input.adminFirstname,
    lastName: input.adminLastname,
    externalUserId: input.adminExternalUserId ?? null,
    preferredLanguage: input.adminPreferredLanguage,
    timezone: input.adminTimezone ?? deps.settings.defaultUserTimezone,
    isAdmin: true,
    passwordHash: input.adminPasswordHash ?? null,
    ...(input.adminLoginName === undefined ? {} : { loginName: input.adminLoginName }),
    ...(input.adminUnionId === undefined ? {} : { unionId: input.adminUnionId }),
  });
  const result = { account, admin };
  try {
    await deps.store.transaction(async (tx) => {
      if (await tx.users.getByEmail('*', admin.email)) throw new DomainError('account.already_exists', 'adminEmail is already in use');
      await tx.accounts.insert(account);
      await tx.users.insert(admin);
      if (input.sendPassword) await queuePasswordMail(tx, deps, admin, 'accountCreated');
      if (opts.inTx) await opts.inTx(tx, result);
    });
  } catch (e) {
    // A concurrent create with the same email loses the unique-constraint race: still -10, never -99 (§4.1).
    if (e instanceof DomainError && e.code === 'user.email_taken') throw new DomainError('account.already_exists', 'adminEmail is already in use');
    throw e;
  }
  deps.notifyOutbox();
  return result;
}
