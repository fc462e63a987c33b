/**
 * The live conference model (media-and-sip.md §1, huawei-meeting.md §3): a running conference of a meeting,
 * its roster of invitees, and one participant leg per attempt to bring someone in.
 */

/** Participant states (media-and-sip.md §1.2). `calling` has the progress sub-state dialing → ringing. */
export type ParticipantState = 'invited' | 'calling' | 'joining' | 'connected' | 'reconnecting' | 'left' | 'failed';
/** Progress inside `calling`. */
export type CallProgress = 'dialing' | 'ringing';

/** Why a leg ended: the closed enum of media-and-sip.md §1.3. */
export const disconnectReasons = [
  'CLIENT_LEFT',
  'PARTICIPANT_REMOVED',
  'MEETING_ENDED',
  'CONNECTION_LOST',
  'USER_REJECTED',
  'USER_UNAVAILABLE',
  'NO_ANSWER',
  'USER_BUSY',
  'INVALID_NUMBER',
  'SIP_TRUNK_FAILURE',
  'MEDIA_FAILURE',
] as const;
/** One disconnect reason. */
export type DisconnectReason = (typeof disconnectReasons)[number];

/** How a leg reaches the meeting. */
export type LegKind = 'app' | 'phone' | 'sip' | 'browser';
/** Domain roles (huawei-meeting.md §3.3): host ↔ chair, co-host flag, attendee. */
export type ParticipantRole = 'host' | 'cohost' | 'attendee';

/** One run of a meeting. */
export interface Conference {
  /** Huawei `confUUID`: 32 lower-case hex, assigned at start. */
  id: string;
  meetingId: string;
  accountId: string;
  startedAt: number;
  /** Null while running. */
  endedAt: number | null;
  endReason: DisconnectReason | null;
  locked: boolean;
  /** Mute-all mode: legs joining later are muted too (huawei-meeting.md §6.13). */
  muteAll: boolean;
  /** In mute-all, whether participants may unmute themselves. */
  allowUnmuteByOneself: boolean;
  /** Participant cap (live legs). */
  maxParticipants: number;
  /** Who started it (user id), if a user did. */
  startedByUserId: string | null;
  /** The leg everyone's layout is pinned on (DingTalk focus, §6.12); absent/null = none. */
  focusParticipantId?: string | null;
}

/** Terminal types (huawei-meeting.md §3.4), stored lower-case. */
export type TerminalType =
  | 'normal'
  | 'terminal'
  | 'outside'
  | 'mobile'
  | 'ideahub'
  | 'board'
  | 'hwvision'
  | 'telepresence'
  | 'telephone'
  | 'customnumber'
  | 'anonymous';

/** An invitee on the roster (stays after hang-up; huawei-meeting.md §3.1). */
export interface RosterEntry {
  id: string;
  meetingId: string;
  accountId: string;
  /** Position on the roster (roster order). */
  position: number;
  name: string;
  /** The Convene user this entry is, when resolved. */
  userId: string | null;
  /** Normalised phone / SIP URI / directory number. */
  phone: string | null;
  email: string | null;
  sms: string | null;
  type: TerminalType;
  /** Intended role: 1 host, 0 ordinary (Huawei `role`). */
  hostRole: boolean;
  joinMuted: boolean;
  deptUuid: string | null;
  deptName: string | null;
  createdAt: number;
}

/** One call leg. */
export interface Participant {
  /** 32 lower-case hex (`pid`). */
  id: string;
  conferenceId: string;
  meetingId: string;
  accountId: string;
  rosterId: string | null;
  kind: LegKind;
  userId: string | null;
  name: string;
  /** Number/URI dialled, or the user's directory number for app legs. */
  phone: string | null;
  state: ParticipantState;
  progress: CallProgress | null;
  reason: DisconnectReason | null;
  sipStatusCode: number | null;
  /** DingTalk `rejectDescription` (a decline message). */
  rejectDescription: string | null;
  role: ParticipantRole;
  /** Audio not forwarded. */
  muted: boolean;
  /** Muted by the host (self-unmute may be refused in mute-all without allowUnmuteByOneself). */
  mutedByHost: boolean;
  handRaised: boolean;
  video: boolean;
  /** Whether the leg was an invitation (calls) or a self-join. */
  invited: boolean;
  createdAt: number;
  joinedAt: number | null;
  endedAt: number | null;
  /** Which network carried a phone/SIP leg (`simulated` or `sip`). */
  network: 'simulated' | 'sip' | null;
}

/** Live states: the leg counts as present (Huawei `participants`). */
export const liveStates: readonly ParticipantState[] = ['calling', 'joining', 'connected', 'reconnecting'];
/** True when the leg is live. */
export function isLive(p: Pick<Participant, 'state'>): boolean {
  return liveStates.includes(p.state);
}

/** Types of live domain events (media-and-sip.md §1.2). */
export type LiveEventType =
  | 'conference.started'
  | 'conference.ended'
  | 'conference.updated'
  | 'participant.invited'
  | 'participant.calling'
  | 'participant.ringing'
  | 'participant.joining'
  | 'participant.joined'
  | 'participant.reconnecting'
  | 'participant.reconnected'
  | 'participant.left'
  | 'participant.failed'
  | 'participant.updated';

/** A persisted live event; `seq` is per meeting and shared with the webhook sequence. */
export interface LiveEvent {
  id: string;
  meetingId: string;
  conferenceId: string;
  accountId: string;
  participantId: string | null;
  type: LiveEventType;
  /** The participant or conference snapshot after the change, plus extra facts (reason, by, …). */
  data: Record<string, unknown>;
  occurredAt: number;
  seq: number;
}

/** Who acts on a live conference: every dialect's credential maps onto this (policies in livePolicies.ts). */
export interface LiveActor {
  accountId: string;
  /** May control the conference (chair token, organizer/admin, host or co-host in the client). */
  canControl: boolean;
  /** Bound to one meeting (Huawei control tokens), or null for account-wide credentials. */
  meetingId: string | null;
  /** Display name used as the inviter's name in ringing calls. */
  name: string;
  /** The participant leg acting (realtime clients), if any. */
  participantId?: string | null;
  /** The user acting, if any. */
  userId?: string | null;
}
