/**
 * What each client request does (media-and-sip.md §2.1, §7). Handlers translate a request into domain commands
 * and return the response data; authorisation of meeting actions lives in the commands. Thrown DomainErrors
 * become `{ok: false, error: {code}}` with the domain code.
 */
import { DomainError } from '../domain/errors.js';
import { joinConference } from '../domain/live/joinConference.js';
import type { LiveDeps } from '../domain/live/ports.js';
import { recordCallProgress } from '../domain/live/recordCallProgress.js';
import { setOwnMute } from '../domain/live/setOwnMute.js';
import type { Conference } from '../domain/live/types.js';
import { participantSnapshot } from '../domain/live/liveEffects.js';
import type { RealtimeLogger } from './enhancedEvents.js';
import { ProtocolErrorCode, type ClientMessage, type ConferenceState, type RequestType, type ResponseDataOf } from './protocol.js';
import { rosterEntry } from './Publisher.js';
import type { RealtimeRinger } from './Ringer.js';
import type { RoomHub } from './RoomHub.js';
import { RealtimeError, type Session, type SessionBinding } from './Session.js';
import { authenticateToken } from './tokens.js';

/** The decline message when the user gives none (DingTalk rejectDescription default, media-and-sip.md §7). */
export const DEFAULT_DECLINE_MESSAGE = '抱歉，正在开会';

/** What the handlers work with. */
export interface HandlerContext {
  deps: LiveDeps;
  hub: RoomHub;
  ringer: RealtimeRinger;
  logger: RealtimeLogger;
}

type Msg<T extends RequestType> = Extract<ClientMessage, { type: T }>;

/** Dispatches one request of `session`. */
export async function handleRequest(ctx: HandlerContext, session: Session, msg: ClientMessage): Promise<unknown> {
  if (msg.type === 'auth') return auth(ctx, session, msg);
  const userId = session.userId;
  // Session only queues non-auth requests after an auth; this guards a handler called out of order.
  if (!userId) throw new RealtimeError(ProtocolErrorCode.tokenInvalid, 'authenticate first');
  switch (msg.type) {
    case 'meeting.join':
      return meetingJoin(ctx, session, userId, msg);
    case 'meeting.leave':
      return meetingLeave(ctx, session);
    case 'media.setMuted':
      return setMuted(ctx, session, msg);
    case 'call.ringing':
      return callRinging(ctx, session, msg);
    case 'call.accept':
      return callAccept(ctx, session, msg);
    case 'call.decline':
      return callDecline(ctx, session, msg);
    case 'roster.get':
      return rosterGet(ctx, session, msg);
  }
}

function conferenceState(c: Conference): ConferenceState {
  return { locked: c.locked, muteAll: c.muteAll, allowUnmuteByOneself: c.allowUnmuteByOneself };
}

function requireBinding(session: Session): SessionBinding {
  if (!session.binding) throw new RealtimeError(ProtocolErrorCode.notJoined, 'join a meeting or accept a call first');
  return session.binding;
}

function requireUnbound(session: Session): void {
  if (session.binding) throw new RealtimeError(ProtocolErrorCode.alreadyJoined, 'this socket already carries a participant; open another socket for another meeting');
}

async function auth(ctx: HandlerContext, session: Session, msg: Msg<'auth'>): Promise<ResponseDataOf<'auth'>> {
  if (session.identity) throw new RealtimeError(ProtocolErrorCode.alreadyAuthenticated, 'this socket is already authenticated');
  const identity = await authenticateToken(ctx.deps.store, ctx.deps.clock.now(), msg.token);
  if (!identity) throw new RealtimeError(ProtocolErrorCode.tokenInvalid, 'the token is unknown, expired or revoked');
  if (session.closed) throw new RealtimeError(ProtocolErrorCode.tokenInvalid, 'the socket closed');
  session.authenticate(identity);
  ctx.hub.authenticated(session);
  ctx.deps.store.accessTokens.touch(identity.tokenHash, session.remoteAddress).catch((err: unknown) => ctx.logger.warn({ err }, 'recording token use failed'));
  // A call that is ringing on the user's other devices rings here too (held until after this response).
  for (const incoming of ctx.ringer.pendingFor(identity.userId)) session.notify(incoming);
  return { userId: identity.userId, accountId: identity.accountId, name: identity.name };
}

