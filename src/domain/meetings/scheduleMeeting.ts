/**
 * Scheduling a meeting (webmeeting-v6 §8.3), plus the meeting-field rules that create and update share
 * (§8.2, §9.1): length, recurrence, defaults and the instance-only fields.
 */
import { isExpired, type Account, type MeetingType } from '../accounts/Account.js';
import { requireAccountAccess, type Actor } from '../accounts/policies.js';
import type { User } from '../accounts/User.js';
import { displayName } from '../accounts/User.js';
import type { Deps } from '../deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../errors.js';
import type { Repositories } from '../ports.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import { allocateRoom } from './allocateRoom.js';
import { generateDialIn } from './dialIn.js';
import { queueMeetingMails } from './invitationMails.js';
import { codesTaken, generateMeetingCodes, type MeetingCodes } from './meetingCodes.js';
import {
  emptyRecurrence,
  type InvitedParticipant,
  type Meeting,
  type MeetingDocument,
  type MeetingOrigin,
  type Recurrence,
} from './Meeting.js';
import { firstOccurrence, seriesEnd, utcToLocal } from './recurrence.js';

const MINUTE = 60_000;
const MAX_SPAN_MIN = 24 * 60;

/** Recurrence fields as read from input (§9.1): canonical enum values, absent = not given. */
export interface RecurrenceInput {
  frequencyType?: Exclude<Recurrence['frequencyType'], ''>;
  /** Interval N, 1..99. */
  frequency?: number;
  monthlyPattern?: Exclude<Recurrence['monthlyPattern'], ''>;
  endsType?: Exclude<Recurrence['endsType'], ''>;
  /** Epoch ms. */
  endsOn?: number;
  /** 0..1000; must be ≥ 1 with `endsType: after`. */
  endsAfter?: number;
}

/**
 * MeetingInput fields (§8.2) after per-field validation by a dialect. On create, absent and `null` both mean
 * "the default". On update, absent keeps the stored value and `null` resets it to the default.
 */
export interface MeetingFieldsInput {
  /** 1..255 characters; required on create. */
  topic?: string;
  /** Epoch ms; required on create; may be in the past (C8). */
  startTime?: number;
  /** Epoch ms; wins over `durationMin` (duration recomputed, rounded down). */
  endTime?: number;
  /** 1..1440; used only without `endTime`. */
  durationMin?: number;
  /** Default: the account's defaultMeetingType; `meetme` cannot be scheduled. */
  type?: Exclude<MeetingType, 'meetme'> | null;
  isRecurring?: boolean | null;
  /** Merged field by field over the stored rule on update. */
  recurring?: RecurrenceInput | null;
  /** Default: the account's defaultMeetingHasRecording. */
  isRecorded?: boolean | null;
  /** Default: the account's defaultMeetingHasDialin. */
  isDialin?: boolean | null;
  /** ≤ 500, each with an email or a phone; de-duplicated by email. */
  invitedParticipants?: InvitedParticipant[] | null;
  /** A permission set of the same account, or null. */
  meetingPermissionId?: string | null;
  /** ≤ 10 000 characters; default "". */
  agenda?: string | null;
  /** ≤ 50; default []. */
  documents?: MeetingDocument[] | null;
  /** IANA zone; default: the organizer's time zone. */
  timezone?: string | null;
  /** Default "standard". */
  videoResolution?: Meeting['videoResolution'] | null;
  /** Default true. */
  privateDataVisible?: boolean | null;
  /** Instance keys only (§8.2); default false. */
  isDemo?: boolean | null;
  /** Instance keys only (§8.2); default false. */
  isPromo?: boolean | null;
}

/** The meeting fields once merged, defaulted and checked. */
export interface ResolvedMeetingFields {
  topic: string;
  startTime: number;
  durationMin: number;
  type: MeetingType;
  isRecurring: boolean;
  recurring: Recurrence;
  isRecorded: boolean;
  isDialin: boolean;
  invitedParticipants: InvitedParticipant[];
  meetingPermissionId: string | null;
  agenda: string;
  documents: MeetingDocument[];
  timezone: string;
  videoResolution: Meeting['videoResolution'];
  privateDataVisible: boolean;
  isDemo: boolean;
  isPromo: boolean;
}

/** Defaults of a new meeting from its account and organizer. */
export interface MeetingDefaults {
  type: MeetingType;
  isRecorded: boolean;
  isDialin: boolean;
  timezone: string;
}

