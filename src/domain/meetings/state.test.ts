/** meetingState() (webmeeting-v6 §8.7): windows, series end, extension and the seed's past-meeting flags. */
import { describe, expect, it } from 'vitest';
import type { Account } from '../accounts/Account.js';
import { emptyRecurrence, type Meeting } from './Meeting.js';
import { currentOrLastWindow, meetingState, windowAt, type StateSettings } from './state.js';

const settings: StateSettings = { earlyJoinMin: 15, autoExtendMin: 60, closeGraceMin: 0, horizonDays: 730 };
const at = (iso: string) => Date.parse(iso);

function account(o: Partial<Account> = {}): Account {
  return {
    id: 'a'.repeat(24), name: 'A', accountType: 'paid', paidUntil: null, numberOfMeetings: 0, numberOfMeetingOrganizers: 0, numberOfMeetingRooms: 1,
    iceCandidatesToFilter: [], customDialInNumbers: [], displayStandardDialInNumbersInInvite: true, defaultMeetingPermissions: null,
    defaultMeetingType: 'standard', defaultMeetingHasDialin: false, defaultMeetingHasRecording: false, autoExtendMeetings: false,
    autoDeleteMeetingsAfterXDays: 360, createdAt: 0, updatedAt: 0, ...o,
  };
}

/** A meeting in UTC: 09:00–10:00 on `day`, optionally a daily series of `count` occurrences (0 = never ends). */
function meeting(day: string, o: { count?: number; dtClosedAt?: string } = {}): Meeting {
  const start = at(`${day}T09:00:00Z`);
  const recurring = o.count === undefined ? emptyRecurrence(0) : { frequencyType: 'daily' as const, frequency: 1, monthlyPattern: '' as const, endsType: o.count ? ('after' as const) : ('never' as const), endsOn: 0, endsAfter: o.count };
  const seriesEnd = o.count === undefined ? start + 3_600_000 : o.count ? start + (o.count - 1) * 86_400_000 + 3_600_000 : null;
  return {
    id: 'm'.repeat(24), accountId: 'a'.repeat(24), meetingNumber: '1'.repeat(16), conferenceId: '1'.repeat(9), roomCode: '1'.repeat(11), topic: 't',
    startLocal: `${day}T09:00:00`, timezone: 'UTC', durationMin: 60, startTime: start, endTime: start + 3_600_000, seriesEnd, type: 'standard',
    roomId: 'r'.repeat(24), isRecurring: o.count !== undefined, recurring, isRecorded: false, isDialin: false, invitedParticipants: [], agenda: '',
    documents: [], meetingPermissionId: null, videoResolution: 'standard', dtClosedAt: o.dtClosedAt ? at(o.dtClosedAt) : null, addedByUserId: 'u'.repeat(24),
    addedByUserEmail: 'u@example.com', addedByUserName: 'U', privateDataVisible: true, icalSequence: 0, icsToken: 'x', dialInConferenceRoom: null,
    dialInPin: null, isDemo: false, isPromo: false, occurrenceExceptions: [], origin: 'webmeeting-v6', eventSeq: 0, deletedAt: null, createdAt: 0, updatedAt: 0,
  };
}

describe('meetingState()', () => {
  it('reproduces the seed: a meeting whose only window ended is closed, inactive and not open with dtClosedAt null', () => {
    expect(meetingState(meeting('2020-04-07'), account(), settings, at('2020-04-13T12:33:58Z'))).toEqual({ isClosed: true, isOpen: false, isActive: false });
  });

  it('opens EARLY_JOIN_MIN before the start and closes at the end plus the grace, or plus AUTO_EXTEND_MIN', () => {
    const m = meeting('2024-04-01');
    expect(meetingState(m, account(), settings, at('2024-04-01T08:44:59Z'))).toEqual({ isClosed: false, isOpen: false, isActive: true });
    expect(meetingState(m, account(), settings, at('2024-04-01T08:45:00Z'))).toEqual({ isClosed: false, isOpen: true, isActive: true });
    expect(meetingState(m, account(), settings, at('2024-04-01T10:00:00Z'))).toEqual({ isClosed: false, isOpen: true, isActive: true });
    expect(meetingState(m, account(), settings, at('2024-04-01T10:00:01Z'))).toEqual({ isClosed: true, isOpen: false, isActive: false });
    const extended = account({ autoExtendMeetings: true });
    expect(meetingState(m, extended, settings, at('2024-04-01T11:00:00Z'))).toEqual({ isClosed: false, isOpen: true, isActive: true });
    expect(meetingState(m, extended, settings, at('2024-04-01T11:00:01Z'))).toEqual({ isClosed: true, isOpen: false, isActive: false });
  });

  it('is never open for an expired account, and never active once deleted', () => {
    const m = meeting('2024-04-01');
    expect(meetingState(m, account({ paidUntil: at('2024-01-01T00:00:00Z') }), settings, at('2024-04-01T09:30:00Z')).isOpen).toBe(false);
    expect(meetingState({ ...m, deletedAt: 1 }, account(), settings, at('2024-04-01T08:00:00Z')).isActive).toBe(false);
  });

  it('closes only the occurrence whose window started before dtClosedAt', () => {
    const closed = meeting('2024-04-01', { count: 0, dtClosedAt: '2024-04-03T09:30:00Z' });
    expect(meetingState(closed, account(), settings, at('2024-04-03T09:40:00Z'))).toEqual({ isClosed: true, isOpen: false, isActive: false });
    expect(meetingState(closed, account(), settings, at('2024-04-04T08:50:00Z'))).toEqual({ isClosed: false, isOpen: true, isActive: true });
    // Between occurrences the last window is still the closed one.
    expect(meetingState(closed, account(), settings, at('2024-04-03T20:00:00Z')).isClosed).toBe(true);
  });

  it('keeps an endless series active for ever and finds windows long after the first occurrence', () => {
    const m = meeting('2020-01-01', { count: 0 });
    expect(meetingState(m, account(), settings, at('2031-06-01T09:10:00Z'))).toEqual({ isClosed: false, isOpen: true, isActive: true });
    expect(windowAt(m, account(), settings, at('2031-06-01T12:00:00Z'))).toBeUndefined();
    expect(currentOrLastWindow(m, account(), settings, at('2031-06-01T12:00:00Z'))?.occurrence.startTime).toBe(at('2031-06-01T09:00:00Z'));
    const finite = meeting('2024-04-01', { count: 3 });
    expect(meetingState(finite, account(), settings, at('2024-04-03T10:00:01Z'))).toEqual({ isClosed: true, isOpen: false, isActive: false });
  });
});
