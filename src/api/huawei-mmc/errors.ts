/**
 * The Huawei dialect's errors (huawei-meeting.md §5): the code catalogue, the `HuaweiError` that validators
 * throw directly, the map from every DomainErrorCode, and the scope's error renderer. A new DomainErrorCode
 * fails the typecheck here until it is mapped.
 *
 * Body of every service error (§5.1): `{"error_code","error_msg","error_detail","request_id"}`, where
 * `request_id` equals the `X-Request-Id` response header. Gateway errors (`APIG.*`) carry no `error_detail`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorCode } from '../../domain/errors.js';

/** Every code this dialect can answer with: symbolic `error_msg` and HTTP status (§5.2, §2.4). */
export const huaweiCodes = {
  // MMC (RN [ERR] numbers and symbols; statuses per §5.2)
  'MMC.111070001': { msg: 'CONF_BAD_REQUEST', status: 400 },
  'MMC.111070002': { msg: 'CONF_INSUFFICIENT_PERMISSIONS', status: 403 },
  'MMC.111070003': { msg: 'CONF_EXCEPTION', status: 500 },
  'MMC.111070005': { msg: 'CONF_DATA_NOT_FOUND', status: 400 },
  'MMC.111070009': { msg: 'CONF_AUTHEN_NEED_PASSWORD', status: 400 },
  'MMC.111070110': { msg: 'CONF_INVITE_PARTICIPANT_EXCEPTION', status: 500 },
  'MMC.111070111': { msg: 'REQUEST_TOKEN_IS_NULL', status: 401 },
  'MMC.111070112': { msg: 'CONF_RENAME_PARTICIPANT_EXCEPTION', status: 500 },
  'MMC.111070114': { msg: 'CONF_BULK_HANG_UP_EXCEPTION', status: 500 },
  'MMC.111070116': { msg: 'CONF_BULK_DEL_ATTENDEE_EXCEPTION', status: 500 },
  'MMC.111071013': { msg: 'CONF_START_TIME_LESS_THAN_CURRENT_TIME', status: 400 },
  'MMC.111071018': { msg: 'MEDIA_TYPES_ILLEGAL', status: 400 },
  'MMC.111071021': { msg: 'LENGTH_OVER_RANGE', status: 400 },
  'MMC.111071022': { msg: 'SUBJECT_LENGTH_TOO_LONG', status: 400 },
  'MMC.111071024': { msg: 'EMAIL_ILLEGAL', status: 400 },
  'MMC.111071025': { msg: 'SMS_ILLEGAL', status: 400 },
  'MMC.111071061': { msg: 'PARAMETER_VERIFIED_FAIL', status: 400 },
  'MMC.111071065': { msg: 'CONF_MODIFY_FAIL_AS_CONF_ALREADY_STARTED', status: 400 },
  'MMC.111071067': { msg: 'CONF_CANCEL_FAIL_AS_CONF_STARTED', status: 400 },
  'MMC.111071072': { msg: 'CONF_CLOSED_RECENTLY', status: 400 },
  'MMC.111071091': { msg: 'CONF_PWD_AUTH_FAILED', status: 400 },
  'MMC.111072005': { msg: 'CONF_NOT_STARTED', status: 400 },
  'MMC.111072006': { msg: 'CONF_IS_CLOSED', status: 400 },
  'MMC.111072008': { msg: 'CONF_PARTICIPANT_NOT_EXIST', status: 400 },
  'MMC.111072011': { msg: 'CONF_STATUS_ILLEGAL', status: 400 },
  'MMC.111072031': { msg: 'SITE_CALL_NUMBER_IS_EMPTY', status: 400 },
  'MMC.111072032': { msg: 'SITE_CALL_NUMBER_LENGTH_TOO_LONG', status: 400 },
  'MMC.111072033': { msg: 'SITE_CALL_NUMBER_ILLEGAL_URI', status: 400 },
  'MMC.111072034': { msg: 'SITE_NAME_TOO_LONG', status: 400 },
  'MMC.111072035': { msg: 'SITE_ROLE_NOT_IN_RANGE', status: 400 },
  'MMC.111072038': { msg: 'SITE_MUTE_NOT_IN_RANGE', status: 400 },
  'MMC.111072045': { msg: 'ON_OFF_NOT_IN_RANGE', status: 400 },
  'MMC.111072046': { msg: 'SITE_NAME_IS_EMPTY', status: 400 },
  'MMC.111072047': { msg: 'NEW_NAME_TOO_LONG', status: 400 },
  'MMC.111072050': { msg: 'CONF_LOCKED', status: 400 },
  'MMC.111072057': { msg: 'REQUEST_BODY_IS_NULL', status: 400 },
  'MMC.111072059': { msg: 'CONF_NO_CHAIR_SITE', status: 400 },
  'MMC.111072064': { msg: 'CONF_CTR_LOGIN_LOCKED', status: 400 },
  'MMC.111072065': { msg: 'CONF_NOT_FOUND_OR_AUTH_FAILED', status: 400 },
  'MMC.111072069': { msg: 'CHAIR_FORBIDDEN_HAND', status: 403 },
  'MMC.111072070': { msg: 'GUEST_NO_PERMISSION_OPERATION', status: 403 },
  'MMC.111072071': { msg: 'NO_PERMISSION_OPERATE_OTHERS', status: 403 },
  'MMC.111072101': { msg: 'OVER_MAX_PARTICIPANT_NUMBER', status: 400 },
  'MMC.111072107': { msg: 'CHAIR_CANNOT_BE_COHOST', status: 400 },
  'MMC.111072110': { msg: 'COHOST_CANNOT_OPERATE_CHAIR', status: 400 },
  'MMC.118000001': { msg: 'USER_TOKEN_AUTH_FAILED', status: 401 },
  // USG (DESIGNED, §2.4 / §5.2)
  'USG.000000001': { msg: 'PARAMETER_INVALID', status: 400 },
  'USG.000000002': { msg: 'AUTHORIZATION_INVALID', status: 401 },
  'USG.000000003': { msg: 'ACCOUNT_OR_PASSWORD_ERROR', status: 401 },
  'USG.000000004': { msg: 'TOKEN_INVALID', status: 401 },
  'USG.000000005': { msg: 'ACCOUNT_LOCKED', status: 403 },
  'USG.000000006': { msg: 'ACCOUNT_DISABLED', status: 403 },
  'USG.000000007': { msg: 'APP_AUTH_FAILED', status: 401 },
  'USG.000000008': { msg: 'USG_EXCEPTION', status: 500 },
} as const satisfies Record<string, { msg: string; status: number }>;

