/**
 * Everything a dialect needs to present a meeting besides the stored row: the computed state flags
 * (§8.7), the instance constants and the dial-in numbers (§8.10); and how an actor reads a meeting at all
 * (scope and rights, §3.1, §3.3).
 */
import type { Account, DialInNumber } from '../accounts/Account.js';
import { requireMeetingRight, type Actor } from '../accounts/policies.js';
import type { DomainSettings } from '../deps.js';
import { DomainError } from '../errors.js';
import { ALL_ACCOUNTS, type Repositories, type Scope } from '../ports.js';
import { accountDialInNumbers } from './joinLinks.js';
import type { Meeting } from './Meeting.js';
import type { Occurrence } from './recurrence.js';
import { meetingState, type MeetingState } from './state.js';

/** A meeting with its computed fields. */
export interface MeetingView extends MeetingState {
  meeting: Meeting;
  whitelabelId: string;
  /** `[]` when the meeting has no dial-in. */
  dialInNumbers: DialInNumber[];
  /** null when the meeting has no dial-in (FOUND, C5). */
  sipProxy: string | null;
  sipDomain: string | null;
  /** Set on the per-occurrence copies of `expand=true` lists (§8.5). */
  occurrence?: Occurrence;
}

/** The settings a view reads. */
export type ViewSettings = Pick<
  DomainSettings,
  'whitelabelId' | 'standardDialInNumbers' | 'sipProxy' | 'sipDomain' | 'earlyJoinMin' | 'autoExtendMin' | 'closeGraceMin' | 'horizonDays'
>;

/** Computes the view of `meeting` (of `account`) at `now`. */
export function meetingView(settings: ViewSettings, account: Account, meeting: Meeting, now: number): MeetingView {
  const dial = meeting.isDialin;
  return {
    meeting,
    whitelabelId: settings.whitelabelId,
    ...meetingState(meeting, account, settings, now),
    dialInNumbers: dial ? accountDialInNumbers(settings, account) : [],
    sipProxy: dial ? settings.sipProxy : null,
    sipDomain: dial ? settings.sipDomain : null,
  };
}

/** The per-occurrence copy of a view (§8.5 `expand=true`): same flags, the occurrence's times and texts. */
export function occurrenceView(view: MeetingView, occurrence: Occurrence): MeetingView {
  return { ...view, occurrence };
}

/**
 * The storage scope in which `actor` looks meetings up: the key's account, or with an instance key the
 * acting user's account when one is named. A meeting of another account is then simply not found (-5),
 * so other tenants' ids cannot be probed (§3.1).
 */
export function meetingScope(actor: Actor): Scope {
  if (actor.level === 'account') return actor.accountId as string;
  return actor.user ? actor.user.accountId : ALL_ACCOUNTS;
}

/**
 * Loads a not-deleted meeting the actor may act on. `field` names the input that carried the id in the
 * error details (a dialect's path or body field), or null.
 * @throws DomainError meeting.not_found (missing, deleted or outside the actor's scope), permission.denied
 *   (a non-admin organizer and someone else's meeting).
 */
export async function loadMeetingFor(repos: Pick<Repositories, 'meetings'>, actor: Actor, id: string, field: string | null = null): Promise<Meeting> {
  const meeting = await repos.meetings.get(meetingScope(actor), id);
  if (!meeting) throw new DomainError('meeting.not_found', 'meeting not found', [{ field, code: 'notFound', message: 'no such meeting' }]);
  requireMeetingRight(actor, meeting);
  return meeting;
}

/** Loads the account of a meeting (it exists while the meeting is not deleted). */
export async function loadMeetingAccount(repos: Pick<Repositories, 'accounts'>, meeting: Pick<Meeting, 'accountId'>): Promise<Account> {
  const account = await repos.accounts.get(meeting.accountId, meeting.accountId);
  if (!account) throw new DomainError('account.not_found', 'the meeting\u2019s account does not exist');
  return account;
}
