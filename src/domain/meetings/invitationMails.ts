/**
 * Invitation, update and cancellation mails of a meeting (webmeeting-v6 §8.13, §10.7). They are written to
 * the mail outbox inside the caller's transaction, each with an iTIP `.ics` attachment (REQUEST or CANCEL),
 * and sent later by the mail worker.
 */
import type { Account } from '../accounts/Account.js';
import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import { renderCalendar } from '../../calendar/ics.js';
import { dialInBlock, displayNumbers, participantUrl } from './joinLinks.js';
import { formatMeetingNumber, type InvitedParticipant, type Meeting } from './Meeting.js';
import { utcToLocal } from './recurrence.js';

/** Which mail: §8.3 invitation, §8.4 update, §8.4/§8.6 cancellation. */
export type MeetingMailKind = 'invitation' | 'update' | 'cancellation';

/** Input of {@link queueMeetingMails}. */
export interface MeetingMailsInput {
  /** The meeting as the recipients should see it; a cancellation's SEQUENCE is its `icalSequence` + 1 (§10.7). */
  meeting: Meeting;
  account: Account;
  kind: MeetingMailKind;
  /** Who gets a mail; participants without an email are skipped (they are reached by phone, not mail). */
  recipients: InvitedParticipant[];
}

const SUBJECT: Record<MeetingMailKind, string> = {
  invitation: 'Invitation',
  update: 'Updated invitation',
  cancellation: 'Cancelled',
};

function describeTime(m: Meeting): string {
  const local = utcToLocal(m.startTime, m.timezone).replace('T', ' ').slice(0, 16);
  const rule = m.isRecurring ? ` (recurring ${m.recurring.frequencyType})` : '';
  return `${local} ${m.timezone}, ${m.durationMin} min${rule}`;
}

function mailBody(deps: Pick<Deps, 'settings'>, account: Account, m: Meeting, kind: MeetingMailKind, to: InvitedParticipant): string {
  const hello = to.name ? `Hello ${to.name},` : 'Hello,';
  const lead =
    kind === 'cancellation'
      ? `${m.addedByUserName} cancelled the meeting "${m.topic}".`
      : kind === 'update'
        ? `${m.addedByUserName} updated the meeting "${m.topic}".`
        : `${m.addedByUserName} invites you to the meeting "${m.topic}".`;
  const lines = [hello, '', lead, '', `When: ${describeTime(m)}`];
  if (kind !== 'cancellation') {
    lines.push(`Join: ${participantUrl(deps.settings, m)}`, `Meeting ID: ${formatMeetingNumber(m.meetingNumber)}`);
    const dial = dialInBlock(deps.settings, account, m);
    if (dial) lines.push(`Dial-in: ${displayNumbers(dial.numbers)} / Conference room: ${dial.conferenceRoom} / PIN: ${dial.pin}`);
    if (m.agenda) lines.push('', m.agenda);
  }
  return `${lines.join('\n')}\n`;
}

function icsDialIn(deps: Pick<Deps, 'settings'>, account: Account, m: Meeting): { displayNumbers: string[]; conferenceRoom: string; pin: string } | null {
  const d = dialInBlock(deps.settings, account, m);
  return d && { displayNumbers: d.numbers.map((n) => n.displayNumber ?? n.number), conferenceRoom: d.conferenceRoom, pin: d.pin };
}

/**
 * Queues one mail per recipient with an email address, inside `tx`. Invitations and updates carry an iTIP
 * `METHOD:REQUEST` calendar, cancellations `METHOD:CANCEL` with `STATUS:CANCELLED` and `SEQUENCE` = `icalSequence` + 1,
 * the others `SEQUENCE` = `icalSequence`. Attendees are listed only when `privateDataVisible` is true (§8.1).
 * @returns the number of mails queued.
 */
export async function queueMeetingMails(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock' | 'settings'>, input: MeetingMailsInput): Promise<number> {
  const { meeting, account, kind } = input;
  const now = deps.clock.now();
  const seen = new Set<string>();
  const recipients = input.recipients.filter((p) => p.email !== null && !seen.has(p.email) && (seen.add(p.email), true));
  if (recipients.length === 0) return 0;
  const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
  const ics = renderCalendar({
    name: meeting.topic,
    timezone: meeting.timezone,
    uidDomain: deps.settings.icsUidDomain,
    method,
    events: [
      {
        meeting,
        participantUrl: participantUrl(deps.settings, meeting),
        dialIn: icsDialIn(deps, account, meeting),
        includeAttendees: meeting.privateDataVisible,
      },
    ],
    ...(kind === 'cancellation' ? { cancelled: true } : {}),
  });
  for (const to of recipients) {
    await tx.mail.insert({
      id: deps.ids.objectId(),
      to: to.email as string,
      template: kind === 'invitation' ? 'meetingInvitation' : kind === 'update' ? 'meetingUpdated' : 'meetingCancelled',
      language: to.language ?? 'en',
      subject: `${SUBJECT[kind]}: ${meeting.topic}`,
      body: mailBody(deps, account, meeting, kind, to),
      icsAttachment: ics,
      icsMethod: method,
      createdAt: now,
      sentAt: null,
      attempts: 0,
      lastError: null,
      nextAttemptAt: now,
    });
  }
  return recipients.length;
}
