/**
 * Huawei conference control routes H8–H20 (huawei-meeting.md §2.3, §6.8–§6.19), registered inside the
 * dialect's `/v1/mmc` scope (its body parser, error handler and not-found handler apply). Handlers are thin:
 * check the request (controlInput.ts), check the token's role, call one live command, answer the vendor's
 * shape (`{}` where the vendor page says "Response Parameters: None").
 *
 * Order of checks (§5.4): body syntax (the scope's parser) → token presence → `conferenceID` → token validity
 * (controlAuth.ts, preValidation) → body presence and fields → role (guest → 403) → meeting state → targets.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { User } from '../../domain/accounts/User.js';
import { CONTROL_TOKEN_TTL_MS, issueControlToken, sameSecret } from '../../domain/credentials/issueControlToken.js';
import { findByExternalId } from '../../domain/credentials/signInWithApp.js';
import { DomainError } from '../../domain/errors.js';
import { disconnectParticipants } from '../../domain/live/disconnectParticipants.js';
import { endConference } from '../../domain/live/endConference.js';
import { inviteParticipants, type Invitee } from '../../domain/live/inviteParticipants.js';
import { muteAll } from '../../domain/live/muteAll.js';
import { muteParticipant } from '../../domain/live/muteParticipant.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import { renameParticipant } from '../../domain/live/renameParticipant.js';
import { setChair } from '../../domain/live/setChair.js';
import { setCohost } from '../../domain/live/setCohost.js';
import { setHands } from '../../domain/live/setHands.js';
import { setLocked } from '../../domain/live/setLocked.js';
import type { LiveActor } from '../../domain/live/types.js';
import { headerValue } from './accessAuth.js';
import { decodeConferenceAuthorization, requireConferenceId, requireConferenceToken, type ControlPrincipal } from './controlAuth.js';
import {
  controlError,
  parseBatchHandsBody,
  parseCohostBody,
  parseHandsBody,
  parseHangUpBody,
  parseInviteBody,
  parseLockBody,
  parseMuteAllBody,
  parseMuteBody,
  parseRenameBody,
  parseRoleBody,
  requireBody,
  requireParticipantId,
  type AttendeeInput,
} from './controlInput.js';
import type { HuaweiRouteErrors } from './errors.js';
import { Empty, responses } from './schema.js';
import { RealTimeInfoResponse, realTimeInfo, wireOrder } from './realtimeInfo.js';

/** H8's answer (§6.8), wire key order. */
const ConfTokenResponse = wireOrder(Type.Object({
  data: Type.Object({
    token: Type.String(),
    role: Type.Integer(),
    expireTime: Type.Integer(),
    userID: Type.Optional(Type.String()),
    orgID: Type.String(),
    confTokenExpireTime: Type.Integer(),
  }),
  // sic (FOUND): the vendor's spelling.
  gloablPublicIP: Type.String(),
}));

const TAGS = ['Huawei meeting control'];

function principal(req: FastifyRequest): ControlPrincipal {
  // Set by requireConferenceToken on every route declared with config.auth 'conferenceToken'.
  return req.huaweiControl as ControlPrincipal;
}

/** Refuses a guest token on a chair-only route (§6.1), after the body checks (§5.4 step 7). */
function requireChair(c: ControlPrincipal, verb: string): void {
  if (c.role !== 1) throw controlError('GUEST_DENIED', `a guest token cannot ${verb}`);
}

/**
 * Gives the live core's refusals this dialect's wording where the detail must name the conferenceID or a pid
 * (§5.3 templates); every other DomainError goes to the scope's errorMap unchanged.
 */
function inConference(c: ControlPrincipal, e: unknown, o: { stop?: boolean } = {}): unknown {
  if (!(e instanceof DomainError)) return e;
  const id = c.conferenceId;
  switch (e.code) {
    case 'conference.not_started':
      return controlError('NOT_STARTED', `conference ${id} has not started`);
    // A meeting deleted after its token was issued (H7 type=1 ends, then cancels) is an ended one.
    case 'conference.ended':
    case 'meeting.not_found':
      return o.stop ? controlError('NOT_STARTED', `conference ${id} has already ended`) : controlError('CLOSED', `conference ${id} has ended`);
    case 'participant.not_found': {
      const d = e.details[0];
      if (d?.field === 'number') return controlError('PARTICIPANT_NOT_EXIST', `number ${d.message} is not on the roster of conference ${id}`);
      return d ? controlError('PARTICIPANT_NOT_EXIST', `participant ${d.message} is not in conference ${id}`) : e;
    }
    case 'participant.not_live': {
      const d = e.details[0];
      return d ? controlError('PARTICIPANT_NOT_EXIST', `participant ${d.message} has left`) : e;
    }
    default:
      return e;
  }
}