/** One code of the catalogue. */
export type HuaweiCode = keyof typeof huaweiCodes;

/**
 * A Huawei service error with its wire fields. Validators and handlers throw it directly; the scope's error
 * handler renders it. `error_detail` is one English sentence naming the offending field or the blocking state
 * (§5.1) and never carries internals.
 */
export class HuaweiError extends Error {
  readonly status: number;
  readonly error_code: HuaweiCode;
  readonly error_msg: string;
  readonly error_detail: string;

  /** `status` defaults to the catalogue's status of `code`. */
  constructor(code: HuaweiCode, detail: string, status?: number) {
    super(`${code}: ${detail}`);
    this.name = 'HuaweiError';
    this.error_code = code;
    this.error_msg = huaweiCodes[code].msg;
    this.error_detail = detail;
    this.status = status ?? huaweiCodes[code].status;
  }
}

/** Shorthand for the most common validation failure (`MMC.111071061 PARAMETER_VERIFIED_FAIL`). */
export function paramError(detail: string): HuaweiError {
  return new HuaweiError('MMC.111071061', detail);
}

/**
 * Every domain code → this dialect's code, as the management routes answer it (§5.2, §5.3). A route whose
 * vendor page names another code for the same fact (H8's `MMC.111072065` for an unknown meeting, H20's
 * `MMC.111072005` after the end) catches the DomainError and throws a HuaweiError itself, or declares
 * `config.huaweiErrors` (below).
 */
