import { renderCalendar } from './src/calendar/ics.js';
import type { Meeting } from './src/domain/meetings/Meeting.js';
const t = Date.parse;
const m = {
  id: '66a1f2c0b1e4c35a9d0e7a31', accountId: 'a', meetingNumber: '4821093755126604', conferenceId: '123456789', roomCode: '12345678901',
  topic: 'Weekly sync', startLocal: '2024-03-25T09:00:00', timezone: 'Europe/Zurich', durationMin: 60,
  startTime: t('2024-03-25T08:00:00Z'), endTime: t('2024-03-25T09:00:00Z'), seriesEnd: t('2024-05-27T08:00:00Z'),
  type: 'standard', roomId: 'r', isRecurring: true,
  recurring: { frequencyType: 'weekly', frequency: 1, monthlyPattern: '', endsType: 'after', endsOn: t('2024-03-20T12:00:00Z'), endsAfter: 10 },
  isRecorded: false, isDialin: true,
  invitedParticipants: [ { email: 'bob@example.com', name: 'Bob', phone: null, language: null, isModerator: false }, { email: 'carla@example.com', name: 'Carla', phone: null, language: null, isModerator: true }, { email: null, name: 'Phone only', phone: '+41', language: null, isModerator: false } ],
  agenda: 'Agenda: status, risks; next steps', documents: [], meetingPermissionId: null, videoResolution: 'hd', dtClosedAt: null,
  addedByUserId: 'u', addedByUserEmail: 'anna@example.com', addedByUserName: 'Anna Muster', privateDataVisible: true, icalSequence: 2, icsToken: 'tok',
  dialInConferenceRoom: '12345678', dialInPin: '123456', isDemo: false, isPromo: false,
  occurrenceExceptions: [
    { recurrenceId: t('2024-04-08T07:00:00Z'), isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null },
    { recurrenceId: t('2024-04-15T07:00:00Z'), isCancelled: false, startTime: t('2024-04-15T08:00:00Z'), endTime: t('2024-04-15T09:00:00Z'), topic: 'Weekly sync (moved)', agenda: null } ],
  origin: 'webmeeting-v6', eventSeq: 0, deletedAt: null, createdAt: t('2024-03-20T12:00:00Z'), updatedAt: t('2024-03-26T10:15:00Z'),
} as unknown as Meeting;
const out = renderCalendar({ name: 'Anna Muster – meetings', timezone: 'Europe/Zurich', uidDomain: 'meet.example.com', method: 'PUBLISH',
  events: [{ meeting: m, participantUrl: 'https://meet.example.com/meeting/4821-0937-5512-6604', dialIn: { displayNumbers: ['+41 44 555 01 00'], conferenceRoom: '12345678', pin: '123456' }, includeAttendees: true }] });
process.stdout.write(out);
