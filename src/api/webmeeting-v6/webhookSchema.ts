/**
 * Webhook configuration and delivery log on the wire (webmeeting-v6 §11.2, §11.5): the response schemas, the
 * presenters that fill them in the same key order, and the E55 body reader.
 */
import { Type } from 'typebox';
import { formatMeetingNumber } from '../../domain/meetings/Meeting.js';
import type { FieldIssue } from '../../domain/errors.js';
import { isValidSecret } from '../../domain/webhooks/secret.js';
import type { DeliveryAttempt, HookConfig, WebhookDelivery, WebhookEventName } from '../../domain/webhooks/types.js';
import { webhookEventNames } from '../../domain/webhooks/types.js';
import {
  isValidHookUrl,
  MAX_HOOK_API_KEY_LENGTH,
  MAX_HOOK_URL_LENGTH,
  urlRequiredIssues,
  type HookPatch,
  type UpdateWebhookConfigInput,
} from '../../domain/webhooks/updateWebhookConfig.js';
import { iso, isoOrNull } from './presenters.js';
import { bodyObject, Reader } from './validate.js';

const Str = Type.String();
const NullStr = Type.Union([Type.String(), Type.Null()]);
const NullInt = Type.Union([Type.Integer(), Type.Null()]);

/** Methods a hook may use (FOUND in S3). */
export const HOOK_METHODS = ['POST', 'PUT'] as const;
/** Body formats (§11.4). */
export const PAYLOAD_FORMATS = ['plain', 'envelope'] as const;
/** Delivery states, the E57 `status` filter (§11.5). */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;

/** One hook as E54–E56 show it (§11.2). The secret is shown: these routes take instance-level keys only. */
export const HookSchema = Type.Object({
  url: NullStr,
  method: Str,
  apiKey: NullStr,
  enabled: Type.Boolean(),
  payloadFormat: Str,
  signingSecret: Str,
  previousSecretValidUntil: NullStr,
  disabledReason: NullStr,
});

/** The whole configuration: one hook per event name, in catalogue order (§11.1). */
export const WebhookConfigSchema = Type.Object(
  Object.fromEntries(webhookEventNames.map((e) => [e, HookSchema])) as Record<WebhookEventName, typeof HookSchema>,
);

