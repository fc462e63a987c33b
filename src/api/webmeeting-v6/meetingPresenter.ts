/**
 * The v6 Meeting object (webmeeting-v6 §8.1): FOUND keys in FOUND order with FOUND types (`duration` and
 * `icalSequence` as strings, the dial-in fields null without dial-in), then the DESIGNED extras. The same
 * object is the plain webhook payload of the meeting events (§11.1).
 */
import { formatMeetingNumber, type MeetingDocument, type OccurrenceException, type Recurrence } from '../../domain/meetings/Meeting.js';
import type { MeetingView } from '../../domain/meetings/meetingView.js';
import type { Occurrence } from '../../domain/meetings/recurrence.js';
import { iso, isoOrNull } from './presenters.js';

const MINUTE = 60_000;

/** §9.1, always the full object. */
export function presentRecurrence(r: Recurrence) {
  return { frequencyType: r.frequencyType, frequency: r.frequency, monthlyPattern: r.monthlyPattern, endsType: r.endsType, endsOn: iso(r.endsOn), endsAfter: r.endsAfter };
}

function presentDocument(d: MeetingDocument) {
  return { name: d.name, url: d.url, ...(d.size !== undefined ? { size: d.size } : {}), ...(d.mimeType !== undefined ? { mimeType: d.mimeType } : {}) };
}

/** §9.4 */
export function presentException(e: OccurrenceException) {
  return { recurrenceId: iso(e.recurrenceId), isCancelled: e.isCancelled, startTime: isoOrNull(e.startTime), endTime: isoOrNull(e.endTime), topic: e.topic, agenda: e.agenda };
}

/**
 * The Meeting. A view with an `occurrence` (expand=true lists) shows that occurrence's times, topic and
 * agenda, and adds `occurrenceIndex` and `recurrenceId` after `updatedAt`.
 */
export function presentMeeting(v: MeetingView) {
  const m = v.meeting;
  const o = v.occurrence;
  const start = o ? o.startTime : m.startTime;
  const end = o ? o.endTime : m.endTime;
  const dial = m.isDialin;
  return {
    invitedParticipants: m.invitedParticipants.map((p) => ({ email: p.email, name: p.name, phone: p.phone, language: p.language, isModerator: p.isModerator })),
    meetingId: formatMeetingNumber(m.meetingNumber),
    id: m.id,
    topic: o ? o.topic : m.topic,
    startTime: iso(start),
    endTime: iso(end),
    duration: String(o ? Math.floor((end - start) / MINUTE) : m.durationMin),
    type: m.type,
    roomId: m.roomId,
    isRecurring: m.isRecurring,
    isDialin: m.isDialin,
    recurring: presentRecurrence(m.recurring),
    isRecorded: m.isRecorded,
    agenda: o ? o.agenda : m.agenda,
    documents: m.documents.map(presentDocument),
    meetingPermissionId: m.meetingPermissionId,
    videoResolution: m.videoResolution,
    dtClosedAt: isoOrNull(m.dtClosedAt),
    whitelabelId: v.whitelabelId,
    addedByUserId: m.addedByUserId,
    addedByUserEmail: m.addedByUserEmail,
    accountId: m.accountId,
    addedByUserName: m.addedByUserName,
    timezone: m.timezone,
    privateDataVisible: m.privateDataVisible,
    icalSequence: String(m.icalSequence),
    icsToken: m.icsToken,
    isActive: v.isActive,
    isClosed: v.isClosed,
    isOpen: v.isOpen,
    dialInConferenceRoom: dial ? m.dialInConferenceRoom : null,
    dialInNumbers: v.dialInNumbers,
    dialInPin: dial ? m.dialInPin : null,
    sipProxy: v.sipProxy,
    sipDomain: v.sipDomain,
    isDemo: m.isDemo,
    isPromo: m.isPromo,
    occurrenceExceptions: [...m.occurrenceExceptions].sort((a, b) => a.recurrenceId - b.recurrenceId).map(presentException),
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
    ...(o ? { occurrenceIndex: o.index, recurrenceId: iso(o.recurrenceId) } : {}),
  };
}

/** One E34 item (§9.5); `isOpen` is the meeting's open flag restricted to this occurrence's window. */
export function presentOccurrence(o: Occurrence, flags: { isPast: boolean; isOpen: boolean }) {
  return {
    index: o.index,
    recurrenceId: iso(o.recurrenceId),
    startTime: iso(o.startTime),
    endTime: iso(o.endTime),
    topic: o.topic,
    isPast: flags.isPast,
    isOpen: flags.isOpen,
    isCancelled: o.isCancelled,
    isModified: o.isModified,
  };
}
