/** Updating a meeting (webmeeting-v6 §8.4). */
import { isExpired, type Account } from '../accounts/Account.js';
import type { Actor } from '../accounts/policies.js';
import type { Deps } from '../deps.js';
import { DomainError, throwIfInvalid } from '../errors.js';
import type { Repositories } from '../ports.js';
import { recordEvent } from '../webhooks/recordEvent.js';
import { allocateRoom } from './allocateRoom.js';
import { settleDialIn } from './dialIn.js';
import { queueMeetingMails } from './invitationMails.js';
import type { Meeting } from './Meeting.js';
import { loadMeetingAccount, loadMeetingFor } from './meetingView.js';
import { findInRuleSet, utcToLocal } from './recurrence.js';
import {
  applySeries,
  checkPermissionSet,
  forbiddenFieldIssues,
  meetingDefaults,
  resolveMeetingFields,
  throwIfForbidden,
  type MeetingFieldsInput,
  type ResolvedMeetingFields,
} from './scheduleMeeting.js';
import { seriesOf } from './state.js';

/** Input of updateMeeting. */
export interface UpdateMeetingInput {
  /** 24-hex meeting id. */
  id: string;
  /** The fields to change (absent = keep, `null` = reset to the default), already validated per field. */
  changes: MeetingFieldsInput;
  /**
   * The §8.4 side-effect switch: true queues update mails (iTIP REQUEST with the new SEQUENCE) to the invited
   * participants and cancellations to removed ones; false updates silently.
   */
  notify: boolean;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Merges `changes` into a meeting, re-validates it as on create and writes it with an onMeetingUpdated event
 * (always, even when nothing changed: the vendor fires on every update call) and, with `notify`, the mails,
 * in one transaction. `icalSequence` grows when a calendar field changed; exceptions are dropped when the
 * series anchor changed and kept while still in the rule set when only the end rule changed; the room is
 * re-allocated when the time or the recurrence changed; dial-in data follows `isDialin` (a cleared conference room is
 * quarantined for 30 days, and a revived meeting whose lapsed room was taken meanwhile gets a fresh one, dialIn.ts).
 * @throws DomainError meeting.not_found, permission.denied, permission.forbidden_field, validation.failed,
 *   account.expired, room.none_free.
 */
export async function updateMeeting(
  deps: Deps,
  actor: Actor,
  input: UpdateMeetingInput,
  opts: { inTx?: (tx: Repositories, result: { meeting: Meeting; account: Account }) => Promise<void> } = {},
): Promise<{ meeting: Meeting; account: Account }> {
  const result = await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const current = await loadMeetingFor(tx, actor, input.id);
    const account = await loadMeetingAccount(tx, current);
    if (isExpired(account, now)) throw new DomainError('account.expired', 'the account has expired');
    throwIfForbidden(forbiddenFieldIssues(actor, input.changes, current));
    const tz = actor.user?.timezone ?? deps.settings.defaultUserTimezone;
    const { fields, issues } = resolveMeetingFields(input.changes, { current, defaults: meetingDefaults(account, tz), createdAt: current.createdAt });
    throwIfInvalid(issues);
    const f = fields as ResolvedMeetingFields;
    if (input.changes.meetingPermissionId !== undefined) await checkPermissionSet(tx, account.id, f.meetingPermissionId);

    const next = mergeInto(current, f, now);
    const timeChanged =
      next.startTime !== current.startTime || next.durationMin !== current.durationMin || next.timezone !== current.timezone || next.startLocal !== current.startLocal;
    const ruleChanged = next.isRecurring !== current.isRecurring || !same(next.recurring, current.recurring);
    const calendarChanged =
      timeChanged ||
      ruleChanged ||
      next.topic !== current.topic ||
      next.agenda !== current.agenda ||
      next.isDialin !== current.isDialin ||
      !same(next.invitedParticipants, current.invitedParticipants);
    if (calendarChanged) next.icalSequence = current.icalSequence + 1;
    if (timeChanged || ruleChanged || !same(next.occurrenceExceptions, current.occurrenceExceptions)) {
      next.roomId = await allocateRoom(tx, deps, account, next, { keepRoomId: current.roomId });
    }
    // §8.4 step 7: a cleared room stays quarantined for 30 days.
    await settleDialIn(tx, deps.ids, current, next, now);

    await tx.meetings.update(next);
    await recordEvent(tx, deps, { event: 'onMeetingUpdated', meeting: next, payload: deps.renderWebhookPayload('onMeetingUpdated', { meeting: next, account }) });
    if (input.notify) {
      await queueMeetingMails(tx, deps, { meeting: next, account, kind: 'update', recipients: next.invitedParticipants });
      const kept = new Set(next.invitedParticipants.map((p) => p.email));
      const removed = current.invitedParticipants.filter((p) => p.email !== null && !kept.has(p.email));
      // Each removed participant's CANCEL names only the participants it is sent to.
      if (removed.length > 0) await queueMeetingMails(tx, deps, { meeting: { ...next, invitedParticipants: removed }, account, kind: 'cancellation', recipients: removed });
    }
    if (opts.inTx) await opts.inTx(tx, { meeting: next, account });
    return { meeting: next, account };
  });
  deps.notifyOutbox();
  return result;
}

/** The stored meeting with the resolved fields applied and the series re-derived (§8.4 steps 2–5). */
function mergeInto(current: Meeting, f: ResolvedMeetingFields, now: number): Meeting {
  const next: Meeting = {
    ...current,
    topic: f.topic,
    type: f.type,
    isRecurring: f.isRecurring,
    recurring: f.recurring,
    isRecorded: f.isRecorded,
    isDialin: f.isDialin,
    invitedParticipants: f.invitedParticipants,
    meetingPermissionId: f.meetingPermissionId,
    agenda: f.agenda,
    documents: f.documents,
    timezone: f.timezone,
    durationMin: f.durationMin,
    videoResolution: f.videoResolution,
    privateDataVisible: f.privateDataVisible,
    isDemo: f.isDemo,
    isPromo: f.isPromo,
    updatedAt: now,
  };
  // §9.3 item 4: a new instant or zone re-derives the wall-clock start; otherwise it stays the source of truth.
  if (f.startTime !== current.startTime || f.timezone !== current.timezone) next.startLocal = utcToLocal(f.startTime, f.timezone);

  const anchorChanged =
    next.startLocal !== current.startLocal ||
    next.timezone !== current.timezone ||
    next.durationMin !== current.durationMin ||
    next.isRecurring !== current.isRecurring ||
    next.recurring.frequencyType !== current.recurring.frequencyType ||
    next.recurring.frequency !== current.recurring.frequency ||
    next.recurring.monthlyPattern !== current.recurring.monthlyPattern;
  if (anchorChanged || !next.isRecurring) {
    next.occurrenceExceptions = [];
  } else {
    // Only the end rule changed (or nothing): keep the exceptions whose occurrence is still in the set.
    // An exception's own id is a sufficient horizon: it only has to be reachable, not bounded.
    const series = seriesOf(next);
    next.occurrenceExceptions = current.occurrenceExceptions.filter((e) => findInRuleSet(series, e.recurrenceId, e.recurrenceId) !== undefined);
  }
  applySeries(next, f, true);
  return next;
}
