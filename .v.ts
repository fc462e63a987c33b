import { renderCalendar } from './src/calendar/ics.js';
const m: any = { id: 'x', meetingNumber: '1234123412341234', topic: 'T', startLocal: '2024-01-03T12:00:00', timezone: process.argv[2], durationMin: 60, startTime: 1704276000000, isRecurring: false,
  recurring: { frequencyType: '', frequency: null, monthlyPattern: '', endsType: '', endsOn: 0, endsAfter: 0 }, occurrenceExceptions: [], invitedParticipants: [], agenda: '', addedByUserEmail: 'a@b.c', addedByUserName: 'A', icalSequence: 0, createdAt: 0, updatedAt: 0 };
console.log(renderCalendar({ name: 'n', timezone: 'UTC', uidDomain: 'd', method: 'PUBLISH', events: [{ meeting: m, participantUrl: 'https://x', dialIn: null, includeAttendees: false }] }).split('BEGIN:VEVENT')[0]);