/** The defaults for a meeting scheduled in `account` by a user in `timezone` (the acting user's zone). */
export function meetingDefaults(account: Account, timezone: string): MeetingDefaults {
  return {
    // A Meet-Me default cannot apply here: Meet-Me channels are not scheduled (§8.2).
    type: account.defaultMeetingType === 'meetme' ? 'standard' : account.defaultMeetingType,
    isRecorded: account.defaultMeetingHasRecording,
    isDialin: account.defaultMeetingHasDialin,
    timezone,
  };
}

/**
 * The instants a meeting may use. Calendar arithmetic before 1970 meets two-digit-year quirks of `Date`, and
 * far-future series would make expansion and ICS output (four-digit years) fail; neither is a real meeting.
 */
export const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
/** Exclusive upper bound, see {@link EARLIEST_INSTANT}. */
export const LATEST_INSTANT = Date.UTC(3000, 0, 1);

/** Adds `min`/`max` for an instant outside [EARLIEST_INSTANT, LATEST_INSTANT); returns whether it is inside. */
function instantInRange(issues: FieldIssue[], field: string, t: number): boolean {
  if (t < EARLIEST_INSTANT) add(issues, field, 'min', 'must not be before 1970-01-01T00:00:00Z');
  else if (t >= LATEST_INSTANT) add(issues, field, 'max', 'must be before 3000-01-01T00:00:00Z');
  else return true;
  return false;
}

/** Appends an issue unless the field already has one (a bad value is reported once, not twice). */
function add(issues: FieldIssue[], field: string, code: string, message: string): void {
  if (!issues.some((i) => i.field === field)) issues.push({ field, code, message });
}

/**
 * Start and length (§8.2): `endTime` wins over `durationMin` and must lie 1 min..24 h after the start;
 * on update, absent values keep the stored start and length. Issues go to `issues`.
 */
export function resolveTiming(
  patch: Pick<MeetingFieldsInput, 'startTime' | 'endTime' | 'durationMin'>,
  current: Pick<Meeting, 'startTime' | 'durationMin'> | undefined,
  issues: FieldIssue[],
): { startTime?: number; durationMin?: number } {
  let startTime = patch.startTime ?? current?.startTime;
  if (startTime === undefined) add(issues, 'startTime', 'required', 'startTime is required');
  else if (!instantInRange(issues, 'startTime', startTime)) startTime = undefined;
  let durationMin: number | undefined;
  if (patch.endTime !== undefined) {
    if (startTime !== undefined && instantInRange(issues, 'endTime', patch.endTime)) {
      const span = patch.endTime - startTime;
      if (span < MINUTE || span > MAX_SPAN_MIN * MINUTE) add(issues, 'endTime', 'range', 'endTime must be at least 1 minute and at most 24 hours after startTime');
      else durationMin = Math.floor(span / MINUTE);
    }
  } else if (patch.durationMin !== undefined) {
    if (!Number.isInteger(patch.durationMin) || patch.durationMin < 1) add(issues, 'duration', 'min', 'must be at least 1');
    else if (patch.durationMin > MAX_SPAN_MIN) add(issues, 'duration', 'max', `must be at most ${MAX_SPAN_MIN}`);
    else durationMin = patch.durationMin;
  } else if (current) {
    durationMin = current.durationMin;
  } else {
    add(issues, 'duration', 'required', 'endTime or duration is required');
  }
  return { startTime, durationMin };
}

/**
 * `isRecurring` and the canonical recurrence (§9.1). On update the rule is merged field by field over the
 * stored one; a non-recurring meeting gets the empty form with `endsOn` = the meeting's creation time.
 */
