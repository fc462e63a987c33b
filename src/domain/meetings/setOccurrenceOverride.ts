/**
 * E35: move or retitle one occurrence of a recurring meeting (webmeeting-v6 §9.4), plus the steps that
 * E35–E37 share (locate the occurrence, refuse history, commit with icalSequence + 1, onMeetingUpdated and
 * the single-instance iTIP mail).
 */
import { isExpired, type Account } from '../accounts/Account.js';
import type { Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../errors.js';
import type { Repositories } from '../ports.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import { renderCalendar } from '../../calendar/ics.js';
import { allocateRoom } from './allocateRoom.js';
import { settleDialIn, type DialInBefore } from './dialIn.js';
import { icsDialIn, participantUrl } from './joinLinks.js';
import { formatMeetingNumber, type Meeting, type OccurrenceException } from './Meeting.js';
import { loadMeetingAccount, loadMeetingFor } from './meetingView.js';
import { findInRuleSet, firstOccurrence, seriesEnd, utcToLocal } from './recurrence.js';
import { horizonEndAt, seriesOf } from './state.js';

const MINUTE = 60_000;
const MAX_SPAN_MS = 24 * 60 * MINUTE;
/** §9.4: at most this many exceptions per meeting. */
export const MAX_OCCURRENCE_EXCEPTIONS = 500;

/** Which occurrence E35–E37 address. */
export interface OccurrenceTarget {
  /** The meeting's 24-hex id. */
  meetingId: string;
  /** Original start of the occurrence (epoch ms): its RECURRENCE-ID, already parsed from the path. */
  recurrenceId: number;
  /** Queue an iTIP mail with only this instance to the participants (`?notify=true`). */
  notify: boolean;
}

/** Input of {@link setOccurrenceOverride}: absent fields keep the override's value, `null` resets to the series. */
export interface SetOccurrenceOverrideInput extends OccurrenceTarget {
  /** Effective start, epoch ms; null = the original start. */
  startTime?: number | null;
  /** Effective end, epoch ms; wins over `durationMin`; null = start + the series length. */
  endTime?: number | null;
  /** 1..1440, used only without `endTime`; null = the series length. */
  durationMin?: number | null;
  /** 1..255 characters; null = inherit the series topic. */
  topic?: string | null;
  /** ≤ 10 000 characters; null = inherit the series agenda. */
  agenda?: string | null;
}

/** A located occurrence, read inside the command's transaction. */
export interface LocatedOccurrence {
  meeting: Meeting;
  account: Account;
  /** The rule-set instance (exceptions not applied). */
  originalStart: number;
  originalEnd: number;
  /** The exception stored for it, if any. */
  current: OccurrenceException | undefined;
  now: number;
}

/**
 * Loads the meeting and the addressed occurrence, and applies the refusals E35–E37 share, in the §3.3
 * order: meeting.not_found (-5), permission.denied (-3), notRecurring (-4), account.expired (-8),
 * occurrence.not_found (-5, `path.recurrenceId`), then meeting.state_conflict (-9) when the original or
 * current effective start is not in the future (history is not edited).
 */
export async function locateOccurrence(tx: Repositories, deps: Pick<Deps, 'clock' | 'settings'>, actor: Actor, target: OccurrenceTarget): Promise<LocatedOccurrence> {
  const now = deps.clock.now();
  const meeting = await loadMeetingFor(tx, actor, target.meetingId, 'path.id');
  throwIfInvalid(notRecurringIssues(meeting));
  const account = await loadMeetingAccount(tx, meeting);
  if (isExpired(account, now)) throw new DomainError('account.expired', 'the account has expired');
  const inst = findInRuleSet(seriesOf(meeting), target.recurrenceId, horizonEndAt(deps.settings, now));
  if (!inst) {
    throw new DomainError('occurrence.not_found', 'no such occurrence', [
      { field: 'path.recurrenceId', code: 'notFound', message: 'the meeting has no occurrence with this original start' },
    ]);
  }
  const current = meeting.occurrenceExceptions.find((e) => e.recurrenceId === inst.originalStart);
  const effectiveStart = current && !current.isCancelled && current.startTime !== null ? current.startTime : inst.originalStart;
  if (inst.originalStart <= now || effectiveStart <= now) throw conflict('the occurrence has already started; close a running occurrence with E31 instead');
  return { meeting, account, originalStart: inst.originalStart, originalEnd: inst.originalEnd, current, now };
}

/** The §4.4 `notRecurring` issue for a meeting that is not a series (empty for one that is). */
export function notRecurringIssues(meeting: Pick<Meeting, 'isRecurring'>): FieldIssue[] {
  return meeting.isRecurring ? [] : [{ field: 'path.recurrenceId', code: 'notRecurring', message: 'the meeting is not recurring' }];
}

/** The -9 error of E35–E37. */
export function conflict(message: string): DomainError {
  return new DomainError('meeting.state_conflict', message, [{ field: 'path.recurrenceId', code: 'conflict', message }]);
}

/** What {@link commitOccurrenceChange} writes. */
export interface OccurrenceChange {
  /** The new exception list (any order; stored sorted by recurrenceId). */
  exceptions: OccurrenceException[];
  /** The iTIP mail for `notify`: REQUEST for an override or restore, CANCEL for a cancellation. */
  method: 'REQUEST' | 'CANCEL';
}

/**
 * Writes an occurrence change inside `tx` (§9.4 shared rules): the exceptions (≤ 500, else -4 maxLength),
 * icalSequence + 1, the re-derived first occurrence and series end, the room (kept when still valid), the
 * onMeetingUpdated event, and with `notify` one single-instance iTIP mail per participant with an email.
 */
export async function commitOccurrenceChange(
  tx: Repositories,
  deps: Pick<Deps, 'clock' | 'ids' | 'settings' | 'renderWebhookPayload'>,
  located: LocatedOccurrence,
  target: OccurrenceTarget,
  change: OccurrenceChange,
): Promise<Meeting> {
  const { meeting, account, now } = located;
  if (change.exceptions.length > MAX_OCCURRENCE_EXCEPTIONS) {
    throwIfInvalid([{ field: null, code: 'maxLength', message: `a meeting may have at most ${MAX_OCCURRENCE_EXCEPTIONS} occurrence exceptions` }]);
  }
  const before: DialInBefore = { id: meeting.id, isDialin: meeting.isDialin, seriesEnd: meeting.seriesEnd, dialInConferenceRoom: meeting.dialInConferenceRoom, dialInPin: meeting.dialInPin };
  meeting.occurrenceExceptions = [...change.exceptions].sort((a, b) => a.recurrenceId - b.recurrenceId);
  meeting.icalSequence += 1;
  meeting.updatedAt = now;
  const first = firstOccurrence(meeting);
  meeting.startTime = first.startTime;
  meeting.endTime = first.endTime;
  meeting.seriesEnd = seriesEnd(meeting);
  // §9.4: effective occurrences drive room allocation too; permissive mode keeps the room, strict mode may -7.
  meeting.roomId = await allocateRoom(tx, deps, account, meeting, { keepRoomId: meeting.roomId });
  // Cancelling the last occurrences can end the series now (quarantine the room from here) and restoring one can
  // revive a series whose room lapsed (dialIn.ts).
  await settleDialIn(tx, deps.ids, before, meeting, now);
  await tx.meetings.update(meeting);
  await recordEvent(tx, deps, { event: 'onMeetingUpdated', meeting, payload: deps.renderWebhookPayload('onMeetingUpdated', { meeting, account }) });
  if (target.notify) await queueInstanceMails(tx, deps, meeting, account, located.originalStart, change.method);
  return meeting;
}

/**
 * One iTIP mail per participant with an email, carrying only the addressed instance (§9.4, §10.7):
 * METHOD:REQUEST with RECURRENCE-ID for an override or restore, METHOD:CANCEL for a cancellation.
 */
async function queueInstanceMails(
  tx: Repositories,
  deps: Pick<Deps, 'clock' | 'ids' | 'settings'>,
  meeting: Meeting,
  account: Account,
  recurrenceId: number,
  method: 'REQUEST' | 'CANCEL',
): Promise<void> {
  const seen = new Set<string>();
  const recipients = meeting.invitedParticipants.filter((p) => p.email !== null && !seen.has(p.email) && (seen.add(p.email), true));
  if (recipients.length === 0) return;
  const url = participantUrl(deps.settings, meeting);
  const ics = renderCalendar({
    name: meeting.topic,
    timezone: meeting.timezone,
    uidDomain: deps.settings.icsUidDomain,
    method,
    events: [{ meeting, participantUrl: url, dialIn: icsDialIn(deps.settings, account, meeting), includeAttendees: meeting.privateDataVisible }],
    onlyRecurrenceId: recurrenceId,
  });
  const exception = meeting.occurrenceExceptions.find((e) => e.recurrenceId === recurrenceId);
  const start = exception?.startTime ?? recurrenceId;
  const when = `${utcToLocal(start, meeting.timezone).replace('T', ' ').slice(0, 16)} ${meeting.timezone}`;
  const originally = `${utcToLocal(recurrenceId, meeting.timezone).replace('T', ' ').slice(0, 16)} ${meeting.timezone}`;
  const topic = exception?.topic ?? meeting.topic;
  const now = deps.clock.now();
  for (const to of recipients) {
    const lead =
      method === 'CANCEL'
        ? `${meeting.addedByUserName} cancelled the occurrence of "${meeting.topic}" on ${originally}.`
        : `${meeting.addedByUserName} changed the occurrence of "${meeting.topic}" originally on ${originally}.`;
    const lines = [to.name ? `Hello ${to.name},` : 'Hello,', '', lead];
    if (method === 'REQUEST') lines.push('', `Topic: ${topic}`, `When: ${when}`, `Join: ${url}`, `Meeting ID: ${formatMeetingNumber(meeting.meetingNumber)}`);
    await tx.mail.insert({
      id: deps.ids.objectId(),
      to: to.email as string,
      template: method === 'CANCEL' ? 'occurrenceCancelled' : 'occurrenceUpdated',
      language: to.language ?? 'en',
      subject: `${method === 'CANCEL' ? 'Cancelled' : 'Updated'}: ${topic} (${originally})`,
      body: `${lines.join('\n')}\n`,
      icsAttachment: ics,
      icsMethod: method,
      createdAt: now,
      sentAt: null,
      attempts: 0,
      lastError: null,
      nextAttemptAt: now,
    });
  }
}

/**
 * Creates or merges the override of one occurrence (E35, §9.4). Absent fields keep the override's current
 * value; `null` resets a field to the series value. Without `endTime` and `durationMin` the occurrence keeps
 * its current length, so moving only the start moves the whole occurrence. An override that ends up equal to
 * the plain occurrence is dropped, as if restored.
 * @throws DomainError meeting.not_found, permission.denied, validation.failed (notRecurring; `endTime`
 *   `range`: 1 min..24 h after the start; 500 exceptions), account.expired, occurrence.not_found,
 *   meeting.state_conflict (started, cancelled, or moved to a start that is not in the future),
 *   room.none_free (strict room mode).
 */
export async function setOccurrenceOverride(deps: Deps, actor: Actor, input: SetOccurrenceOverrideInput): Promise<{ meeting: Meeting; account: Account }> {
  const result = await deps.store.transaction(async (tx) => {
    const located = await locateOccurrence(tx, deps, actor, input);
    const { meeting, current, originalStart, originalEnd, now } = located;
    if (current?.isCancelled) throw conflict('the occurrence is cancelled; restore it first');
    const seriesLength = originalEnd - originalStart;
    const curStart = current?.startTime ?? originalStart;
    const curLength = current && current.startTime !== null && current.endTime !== null ? current.endTime - current.startTime : seriesLength;

    const startTime = input.startTime === undefined ? curStart : (input.startTime ?? originalStart);
    let endTime: number;
    if (input.endTime !== undefined) endTime = input.endTime ?? startTime + seriesLength;
    else if (input.durationMin !== undefined) endTime = input.durationMin === null ? startTime + seriesLength : startTime + input.durationMin * MINUTE;
    else endTime = startTime + curLength;
    const span = endTime - startTime;
    if (span < MINUTE || span > MAX_SPAN_MS) {
      const field = input.endTime !== undefined ? 'endTime' : input.durationMin !== undefined ? 'duration' : 'startTime';
      throwIfInvalid([{ field, code: 'range', message: 'the occurrence must end at least 1 minute and at most 24 hours after it starts' }]);
    }
    if (startTime <= now) {
      throw new DomainError('meeting.state_conflict', 'an occurrence cannot be moved to a start that is not in the future', [
        { field: 'startTime', code: 'conflict', message: 'the new start must be in the future' },
      ]);
    }
    const topic = input.topic === undefined ? (current?.topic ?? null) : input.topic;
    const agenda = input.agenda === undefined ? (current?.agenda ?? null) : input.agenda;

    const others = meeting.occurrenceExceptions.filter((e) => e.recurrenceId !== originalStart);
    const plain = startTime === originalStart && endTime === originalEnd && topic === null && agenda === null;
    const exceptions = plain ? others : [...others, { recurrenceId: originalStart, isCancelled: false, startTime, endTime, topic, agenda }];
    await commitOccurrenceChange(tx, deps, located, input, { exceptions, method: 'REQUEST' });
    return { meeting, account: located.account };
  });
  deps.notifyOutbox();
  return result;
}
