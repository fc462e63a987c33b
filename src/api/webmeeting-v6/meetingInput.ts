/**
 * Reads a v6 MeetingInput (webmeeting-v6 §8.2, §8.12, §9.1) leniently as §4 requires and reports EVERY
 * problem at once: E20 in create mode (required fields), E21/E22 in update mode (lenient PUT: absent keeps,
 * `null` resets to the default, cross-field rules checked on the merged values). Unknown and read-only fields
 * are ignored (§4.5).
 */
import type { Actor } from '../../domain/accounts/policies.js';
import { throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import type { InvitedParticipant, Meeting, MeetingDocument } from '../../domain/meetings/Meeting.js';
import {
  forbiddenFieldIssues,
  resolveRecurrence,
  resolveTiming,
  throwIfForbidden,
  type MeetingFieldsInput,
  type RecurrenceInput,
  type ScheduleMeetingInput,
} from '../../domain/meetings/scheduleMeeting.js';
import type { PermissionSetRepository } from '../../domain/ports.js';
import { bodyObject, Reader, type Json } from './validate.js';

const FREQUENCY_TYPES = ['daily', 'weekly', 'monthly', 'yearly'] as const;
const MONTHLY_PATTERNS = ['dayOfMonth', 'dayOfWeek'] as const;
const ENDS_TYPES = ['never', 'on', 'after'] as const;
const SCHEDULABLE_TYPES = ['standard', 'webinar'] as const;
const VIDEO_RESOLUTIONS = ['standard', 'hd', 'fullhd'] as const;
const LANGUAGES = ['en', 'de', 'fr', 'it'] as const;
const E164 = /^\+[1-9]\d{6,14}$/;
const SIP_URI = /^sips?:[^\s<>"]+$/i;

/** What the reader needs besides the body. */
export interface MeetingInputContext {
  /** The caller: `isDemo`/`isPromo` may change only with an instance key. */
  actor: Actor;
  /** The account the meeting belongs to; `meetingPermissionId` must name one of its sets. */
  accountId: string;
  permissionSets: Pick<PermissionSetRepository, 'get'>;
}

/** Update mode: the path id and the stored meeting the body is merged over. */
export interface MeetingUpdateContext extends MeetingInputContext {
  pathId: string;
  current: Meeting;
}

/** Aliases of §9.1, keyed lower-case as Reader.enum matches them. */
const FREQUENCY_ALIASES = { day: 'daily', week: 'weekly', month: 'monthly', year: 'yearly' } as const;
const MONTHLY_ALIASES = { date: 'dayOfMonth', bydate: 'dayOfMonth', day: 'dayOfMonth', weekday: 'dayOfWeek', byday: 'dayOfWeek' } as const;
const ENDS_ALIASES = { date: 'on', until: 'on', count: 'after', occurrences: 'after' } as const;

/** Reads an E20 body. @throws DomainError permission.forbidden_field (-3), validation.failed (-4). */
export async function readScheduleInput(body: unknown, ctx: MeetingInputContext): Promise<ScheduleMeetingInput> {
  return (await readMeetingFields(body, ctx, undefined)) as ScheduleMeetingInput;
}

/** Reads an E21/E22 body. @throws DomainError permission.forbidden_field (-3), validation.failed (-4, `mismatch` for a foreign `id`). */
export async function readUpdateInput(body: unknown, ctx: MeetingUpdateContext): Promise<MeetingFieldsInput> {
  return readMeetingFields(body, ctx, { pathId: ctx.pathId, current: ctx.current });
}

async function readMeetingFields(body: unknown, ctx: MeetingInputContext, update: { pathId: string; current: Meeting } | undefined): Promise<MeetingFieldsInput> {
  const issues: FieldIssue[] = [];
  const obj = bodyObject(body, issues);
  const r = new Reader(obj, issues);
  const current = update?.current;
  const creating = update === undefined;
  /** `null` on a defaulted field: the default on create (absent), a reset on update (null). */
  const orNull = <T>(name: string, read: () => T | undefined): T | null | undefined => (obj[name] === null ? (creating ? undefined : null) : read());
  const out: MeetingFieldsInput = {};
  const set = <K extends keyof MeetingFieldsInput>(k: K, v: MeetingFieldsInput[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };

  if (update && obj.id !== undefined && obj.id !== null && obj.id !== update.pathId) {
    r.fail('id', 'mismatch', 'id must equal the meeting id in the path');
  }
  // On update a field that is sent must be valid; `null` on a required field is `required` (§4.6).
  const requiredNow = (name: string) => creating || name in obj;
  set('topic', requiredNow('topic') ? r.string('topic', { required: true, max: 255 }) : undefined);
  set('startTime', requiredNow('startTime') ? r.instant('startTime', { required: true }) : undefined);
  set('endTime', r.instant('endTime'));
  set('durationMin', r.int('duration', { min: 1, max: 1440, numericString: true, typeMessage: 'must be a number of minutes' }));
  const timing = resolveTiming(out, current, issues);

  // A Meet-Me meeting made elsewhere may round-trip its own type; nothing can become Meet-Me here (§8.2).
  const keepsMeetMe = current?.type === 'meetme' && typeof obj.type === 'string' && obj.type.trim().toLowerCase() === 'meetme';
  if (!keepsMeetMe) set('type', orNull('type', () => r.enum('type', SCHEDULABLE_TYPES)));
  set('isRecurring', orNull('isRecurring', () => r.bool('isRecurring')));
  const recurringBad = issues.some((i) => i.field === 'isRecurring');
  const recurringNow = out.isRecurring === undefined ? (current?.isRecurring ?? false) : out.isRecurring === true;
  // Recurrence content is validated only for a recurring meeting; otherwise it is normalised away (§8.2).
  if (recurringNow && !recurringBad) {
    if (obj.recurring === null && !creating) out.recurring = null;
    else {
      const rr = r.object('recurring');
      if (rr) out.recurring = readRecurrence(rr);
    }
    // A recurrence that is not even an object has no fields to be missing.
    if (!issues.some((i) => i.field === 'recurring')) resolveRecurrence(out, current, timing.startTime, 0, issues);
  }
  set('isRecorded', orNull('isRecorded', () => r.bool('isRecorded')));
  set('isDialin', orNull('isDialin', () => r.bool('isDialin')));
  set('invitedParticipants', orNull('invitedParticipants', () => readParticipants(r)));
  const permissionId = r.idOrNull('meetingPermissionId');
  if (permissionId !== undefined) {
    out.meetingPermissionId = permissionId;
    if (permissionId !== null && permissionId !== current?.meetingPermissionId && !(await ctx.permissionSets.get(ctx.accountId, permissionId))) {
      r.fail('meetingPermissionId', 'unknownReference', 'no permission set with this id in the account');
    }
  }
  set('agenda', orNull('agenda', () => r.string('agenda', { max: 10_000 })));
  set('documents', orNull('documents', () => readDocuments(r)));
  set('timezone', orNull('timezone', () => r.timezone('timezone')));
  set('videoResolution', orNull('videoResolution', () => r.enum('videoResolution', VIDEO_RESOLUTIONS)));
  set('privateDataVisible', orNull('privateDataVisible', () => r.bool('privateDataVisible')));
  set('isDemo', orNull('isDemo', () => r.bool('isDemo')));
  set('isPromo', orNull('isPromo', () => r.bool('isPromo')));

  // §3.3: a right the caller lacks answers before the data's validity.
  throwIfForbidden(forbiddenFieldIssues(ctx.actor, out, current));
  throwIfInvalid(issues);
  return out;
}

/** An enum where "" means "not given" (§9.1 shows "" for unused fields; §4.4 `required` covers empty). */
function enumOrEmpty<T extends string>(r: Reader, name: string, values: readonly T[], aliases: Record<string, T>): T | undefined {
  const v = r.obj[name];
  if (typeof v === 'string' && v.trim() === '') return undefined;
  return r.enum(name, values, { aliases });
}

function readRecurrence(rr: Reader): RecurrenceInput {
  const out: RecurrenceInput = {};
  const frequencyType = enumOrEmpty(rr, 'frequencyType', FREQUENCY_TYPES, FREQUENCY_ALIASES);
  if (frequencyType) out.frequencyType = frequencyType;
  const frequency = rr.int('frequency', { min: 1, max: 99, numericString: true });
  if (frequency !== undefined) out.frequency = frequency;
  const monthlyPattern = enumOrEmpty(rr, 'monthlyPattern', MONTHLY_PATTERNS, MONTHLY_ALIASES);
  if (monthlyPattern) out.monthlyPattern = monthlyPattern;
  const endsType = enumOrEmpty(rr, 'endsType', ENDS_TYPES, ENDS_ALIASES);
  if (endsType) out.endsType = endsType;
  const endsOn = rr.instant('endsOn');
  if (endsOn !== undefined) out.endsOn = endsOn;
  // 0 is the FOUND filler for "unused", so a round-tripped body passes; `after` then needs ≥ 1.
  const endsAfter = rr.int('endsAfter', { min: 0, max: 1000 });
  if (endsAfter !== undefined) out.endsAfter = endsAfter;
  return out;
}

function readParticipants(r: Reader): InvitedParticipant[] | undefined {
  const arr = r.array('invitedParticipants', { max: 500 });
  if (!arr) return undefined;
  const out: InvitedParticipant[] = [];
  const seen = new Set<string>();
  const push = (p: InvitedParticipant) => {
    if (p.email !== null) {
      if (seen.has(p.email)) return;
      seen.add(p.email);
    }
    out.push(p);
  };
  arr.forEach((v, i) => {
    const path = `${r.path('invitedParticipants')}[${i}]`;
    if (typeof v === 'string') {
      // An item that is just an address (§8.12) is read like a field of its own, named by its index.
      const email = new Reader({ [`[${i}]`]: v }, r.issues, r.path('invitedParticipants')).email(`[${i}]`, { required: true });
      if (email !== undefined) push({ email, name: '', phone: null, language: null, isModerator: false });
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return void r.fail(path, 'type', 'must be an email address or an object');
    const ir = r.item(arr, i, 'invitedParticipants') as Reader;
    const before = r.issues.length;
    const email = ir.email('email');
    const name = ir.string('name', { max: 100 });
    const firstName = ir.string('firstName', { max: 100 });
    const lastName = ir.string('lastName', { max: 100 });
    let phone = ir.string('phone', { max: 254 });
    if (phone !== undefined && !E164.test(phone) && !SIP_URI.test(phone)) {
      ir.fail(ir.path('phone'), 'format', 'must be an E.164 number such as +41445550100 or a SIP URI');
      phone = undefined;
    }
    const language = ir.enum('language', LANGUAGES);
    const isModerator = ir.bool('isModerator') ?? false;
    if (r.issues.length > before) return;
    if (email === undefined && phone === undefined) return void r.fail(path, 'required', 'email or phone is required');
    push({
      email: email ?? null,
      name: name || `${firstName ?? ''} ${lastName ?? ''}`.trim(),
      phone: phone ?? null,
      language: language ?? null,
      isModerator,
    });
  });
  return out;
}

function readDocuments(r: Reader): MeetingDocument[] | undefined {
  const arr = r.array('documents', { max: 50 });
  if (!arr) return undefined;
  const out: MeetingDocument[] = [];
  arr.forEach((_, i) => {
    const dr = r.item(arr, i, 'documents');
    if (!dr) return;
    const name = dr.string('name', { required: true, max: 255 });
    const url = dr.string('url', { required: true, max: 2048 });
    if (url !== undefined && !isHttpUrl(url)) dr.fail(dr.path('url'), 'format', 'must be an http or https URL');
    const size = dr.int('size', { min: 0 });
    const mimeType = dr.string('mimeType', { max: 255 });
    if (name !== undefined && url !== undefined && isHttpUrl(url)) out.push({ name, url, ...(size !== undefined ? { size } : {}), ...(mimeType ? { mimeType } : {}) });
  });
  return out;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The body's `id` for E32 (`{"id": "<24-hex>"}`). */
export function readCloseBody(body: unknown): string {
  const issues: FieldIssue[] = [];
  const r = new Reader(bodyObject(body, issues) as Json, issues);
  const v = r.string('id', { required: true });
  if (v !== undefined && !/^[0-9a-f]{24}$/.test(v)) r.fail('id', 'format', 'must be a 24-hex id');
  throwIfInvalid(issues);
  return v as string;
}