export function resolveRecurrence(
  patch: Pick<MeetingFieldsInput, 'isRecurring' | 'recurring'>,
  current: Pick<Meeting, 'isRecurring' | 'recurring'> | undefined,
  startTime: number | undefined,
  createdAt: number,
  issues: FieldIssue[],
): { isRecurring: boolean; recurring: Recurrence } {
  const isRecurring = patch.isRecurring === undefined ? (current?.isRecurring ?? false) : (patch.isRecurring ?? false);
  if (!isRecurring) return { isRecurring, recurring: emptyRecurrence(createdAt) };
  const base = patch.recurring !== null && current?.isRecurring ? current.recurring : undefined;
  const p = patch.recurring ?? {};
  const frequencyType = p.frequencyType ?? (base?.frequencyType || undefined);
  const endsType = p.endsType ?? (base?.endsType || undefined);
  const frequency = p.frequency ?? base?.frequency ?? 1;
  // A stored endsOn/endsAfter means something only under its own endsType; otherwise it is filler.
  const endsOn = p.endsOn ?? (base?.endsType === 'on' ? base.endsOn : undefined);
  const endsAfter = p.endsAfter ?? (base?.endsType === 'after' ? base.endsAfter : undefined);
  let monthlyPattern = p.monthlyPattern ?? (base?.monthlyPattern || undefined);

  if (!frequencyType) add(issues, 'recurring.frequencyType', 'required', 'recurring.frequencyType is required when isRecurring is true');
  if (!Number.isInteger(frequency) || frequency < 1 || frequency > 99) add(issues, 'recurring.frequency', frequency < 1 ? 'min' : 'max', 'must be a whole number from 1 to 99');
  if (!endsType) add(issues, 'recurring.endsType', 'required', 'recurring.endsType is required when isRecurring is true');
  if (endsType === 'on') {
    if (endsOn === undefined) add(issues, 'recurring.endsOn', 'required', 'recurring.endsOn is required when endsType is on');
    else if (instantInRange(issues, 'recurring.endsOn', endsOn) && startTime !== undefined && endsOn < startTime) {
      add(issues, 'recurring.endsOn', 'range', 'recurring.endsOn must not be before startTime');
    }
  }
  if (endsType === 'after') {
    if (endsAfter === undefined) add(issues, 'recurring.endsAfter', 'required', 'recurring.endsAfter is required when endsType is after');
    else if (endsAfter < 1) add(issues, 'recurring.endsAfter', 'min', 'must be at least 1');
    else if (endsAfter > 1000) add(issues, 'recurring.endsAfter', 'max', 'must be at most 1000');
  }
  if (frequencyType === 'monthly' && !monthlyPattern) monthlyPattern = 'dayOfMonth';
  return {
    isRecurring,
    recurring: {
      frequencyType: frequencyType ?? '',
      frequency,
      monthlyPattern: monthlyPattern ?? '',
      endsType: endsType ?? '',
      endsOn: endsType === 'on' && endsOn !== undefined ? endsOn : (p.endsOn ?? base?.endsOn ?? createdAt),
      endsAfter: endsType === 'after' ? (endsAfter ?? 0) : 0,
    },
  };
}

/** Lower-cases and de-duplicates participants by email (first wins); phone-only entries are kept. */
export function normaliseParticipants(ps: InvitedParticipant[]): InvitedParticipant[] {
  const seen = new Set<string>();
  const out: InvitedParticipant[] = [];
  for (const p of ps) {
    const email = p.email === null ? null : p.email.toLowerCase();
    if (email !== null) {
      if (seen.has(email)) continue;
      seen.add(email);
    }
    out.push({ ...p, email });
  }
  return out;
}

/**
 * Merges `patch` over `current` (update) or over `defaults` (create) and checks the cross-field rules.
 * @returns the resolved fields and every issue found (the caller throws when there are any).
 */
export function resolveMeetingFields(
  patch: MeetingFieldsInput,
  base: { current?: Meeting | undefined; defaults: MeetingDefaults; createdAt: number },
): { fields: ResolvedMeetingFields | undefined; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const { current, defaults: dflt } = base;
  const createdAt = current ? current.createdAt : base.createdAt;
  // On update `null` resets to the default, absent keeps the stored value; on create both mean the default.
  const pick = <T>(v: T | null | undefined, stored: T | undefined, fallback: T): T => (v === undefined ? (stored ?? fallback) : (v ?? fallback));

  const topic = patch.topic ?? current?.topic;
  if (topic === undefined || topic === '') add(issues, 'topic', 'required', 'topic is required');
  else if (topic.length > 255) add(issues, 'topic', 'maxLength', 'must have at most 255 characters');
  const { startTime, durationMin } = resolveTiming(patch, current, issues);
  const { isRecurring, recurring } = resolveRecurrence(patch, current, startTime, createdAt, issues);
  const participants = normaliseParticipants(pick(patch.invitedParticipants, current?.invitedParticipants, []));
  if (participants.length > 500) add(issues, 'invitedParticipants', 'maxLength', 'must have at most 500 items');
  participants.forEach((p, i) => {
    if (p.email === null && p.phone === null) add(issues, `invitedParticipants[${i}]`, 'required', 'email or phone is required');
  });
  const agenda = pick(patch.agenda, current?.agenda, '');
  if (agenda.length > 10_000) add(issues, 'agenda', 'maxLength', 'must have at most 10000 characters');
  const documents = pick(patch.documents, current?.documents, []);
  if (documents.length > 50) add(issues, 'documents', 'maxLength', 'must have at most 50 items');
  if (issues.length > 0 || topic === undefined || startTime === undefined || durationMin === undefined) return { fields: undefined, issues };

  // A stored Meet-Me type (made elsewhere) is kept while the input does not name a type.
  const type = pick<MeetingType>(patch.type, current?.type, dflt.type);
  return {
    issues,
    fields: {
      topic,
      startTime,
      durationMin,
      type,
      isRecurring,
      recurring,
      isRecorded: pick(patch.isRecorded, current?.isRecorded, dflt.isRecorded),
      isDialin: pick(patch.isDialin, current?.isDialin, dflt.isDialin),
      invitedParticipants: participants,
      meetingPermissionId: patch.meetingPermissionId === undefined ? (current?.meetingPermissionId ?? null) : patch.meetingPermissionId,
      agenda,
      documents,
      timezone: pick(patch.timezone, current?.timezone, dflt.timezone),
      videoResolution: pick(patch.videoResolution, current?.videoResolution, 'standard'),
      privateDataVisible: pick(patch.privateDataVisible, current?.privateDataVisible, true),
      isDemo: pick(patch.isDemo, current?.isDemo, false),
      isPromo: pick(patch.isPromo, current?.isPromo, false),
    },
  };
}

