/** Renders the plain v6 webhook payload of an event (webmeeting-v6 §11.1); app wiring hands it to the domain. */
import type { Account } from '../../domain/accounts/Account.js';
import type { WebhookPayloadRenderer } from '../../domain/deps.js';
import { formatMeetingNumber, type Meeting } from '../../domain/meetings/Meeting.js';
import { meetingView, type ViewSettings } from '../../domain/meetings/meetingView.js';
import type { Clock } from '../../domain/ports.js';
import type { WebhookEventName } from '../../domain/webhooks/types.js';
import { presentMeeting } from './meetingPresenter.js';

/** Events whose plain payload is the §8.1 Meeting. */
const MEETING_EVENTS: ReadonlySet<WebhookEventName> = new Set(['onMeetingScheduled', 'onMeetingUpdated', 'onMeetingClosed', 'onMeetingDeleted']);

/** The §8.1 Meeting as compact JSON, with the state flags as of `now`. */
export function renderMeetingPayload(settings: ViewSettings, account: Account, meeting: Meeting, now: number): string {
  return JSON.stringify(presentMeeting(meetingView(settings, account, meeting, now)));
}

/**
 * Builds the renderer. Meeting events (scheduled, updated, closed, deleted) render the §8.1 Meeting as of the
 * recording time; the caller passes the meeting as it should appear (for deletions, the state just before).
 * The other events render `{meeting: {id, meetingId, accountId, topic, recurrenceId}, …extra}`: the caller's
 * `extra` keys follow `meeting` in its order, and `extra.recurrenceId` (epoch ms, ISO or null) moves into
 * `meeting` (§11.1 Presence, Summary and Recording payloads).
 */
export function createV6WebhookPayloadRenderer(o: { settings: ViewSettings; clock: Clock }): WebhookPayloadRenderer {
  return (event, { meeting, account, extra }) => {
    if (MEETING_EVENTS.has(event)) return renderMeetingPayload(o.settings, account, meeting, o.clock.now());
    const { recurrenceId, ...rest } = extra ?? {};
    const rid = typeof recurrenceId === 'number' ? new Date(recurrenceId).toISOString() : typeof recurrenceId === 'string' ? recurrenceId : null;
    return JSON.stringify({
      meeting: { id: meeting.id, meetingId: formatMeetingNumber(meeting.meetingNumber), accountId: meeting.accountId, topic: meeting.topic, recurrenceId: rid },
      ...rest,
    });
  };
}