/** One hook in the E55 body; every field optional (OpenAPI only: the handler reads the body by hand). */
const HookInputSchema = Type.Object(
  {
    url: Type.Optional(Type.Union([Type.String({ maxLength: MAX_HOOK_URL_LENGTH }), Type.Null()])),
    method: Type.Optional(Type.Union(HOOK_METHODS.map((m) => Type.Literal(m)))),
    apiKey: Type.Optional(Type.Union([Type.String({ maxLength: MAX_HOOK_API_KEY_LENGTH }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean()),
    payloadFormat: Type.Optional(Type.Union(PAYLOAD_FORMATS.map((m) => Type.Literal(m)))),
    signingSecret: Type.Optional(Type.String({ pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$' })),
  },
  { additionalProperties: true },
);

/** The E55 body for OpenAPI: any subset of the events. */
export const WebhookConfigInputSchema = Type.Object(
  Object.fromEntries(webhookEventNames.map((e) => [e, Type.Optional(HookInputSchema)])) as Record<WebhookEventName, ReturnType<typeof Type.Optional<typeof HookInputSchema>>>,
  { additionalProperties: true },
);

/** A delivery in the log (§11.5). */
export const DeliverySchema = Type.Object({
  id: Str,
  eventId: Str,
  event: Str,
  meeting: Type.Object({ id: Str, meetingId: Str, accountId: Str }),
  recurrenceId: NullStr,
  sequence: Type.Integer(),
  occurredAt: Str,
  payloadFormat: Str,
  status: Str,
  attemptCount: Type.Integer(),
  nextAttemptAt: NullStr,
  lastHttpStatus: NullInt,
  lastError: NullStr,
  createdAt: Str,
  completedAt: NullStr,
});

/** One attempt of a delivery (E58). */
export const AttemptSchema = Type.Object({
  attempt: Type.Integer(),
  startedAt: Str,
  url: Str,
  method: Str,
  webhookTimestamp: Type.Integer(),
  durationMs: Type.Integer(),
  httpStatus: NullInt,
  error: NullStr,
  responseExcerpt: NullStr,
});

/** E58/E59: the delivery plus the exact body sent and every attempt. */
export const DeliveryDetailSchema = Type.Object({ ...DeliverySchema.properties, body: Str, attempts: Type.Array(AttemptSchema) });

/** One hook, §11.2 keys in order. */
export function presentHook(h: HookConfig) {
  return {
    url: h.url,
    method: h.method,
    apiKey: h.apiKey,
    enabled: h.enabled,
    payloadFormat: h.payloadFormat,
    signingSecret: h.signingSecret,
    previousSecretValidUntil: isoOrNull(h.previousSecretValidUntil),
    disabledReason: h.disabledReason,
  };
}

/** The configuration object keyed by event name, in the order given (catalogue order from the domain). */
export function presentWebhookConfig(hooks: HookConfig[]): Record<string, ReturnType<typeof presentHook>> {
  return Object.fromEntries(hooks.map((h) => [h.event, presentHook(h)]));
}

/** A delivery as E57 lists it (§11.5). `attemptCount` counts the current cycle only (see redeliverDelivery). */
export function presentDelivery(d: WebhookDelivery) {
  return {
    id: d.id,
    eventId: d.eventId,
    event: d.event,
    meeting: { id: d.meetingId, meetingId: formatMeetingNumber(d.meetingNumber), accountId: d.accountId },
    recurrenceId: isoOrNull(d.recurrenceId),
    sequence: d.sequence,
    occurredAt: iso(d.occurredAt),
    payloadFormat: d.payloadFormat,
    status: d.status,
    attemptCount: d.attemptCount,
    nextAttemptAt: isoOrNull(d.nextAttemptAt),
    lastHttpStatus: d.lastHttpStatus,
    lastError: d.lastError,
    createdAt: iso(d.createdAt),
    completedAt: isoOrNull(d.completedAt),
  };
}

/** One attempt (E58); `webhookTimestamp` is the integer Unix seconds sent in `webhook-timestamp`. */
export function presentAttempt(a: DeliveryAttempt) {
  return {
    attempt: a.attempt,
    startedAt: iso(a.startedAt),
    url: a.url,
    method: a.method,
    webhookTimestamp: a.webhookTimestamp,
    durationMs: a.durationMs,
    httpStatus: a.httpStatus,
    error: a.error,
    responseExcerpt: a.responseExcerpt,
  };
}

/** A delivery with its body and every attempt, across redelivery cycles (E58, E59). */
export function presentDeliveryDetail(d: WebhookDelivery, attempts: DeliveryAttempt[]) {
  return { ...presentDelivery(d), body: d.body, attempts: attempts.map(presentAttempt) };
}

/** What the E55 reader found: the changes, and the events whose `enabled`/`url` could not be read. */
export interface WebhookConfigPatch extends UpdateWebhookConfigInput {
  /** Events with a bad `url`, `enabled` or entry: the url-required rule cannot be judged for them. */
  unreadable: Set<WebhookEventName>;
}

/**
 * Reads the E55 body (§11.2 table, §4): only catalogue events and known fields count, everything else is ignored
 * (§4.5; the read-only `previousSecretValidUntil` and `disabledReason` of a round-tripped GET body included).
 * An event set to `null` is ignored like an absent one. Empty `url` and `apiKey` strings clear them like `null`.
 * Every problem is appended to `issues`.
 */
export function readWebhookConfigPatch(body: unknown, issues: FieldIssue[]): WebhookConfigPatch {
  const root = new Reader(bodyObject(body, issues, { required: false }), issues);
  const hooks: Partial<Record<WebhookEventName, HookPatch>> = {};
  const unreadable = new Set<WebhookEventName>();
  for (const event of webhookEventNames) {
    const before = issues.length;
    const r = root.object(event);
    if (!r) {
      if (issues.length > before) unreadable.add(event);
      continue;
    }
    const patch: HookPatch = {};
    const urlIssuesBefore = issues.length;
    if (r.obj.url === null) patch.url = null;
    else {
      const url = r.string('url', { max: MAX_HOOK_URL_LENGTH });
      if (url === '') patch.url = null;
      else if (url !== undefined) {
        if (isValidHookUrl(url)) patch.url = url;
        else r.fail(r.path('url'), 'format', 'must be an absolute http or https URL');
      }
    }
    const urlBad = issues.length > urlIssuesBefore;
    const method = r.enum('method', HOOK_METHODS);
    if (method !== undefined) patch.method = method;
    const apiKey = r.nullableString('apiKey', { max: MAX_HOOK_API_KEY_LENGTH });
    if (apiKey !== undefined) patch.apiKey = apiKey === '' ? null : apiKey;
    const enabledBefore = issues.length;
    const enabled = r.bool('enabled');
    if (enabled !== undefined) patch.enabled = enabled;
    const enabledBad = issues.length > enabledBefore;
    const payloadFormat = r.enum('payloadFormat', PAYLOAD_FORMATS);
    if (payloadFormat !== undefined) patch.payloadFormat = payloadFormat;
    const secret = r.string('signingSecret');
    if (secret !== undefined) {
      if (isValidSecret(secret)) patch.signingSecret = secret;
      else r.fail(r.path('signingSecret'), 'format', 'must be whsec_ followed by the base64 of 24 to 64 bytes');
    }
    if (urlBad || enabledBad) unreadable.add(event);
    hooks[event] = patch;
  }
  return { hooks, unreadable };
}

/**
 * The url-required issues of a patch against the stored hooks, for the events whose `url` and `enabled` were
 * readable. The route adds them when the body has other problems, so that one response names every bad field
 * (§4.1); otherwise the command judges the rule itself, inside its transaction.
 */
export function patchUrlIssues(patch: WebhookConfigPatch, stored: HookConfig[]): FieldIssue[] {
  const byEvent = new Map(stored.map((h) => [h.event, h]));
  return webhookEventNames.flatMap((event) => {
    const p = patch.hooks[event];
    return p && !patch.unreadable.has(event) ? urlRequiredIssues(event, byEvent.get(event), p) : [];
  });
}
