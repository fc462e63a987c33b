/**
 * Join links, SIP URI, dial-in block and effective permissions of a meeting (webmeeting-v6 §8.9, §8.10,
 * §12.1). Pure computation: the same links go into E38/E39, the ICS feeds and the mails.
 *
 * The link shape follows CROSS-DIALECT.md (`<publicUrl>/j/<dddd-dddd-dddd-dddd>`), which wins over the
 * `/meeting/<meetingId>` example of webmeeting-v6 §8.9 (recorded in docs/webmeeting-v6.md, "Decisions").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Account, DialInNumber } from '../accounts/Account.js';
import { permissionFlagDefaults, type PermissionFlag, type PermissionFlags, type PermissionSet } from '../accounts/PermissionSet.js';
import type { DomainSettings } from '../deps.js';
import type { Repositories, Store } from '../ports.js';
import { formatMeetingNumber, type Meeting } from './Meeting.js';

/** The dial-in block of E38 (`dialIn`); null when the meeting has no dial-in. */
export interface DialInBlock {
  numbers: DialInNumber[];
  conferenceRoom: string;
  pin: string;
}

/** Everything E38 shows. */
export interface JoinLinks {
  /** The same for every occurrence of a series. */
  participantUrl: string;
  /** participantUrl with `?t=<hostToken>`. */
  moderatorUrl: string;
  /** `sip:<dialInConferenceRoom>@<sipDomain>`; null without dial-in or without a configured SIP domain. */
  sipUri: string | null;
  dialIn: DialInBlock | null;
  effectivePermissions: PermissionFlags;
}

/** Path prefix of the public join page (CROSS-DIALECT.md "Join links"). */
export const JOIN_PATH = '/j/';

/** `<publicUrl>/j/<dddd-dddd-dddd-dddd>`. */
export function participantUrl(settings: Pick<DomainSettings, 'publicUrl'>, meeting: Pick<Meeting, 'meetingNumber'>): string {
  return `${settings.publicUrl}${JOIN_PATH}${formatMeetingNumber(meeting.meetingNumber)}`;
}

/**
 * base64url(HMAC-SHA256(hostLinkSecret, meeting.id)) (§8.9). Recomputable, so nothing is stored; rotating the
 * secret invalidates every host link at once.
 */
export function hostToken(settings: Pick<DomainSettings, 'hostLinkSecret'>, meetingId: string): string {
  return createHmac('sha256', settings.hostLinkSecret).update(meetingId).digest('base64url');
}

