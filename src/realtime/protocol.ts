/**
 * The realtime channel's wire protocol (ARCHITECTURE.md §4.9, media-and-sip.md §2.1 and §7): every message is
 * a JSON object whose `type` discriminates it. Client requests carry an `id`; the server answers each with
 * exactly one `response` carrying the same `id`, and always sends a response before any notification that
 * the request caused. docs/realtime-protocol.md is the prose version of this file.
 *
 * This module imports nothing but TypeBox, so the browser client can import it as it is. The enums below
 * repeat the domain's (src/domain/live/types.ts); src/realtime/protocolCheck.ts fails the typecheck if they
 * ever disagree.
 */
import { Type, type Static } from 'typebox';

// ── Shared pieces ──────────────────────────────────────────────────────────────────────────────────────────

/** A request id chosen by the client: a non-negative integer or a short string. */
export const RequestId = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1, maxLength: 64 })]);
export type RequestId = Static<typeof RequestId>;

/** A participant leg id (`pid`): 32 lower-case hex. Calls are identified by the pid of their leg. */
export const Pid = Type.String({ pattern: '^[0-9a-f]{32}$' });

/** Why a leg ended (media-and-sip.md §1.3). */
export const DisconnectReasonSchema = Type.Union([
  Type.Literal('CLIENT_LEFT'),
  Type.Literal('PARTICIPANT_REMOVED'),
  Type.Literal('MEETING_ENDED'),
  Type.Literal('CONNECTION_LOST'),
  Type.Literal('USER_REJECTED'),
  Type.Literal('USER_UNAVAILABLE'),
  Type.Literal('NO_ANSWER'),
  Type.Literal('USER_BUSY'),
  Type.Literal('INVALID_NUMBER'),
  Type.Literal('SIP_TRUNK_FAILURE'),
  Type.Literal('MEDIA_FAILURE'),
]);
export type WireDisconnectReason = Static<typeof DisconnectReasonSchema>;

/**
 * Why a session ended: a leg's DisconnectReason, or SESSION_REPLACED (a newer socket took over the same leg,
 * close code 4003), or SERVER_SHUTDOWN (close code 1001).
 */
export const SessionEndReason = Type.Union([DisconnectReasonSchema, Type.Literal('SESSION_REPLACED'), Type.Literal('SERVER_SHUTDOWN')]);
export type SessionEndReason = Static<typeof SessionEndReason>;

/** Leg states (media-and-sip.md §1.2). */
export const ParticipantStateSchema = Type.Union([
  Type.Literal('invited'),
  Type.Literal('calling'),
  Type.Literal('joining'),
  Type.Literal('connected'),
  Type.Literal('reconnecting'),
  Type.Literal('left'),
  Type.Literal('failed'),
]);

/** One leg as rosters show it. Phone numbers and user ids are not shared with other participants. */
export const RosterParticipant = Type.Object({
  pid: Pid,
  name: Type.String(),
  kind: Type.Union([Type.Literal('app'), Type.Literal('phone'), Type.Literal('sip'), Type.Literal('browser')]),
  state: ParticipantStateSchema,
  /** Inside `calling`: dialing, then ringing. */
  progress: Type.Union([Type.Literal('dialing'), Type.Literal('ringing'), Type.Null()]),
  role: Type.Union([Type.Literal('host'), Type.Literal('cohost'), Type.Literal('attendee')]),
  muted: Type.Boolean(),
  handRaised: Type.Boolean(),
  /** Set once the leg has left or failed. */
  reason: Type.Union([DisconnectReasonSchema, Type.Null()]),
});
export type RosterParticipant = Static<typeof RosterParticipant>;

/** The conference-wide switches a client shows. */
export const ConferenceState = Type.Object({
  locked: Type.Boolean(),
  muteAll: Type.Boolean(),
  allowUnmuteByOneself: Type.Boolean(),
});
export type ConferenceState = Static<typeof ConferenceState>;

/** Why a ringing call was withdrawn (media-and-sip.md §7). */
export const CallCancelWhy = Type.Union([
  Type.Literal('answered_elsewhere'),
  Type.Literal('declined_elsewhere'),
  Type.Literal('timeout'),
  Type.Literal('cancelled'),
  Type.Literal('meeting_ended'),
]);
export type CallCancelWhy = Static<typeof CallCancelWhy>;

// ── Client → server: requests ─────────────────────────────────────────────────────────────────────────────

/** Must be the first message, within 5 s of connecting; otherwise the server closes with 4401. */
export const AuthRequest = Type.Object({
  type: Type.Literal('auth'),
  id: RequestId,
  /** A Convene session token (POST /auth/token) or a Huawei access token (X-Access-Token). */
  token: Type.String({ minLength: 1, maxLength: 512 }),
});

