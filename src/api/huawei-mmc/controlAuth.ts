/**
 * The credential of the Huawei control routes H9–H25: `X-Conference-Authorization` carrying a control token
 * of H8, bound to the query's `conferenceID` (huawei-meeting.md §2.3, §2.4, §5.3, §5.4). The token is the
 * authority: it is not tied to a user, and `X-Access-Token` / `Authorization` are ignored here.
 */
import type { FastifyRequest } from 'fastify';
import { displayName } from '../../domain/accounts/User.js';
import { CONTROL_TOKEN_PATTERN, hashControlToken } from '../../domain/credentials/issueControlToken.js';
import type { Deps } from '../../domain/deps.js';
import type { LiveActor } from '../../domain/live/types.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import { headerValue } from './accessAuth.js';
import { controlError, queryValue } from './controlInput.js';

/** Who is acting through a control token. */
export interface ControlPrincipal {
  /** The query's `conferenceID` (equal to `meeting.conferenceId`). */
  conferenceId: string;
  /** The meeting the token is bound to (possibly ended or deleted since; the commands say so). */
  meeting: Meeting;
  /** 1 chair, 0 guest. */
  role: 0 | 1;
  /** The actor the live commands take: the meeting's account, bound to the meeting, named after its organizer. */
  actor: LiveActor;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireConferenceToken` on routes with `config.auth: 'conferenceToken'`. */
    huaweiControl?: ControlPrincipal;
  }
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function fromBase64(s: string): string | undefined {
  if (!BASE64.test(s)) return undefined;
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
}

/**
 * Decodes `X-Conference-Authorization` (§2.3, in this order): `Basic <base64(token)>` (standard or URL-safe
 * alphabet, padding optional); a raw token; a bare base64 of a token (the Go SDK's comment says the header is
 * "uniformly BASE64-encoded"). Returns the token, or null when the value is none of these.
 */
export function decodeConferenceAuthorization(header: string): string | null {
  const v = header.trim();
  const basic = /^basic\s+(.*)$/i.exec(v);
  if (basic) {
    const t = fromBase64((basic[1] ?? '').trim());
    return t !== undefined && CONTROL_TOKEN_PATTERN.test(t) ? t : null;
  }
  if (CONTROL_TOKEN_PATTERN.test(v)) return v;
  const t = fromBase64(v);
  return t !== undefined && CONTROL_TOKEN_PATTERN.test(t) ? t : null;
}

/** Query `conferenceID`: required, 1–32 characters (§6.1). */
export function requireConferenceId(query: unknown): string {
  const id = queryValue(query, 'conferenceID');
  if (id === undefined) throw controlError('PARAMETER', 'query conferenceID is required');
  if (id.length > 32) throw controlError('PARAMETER', 'query conferenceID is longer than 32 characters');
  return id;
}

/** The organizer's display name: the inviter shown on ringing calls (huawei-meeting.md §4.2). */
export async function organizerName(deps: Deps, meeting: Meeting): Promise<string> {
  const organizer = await deps.store.users.get(meeting.accountId, meeting.addedByUserId);
  return (organizer && displayName(organizer)) || meeting.addedByUserName;
}

/**
 * Authenticates a control route, in the order of §5.4 (body syntax was checked by the parser before this
 * runs): header present (401 MMC.111070111) → query conferenceID (400 MMC.111071061) → token decodable,
 * known, bound to this conferenceID and unexpired (401 MMC.118000001). Sets `req.huaweiControl`.
 */
export function requireConferenceToken(deps: Deps) {
  return async function requireConferenceToken(req: FastifyRequest): Promise<void> {
    const header = headerValue(req, 'x-conference-authorization');
    if (header === undefined) throw controlError('TOKEN_NULL', 'header X-Conference-Authorization is required');
    const conferenceId = requireConferenceId(req.query);
    const notValid = controlError('TOKEN_INVALID', `token is not valid for conference ${conferenceId}`);
    const token = decodeConferenceAuthorization(header);
    if (token === null) throw notValid;
    const stored = await deps.store.controlTokens.get(hashControlToken(token));
    if (!stored) throw notValid;
    // The token names its meeting; the query must name the same one (a deleted meeting still matches, so
    // that its calls get the "ended" answer rather than a bare 401).
    const meeting = await deps.store.meetings.getAny(stored.accountId, stored.meetingId);
    if (!meeting || meeting.conferenceId !== conferenceId) throw notValid;
    if (stored.expiresAt <= deps.clock.now()) throw controlError('TOKEN_INVALID', 'control token expired');
    req.huaweiControl = {
      conferenceId,
      meeting,
      role: stored.role,
      actor: { accountId: meeting.accountId, canControl: stored.role === 1, meetingId: meeting.id, name: await organizerName(deps, meeting), userId: null },
    };
  };
}
