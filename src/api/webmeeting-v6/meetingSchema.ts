/**
 * v6 meeting wire schemas (webmeeting-v6 §8.1, §9.1, §9.5). The Meeting lists the FOUND keys in FOUND order,
 * then the DESIGNED extras: fast-json-stringify serialises in this order and drops unlisted keys.
 */
import { Type } from 'typebox';
import { DialInNumberSchema } from './schema.js';

const Str = Type.String();
const NullStr = Type.Union([Type.String(), Type.Null()]);
const Bool = Type.Boolean();
const Int = Type.Integer();

/** §8.12 output item. */
export const ParticipantSchema = Type.Object({ email: NullStr, name: Str, phone: NullStr, language: NullStr, isModerator: Bool });

/** §8.2 document metadata. */
export const DocumentSchema = Type.Object({ name: Str, url: Str, size: Type.Optional(Int), mimeType: Type.Optional(Str) });

/** §9.1: always the full object; `endsOn` always an ISO string. */
export const RecurrenceSchema = Type.Object({
  frequencyType: Str,
  frequency: Type.Union([Int, Type.Null()]),
  monthlyPattern: Str,
  endsType: Str,
  endsOn: Str,
  endsAfter: Int,
});

/** §9.4 */
export const OccurrenceExceptionSchema = Type.Object({
  recurrenceId: Str,
  isCancelled: Bool,
  startTime: NullStr,
  endTime: NullStr,
  topic: NullStr,
  agenda: NullStr,
});

/** §8.1, FOUND order; `duration` and `icalSequence` are strings (FOUND). */
export const MeetingSchema = Type.Object({
  invitedParticipants: Type.Array(ParticipantSchema),
  meetingId: Str,
  id: Str,
  topic: Str,
  startTime: Str,
  endTime: Str,
  duration: Str,
  type: Str,
  roomId: Str,
  isRecurring: Bool,
  isDialin: Bool,
  recurring: RecurrenceSchema,
  isRecorded: Bool,
  agenda: Str,
  documents: Type.Array(DocumentSchema),
  meetingPermissionId: NullStr,
  videoResolution: Str,
  dtClosedAt: NullStr,
  whitelabelId: Str,
  addedByUserId: Str,
  addedByUserEmail: Str,
  accountId: Str,
  addedByUserName: Str,
  timezone: Str,
  privateDataVisible: Bool,
  icalSequence: Str,
  icsToken: Str,
  isActive: Bool,
  isClosed: Bool,
  isOpen: Bool,
  dialInConferenceRoom: NullStr,
  dialInNumbers: Type.Array(DialInNumberSchema),
  dialInPin: NullStr,
  sipProxy: NullStr,
  sipDomain: NullStr,
  isDemo: Bool,
  isPromo: Bool,
  occurrenceExceptions: Type.Array(OccurrenceExceptionSchema),
  createdAt: Str,
  updatedAt: Str,
  // Only on the per-occurrence copies of expand=true lists (§8.5).
  occurrenceIndex: Type.Optional(Int),
  recurrenceId: Type.Optional(Str),
});

/** One E34 item (§9.5). */
export const OccurrenceSchema = Type.Object({
  index: Int,
  recurrenceId: Str,
  startTime: Str,
  endTime: Str,
  topic: Str,
  isPast: Bool,
  isOpen: Bool,
  isCancelled: Bool,
  isModified: Bool,
});
