import type { MeetingType } from '../accounts/Account.js';

/** Canonical recurrence (webmeeting-v6 §9.1). Empty strings mean "not recurring". */
export interface Recurrence {
  frequencyType: '' | 'daily' | 'weekly' | 'monthly' | 'yearly';
  /** Interval N ("every N units"); null when not recurring. */
  frequency: number | null;
  monthlyPattern: '' | 'dayOfMonth' | 'dayOfWeek';
  endsType: '' | 'never' | 'on' | 'after';
  /** Epoch ms; meaningful only for `on` (the meeting's creation time otherwise, as the vendor shows it). */
  endsOn: number;
  /** Total occurrences including the first; 0 when unused. */
  endsAfter: number;
}

/** One exception to a recurring series (webmeeting-v6 §9.4). Instants are epoch ms. */
export interface OccurrenceException {
  /** Original start of the occurrence (UTC instant of its original local start). */
  recurrenceId: number;
  isCancelled: boolean;
  /** Effective start/end of an override; null for cancellations. */
  startTime: number | null;
  endTime: number | null;
  /** Override title/agenda; null when inherited from the series. */
  topic: string | null;
  agenda: string | null;
}

/** An invited participant (webmeeting-v6 §8.12). */
export interface InvitedParticipant {
  email: string | null;
  name: string;
  phone: string | null;
  language: string | null;
  isModerator: boolean;
}

/** Document metadata attached to a meeting. */
export interface MeetingDocument {
  name: string;
  url: string;
  size?: number | undefined;
  mimeType?: string | undefined;
}

/** Which dialect (or path) created a meeting; informational. */
export type MeetingOrigin = 'webmeeting-v6' | 'huawei' | 'dingtalk' | 'cli';

/**
 * A meeting: scheduled, recurring or instant. The series is stored as local wall time + IANA zone + rule
 * (webmeeting-v6 §9.3); `startTime`/`endTime` are the derived first occurrence, kept for queries.
 */
export interface Meeting {
  id: string;
  accountId: string;
  /** 16 digits without dashes; shown as dddd-dddd-dddd-dddd. */
  meetingNumber: string;
  /** Huawei `conferenceID`: 9 digits, first 1–9. */
  conferenceId: string;
  /** DingTalk `roomCode`: 11 digits. */
  roomCode: string;
  topic: string;
  /** Local wall-clock start of the first occurrence, `YYYY-MM-DDTHH:mm:ss`. */
  startLocal: string;
  timezone: string;
  durationMin: number;
  /** Derived: first occurrence start/end, epoch ms. */
  startTime: number;
  endTime: number;
  /** Derived: end of the last effective occurrence; null = never ends. */
  seriesEnd: number | null;
  type: MeetingType;
  roomId: string;
  isRecurring: boolean;
  recurring: Recurrence;
  isRecorded: boolean;
  isDialin: boolean;
  invitedParticipants: InvitedParticipant[];
  agenda: string;
  documents: MeetingDocument[];
  meetingPermissionId: string | null;
  videoResolution: 'standard' | 'hd' | 'fullhd';
  dtClosedAt: number | null;
  addedByUserId: string;
  addedByUserEmail: string;
  addedByUserName: string;
  privateDataVisible: boolean;
  icalSequence: number;
  icsToken: string;
  dialInConferenceRoom: string | null;
  dialInPin: string | null;
  isDemo: boolean;
  isPromo: boolean;
  occurrenceExceptions: OccurrenceException[];
  origin: MeetingOrigin;
  /** Last per-meeting event sequence number used (webmeeting-v6 §11.3). */
  eventSeq: number;
  deletedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Formats the 16-digit number as dddd-dddd-dddd-dddd. */
export function formatMeetingNumber(n: string): string {
  return n.replace(/(\d{4})(?=\d)/g, '$1-');
}

/** The empty (not recurring) recurrence, with `endsOn` at `createdAt` (webmeeting-v6 §9.1). */
export function emptyRecurrence(createdAt: number): Recurrence {
  return { frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: createdAt, endsAfter: 0 };
}