/**
 * `isDemo` / `isPromo` may be changed only with an instance key (§8.2); an account key may send them with
 * their current value (a round-tripped GET body), and `null` counts as the default `false`.
 * @returns one `forbiddenField` issue per changed field.
 */
export function forbiddenFieldIssues(actor: Pick<Actor, 'level'>, patch: Pick<MeetingFieldsInput, 'isDemo' | 'isPromo'>, current: Pick<Meeting, 'isDemo' | 'isPromo'> | undefined): FieldIssue[] {
  if (actor.level === 'instance') return [];
  const issues: FieldIssue[] = [];
  for (const f of ['isDemo', 'isPromo'] as const) {
    const v = patch[f];
    if (v === undefined) continue;
    if ((v ?? false) !== (current?.[f] ?? false)) issues.push({ field: f, code: 'forbiddenField', message: `${f} may only be changed with an instance-level key` });
  }
  return issues;
}

/** Throws the -3 forbiddenField error when `issues` is non-empty. */
export function throwIfForbidden(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new DomainError('permission.forbidden_field', 'a field may only be changed with an instance-level key', issues);
}

/** Checks that a referenced permission set belongs to the account (`unknownReference`, §4.4). */
export async function checkPermissionSet(tx: Pick<Repositories, 'permissionSets'>, accountId: string, id: string | null): Promise<void> {
  if (id !== null && !(await tx.permissionSets.get(accountId, id))) {
    throwIfInvalid([{ field: 'meetingPermissionId', code: 'unknownReference', message: 'no permission set with this id in the account' }]);
  }
}

/** Re-derives the stored series fields (local start, first occurrence, series end) from resolved fields. */
export function applySeries(m: Meeting, f: Pick<ResolvedMeetingFields, 'startTime' | 'timezone' | 'durationMin'>, keepLocalStart: boolean): void {
  // §9.3: the wall-clock start is the source of truth; it is re-derived only when the instant or zone changed.
  if (!keepLocalStart) m.startLocal = utcToLocal(f.startTime, f.timezone);
  m.timezone = f.timezone;
  m.durationMin = f.durationMin;
  const first = firstOccurrence(m);
  m.startTime = first.startTime;
  m.endTime = first.endTime;
  m.seriesEnd = seriesEnd(m);
}

/** Input of scheduleMeeting: MeetingFieldsInput with the fields create requires. */
export interface ScheduleMeetingInput extends MeetingFieldsInput {
  topic: string;
  startTime: number;
}

/** Options of scheduleMeeting. */
export interface ScheduleMeetingOptions {
  /** Which dialect created the meeting (informational); default `webmeeting-v6`. */
  origin?: MeetingOrigin;
  /** Runs last inside the transaction, e.g. to complete an idempotency record with the response (§5). */
  inTx?: (tx: Repositories, result: { meeting: Meeting; account: Account }) => Promise<void>;
}

/** How often a lost race on a public code is retried with fresh codes. */
const CODE_RACE_RETRIES = 3;

/**
 * Schedules a meeting for the actor's acting user (webmeeting-v6 §8.3): validates, applies the defaults,
 * generates the public codes, ICS token and dial-in data, allocates a room, and writes the meeting, its
 * onMeetingScheduled event (sequence 1) and the invitation mails in one transaction.
 * @throws DomainError auth.user_invalid (no acting user), permission.denied, permission.forbidden_field
 *   (isDemo/isPromo with an account key), validation.failed, account.expired (-8), account.limit_reached (-6),
 *   room.none_free (-7, strict room mode).
 */