export const errorMap = {
  'validation.failed': 'MMC.111071061',
  'auth.key_invalid': 'USG.000000007',
  'auth.user_invalid': 'USG.000000003',
  'permission.denied': 'MMC.111070002',
  'permission.forbidden_field': 'MMC.111070002',
  'account.not_found': 'MMC.111070005',
  'user.not_found': 'MMC.111071061',
  'meeting.not_found': 'MMC.111070005',
  'room.not_found': 'MMC.111070005',
  'permission_set.not_found': 'MMC.111071061',
  'api_key.not_found': 'MMC.111070005',
  'occurrence.not_found': 'MMC.111070005',
  'webhook_delivery.not_found': 'MMC.111070005',
  'recording.not_found': 'MMC.111070005',
  // A meeting cap of the account (v6 numberOfMeetings / organizers): the request is refused as not permitted.
  'account.limit_reached': 'MMC.111070002',
  'room.none_free': 'MMC.111070002',
  'account.expired': 'USG.000000006',
  'meeting.state_conflict': 'MMC.111071065',
  'account.already_exists': 'MMC.111071061',
  'user.email_taken': 'MMC.111071061',
  'user.last_admin': 'MMC.111070002',
  'idempotency.in_progress': 'MMC.111071061',
  'idempotency.key_reused': 'MMC.111071061',
  'webhook.hook_disabled': 'MMC.111071061',
  'conference.not_started': 'MMC.111072005',
  'conference.ended': 'MMC.111072006',
  'conference.full': 'MMC.111072101',
  'conference.locked': 'MMC.111072050',
  'conference.no_chair': 'MMC.111072059',
  'conference.control_denied': 'MMC.111072070',
  'participant.not_found': 'MMC.111072008',
  'participant.not_live': 'MMC.111072008',
  'participant.state_illegal': 'MMC.111072011',
  'participant.chair_cannot_be_cohost': 'MMC.111072107',
  'participant.chair_cannot_raise_hand': 'MMC.111072069',
  'participant.unmute_not_allowed': 'MMC.111072071',
  'call.already_answered': 'MMC.111072011',
  'call.expired': 'MMC.111072011',
  'pstn.not_allowed': 'MMC.111070002',
  'internal.unexpected': 'MMC.111070003',
} as const satisfies Record<DomainErrorCode, HuaweiCode>;

/** Per-route overrides of the error rendering, declared in the route's `config`. */
export interface HuaweiRouteErrors {
  /** A different code for some domain codes on this route. */
  map?: Partial<Record<DomainErrorCode, HuaweiCode>>;
  /** The route's own code for an unexpected fault (§5.2: H9 `MMC.111070110`, USG routes `USG.000000008`). */
  internal?: HuaweiCode;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    huaweiErrors?: HuaweiRouteErrors;
  }
}

/** The `error_detail` of a DomainError: the first field issue's message, else the error's own message. */
function domainDetail(e: DomainError): string {
  return e.details[0]?.message ?? e.message;
}

/** The HuaweiError a DomainError becomes on the route `req` is serving. */
export function fromDomainError(e: DomainError, req?: FastifyRequest): HuaweiError {
  const overrides = req?.routeOptions.config.huaweiErrors?.map;
  const code = overrides?.[e.code] ?? errorMap[e.code];
  // Internal domain failures never show their message (§5.5).
  return new HuaweiError(code, huaweiCodes[code].status >= 500 ? 'internal error' : domainDetail(e));
}