/** Joins the running conference of a meeting as the signed-in user. */
export const MeetingJoinRequest = Type.Object({
  type: Type.Literal('meeting.join'),
  id: RequestId,
  /** The meeting number (16 digits, dashes allowed), Huawei conferenceID (9), DingTalk roomCode (11) or the 24-hex meeting id. */
  meetingCode: Type.String({ minLength: 1, maxLength: 64 }),
});

/** Leaves the meeting (CLIENT_LEFT); the server answers, then closes the socket with 1000. */
export const MeetingLeaveRequest = Type.Object({
  type: Type.Literal('meeting.leave'),
  id: RequestId,
});

/** Mutes or unmutes oneself. */
export const MediaSetMutedRequest = Type.Object({
  type: Type.Literal('media.setMuted'),
  id: RequestId,
  /** Only audio until the SFU exists (video mute arrives with media.publish). */
  kind: Type.Literal('audio'),
  muted: Type.Boolean(),
});

/** A device shows the incoming call. */
export const CallRingingRequest = Type.Object({
  type: Type.Literal('call.ringing'),
  id: RequestId,
  callId: Pid,
});

/** Accepts an incoming call; the first accept wins. */
export const CallAcceptRequest = Type.Object({
  type: Type.Literal('call.accept'),
  id: RequestId,
  callId: Pid,
});

/** Declines an incoming call on every device. */
export const CallDeclineRequest = Type.Object({
  type: Type.Literal('call.decline'),
  id: RequestId,
  callId: Pid,
  /** Shown to the inviter (DingTalk rejectDescription); default 抱歉，正在开会. */
  message: Type.Optional(Type.String({ maxLength: 256 })),
});

/** The live legs of the meeting this socket is in. */
export const RosterGetRequest = Type.Object({
  type: Type.Literal('roster.get'),
  id: RequestId,
  /** The 24-hex meeting id (from the join or accept response). */
  meetingId: Type.String({ minLength: 1, maxLength: 64 }),
});

/** Everything a client may send. */
export const ClientMessage = Type.Union([
  AuthRequest,
  MeetingJoinRequest,
  MeetingLeaveRequest,
  MediaSetMutedRequest,
  CallRingingRequest,
  CallAcceptRequest,
  CallDeclineRequest,
  RosterGetRequest,
]);
export type ClientMessage = Static<typeof ClientMessage>;
/** The request types. */
export type RequestType = ClientMessage['type'];

// ── Server → client: responses ────────────────────────────────────────────────────────────────────────────

/** What each request answers with on success. */
export const ResponseData = {
  auth: Type.Object({ userId: Type.String(), accountId: Type.String(), name: Type.String() }),
  'meeting.join': Type.Object({
    meetingId: Type.String(),
    conferenceId: Type.String(),
    participantId: Pid,
    /** joined: a new leg; rejoined: the user's existing leg (reconnect, or this device took it over); answered: a ringing invitation. */
    outcome: Type.Union([Type.Literal('joined'), Type.Literal('rejoined'), Type.Literal('answered')]),
  }),
  'meeting.leave': Type.Object({}),
  'media.setMuted': Type.Object({ muted: Type.Boolean() }),
  'call.ringing': Type.Object({}),
  'call.accept': Type.Object({ meetingId: Type.String(), conferenceId: Type.String(), participantId: Pid }),
  'call.decline': Type.Object({}),
  'roster.get': Type.Object({
    meetingId: Type.String(),
    conferenceId: Type.String(),
    conference: ConferenceState,
    /** Live legs (calling, joining, connected, reconnecting), oldest first. */
    participants: Type.Array(RosterParticipant),
  }),
} satisfies Record<RequestType, unknown>;
/** The success data of request type T. */
export type ResponseDataOf<T extends RequestType> = Static<(typeof ResponseData)[T]>;

/** A successful answer. */
export const OkResponse = Type.Object({
  type: Type.Literal('response'),
  id: RequestId,
  ok: Type.Literal(true),
  data: Type.Unknown(),
});

/**
 * A failed answer. `code` is the domain error code (src/domain/errors.ts, e.g. `conference.locked`,
 * `call.already_answered`) or one of the channel's own codes (`ProtocolErrorCode`).
 */