export async function scheduleMeeting(deps: Deps, actor: Actor, input: ScheduleMeetingInput, opts: ScheduleMeetingOptions = {}): Promise<{ meeting: Meeting; account: Account }> {
  const organizer = actor.user;
  if (!organizer) throw new DomainError('auth.user_invalid', 'an acting user is required to schedule a meeting');
  requireAccountAccess(actor, organizer.accountId);
  throwIfForbidden(forbiddenFieldIssues(actor, input, undefined));

  for (let attempt = 0; ; attempt++) {
    let codes: MeetingCodes | undefined;
    try {
      const result = await deps.store.transaction(async (tx) => {
        const now = deps.clock.now();
        let account = await tx.accounts.get(organizer.accountId, organizer.accountId);
        // With a meeting limit, lock the account so concurrent schedulings count one after another (PostgreSQL's
        // READ COMMITTED would let each see N−1); unlimited accounts keep scheduling in parallel.
        if (account && account.numberOfMeetings > 0) account = await tx.accounts.getForUpdate(organizer.accountId, organizer.accountId);
        if (!account) throw new DomainError('account.not_found', 'the organizer\u2019s account does not exist');
        const { fields, issues } = resolveMeetingFields(input, { defaults: meetingDefaults(account, organizer.timezone), createdAt: now });
        throwIfInvalid(issues);
        const f = fields as ResolvedMeetingFields;
        await checkPermissionSet(tx, account.id, f.meetingPermissionId);
        if (isExpired(account, now)) throw new DomainError('account.expired', 'the account has expired');
        if (account.numberOfMeetings > 0 && (await tx.meetings.countActive(account.id, now)) >= account.numberOfMeetings) {
          throw new DomainError('account.limit_reached', 'the account has reached its numberOfMeetings limit', [
            { field: null, code: 'limit', message: `at most ${account.numberOfMeetings} meetings may be active` },
          ]);
        }
        codes = await generateMeetingCodes(tx.meetings, deps.ids);
        const meeting = newMeeting(deps, account, organizer, f, codes, now, opts.origin ?? 'webmeeting-v6');
        meeting.roomId = await allocateRoom(tx, deps, account, meeting);
        if (meeting.isDialin) {
          const dial = await generateDialIn(tx, deps.ids, now);
          meeting.dialInConferenceRoom = dial.conferenceRoom;
          meeting.dialInPin = dial.pin;
        }
        await tx.meetings.insert(meeting);
        await recordEvent(tx, deps, { event: 'onMeetingScheduled', meeting, payload: deps.renderWebhookPayload('onMeetingScheduled', { meeting, account }) });
        await queueMeetingMails(tx, deps, { meeting, account, kind: 'invitation', recipients: meeting.invitedParticipants });
        if (opts.inTx) await opts.inTx(tx, { meeting, account });
        return { meeting, account };
      });
      deps.notifyOutbox();
      return result;
    } catch (e) {
      // A concurrent insert took one of our codes between the check and the insert: draw again.
      if (attempt < CODE_RACE_RETRIES && !(e instanceof DomainError) && codes && (await codesTaken(deps.store.meetings, codes))) continue;
      throw e;
    }
  }
}

function newMeeting(deps: Pick<Deps, 'ids'>, account: Account, organizer: User, f: ResolvedMeetingFields, codes: MeetingCodes, now: number, origin: MeetingOrigin): Meeting {
  const m: Meeting = {
    id: deps.ids.objectId(),
    accountId: account.id,
    ...codes,
    topic: f.topic,
    startLocal: '',
    timezone: f.timezone,
    durationMin: f.durationMin,
    startTime: f.startTime,
    endTime: f.startTime + f.durationMin * MINUTE,
    seriesEnd: null,
    type: f.type,
    roomId: '',
    isRecurring: f.isRecurring,
    recurring: f.recurring,
    isRecorded: f.isRecorded,
    isDialin: f.isDialin,
    invitedParticipants: f.invitedParticipants,
    agenda: f.agenda,
    documents: f.documents,
    meetingPermissionId: f.meetingPermissionId,
    videoResolution: f.videoResolution,
    dtClosedAt: null,
    addedByUserId: organizer.id,
    addedByUserEmail: organizer.email,
    addedByUserName: displayName(organizer),
    privateDataVisible: f.privateDataVisible,
    icalSequence: 0,
    icsToken: deps.ids.icsToken(),
    dialInConferenceRoom: null,
    dialInPin: null,
    isDemo: f.isDemo,
    isPromo: f.isPromo,
    occurrenceExceptions: [],
    origin,
    eventSeq: 0,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  applySeries(m, f, false);
  return m;
}
