/**
 * Presenters of the Huawei sign-in and management answers (huawei-meeting.md §2.2, §6.2–§6.6): domain
 * objects in, wire objects out, keys in the vendor's order. Vendor fields never reach the domain; the
 * Huawei-only meeting settings come from the dialect's own record (`HuaweiMeetingExtras`).
 */
import type { Account } from '../../domain/accounts/Account.js';
import { displayName, type User } from '../../domain/accounts/User.js';
import type { AccessToken } from '../../domain/credentials/ports.js';
import type { AdminType } from '../../domain/credentials/signInWithPassword.js';
import type { DomainSettings } from '../../domain/deps.js';
import type { Conference, RosterEntry, TerminalType } from '../../domain/live/types.js';
import { moderatorUrl, participantUrl } from '../../domain/meetings/joinLinks.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import type { MeetingSecrets } from '../../domain/ports.js';
import type { ConfConfigInfo } from './managementInput.js';

/** Epoch ms → `yyyy-MM-dd HH:mm` in UTC (FOUND format). */
export function formatHuaweiTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

// ---------------------------------------------------------------------------------------------------------
// H1 / H2

/** What a sign-in answer is made of. */
export interface AuthAnswer {
  user: User;
  adminType: AdminType;
  token: { token: string; record: AccessToken } | null;
  /** When no token was created (`createTokenType` 1): the instant the answer describes. */
  at: number;
  clientType: number;
  ip: string;
  /** H2 only. */
  appId?: string;
}

/** Seconds of a token's 24 h life (`validPeriod` on creation). */
const VALID_PERIOD_S = 86_400;