export const ErrorResponse = Type.Object({
  type: Type.Literal('response'),
  id: RequestId,
  ok: Type.Literal(false),
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

/** The channel's own error codes (everything else is a domain code). */
export const ProtocolErrorCode = {
  /** The token is unknown, expired or revoked (the socket is then closed with 4401). */
  tokenInvalid: 'auth.token_invalid',
  /** A second `auth` on an authenticated socket. */
  alreadyAuthenticated: 'auth.already_authenticated',
  /** The message is not valid JSON or does not match the protocol. */
  invalidRequest: 'request.invalid',
  /** The request needs a socket that joined a meeting (or accepted a call). */
  notJoined: 'session.not_joined',
  /** The socket is already bound to a leg; one socket carries one leg. */
  alreadyJoined: 'session.already_joined',
  /** An unexpected failure (logged on the server, never detailed). */
  internal: 'internal.unexpected',
} as const;

// ── Server → client: notifications ────────────────────────────────────────────────────────────────────────

/** An app user is being called (sent to every socket of the user). */
export const CallIncoming = Type.Object({
  type: Type.Literal('call.incoming'),
  callId: Pid,
  meetingId: Type.String(),
  subject: Type.String(),
  inviter: Type.Object({ name: Type.String() }),
  media: Type.Object({ audio: Type.Literal(true), video: Type.Literal(true) }),
  /** The ring timeout, ms (counted from when the call was offered). */
  ringTimeoutMs: Type.Integer(),
  /** When the call stops ringing, epoch ms. */
  expiresAt: Type.Integer(),
});

/** A ringing call was withdrawn. */
export const CallCancelled = Type.Object({
  type: Type.Literal('call.cancelled'),
  callId: Pid,
  why: CallCancelWhy,
});

const participantFields = {
  meetingId: Type.String(),
  /** The meeting's event sequence number: notifications of one meeting arrive in rising seq. */
  seq: Type.Integer(),
  participant: RosterParticipant,
  /** For updates: what changed (`mute`, `role`, `hand`, `name`, or the state transition's event). */
  change: Type.Optional(Type.String()),
  /** For mute changes: who did it. */
  by: Type.Optional(Type.String()),
};

/** A leg joined the meeting (reached `connected`). */
export const ParticipantJoined = Type.Object({ type: Type.Literal('participant.joined'), ...participantFields });
/** A leg changed: appeared (invited/calling), rang, is joining, reconnecting, muted, renamed, role, hand. */
export const ParticipantUpdated = Type.Object({ type: Type.Literal('participant.updated'), ...participantFields });
/** A leg left or failed (`participant.reason` says why). */
export const ParticipantLeft = Type.Object({ type: Type.Literal('participant.left'), ...participantFields });

/** Lock or mute-all changed. */
export const ConferenceUpdated = Type.Object({
  type: Type.Literal('conference.updated'),
  meetingId: Type.String(),
  seq: Type.Integer(),
  ...ConferenceState.properties,
  change: Type.Optional(Type.String()),
});

/** The conference was stopped; the socket is closed right after (4002). */
export const ConferenceEnded = Type.Object({
  type: Type.Literal('conference.ended'),
  meetingId: Type.String(),
  seq: Type.Integer(),
  reason: DisconnectReasonSchema,
});

/** This socket's session is over; sent just before the server closes it (media-and-sip.md §2.4). */
export const SessionEnded = Type.Object({
  type: Type.Literal('session.ended'),
  reason: SessionEndReason,
});

/** This participant's audio was muted or unmuted; the server enforces it whatever the client does. */
export const MediaMuted = Type.Object({
  type: Type.Literal('media.muted'),
  kind: Type.Literal('audio'),
  muted: Type.Boolean(),
  by: Type.Union([Type.Literal('host'), Type.Literal('self'), Type.Literal('all')]),
  /** False when the host muted everyone and does not allow unmuting oneself. */
  allowUnmute: Type.Boolean(),
});

/** A message without a usable id could not be understood. */
export const ProtocolError = Type.Object({
  type: Type.Literal('protocol.error'),
  code: Type.String(),
  message: Type.String(),
});

/** Everything the server may send. */
export const ServerMessage = Type.Union([
  OkResponse,
  ErrorResponse,
  CallIncoming,
  CallCancelled,
  ParticipantJoined,
  ParticipantUpdated,
  ParticipantLeft,
  ConferenceUpdated,
  ConferenceEnded,
  SessionEnded,
  MediaMuted,
  ProtocolError,
]);
export type ServerMessage = Static<typeof ServerMessage>;
/** A server message other than a response. */
export type Notification = Exclude<ServerMessage, { type: 'response' }>;
/** The notification types. */
export type NotificationType = Notification['type'];
/** The notification of type T. */
export type NotificationOf<T extends NotificationType> = Extract<Notification, { type: T }>;
/** A response (ok or error). */
export type Response = Extract<ServerMessage, { type: 'response' }>;

/** WebSocket close codes of the channel (media-and-sip.md §2.1); the close reason text is the reason name. */
export const CloseCode = {
  /** The participant left (CLIENT_LEFT). */
  normal: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
  /** A leg ended for another reason (CONNECTION_LOST, MEDIA_FAILURE, …). */
  ended: 4000,
  /** Removed by the host or an API hang-up (PARTICIPANT_REMOVED). */
  removed: 4001,
  /** The conference was stopped (MEETING_ENDED). */
  meetingEnded: 4002,
  /** A newer socket took over this leg (SESSION_REPLACED). */
  replaced: 4003,
  /** Not authenticated within the time limit, or a bad token. */
  unauthenticated: 4401,
} as const;
