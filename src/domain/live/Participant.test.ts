import { describe, expect, it } from 'vitest';
import { advance, hasEnded, type LegSignal } from './Participant.js';
import type { CallProgress, LiveEventType, Participant, ParticipantState } from './types.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const NOW = T0 + 5_000;

function leg(state: ParticipantState, progress: CallProgress | null = null, o: Partial<Participant> = {}): Participant {
  const joined = state === 'connected' || state === 'reconnecting' || state === 'left';
  return {
    id: 'ba9acb1e216d11eabc5165c2b91ad427',
    conferenceId: 'c'.repeat(32),
    meetingId: 'a'.repeat(24),
    accountId: 'b'.repeat(24),
    rosterId: null,
    kind: 'phone',
    userId: null,
    name: 'Desk',
    phone: '+447700900000',
    state,
    progress,
    reason: state === 'left' ? 'CLIENT_LEFT' : state === 'failed' ? 'USER_BUSY' : null,
    sipStatusCode: null,
    rejectDescription: null,
    role: 'attendee',
    muted: false,
    mutedByHost: false,
    handRaised: joined,
    video: false,
    invited: true,
    createdAt: T0,
    joinedAt: joined ? T0 + 1000 : null,
    endedAt: state === 'left' || state === 'failed' ? T0 + 2000 : null,
    network: 'simulated',
    ...o,
  };
}

const states: Array<[string, Participant]> = [
  ['invited', leg('invited')],
  ['calling/dialing', leg('calling', 'dialing')],
  ['calling/ringing', leg('calling', 'ringing')],
  ['joining', leg('joining')],
  ['connected', leg('connected')],
  ['reconnecting', leg('reconnecting')],
  ['left', leg('left')],
  ['failed', leg('failed')],
];

const signals: Array<[string, LegSignal]> = [
  ['dialing', { kind: 'dialing' }],
  ['ringing', { kind: 'ringing' }],
  ['answered', { kind: 'answered', connectNow: false }],
  ['answered+connect', { kind: 'answered', connectNow: true }],
  ['media_connected', { kind: 'media_connected' }],
  ['connection_lost', { kind: 'connection_lost' }],
  ['reconnected', { kind: 'reconnected' }],
  ['ended', { kind: 'ended', reason: 'NO_ANSWER' }],
];

type Outcome = null | [ParticipantState, CallProgress | null, LiveEventType[]];
const ringing: Outcome = ['calling', 'ringing', ['participant.ringing']];
const joining: Outcome = ['joining', null, ['participant.joining']];
const joinedNow: Outcome = ['connected', null, ['participant.joining', 'participant.joined']];
const failed: Outcome = ['failed', null, ['participant.failed']];
const left: Outcome = ['left', null, ['participant.left']];

// Rows: states; columns: signals in the order above. null = the signal does not apply (a late or duplicate report).
const table: Record<string, Outcome[]> = {
  invited: [['calling', 'dialing', ['participant.calling']], ['calling', 'ringing', ['participant.calling', 'participant.ringing']], joining, joinedNow, null, null, null, failed],
  'calling/dialing': [null, ringing, joining, joinedNow, null, null, null, failed],
  'calling/ringing': [null, null, joining, joinedNow, null, null, null, failed],
  joining: [null, null, null, null, ['connected', null, ['participant.joined']], null, null, failed],
  connected: [null, null, null, null, null, ['reconnecting', null, ['participant.reconnecting']], null, left],
  reconnecting: [null, null, null, null, null, null, ['connected', null, ['participant.reconnected']], left],
  left: [null, null, null, null, null, null, null, null],
  failed: [null, null, null, null, null, null, null, null],
};

const cases = states.flatMap(([stateName, p]) => signals.map(([signalName, s], i) => ({ stateName, signalName, p, s, expected: table[stateName]![i]! })));

describe('advance(): the participant state machine (media-and-sip.md §1.2)', () => {
  it.each(cases)('$stateName + $signalName', ({ p, s, expected }) => {
    const before = structuredClone(p);
    const t = advance(p, s, NOW);
    expect(p).toEqual(before);
    if (expected === null) {
      expect(t).toBeNull();
      return;
    }
    const [state, progress, events] = expected;
    expect(t).not.toBeNull();
    expect({ state: t!.next.state, progress: t!.next.progress, events: t!.events }).toEqual({ state, progress, events });
  });

  it('covers every state and signal', () => {
    expect(Object.keys(table)).toEqual(states.map(([n]) => n));
    for (const row of Object.values(table)) expect(row).toHaveLength(signals.length);
  });

  it('ends a leg that never connected as failed, with reason, time, SIP status and decline message', () => {
    const t = advance(leg('calling', 'ringing', { sipStatusCode: 180 }), { kind: 'ended', reason: 'USER_REJECTED', sipStatusCode: 603, message: '抱歉，正在开会' }, NOW)!;
    expect(t.next).toMatchObject({ state: 'failed', progress: null, reason: 'USER_REJECTED', sipStatusCode: 603, rejectDescription: '抱歉，正在开会', endedAt: NOW, joinedAt: null });
  });

  it('ends a leg that was in the meeting as left, keeps its last SIP status when none is given, and lowers its hand', () => {
    const t = advance(leg('connected', null, { sipStatusCode: 200, handRaised: true }), { kind: 'ended', reason: 'CLIENT_LEFT' }, NOW)!;
    expect(t.next).toMatchObject({ state: 'left', reason: 'CLIENT_LEFT', sipStatusCode: 200, handRaised: false, endedAt: NOW, joinedAt: T0 + 1000 });
    expect(advance(leg('reconnecting'), { kind: 'ended', reason: 'CONNECTION_LOST' }, NOW)!.next.state).toBe('left');
  });

  it('stamps joinedAt when media connects (at the answer for connectNow, later for media_connected)', () => {
    expect(advance(leg('calling', 'ringing'), { kind: 'answered', connectNow: true }, NOW)!.next.joinedAt).toBe(NOW);
    expect(advance(leg('calling', 'ringing'), { kind: 'answered', connectNow: false }, NOW)!.next.joinedAt).toBeNull();
    expect(advance(leg('joining'), { kind: 'media_connected' }, NOW)!.next.joinedAt).toBe(NOW);
    // A reconnect keeps the original join time (durations count from the first join).
    expect(advance(leg('reconnecting'), { kind: 'reconnected' }, NOW)!.next.joinedAt).toBe(T0 + 1000);
  });

  it('records the SIP status of 180 and 200 when the network gives it, and keeps the last one otherwise', () => {
    expect(advance(leg('calling', 'dialing'), { kind: 'ringing', sipStatusCode: 180 }, NOW)!.next.sipStatusCode).toBe(180);
    expect(advance(leg('calling', 'ringing', { sipStatusCode: 180 }), { kind: 'answered', connectNow: true, sipStatusCode: 200 }, NOW)!.next.sipStatusCode).toBe(200);
    expect(advance(leg('calling', 'ringing', { sipStatusCode: 183 }), { kind: 'answered', connectNow: true }, NOW)!.next.sipStatusCode).toBe(183);
  });

  it('hasEnded() is true for left and failed only', () => {
    expect(states.filter(([, p]) => hasEnded(p)).map(([n]) => n)).toEqual(['left', 'failed']);
  });
});