/** Runs a live command for the request's principal, translating its refusals (see `inConference`). */
async function live<T>(c: ControlPrincipal, fn: (actor: LiveActor) => Promise<T>, o: { stop?: boolean } = {}): Promise<T> {
  try {
    return await fn(c.actor);
  } catch (e) {
    throw inConference(c, e, o);
  }
}

/** `HH:mm` UTC, as the lock message shows the end of a lock (§6.8). */
function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/**
 * The Convene user an attendee names in the meeting's account (§4.1): `userUUID` first; `accountId` only when
 * `userUUID` is absent — a Huawei account name (case-insensitive), else a third-party `externalUserId`.
 * Unmatched entries stay anonymous and are reached through `phone`.
 */
async function resolveUser(deps: LiveDeps, accountId: string, a: AttendeeInput): Promise<User | undefined> {
  if (a.userUUID !== undefined) return deps.store.users.getByHuaweiUuid(accountId, a.userUUID.toLowerCase());
  if (a.accountId === undefined || a.accountId.trim() === '') return undefined;
  const login = a.accountId.trim();
  const byLogin = (await deps.store.users.getByLoginName(login.toLowerCase())) ?? (await deps.store.users.getByLoginName(login));
  if (byLogin?.accountId === accountId) return byLogin;
  // The same lookup as H2's third-party users, so both dialect paths name the same person (XD).
  return findByExternalId(deps.store, accountId, login);
}

/** H9 attendee → the domain's invitee (no vendor field reaches the domain). */
function toInvitee(a: AttendeeInput, user: User | undefined): Invitee {
  return {
    name: a.name,
    userId: user?.id ?? null,
    target: a.phone,
    // Rule 3 of §4.1: `mobile`/`telephone` dial the number even when the entry is a user.
    preferPhone: a.type === 'mobile' || a.type === 'telephone',
    hostRole: a.role === 1,
    joinMuted: a.isMute === 1,
    email: a.email ?? null,
    sms: a.sms ?? null,
    type: a.type,
    deptUuid: a.deptUUID ?? null,
    deptName: a.deptName ?? null,
    label: a.label,
  };
}

