/**
 * The v6 error map (webmeeting-v6 §2.3, §4.4) and the scope's error renderer (ARCHITECTURE.md §4.4).
 * A new DomainErrorCode fails the typecheck here until it is mapped.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorCode, type FieldIssue } from '../../domain/errors.js';

/** One v6 error: HTTP status, responseCode, and the `data[].code` used when the domain gives no details. */
export interface V6Error {
  status: number;
  responseCode: number;
  code: string;
}

/** Every domain code → v6. */
export const errorMap = {
  'validation.failed': { status: 400, responseCode: -4, code: 'invalid' },
  'auth.key_invalid': { status: 401, responseCode: -1, code: 'unauthorized' },
  'auth.user_invalid': { status: 401, responseCode: -2, code: 'userInvalid' },
  'permission.denied': { status: 403, responseCode: -3, code: 'notAllowed' },
  'permission.forbidden_field': { status: 403, responseCode: -3, code: 'forbiddenField' },
  'account.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'user.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'meeting.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'room.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'permission_set.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'api_key.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'occurrence.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'webhook_delivery.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'recording.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'account.limit_reached': { status: 409, responseCode: -6, code: 'limit' },
  'room.none_free': { status: 409, responseCode: -7, code: 'limit' },
  'account.expired': { status: 402, responseCode: -8, code: 'expired' },
  'meeting.state_conflict': { status: 409, responseCode: -9, code: 'conflict' },
  'account.already_exists': { status: 409, responseCode: -10, code: 'conflict' },
  'user.email_taken': { status: 409, responseCode: -11, code: 'conflict' },
  'user.last_admin': { status: 409, responseCode: -12, code: 'conflict' },
  'idempotency.in_progress': { status: 409, responseCode: -13, code: 'conflict' },
  'idempotency.key_reused': { status: 422, responseCode: -4, code: 'idempotencyKeyReused' },
  'webhook.hook_disabled': { status: 409, responseCode: -9, code: 'conflict' },
  // Live-conference codes reach v6 only through close/delete of a running meeting; mapped for exhaustiveness.
  'conference.not_started': { status: 409, responseCode: -9, code: 'conflict' },
  'conference.ended': { status: 409, responseCode: -9, code: 'conflict' },
  'conference.full': { status: 409, responseCode: -6, code: 'limit' },
  'conference.locked': { status: 409, responseCode: -9, code: 'conflict' },
  'conference.no_chair': { status: 409, responseCode: -9, code: 'conflict' },
  'conference.control_denied': { status: 403, responseCode: -3, code: 'notAllowed' },
  'participant.not_found': { status: 404, responseCode: -5, code: 'notFound' },
  'participant.not_live': { status: 409, responseCode: -9, code: 'conflict' },
  'participant.state_illegal': { status: 409, responseCode: -9, code: 'conflict' },
  'participant.chair_cannot_be_cohost': { status: 409, responseCode: -9, code: 'conflict' },
  'participant.chair_cannot_raise_hand': { status: 403, responseCode: -3, code: 'notAllowed' },
  'participant.unmute_not_allowed': { status: 403, responseCode: -3, code: 'notAllowed' },
  'call.already_answered': { status: 409, responseCode: -9, code: 'conflict' },
  'call.expired': { status: 409, responseCode: -9, code: 'conflict' },
  'pstn.not_allowed': { status: 403, responseCode: -3, code: 'notAllowed' },
  'internal.unexpected': { status: 500, responseCode: -99, code: 'internal' },
} satisfies Record<DomainErrorCode, V6Error>;

type Lang = 'en' | 'de' | 'fr' | 'it';

/** Localised responseMessage per responseCode (§2.7). */
const messages: Record<number, Record<Lang, string>> = {
  [-1]: { en: 'API key not valid', de: 'API-Schlüssel ungültig', fr: 'Clé API non valide', it: 'Chiave API non valida' },
  [-2]: { en: 'User not valid', de: 'Benutzer ungültig', fr: 'Utilisateur non valide', it: 'Utente non valido' },
  [-3]: { en: 'Not allowed', de: 'Nicht erlaubt', fr: 'Non autorisé', it: 'Non consentito' },
  [-4]: { en: 'Data not valid', de: 'Daten ungültig', fr: 'Données non valides', it: 'Dati non validi' },
  [-5]: { en: 'Not found', de: 'Nicht gefunden', fr: 'Introuvable', it: 'Non trovato' },
  [-6]: { en: 'Limit reached', de: 'Limite erreicht', fr: 'Limite atteinte', it: 'Limite raggiunto' },
  [-7]: { en: 'No meeting room available', de: 'Kein Meetingraum frei', fr: 'Aucune salle disponible', it: 'Nessuna sala disponibile' },
  [-8]: { en: 'Account expired', de: 'Konto abgelaufen', fr: 'Compte expiré', it: 'Account scaduto' },
  [-9]: { en: 'Meeting state conflict', de: 'Konflikt mit dem Meetingstatus', fr: 'Conflit d’état de la réunion', it: 'Conflitto di stato della riunione' },
  [-10]: { en: 'Account already exists', de: 'Konto existiert bereits', fr: 'Le compte existe déjà', it: 'L’account esiste già' },
  [-11]: { en: 'User already exists', de: 'Benutzer existiert bereits', fr: 'L’utilisateur existe déjà', it: 'L’utente esiste già' },
  [-12]: { en: 'The last admin cannot be removed', de: 'Der letzte Admin kann nicht entfernt werden', fr: 'Le dernier administrateur ne peut pas être retiré', it: 'L’ultimo amministratore non può essere rimosso' },
  [-13]: { en: 'Request in progress', de: 'Anfrage wird bearbeitet', fr: 'Requête en cours', it: 'Richiesta in corso' },
  [-99]: { en: 'Unknown error', de: 'Unbekannter Fehler', fr: 'Erreur inconnue', it: 'Errore sconosciuto' },
};

