/**
 * The DingTalk dialect's errors (dingtalk-conference.md §4): body `{code, requestid, message}`, the
 * `DingtalkError` validators throw, the exhaustive map from every DomainErrorCode, and the scope's renderer.
 * A new DomainErrorCode fails the typecheck here until it is mapped.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorCode } from '../../domain/errors.js';

/** An error of this dialect with its wire fields. */
export class DingtalkError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, extra?: Record<string, unknown>) {
    super(message);
    this.name = 'DingtalkError';
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

/** `400 paramsError "error:<detail>"` (§4.3). */
export function paramsError(detail: string): DingtalkError {
  return new DingtalkError(400, 'paramsError', `error:${detail}`);
}

/** `400 unknownUserError` (§4.2, seed). */
export function unknownUser(): DingtalkError {
  return new DingtalkError(400, 'unknownUserError', 'unknownUserError');
}

/** `400 InvalidAuthentication` (§3.3): missing, unknown, revoked and expired tokens look the same. */
export function invalidToken(): DingtalkError {
  return new DingtalkError(400, 'InvalidAuthentication', '不合法的access_token');
}

/** `400 Missingbody` (§4.2). */
export function missingBody(): DingtalkError {
  return new DingtalkError(400, 'Missingbody', 'body is mandatory for this action.');
}

/** `400 invalidClientIdOrSecret` (§3.2). */
export function invalidClient(): DingtalkError {
  return new DingtalkError(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
}

/** `500 systemError:<phrase>`; the phrase is fixed, never internals. */
export function systemError(phrase: 'internal error' | 'storage unavailable' = 'internal error'): DingtalkError {
  return new DingtalkError(500, 'systemError', `systemError:${phrase}`);
}

type Mapped = { kind: 'params'; detail: string | null } | { kind: 'unknownUser' } | { kind: 'auth' } | { kind: 'system' };
const p = (detail: string | null = null): Mapped => ({ kind: 'params', detail });

/**
 * Every domain code → this dialect's answer (§4.3 "Mapping from domain errors"). `detail: null` uses the
 * domain error's first field message. Not-found of conferences is `paramsError` (no 404 for resources).
 */
export const errorMap = {
  'validation.failed': p(),
  'auth.key_invalid': { kind: 'auth' },
  'auth.user_invalid': { kind: 'unknownUser' },
  'permission.denied': p('permission denied'),
  'permission.forbidden_field': p('permission denied'),
  'account.not_found': { kind: 'auth' },
  'user.not_found': { kind: 'unknownUser' },
  'meeting.not_found': p('conference not found'),
  'room.not_found': p('conference not found'),
  'permission_set.not_found': p(),
  'api_key.not_found': { kind: 'auth' },
  'occurrence.not_found': p('conference not found'),
  'webhook_delivery.not_found': p(),
  'recording.not_found': p(),
  'account.limit_reached': p('account limit reached'),
  'room.none_free': p('no room is free'),
  'account.expired': p('account expired'),
  'meeting.state_conflict': p('conference is closed'),
  'account.already_exists': p(),
  'user.email_taken': p(),
  'user.last_admin': p(),
  'idempotency.in_progress': p(),
  'idempotency.key_reused': p(),
  'webhook.hook_disabled': p(),
  'conference.not_started': p('conference is closed'),
  'conference.ended': p('conference is closed'),
  'conference.full': p('conference is full'),
  'conference.locked': p('conference is locked'),
  'conference.no_chair': p('conference has no host'),
  'conference.control_denied': p('unionId is not the host of this conference'),
  'participant.not_found': p(),
  'participant.not_live': p(),
  'participant.state_illegal': p(),
  'participant.chair_cannot_be_cohost': p('the host cannot be a co-host'),
  'participant.chair_cannot_raise_hand': p(),
  'participant.unmute_not_allowed': p(),
  'call.already_answered': p(),
  'call.expired': p(),
  'pstn.not_allowed': p('phone invitations are not allowed'),
  'internal.unexpected': { kind: 'system' },
} as const satisfies Record<DomainErrorCode, Mapped>;

/** The DingtalkError a DomainError becomes. */
export function fromDomainError(e: DomainError): DingtalkError {
  const m: Mapped = errorMap[e.code];
  switch (m.kind) {
    case 'unknownUser':
      return unknownUser();
    case 'auth':
      return invalidToken();
    case 'system':
      return systemError();
    case 'params':
      return paramsError(m.detail ?? e.details[0]?.message ?? e.message);
  }
}

const JSON_UTF8 = 'application/json;charset=utf-8';

/** Sends an error body (§4.1); `requestid` equals the `x-acs-request-id` header. */
export function sendDingtalkError(req: FastifyRequest, reply: FastifyReply, e: DingtalkError): FastifyReply {
  const body = { code: e.code, requestid: req.id, message: e.message, ...e.extra };
  return reply.status(e.status).header('content-type', JSON_UTF8).header('x-acs-request-id', req.id).send(JSON.stringify(body));
}

/** Framework client errors (§4.3 step 3) in this dialect's shape, or undefined. */
function frameworkError(err: FastifyError): DingtalkError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'CONVENE_INVALID_JSON':
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return missingBody();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DingtalkError(413, 'paramsError', 'error:request body is larger than 1048576 bytes');
    default:
      if (err.statusCode === 413) return new DingtalkError(413, 'paramsError', 'error:request body is larger than 1048576 bytes');
      return undefined;
  }
}

/**
 * The scope's error handler: DingtalkErrors as they are, DomainErrors through `errorMap`, framework client
 * errors per §4.3, anything else `500 systemError:internal error`, logged with the request id.
 */
export function renderDingtalkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof DingtalkError) {
    if (err.status >= 500) req.log.error({ err }, 'dingtalk: internal error');
    return sendDingtalkError(req, reply, err);
  }
  if (err instanceof DomainError) {
    const d = fromDomainError(err);
    if (d.status >= 500) req.log.error({ err }, 'dingtalk: domain internal error');
    return sendDingtalkError(req, reply, d);
  }
  const fw = frameworkError(err);
  if (fw) return sendDingtalkError(req, reply, fw);
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) return sendDingtalkError(req, reply, paramsError('request is not valid'));
  req.log.error({ err }, 'dingtalk: unexpected error');
  return sendDingtalkError(req, reply, systemError());
}