/** True when `token` is the host token of `meetingId` (constant-time; for the web client's join page). */
export function isHostToken(settings: Pick<DomainSettings, 'hostLinkSecret'>, meetingId: string, token: string): boolean {
  const expected = Buffer.from(hostToken(settings, meetingId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** `participantUrl?t=<hostToken>`. */
export function moderatorUrl(settings: Pick<DomainSettings, 'publicUrl' | 'hostLinkSecret'>, meeting: Pick<Meeting, 'id' | 'meetingNumber'>): string {
  return `${participantUrl(settings, meeting)}?t=${hostToken(settings, meeting.id)}`;
}

/** `sip:<room>@<sipDomain>`, or null without dial-in data or SIP domain (§8.10 caller flow). */
export function sipUri(settings: Pick<DomainSettings, 'sipDomain'>, meeting: Pick<Meeting, 'isDialin' | 'dialInConferenceRoom'>): string | null {
  if (!meeting.isDialin || !meeting.dialInConferenceRoom || !settings.sipDomain) return null;
  return `sip:${meeting.dialInConferenceRoom}@${settings.sipDomain}`;
}

/**
 * The numbers a dial-in meeting of `account` shows (§8.10): the standard numbers when the account displays
 * them, then its custom numbers, de-duplicated by `number` (first wins).
 */
export function accountDialInNumbers(
  settings: Pick<DomainSettings, 'standardDialInNumbers'>,
  account: Pick<Account, 'displayStandardDialInNumbersInInvite' | 'customDialInNumbers'>,
): DialInNumber[] {
  const all = [...(account.displayStandardDialInNumbersInInvite ? settings.standardDialInNumbers : []), ...account.customDialInNumbers];
  const seen = new Set<string>();
  return all.filter((n) => (seen.has(n.number) ? false : (seen.add(n.number), true)));
}

/** The dial-in block, or null when the meeting has none. */
export function dialInBlock(
  settings: Pick<DomainSettings, 'standardDialInNumbers'>,
  account: Pick<Account, 'displayStandardDialInNumbersInInvite' | 'customDialInNumbers'>,
  meeting: Pick<Meeting, 'isDialin' | 'dialInConferenceRoom' | 'dialInPin'>,
): DialInBlock | null {
  if (!meeting.isDialin || meeting.dialInConferenceRoom === null || meeting.dialInPin === null) return null;
  return { numbers: accountDialInNumbers(settings, account), conferenceRoom: meeting.dialInConferenceRoom, pin: meeting.dialInPin };
}

/** The numbers as one line for invitations and ICS DESCRIPTION: display form when given, comma-separated. */
export function displayNumbers(numbers: DialInNumber[]): string {
  return numbers.map((n) => n.displayNumber ?? n.number).join(', ');
}

/**
 * The dial-in part of an ICS event (`renderCalendar`'s `IcsEvent.dialIn`): the numbers in display form, or
 * null when the meeting has no dial-in. Shared by the feeds and the mails so both print the same line.
 */
export function icsDialIn(
  settings: Pick<DomainSettings, 'standardDialInNumbers'>,
  account: Pick<Account, 'displayStandardDialInNumbersInInvite' | 'customDialInNumbers'>,
  meeting: Pick<Meeting, 'isDialin' | 'dialInConferenceRoom' | 'dialInPin'>,
): { displayNumbers: string[]; conferenceRoom: string; pin: string } | null {
  const block = dialInBlock(settings, account, meeting);
  return block && { displayNumbers: block.numbers.map((n) => n.displayNumber ?? n.number), conferenceRoom: block.conferenceRoom, pin: block.pin };
}

/**
 * Effective permissions (§12.1): the meeting's set, else the account default set, else the built-in
 * defaults. A set that no longer exists falls through to the next level (E49 nulls references in the same
 * transaction, so this only guards against a concurrent delete).
 */
export function effectivePermissions(meetingSet: PermissionSet | undefined, accountSet: PermissionSet | undefined): PermissionFlags {
  const source = meetingSet ?? accountSet;
  const flags = { ...permissionFlagDefaults } as PermissionFlags;
  if (source) for (const k of Object.keys(permissionFlagDefaults) as PermissionFlag[]) flags[k] = source[k];
  return flags;
}

/** Computes E38 from already loaded objects. */
export function joinLinks(
  settings: Pick<DomainSettings, 'publicUrl' | 'hostLinkSecret' | 'sipDomain' | 'standardDialInNumbers'>,
  meeting: Meeting,
  account: Account,
  sets: { meetingSet?: PermissionSet | undefined; accountSet?: PermissionSet | undefined } = {},
): JoinLinks {
  return {
    participantUrl: participantUrl(settings, meeting),
    moderatorUrl: moderatorUrl(settings, meeting),
    sipUri: sipUri(settings, meeting),
    dialIn: dialInBlock(settings, account, meeting),
    effectivePermissions: effectivePermissions(sets.meetingSet, sets.accountSet),
  };
}

/** Loads the permission sets a meeting refers to and computes E38. Reads only; no authorization here. */
export async function loadJoinLinks(
  repos: Pick<Store | Repositories, 'permissionSets'>,
  settings: Pick<DomainSettings, 'publicUrl' | 'hostLinkSecret' | 'sipDomain' | 'standardDialInNumbers'>,
  meeting: Meeting,
  account: Account,
): Promise<JoinLinks> {
  const meetingSet = meeting.meetingPermissionId ? await repos.permissionSets.get(account.id, meeting.meetingPermissionId) : undefined;
  const accountSet = !meetingSet && account.defaultMeetingPermissions ? await repos.permissionSets.get(account.id, account.defaultMeetingPermissions) : undefined;
  return joinLinks(settings, meeting, account, { meetingSet, accountSet });
}