/** The response language from `?localeCode=` or Accept-Language; `en` otherwise. */
export function languageOf(req: FastifyRequest): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.localeCode;
  const cand = [typeof q === 'string' ? q : '', ...(req.headers['accept-language'] ?? '').split(',')];
  for (const c of cand) {
    const l = c.trim().slice(0, 2).toLowerCase();
    if (l === 'en' || l === 'de' || l === 'fr' || l === 'it') return l;
  }
  return 'en';
}

/** The v6 error body. */
export interface V6ErrorBody {
  responseCode: number;
  responseMessage: string;
  data: FieldIssue[];
}

/** Builds an error body for a responseCode. */
export function errorBody(req: FastifyRequest, responseCode: number, data: FieldIssue[]): V6ErrorBody {
  const m = messages[responseCode] ?? messages[-99]!;
  return { responseCode, responseMessage: m[languageOf(req)], data };
}

/** Sends a v6 error, honouring CONVENE_ERRORS_AS_HTTP_200 (§2.3). */
export function sendV6Error(req: FastifyRequest, reply: FastifyReply, status: number, responseCode: number, data: FieldIssue[]): FastifyReply {
  const as200 = (req.server as unknown as { convene?: { errorsAsHttp200?: boolean } }).convene?.errorsAsHttp200 === true;
  return reply.status(as200 ? 200 : status).type('application/json; charset=utf-8').send(errorBody(req, responseCode, data));
}

/** Framework client errors (FST_ERR_CTP_*, body too large) rendered in the v6 format (§4.2). */
function frameworkIssue(err: FastifyError): { status: number; issue: FieldIssue } | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, issue: { field: 'header.content-type', code: 'unsupportedMediaType', message: 'content type must be application/json' } };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, issue: { field: null, code: 'tooLarge', message: 'request body is too large' } };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'CONVENE_INVALID_JSON':
      return { status: 400, issue: { field: null, code: 'invalidJson', message: err.message } };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, issue: { field: 'header.content-length', code: 'format', message: 'content-length does not match the body' } };
    default:
      if (err.statusCode === 413) return { status: 413, issue: { field: null, code: 'tooLarge', message: 'request body is too large' } };
      return undefined;
  }
}

/** The scope's error handler: domain errors by the map, framework client errors by status, the rest as -99. */
export function renderV6Error(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof DomainError) {
    const e = errorMap[err.code];
    const data = err.details.length > 0 ? err.details : [{ field: null, code: e.code, message: err.message }];
    if (e.status >= 500) req.log.error({ err }, 'domain internal error');
    return sendV6Error(req, reply, e.status, e.responseCode, data);
  }
  const fw = frameworkIssue(err);
  if (fw) return sendV6Error(req, reply, fw.status, -4, [fw.issue]);
  if (err.validation) {
    // Only query/params/headers reach Ajv in this scope; name the field as §4.3 does.
    const data = err.validation.map((v) => ({
      field: `${err.validationContext === 'querystring' ? 'query' : err.validationContext === 'params' ? 'path' : (err.validationContext ?? 'body')}.${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || String((v.params as { missingProperty?: string }).missingProperty ?? '')}`,
      code: v.keyword === 'required' ? 'required' : v.keyword === 'type' ? 'type' : 'format',
      message: v.message ?? 'not valid',
    }));
    return sendV6Error(req, reply, 400, -4, data);
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return sendV6Error(req, reply, err.statusCode, -4, [{ field: null, code: 'invalid', message: 'request not valid' }]);
  }
  req.log.error({ err }, 'unexpected error');
  return sendV6Error(req, reply, 500, -99, []);
}
