/**
 * Response shapes of the DingTalk routes (dingtalk-conference.md §6), typed exactly as the SDK's models
 * cast them: numbers as numbers, absent optional fields omitted (never null).
 */
import { displayName, type User } from '../../domain/accounts/User.js';
import type { Conference, DisconnectReason, Participant, RosterEntry } from '../../domain/live/types.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';

/** `<public base URL>/j/<roomCode>` (CROSS-DIALECT.md: /j/ accepts the roomCode). */
export function externalLink(publicUrl: string, meeting: Pick<Meeting, 'roomCode'>): string {
  return `${publicUrl}/j/${meeting.roomCode}`;
}

/** DingTalk `status` of a conference: 0 initialised, 1 ended, 2 started (FOUND enum). */
export function conferenceStatus(c: Conference | undefined): 0 | 1 | 2 {
  if (!c) return 0;
  return c.endedAt === null ? 2 : 1;
}

/** `rejectDescription` of a failed leg (media-and-sip.md §7 table, DESIGNED texts). */
export function rejectDescription(p: Participant): string | undefined {
  if (p.state !== 'failed') return undefined;
  if (p.rejectDescription) return p.rejectDescription;
  const texts: Partial<Record<DisconnectReason, string>> = {
    USER_BUSY: '对方忙',
    NO_ANSWER: '无人接听',
    USER_REJECTED: '对方已拒绝',
    INVALID_NUMBER: '号码无效',
    MEDIA_FAILURE: '媒体连接失败',
    SIP_TRUNK_FAILURE: '呼叫失败',
    MEETING_ENDED: '会议已结束',
    USER_UNAVAILABLE: '无人接听',
  };
  return p.reason ? texts[p.reason] : undefined;
}

/** `attendStatus` of a leg (media-and-sip.md §1.2, DingTalk column). */
export function attendStatus(p: Participant): number {
  switch (p.state) {
    case 'invited':
      return 1;
    case 'calling':
    case 'joining':
      return 2;
    case 'connected':
    case 'reconnecting':
      return 3;
    case 'left':
      return p.reason === 'PARTICIPANT_REMOVED' ? 5 : 6;
    case 'failed':
      return p.reason === 'PARTICIPANT_REMOVED' ? 5 : 4;
  }
}

/** One `memberModels[]` entry. */
export interface MemberModel {
  attendStatus: number;
  coHost: boolean;
  conferenceId: string;
  duration: number;
  host: boolean;
  joinTime: number;
  leaveTime: number;
  outerOrgMember: boolean;
  pstnJoin: boolean;
  /** Extra (not in the SDK's members model, dropped by it): why a call failed. */
  rejectDescription?: string;
  unionId: string;
  userNick: string;
}

/** Digits of an E.164 number for `pstn_<digits>`. */
function pstnId(phone: string | null): string {
  return `pstn_${(phone ?? '').replace(/[^0-9]/g, '')}`;
}

/**
 * Members of a conference (§6.5): legs grouped per person (a user with several legs is one member; a phone
 * number without a user is `pstn_<digits>`; a link guest `guest_<pid>`), plus roster entries of users never
 * called (`attendStatus` 1). Order: first invitation or join, then unionId.
 */
export function memberModels(meeting: Meeting, legs: Participant[], roster: RosterEntry[], users: Map<string, User>): MemberModel[] {
  const groups = new Map<string, Participant[]>();
  for (const p of [...legs].sort((a, b) => a.createdAt - b.createdAt)) {
    const key = p.userId ? `u:${p.userId}` : p.kind === 'phone' || p.kind === 'sip' ? pstnId(p.phone) : `guest_${p.id}`;
    const g = groups.get(key) ?? [];
    g.push(p);
    groups.set(key, g);
  }
  const out: Array<MemberModel & { first: number }> = [];
  for (const [key, g] of groups) {
    const last = g[g.length - 1] as Participant;
    const user = last.userId ? users.get(last.userId) : undefined;
    const joined = g.filter((p) => p.joinedAt !== null);
    const completed = joined.filter((p) => p.endedAt !== null);
    const reject = attendStatus(last) === 4 ? rejectDescription(last) : undefined;
    out.push({
      attendStatus: attendStatus(last),
      coHost: last.role === 'cohost',
      conferenceId: meeting.id,
      duration: completed.reduce((s, p) => s + ((p.endedAt as number) - (p.joinedAt as number)), 0),
      // The organizer is the conference's host (the one closeVideoConference accepts), whatever leg they are on.
      host: last.role === 'host' || (last.userId !== null && last.userId === meeting.addedByUserId),
      joinTime: Math.max(0, ...joined.map((p) => p.joinedAt as number)),
      leaveTime: Math.max(0, ...completed.map((p) => p.endedAt as number)),
      outerOrgMember: !user,
      pstnJoin: last.kind === 'phone' || last.kind === 'sip',
      ...(reject ? { rejectDescription: reject } : {}),
      unionId: user ? user.unionId : key.startsWith('u:') ? key.slice(2) : key,
      userNick: last.name,
      first: (g[0] as Participant).createdAt,
    });
  }
  const withLegs = new Set(legs.map((p) => p.userId).filter((u): u is string => u !== null));
  for (const e of roster) {
    if (!e.userId || withLegs.has(e.userId)) continue;
    const user = users.get(e.userId);
    if (!user) continue;
    withLegs.add(e.userId);
    out.push({
      attendStatus: 1,
      coHost: false,
      conferenceId: meeting.id,
      duration: 0,
      host: e.userId === meeting.addedByUserId,
      joinTime: 0,
      leaveTime: 0,
      outerOrgMember: false,
      pstnJoin: false,
      unionId: user.unionId,
      userNick: e.name,
      first: e.createdAt,
    });
  }
  out.sort((a, b) => a.first - b.first || (a.unionId < b.unionId ? -1 : a.unionId > b.unionId ? 1 : 0));
  return out.map(({ first: _first, ...m }) => m);
}

/** The `confInfo` of queryConferenceInfo (§6.4). */
export function confInfo(o: {
  meeting: Meeting;
  conference: Conference | undefined;
  legs: Participant[];
  creator: User | undefined;
  publicUrl: string;
}): Record<string, unknown> {
  const { meeting, conference, legs, creator } = o;
  const status = conferenceStatus(conference);
  const key = (p: Participant) => p.userId ?? (p.kind === 'phone' || p.kind === 'sip' ? pstnId(p.phone) : p.id);
  const active = new Set(legs.filter((p) => p.state === 'connected' || p.state === 'reconnecting').map(key));
  const attended = new Set(legs.filter((p) => p.joinedAt !== null).map(key));
  const invited = new Set(legs.filter((p) => p.invited).map(key));
  const ended = conference && conference.endedAt !== null ? conference.endedAt : undefined;
  return {
    activeNum: active.size,
    attendNum: attended.size,
    cloudRecordStatus: 0,
    ...(ended !== undefined && conference ? { confDuration: ended - conference.startedAt } : {}),
    conferenceId: meeting.id,
    creatorId: creator?.unionId ?? '',
    creatorNick: creator ? displayName(creator) || creator.email : meeting.addedByUserName,
    ...(ended !== undefined ? { endTime: ended } : {}),
    externalLinkUrl: externalLink(o.publicUrl, meeting),
    invitedNum: invited.size,
    minutesStatus: 0,
    roomCode: meeting.roomCode,
    startTime: conference ? conference.startedAt : meeting.startTime,
    status,
    title: meeting.topic,
  };
}