/** The service error body (§5.1), key order as the vendor sends it. */
export interface HuaweiErrorBody {
  error_code: string;
  error_msg: string;
  error_detail?: string;
  request_id: string;
}

const JSON_UTF8 = 'application/json;charset=UTF-8';

/** Sends a service error. */
export function sendHuaweiError(req: FastifyRequest, reply: FastifyReply, e: HuaweiError): FastifyReply {
  const body: HuaweiErrorBody = { error_code: e.error_code, error_msg: e.error_msg, error_detail: e.error_detail, request_id: req.id };
  return reply.status(e.status).header('content-type', JSON_UTF8).send(JSON.stringify(body));
}

/** API Gateway errors (§5.1 "Gateway errors"): no `error_detail`, the gateway's prose as `error_msg`. */
export const gatewayErrors = {
  unknownRoute: { status: 404, code: 'APIG.0101', msg: 'The API does not exist or has not been published in the environment.' },
  unknownMethod: { status: 404, code: 'APIG.0101', msg: 'The API does not exist.' },
  tooLarge: { status: 413, code: 'APIG.0201', msg: 'Request entity too large.' },
} as const;

/** Sends a gateway error. */
export function sendGatewayError(req: FastifyRequest, reply: FastifyReply, g: (typeof gatewayErrors)[keyof typeof gatewayErrors]): FastifyReply {
  const body: HuaweiErrorBody = { error_code: g.code, error_msg: g.msg, request_id: req.id };
  return reply.status(g.status).header('content-type', JSON_UTF8).send(JSON.stringify(body));
}

/** Framework client errors in this dialect's format (§5.4 steps 1–2), or undefined for anything else. */
function frameworkError(err: FastifyError): HuaweiError | 'tooLarge' | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'tooLarge';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'CONVENE_INVALID_JSON':
      return new HuaweiError('MMC.111070001', 'request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // Content-Type is not enforced for JSON-ish and missing types (§6.1); anything else cannot be a JSON body.
      return new HuaweiError('MMC.111070001', 'request body must be JSON (Content-Type application/json)');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HuaweiError('MMC.111070001', 'header Content-Length does not match the body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HuaweiError('MMC.111072057', 'request body is required');
    default:
      if (err.statusCode === 413) return 'tooLarge';
      return undefined;
  }
}

/**
 * The error handler of every scope of this dialect: HuaweiErrors as they are, DomainErrors through
 * `errorMap` (and the route's overrides), framework client errors in the §5.1 format, anything else as the
 * route's internal code (default `MMC.111070003`) with a fixed detail, logged with the request id.
 */
export function renderHuaweiError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof HuaweiError) {
    if (err.status >= 500) req.log.error({ err }, 'huawei: internal error');
    return sendHuaweiError(req, reply, err);
  }
  if (err instanceof DomainError) {
    const h = fromDomainError(err, req);
    if (h.status >= 500) req.log.error({ err }, 'huawei: domain internal error');
    return sendHuaweiError(req, reply, h);
  }
  const fw = frameworkError(err);
  if (fw === 'tooLarge') return sendGatewayError(req, reply, gatewayErrors.tooLarge);
  if (fw) return sendHuaweiError(req, reply, fw);
  if (err.validation) {
    // Only a route that opted into Ajv gets here (bodies are read by hand); name the field anyway.
    const v = err.validation[0];
    const field = `${err.validationContext ?? 'body'}${v?.instancePath.replace(/\//g, '.') ?? ''}`;
    return sendHuaweiError(req, reply, paramError(`${field} ${v?.message ?? 'is not valid'}`));
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return sendHuaweiError(req, reply, new HuaweiError('MMC.111070001', 'request is not valid'));
  }
  req.log.error({ err }, 'huawei: unexpected error');
  const internal = req.routeOptions.config?.huaweiErrors?.internal ?? 'MMC.111070003';
  return sendHuaweiError(req, reply, new HuaweiError(internal, 'internal error'));
}