/** The H1/H2 answer (§2.2: exactly these keys; `user.appId` only for H2; `accessToken` omitted for createTokenType 1). */
export function presentAuth(a: AuthAnswer) {
  const createdAt = a.token?.record.createdAt ?? a.at;
  const expiresAt = a.token?.record.expiresAt ?? a.at + VALID_PERIOD_S * 1000;
  return {
    ...(a.token ? { accessToken: a.token.token } : {}),
    tokenIp: a.ip,
    validPeriod: Math.max(0, Math.round((expiresAt - createdAt) / 1000)),
    expireTime: Math.floor(expiresAt / 1000),
    createTime: createdAt,
    clientType: a.clientType,
    tokenType: 0,
    firstLogin: false,
    pwdExpired: false,
    delayDelete: false,
    user: {
      userId: a.user.huaweiUserUuid,
      ucloginAccount: a.user.loginName,
      serviceAccount: a.user.directoryNumber,
      name: displayName(a.user) || a.user.email,
      userType: 2,
      adminType: a.adminType,
      companyId: a.user.accountId,
      status: 0,
      corpType: 0,
      ...(a.appId !== undefined ? { appId: a.appId } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// ConferenceInfo

/**
 * The Huawei-only settings of a meeting created through this dialect (mediaTypes, language, confConfigInfo,
 * per-invitee extras). Meetings made by other dialects have none; their defaults are derived.
 */
export interface HuaweiMeetingExtras {
  mediaTypes: string;
  language: 'zh-CN' | 'en-US';
  timeZoneID: string | null;
  confType: 'FUTURE' | 'IMMEDIATELY';
  concurrentParticipants: number;
  encryptMode: number | null;
  groupuri: string | null;
  confConfigInfo: ConfConfigInfo;
  /** Per roster entry id: what the roster itself does not keep. */
  attendees: Record<string, { isAutoInvite: 0 | 1; phone2?: string; phone3?: string; address?: string; appId?: string }>;
}

/** `conferenceState` (FOUND enum; `Creating` is never emitted). */
export type ConferenceState = 'Schedule' | 'Created' | 'Destroyed';

/** Everything a ConferenceInfo is made of, loaded by management.ts. */
export interface ConferenceView {
  meeting: Meeting;
  account: Account;
  organizer: User | undefined;
  secrets: MeetingSecrets;
  roster: RosterEntry[];
  /** Users of roster entries that are users, by id. */
  users: Map<string, User>;
  running: Conference | null;
  state: ConferenceState;
  /** The start and end shown (the current or next occurrence of a series). */
  startTime: number;
  endTime: number;
  extras: HuaweiMeetingExtras | null;
}

/** Terminal types shown as hard terminals (`terminlCount`); everything else is a soft client (`normalCount`). */
const TERMINALS: readonly TerminalType[] = ['terminal', 'ideahub', 'board', 'hwvision', 'telepresence'];

/** What a viewer sees (§3.3): the chair gets both passwords and the host link, a general viewer the guest side only. */
export type ViewerRole = 'chair' | 'general';

/** Options of presentConferenceInfo. */
export interface ConferenceInfoOptions {
  viewer: ViewerRole;
  /** H3 and H6 list the first 20 soft-client and 20 terminal invitees. */
  withAttendees: boolean;
  /** H5: connected legs. */
  onlineAttendeeAmount?: number;
  /** H6: the caller's own role. */
  withRole?: boolean;
}

/** Media types of a meeting made elsewhere, from its video resolution. */
function derivedMediaTypes(m: Meeting): string {
  return m.videoResolution === 'standard' ? 'Data,Voice,Video' : 'Data,Voice,HDVideo';
}

/** `language` of a meeting made elsewhere: from its organizer's preferred language (§6.4, XD). */
export function languageFor(user: Pick<User, 'preferredLanguage'> | undefined): 'zh-CN' | 'en-US' {
  return user?.preferredLanguage.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

/** A ConferenceInfo (§6.4 key order). */
export function presentConferenceInfo(settings: Pick<DomainSettings, 'publicUrl' | 'hostLinkSecret'>, v: ConferenceView, o: ConferenceInfoOptions) {
  const { meeting, extras } = v;
  const soft = v.roster.filter((e) => !TERMINALS.includes(e.type));
  const hard = v.roster.filter((e) => TERMINALS.includes(e.type));
  const passwordEntry =
    o.viewer === 'chair'
      ? [
          { conferenceRole: 'chair', password: v.secrets.chairPassword },
          { conferenceRole: 'general', password: v.secrets.guestPassword },
        ]
      : [{ conferenceRole: 'general', password: v.secrets.guestPassword }];
  return {
    conferenceID: meeting.conferenceId,
    mediaTypes: extras?.mediaTypes ?? derivedMediaTypes(meeting),
    subject: meeting.topic,
    size: v.roster.length,
    ...(extras?.timeZoneID ? { timeZoneID: extras.timeZoneID } : {}),
    startTime: formatHuaweiTime(v.startTime),
    endTime: formatHuaweiTime(v.endTime),
    conferenceState: v.state,
    language: extras?.language ?? languageFor(v.organizer),
    passwordEntry,
    userUUID: v.organizer?.huaweiUserUuid ?? '',
    scheduserName: meeting.addedByUserName,
    conferenceType: 0,
    confType: extras?.confType ?? 'FUTURE',
    isAutoMute: extras?.confConfigInfo.isAutoMute ? 1 : 0,
    isAutoRecord: 0,
    // The chair link makes its bearer chair: only for those who may see the chair password.
    ...(o.viewer === 'chair' ? { chairJoinUri: moderatorUrl(settings, meeting) } : {}),
    guestJoinUri: participantUrl(settings, meeting),
    recordType: 0,
    confConfigInfo: extras?.confConfigInfo ?? {},
    terminlCount: hard.length,
    normalCount: soft.length,
    ...(v.running ? { confUUID: v.running.id } : {}),
    ...(o.withAttendees ? { partAttendeeInfo: [...soft.slice(0, 20), ...hard.slice(0, 20)].map((e) => presentPartAttendee(e, extras)) } : {}),
    vmrFlag: 0,
    concurrentParticipants: extras?.concurrentParticipants ?? 0,
    confMode: 'RTC',
    ...(o.onlineAttendeeAmount !== undefined ? { onlineAttendeeAmount: o.onlineAttendeeAmount } : {}),
    ...(o.withRole ? { role: o.viewer } : {}),
  };
}

function presentPartAttendee(e: RosterEntry, extras: HuaweiMeetingExtras | null) {
  const x = extras?.attendees[e.id];
  return {
    name: e.name,
    ...(e.phone !== null ? { phone: e.phone } : {}),
    ...(x?.phone2 ? { phone2: x.phone2 } : {}),
    ...(x?.phone3 ? { phone3: x.phone3 } : {}),
    type: e.type,
    role: e.hostRole ? 1 : 0,
    isMute: e.joinMuted ? 1 : 0,
  };
}

/** One invitee of H6 (Go `ParticipantInfo`); absent values are omitted. `state` is always "MEETTING" (sic, FOUND). */
export function presentInvitee(e: RosterEntry, user: User | undefined, extras: HuaweiMeetingExtras | null) {
  const x = extras?.attendees[e.id];
  return {
    ...(e.phone !== null ? { participantID: e.phone } : {}),
    name: e.name,
    role: e.hostRole ? 1 : 0,
    state: 'MEETTING',
    ...(x?.address ? { address: x.address } : {}),
    attendeeType: e.type,
    ...(user ? { accountId: user.loginName } : {}),
    ...(x?.phone2 ? { phone2: x.phone2 } : {}),
    ...(x?.phone3 ? { phone3: x.phone3 } : {}),
    ...(e.email !== null ? { email: e.email } : {}),
    ...(e.sms !== null ? { sms: e.sms } : {}),
    ...(e.deptName !== null ? { deptName: e.deptName } : {}),
    ...(user ? { userUUID: user.huaweiUserUuid } : {}),
    ...(x?.appId ? { appId: x.appId } : {}),
    ...(x ? { isAutoInvite: x.isAutoInvite } : {}),
    isNotOverlayPidName: false,
  };
}