async function meetingJoin(ctx: HandlerContext, session: Session, userId: string, msg: Msg<'meeting.join'>): Promise<ResponseDataOf<'meeting.join'>> {
  requireUnbound(session);
  const accountId = (session.identity as NonNullable<Session['identity']>).accountId;
  ctx.hub.holdGraces(userId);
  ctx.ringer.hold(userId);
  try {
    // A socket of this user that just dropped reported connection_lost; let it land first, so the rejoin's
    // `reconnected` cannot be overtaken by it.
    await ctx.hub.settleLost(userId);
    const r = await joinConference(ctx.deps, { userId, accountId, meetingCode: msg.meetingCode });
    if (r.outcome === 'answered') ctx.ringer.answeredByJoin(r.participant.id, session);
    ctx.hub.bind(session, { participantId: r.participant.id, conferenceId: r.conference.id, meetingId: r.participant.meetingId }, conferenceState(r.conference));
    return { meetingId: r.participant.meetingId, conferenceId: r.conference.id, participantId: r.participant.id, outcome: r.outcome };
  } finally {
    ctx.ringer.release(userId);
    ctx.hub.releaseGraces(userId);
  }
}

async function meetingLeave(ctx: HandlerContext, session: Session): Promise<ResponseDataOf<'meeting.leave'>> {
  const b = requireBinding(session);
  await recordCallProgress(ctx.deps, { participantId: b.participantId, signal: { kind: 'ended', reason: 'CLIENT_LEFT' } });
  // The publisher has queued session.ended CLIENT_LEFT + close 1000 after this response; a leg that had already
  // ended (no event) is ended here the same way.
  session.end('CLIENT_LEFT', 1000);
  return {};
}

async function setMuted(ctx: HandlerContext, session: Session, msg: Msg<'media.setMuted'>): Promise<ResponseDataOf<'media.setMuted'>> {
  const b = requireBinding(session);
  const leg = await setOwnMute(ctx.deps, { participantId: b.participantId, muted: msg.muted });
  return { muted: leg.muted };
}

async function callRinging(ctx: HandlerContext, session: Session, msg: Msg<'call.ringing'>): Promise<ResponseDataOf<'call.ringing'>> {
  ctx.ringer.claim(session, msg.callId, 'ringing');
  await recordCallProgress(ctx.deps, { participantId: msg.callId, signal: { kind: 'ringing' } });
  return {};
}

async function callAccept(ctx: HandlerContext, session: Session, msg: Msg<'call.accept'>): Promise<ResponseDataOf<'call.accept'>> {
  requireUnbound(session);
  const accountId = (session.identity as NonNullable<Session['identity']>).accountId;
  const req = ctx.ringer.claim(session, msg.callId, 'accept');
  const conference = await ctx.deps.store.conferences.get(accountId, req.conferenceId);
  if (!conference || conference.endedAt !== null) throw new DomainError('call.expired', 'the conference has ended');
  // Bound before the answer is recorded, so this socket is in the room when its own participant.joined is
  // published (and, being mid-request, receives it right after this response).
  const binding = { participantId: req.participantId, conferenceId: req.conferenceId, meetingId: req.meetingId };
  ctx.hub.bind(session, binding, conferenceState(conference));
  let leg;
  try {
    // connectNow: until the SFU exists an accepted call is in the meeting at once; with media, `connected`
    // will wait for the publish connection (media-and-sip.md §7).
    leg = await recordCallProgress(ctx.deps, { participantId: req.participantId, signal: { kind: 'answered', connectNow: true } });
  } catch (err) {
    if (session.binding?.participantId === req.participantId) ctx.hub.unbind(session);
    throw err;
  }
  if (!leg || (leg.state !== 'connected' && leg.state !== 'joining')) {
    if (session.binding?.participantId === req.participantId) ctx.hub.unbind(session);
    throw new DomainError('call.expired', 'the call ended before it was answered');
  }
  return { meetingId: req.meetingId, conferenceId: req.conferenceId, participantId: req.participantId };
}

async function callDecline(ctx: HandlerContext, session: Session, msg: Msg<'call.decline'>): Promise<ResponseDataOf<'call.decline'>> {
  ctx.ringer.claim(session, msg.callId, 'decline');
  const message = msg.message?.trim() || DEFAULT_DECLINE_MESSAGE;
  await recordCallProgress(ctx.deps, { participantId: msg.callId, signal: { kind: 'ended', reason: 'USER_REJECTED', message } });
  return {};
}

async function rosterGet(ctx: HandlerContext, session: Session, msg: Msg<'roster.get'>): Promise<ResponseDataOf<'roster.get'>> {
  const b = requireBinding(session);
  if (b.meetingId !== msg.meetingId) throw new RealtimeError(ProtocolErrorCode.notJoined, `this socket is not in meeting ${msg.meetingId}`);
  const accountId = (session.identity as NonNullable<Session['identity']>).accountId;
  const conference = await ctx.deps.store.conferences.get(accountId, b.conferenceId);
  if (!conference) throw new DomainError('conference.ended', 'the conference has ended');
  const legs = await ctx.deps.store.participants.list(b.conferenceId, { liveOnly: true });
  return {
    meetingId: b.meetingId,
    conferenceId: b.conferenceId,
    conference: conferenceState(conference),
    participants: legs.map((p) => rosterEntry(participantSnapshot(p))),
  };
}