/** Registers H8–H20 under the /v1/mmc scope. */
export function registerControlRoutes(f: FastifyInstance, deps: LiveDeps): void {
  const auth = requireConferenceToken(deps);
  const ctl = (operationId: string, summary: string, extra: { huaweiErrors?: HuaweiRouteErrors } = {}) => ({
    config: { auth: 'conferenceToken' as const, ...extra },
    preValidation: auth,
    schema: { operationId: `huawei.${operationId}`, summary, tags: TAGS, response: responses(Empty) },
  });

  // H8: obtain or keep alive a control token. The password (or the keep-alive token) is the credential and is
  // checked here, in the order of §6.8; X-Access-Token and Authorization are ignored (§2.4).
  f.get(
    '/control/conferences/token',
    {
      config: { auth: 'public' },
      schema: { operationId: 'huawei.CreateConfToken', summary: 'Obtain or keep alive a conference control token (H8)', tags: TAGS, response: responses(ConfTokenResponse) },
    },
    async (req) => {
      if (headerValue(req, 'x-login-type')?.trim() !== '1') throw controlError('PARAMETER', 'header X-Login-Type must be 1');
      const conferenceId = requireConferenceId(req.query);
      const keepAliveHeader = headerValue(req, 'x-conference-authorization');
      const r = await issueControlToken(deps, {
        conferenceId,
        password: headerValue(req, 'x-password') ?? null,
        keepAlive: keepAliveHeader === undefined ? null : { token: decodeConferenceAuthorization(keepAliveHeader) },
        ip: req.ip,
      });
      if (!r.ok) {
        switch (r.reason) {
          case 'locked':
            throw controlError('LOGIN_LOCKED', `too many failed attempts; try again after ${hhmm(r.until)}`);
          case 'password_required':
            throw controlError('NEED_PASSWORD', 'header X-Password is required');
          case 'not_found_or_wrong_password':
            throw controlError('NOT_FOUND_OR_AUTH_FAILED', 'conference not found or password wrong');
          case 'keep_alive_invalid':
            throw controlError('TOKEN_INVALID', r.expired ? 'control token expired' : `token is not valid for conference ${conferenceId}`);
          case 'not_started':
            throw controlError('NOT_STARTED', `conference ${conferenceId} has not started`);
          case 'ended':
            throw controlError('CLOSED', `conference ${conferenceId} has ended`);
        }
      }
      const organizer = await deps.store.users.get(r.meeting.accountId, r.meeting.addedByUserId);
      return {
        data: {
          token: r.token,
          role: r.role,
          expireTime: r.expiresAt,
          ...(organizer ? { userID: organizer.huaweiUserUuid } : {}),
          orgID: r.meeting.accountId,
          confTokenExpireTime: CONTROL_TOKEN_TTL_MS / 1000,
        },
        gloablPublicIP: new URL(deps.settings.publicUrl).host,
      };
    },
  );

  // H9 (seed 000): invite participants. All or nothing; the answer comes before any ringing or dialling.
  f.post('/control/conferences/participants', ctl('InviteParticipant', 'Invite participants (H9)', { huaweiErrors: { internal: 'MMC.111070110' } }), async (req) => {
    const c = principal(req);
    const attendees = parseInviteBody(req.body);
    requireChair(c, 'invite participants');
    const invitees: Invitee[] = [];
    for (const a of attendees) invitees.push(toInvitee(a, await resolveUser(deps, c.meeting.accountId, a)));
    await live(c, (actor) => inviteParticipants(deps, actor, { meetingId: c.meeting.id, invitees }));
    return {};
  });

  // H10 (seed 002): hang up participants by pid. Unknown pid → nothing is hung up; ended legs are idempotent.
  f.post('/control/conferences/participants/delete', ctl('HangUp', 'Hang up participants (H10)', { huaweiErrors: { internal: 'MMC.111070114' } }), async (req) => {
    const c = principal(req);
    const participantIds = parseHangUpBody(req.body);
    requireChair(c, 'hang up participants');
    await live(c, (actor) => disconnectParticipants(deps, actor, { meetingId: c.meeting.id, participantIds }));
    return {};
  });

  // H11: real-time info; chair or guest token.
  f.get(
    '/control/conferences/realTimeInfo',
    {
      config: { auth: 'conferenceToken' },
      preValidation: auth,
      schema: { operationId: 'huawei.ShowRealTimeInfoOfMeeting', summary: 'Real-time conference info (H11)', tags: TAGS, response: responses(RealTimeInfoResponse) },
    },
    async (req) => {
      const c = principal(req);
      return live(c, (actor) => realTimeInfo(deps, actor, c.meeting.id));
    },
  );

  // H12: mute / unmute one live leg.
  f.put('/control/conferences/participants/mute', ctl('MuteParticipant', 'Mute or unmute one participant (H12)'), async (req) => {
    const c = principal(req);
    requireBody(req.body);
    const participantId = requireParticipantId(req.query);
    const { isMute } = parseMuteBody(req.body);
    requireChair(c, 'mute participants');
    await live(c, (actor) => muteParticipant(deps, actor, { meetingId: c.meeting.id, participantId, muted: isMute === 1 }));
    return {};
  });

  // H13: mute / unmute everyone except the chair.
  f.put('/control/conferences/mute', ctl('MuteMeeting', 'Mute or unmute everyone (H13)'), async (req) => {
    const c = principal(req);
    const b = parseMuteAllBody(req.body);
    requireChair(c, 'mute everyone');
    await live(c, (actor) => muteAll(deps, actor, { meetingId: c.meeting.id, muted: b.isMute === 1, allowUnmuteByOneself: b.allowUnmuteByOneself === 1 }));
    return {};
  });

  // H14: lock / unlock against uninvited joins.
  f.put('/control/conferences/lock', ctl('LockMeeting', 'Lock or unlock the conference (H14)'), async (req) => {
    const c = principal(req);
    const { isLock } = parseLockBody(req.body);
    requireChair(c, 'lock the conference');
    await live(c, (actor) => setLocked(deps, actor, { meetingId: c.meeting.id, locked: isLock === 1 }));
    return {};
  });

  // H15: hand over / release the chair. A guest token may take the chair with the chair password (§6.15).
  f.put('/control/conferences/participants/role', ctl('SetRole', 'Hand over or release the chair (H15)'), async (req) => {
    const c = principal(req);
    requireBody(req.body);
    const participantId = requireParticipantId(req.query);
    const { applyChair, chairmanPwd } = parseRoleBody(req.body);
    let actor = c.actor;
    if (c.role !== 1) {
      if (applyChair === 0) throw controlError('GUEST_DENIED', 'a guest token cannot release the chair');
      const secrets = await deps.store.meetingSecrets.get(c.meeting.id);
      if (!secrets || chairmanPwd === undefined || !sameSecret(chairmanPwd, secrets.chairPassword)) throw controlError('PASSWORD_WRONG', 'chairmanPwd is wrong');
      actor = { ...actor, canControl: true };
    }
    await live({ ...c, actor }, (a) => setChair(deps, a, { meetingId: c.meeting.id, participantId, apply: applyChair === 1 }));
    return {};
  });

  // H16: set / revoke a co-host.
  f.put('/control/conferences/participants/cohost', ctl('SetCohost', 'Set or revoke a co-host (H16)'), async (req) => {
    const c = principal(req);
    requireBody(req.body);
    const participantId = requireParticipantId(req.query);
    const { isCohost } = parseCohostBody(req.body);
    requireChair(c, 'set co-hosts');
    await live(c, (actor) => setCohost(deps, actor, { meetingId: c.meeting.id, participantId, cohost: isCohost === 1 }));
    return {};
  });

  // H17: rename a live leg (and its invitee), or an invitee by number.
  f.put('/control/conferences/participants/name', ctl('RenameParticipant', 'Rename a participant (H17)', { huaweiErrors: { internal: 'MMC.111070112' } }), async (req) => {
    const c = principal(req);
    const b = parseRenameBody(req.body);
    requireChair(c, 'rename participants');
    await live(c, (actor) =>
      renameParticipant(deps, actor, { meetingId: c.meeting.id, ...(b.participantID !== undefined ? { participantId: b.participantID } : { number: b.number }), name: b.newName }),
    );
    return {};
  });

  // H18: raise / lower one hand.
  f.put('/control/conferences/participants/hands', ctl('HandParticipant', 'Raise or lower one hand (H18)'), async (req) => {
    const c = principal(req);
    requireBody(req.body);
    const participantId = requireParticipantId(req.query);
    const { handsState } = parseHandsBody(req.body);
    requireChair(c, 'raise or lower hands');
    await live(c, (actor) => setHands(deps, actor, { meetingId: c.meeting.id, participantIds: [participantId], raised: handsState === 1 }));
    return {};
  });

  // H19: hands of several legs ("hands down"); ended legs are skipped.
  f.put('/control/conferences/participants/batch/hands', ctl('BatchHand', 'Raise or lower several hands (H19)'), async (req) => {
    const c = principal(req);
    const { handsState, pids } = parseBatchHandsBody(req.body);
    requireChair(c, 'raise or lower hands');
    await live(c, (actor) => setHands(deps, actor, { meetingId: c.meeting.id, participantIds: pids, raised: handsState === 1, skipEnded: true }));
    return {};
  });

  // H20: end the meeting for everyone. Stopping an ended meeting answers MMC.111072005 ([PUB] Java treats it
  // as "already ended", so stop stays idempotent for vendor clients).
  f.put('/control/conferences/stop', ctl('StopMeeting', 'Stop the conference (H20)'), async (req) => {
    const c = principal(req);
    requireChair(c, 'stop the conference');
    await live(c, (actor) => endConference(deps, actor, { meetingId: c.meeting.id }), { stop: true });
    return {};
  });
}
