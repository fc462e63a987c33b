/**
 * The simulated telephone network, end to end through the domain: a real SQLite store, the real commands
 * (inviteParticipants, disconnectParticipants, endConference) and `report` bound to the real
 * recordCallProgress. The table's delays run 100× faster (timeScale 0.01); Convene's ring timeout is set
 * short. Tests wait for conditions by polling the store, never by asserting durations.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  labelled,
  liveWorld,
  MemoryLogger,
  phoneInvitee,
  type LiveWorld,
} from '../../test/support/liveFakes.js';
import { disconnectParticipants } from '../domain/live/disconnectParticipants.js';
import { endConference } from '../domain/live/endConference.js';
import { inviteParticipants } from '../domain/live/inviteParticipants.js';
import type { LegSignal } from '../domain/live/Participant.js';
import type { OutgoingCall } from '../domain/live/ports.js';
import type { CallProgressInput } from '../domain/live/recordCallProgress.js';
import type { DisconnectReason, LiveEventType, Participant, ParticipantState } from '../domain/live/types.js';
import { SimulatedNetwork } from './SimulatedNetwork.js';

const SCALE = 0.01;
/** Convene's ring timeout in these tests: longer than every scaled ring of the table except `…699`. */
const RING_TIMEOUT_MS = 600;

/** One row of huawei-meeting.md §4.4 as the domain must see it. */
interface Row {
  target: string;
  /** The signals reported, in order (`ringing 180`, `answered 200`, `ended REASON code`). */
  signals: string[];
  state: ParticipantState;
  reason: DisconnectReason | null;
  sipStatusCode: number | null;
}

const ANSWERS = ['dialing', 'ringing 180', 'answered 200'];
const answers = (target: string): Row => ({ target, signals: ANSWERS, state: 'connected', reason: null, sipStatusCode: 200 });
const hangsUp = (target: string): Row => ({ target, signals: [...ANSWERS, 'ended CLIENT_LEFT'], state: 'left', reason: 'CLIENT_LEFT', sipStatusCode: 200 });
const fails = (target: string, reason: DisconnectReason, code: number, before: string[]): Row => ({
  target,
  signals: [...before, `ended ${reason} ${code}`],
  state: 'failed',
  reason,
  sipStatusCode: code,
});
const TRYING = ['dialing'];
const RINGING = ['dialing', 'ringing 180'];

const rows: Row[] = [
  answers('+447700900000'),
  answers('+447700900001'),
  answers('+447700900602'),
  // Rings 99 s (990 ms scaled): Convene's ring timeout (600 ms) cancels it first.
  fails('+447700900699', 'NO_ANSWER', 487, RINGING),
  fails('+447700900486', 'USER_BUSY', 486, TRYING),
  fails('+447700900408', 'NO_ANSWER', 487, RINGING),
  fails('+447700900480', 'NO_ANSWER', 480, TRYING),
  fails('+447700900603', 'USER_REJECTED', 603, RINGING),
  hangsUp('+447700900501'),
  fails('+447700900503', 'SIP_TRUNK_FAILURE', 503, TRYING),
  fails('+447700900504', 'SIP_TRUNK_FAILURE', 408, []),
  fails('+447700900403', 'SIP_TRUNK_FAILURE', 403, []),
  fails('+447700900404', 'INVALID_NUMBER', 404, []),
  fails('+447700900488', 'MEDIA_FAILURE', 488, TRYING),
  answers('+447700900700'),
  answers('+447700900800'),
  fails('+447700900999', 'INVALID_NUMBER', 404, []),
  fails('+447700900600', 'INVALID_NUMBER', 404, []),
  answers('+4915112345678'),
  answers('030 1234567'),
  fails('+8657*******', 'INVALID_NUMBER', 404, TRYING),
  fails('+1234567', 'INVALID_NUMBER', 404, TRYING),
  fails('12#45', 'INVALID_NUMBER', 404, TRYING),
  answers('sip:answer@sim.convene.invalid'),
  answers('sip:slow-answer@sim.convene.invalid'),
  answers('sip:ring-02@sim.convene.invalid'),
  fails('sip:busy@sim.convene.invalid', 'USER_BUSY', 486, TRYING),
  fails('sip:no-answer@sim.convene.invalid', 'NO_ANSWER', 487, RINGING),
  fails('sip:unavailable@sim.convene.invalid', 'NO_ANSWER', 480, TRYING),
  fails('sip:decline@sim.convene.invalid', 'USER_REJECTED', 603, RINGING),
  hangsUp('sip:hangup-02@sim.convene.invalid'),
  fails('sip:unreachable@sim.convene.invalid', 'SIP_TRUNK_FAILURE', 503, TRYING),
  fails('sip:unreachable-silent@sim.convene.invalid', 'SIP_TRUNK_FAILURE', 408, []),
  fails('sip:forbidden@sim.convene.invalid', 'SIP_TRUNK_FAILURE', 403, []),
  fails('sip:not-found@sim.convene.invalid', 'INVALID_NUMBER', 404, []),
  fails('sip:no-codec@sim.convene.invalid', 'MEDIA_FAILURE', 488, TRYING),
  answers('sip:no-audio@sim.convene.invalid'),
  answers('sip:drop@sim.convene.invalid'),
  fails('sip:+447700900486@sim.convene.invalid', 'USER_BUSY', 486, TRYING),
  fails('sip:%2B447700900603@sim.convene.invalid', 'USER_REJECTED', 603, RINGING),
  fails('SIP:Busy@SIM.convene.invalid', 'USER_BUSY', 486, TRYING),
  answers('sip:bob@sim.convene.invalid'),
  answers('sip:desk@pbx.example.com'),
];

/** The live events of a leg for a row: invited and calling come from the invite itself (INVITE sent). */
function expectedEvents(row: Row): LiveEventType[] {
  const out: LiveEventType[] = ['participant.invited', 'participant.calling'];
  if (row.signals.includes('ringing 180')) out.push('participant.ringing');
  if (row.signals.includes('answered 200')) out.push('participant.joining', 'participant.joined');
  if (row.state === 'left') out.push('participant.left');
  if (row.state === 'failed') out.push('participant.failed');
  return out;
}

function fmt(s: LegSignal): string {
  switch (s.kind) {
    case 'ringing':
      return `ringing ${s.sipStatusCode}`;
    case 'answered':
      return `answered ${s.sipStatusCode}${s.connectNow ? '' : ' (media later)'}`;
    case 'ended':
      return ['ended', s.reason, s.sipStatusCode].filter((x) => x !== undefined).join(' ');
    default:
      return s.kind;
  }
}

/** A simulated-network world whose reports are also logged (pid → formatted signals). */
async function simWorld(o: { timeScale?: number; ringTimeoutMs?: number } = {}): Promise<{ w: LiveWorld<SimulatedNetwork>; reports: CallProgressInput[]; logger: MemoryLogger }> {
  const reports: CallProgressInput[] = [];
  const logger = new MemoryLogger();
  const w = await liveWorld({
    ringTimeoutMs: o.ringTimeoutMs ?? RING_TIMEOUT_MS,
    dialer: (report) =>
      new SimulatedNetwork({
        logger,
        timeScale: o.timeScale ?? SCALE,
        report: (input) => {
          reports.push(input);
          return report(input);
        },
      }),
  });
  return { w, reports, logger };
}

const signalsOf = (reports: CallProgressInput[], pid: string): string[] => reports.filter((r) => r.participantId === pid).map((r) => fmt(r.signal));

/** Waits until the leg satisfies `ok`, polling the store. */
function legWhere(w: LiveWorld<SimulatedNetwork>, pid: string, ok: (p: Participant) => boolean, what: string): Promise<Participant> {
  return eventually(async () => {
    const p = await w.store.participants.getById(pid);
    return p && ok(p) ? p : undefined;
  }, what);
}

describe('SimulatedNetwork: every row of the test-number table, through the domain', () => {
  let w: LiveWorld<SimulatedNetwork>;
  let reports: CallProgressInput[];
  let meetingId: string;
  const pidOf = new Map<string, string>();

  beforeAll(async () => {
    ({ w, reports } = await simWorld());
    const { meeting } = await w.startedMeeting('Table');
    meetingId = meeting.id;
    // 1. One invite with every row (as an integrator's CI would), all or nothing.
    const res = await inviteParticipants(w.deps, w.chair, { meetingId, invitees: labelled(rows.map((r) => phoneInvitee(r.target))) });
    res.legs.forEach((l, i) => pidOf.set(rows[i]!.target, l.participant.id));
    // 2. Every leg reaches the state its row documents (connected rows: connected; the others: ended).
    await Promise.all(rows.map((r) => legWhere(w, pidOf.get(r.target)!, (p) => p.state === r.state, `${r.target} → ${r.state}`)));
    // 3. The network has nothing left to do but the answered calls that stay until hung up.
    await eventually(async () => (w.dialer.activeCalls === rows.filter((r) => r.state === 'connected').length ? true : undefined), 'calls to settle');
  });
  afterAll(async () => {
    await w.close();
  });

  it.each(rows)('$target → $state $reason $sipStatusCode', async (row) => {
    const pid = pidOf.get(row.target)!;
    const p = (await w.store.participants.getById(pid))!;
    expect({ state: p.state, reason: p.reason, sipStatusCode: p.sipStatusCode, network: p.network, progress: p.progress }).toEqual({
      state: row.state,
      reason: row.reason,
      sipStatusCode: row.sipStatusCode,
      network: 'simulated',
      progress: null,
    });
    expect(signalsOf(reports, pid)).toEqual(row.signals);
    const events = (await w.store.liveEvents.list(meetingId, undefined, 10_000)).filter((e) => e.participantId === pid);
    expect(events.map((e) => e.type)).toEqual(expectedEvents(row));
    const last = events.at(-1)!;
    expect(last.data).toMatchObject({ state: row.state, reason: row.reason, sipStatusCode: row.sipStatusCode, network: 'simulated' });
  });

  it('records onMeetingJoined (and onMeetingLeft for hang-ups) right after the live event, in sequence order', async () => {
    const live = await w.store.liveEvents.list(meetingId, undefined, 10_000);
    const { items } = await w.store.outbox.listEvents({ meetingId, offset: 0, limit: 10_000 });
    const presence = items.filter((e) => e.event === 'onMeetingJoined' || e.event === 'onMeetingLeft');
    for (const row of rows) {
      const pid = pidOf.get(row.target)!;
      const mine = presence.filter((e) => (JSON.parse(e.payload) as { participant: { participantId: string } }).participant.participantId === pid);
      const expected = row.signals.includes('answered 200') ? (row.state === 'left' ? ['onMeetingJoined', 'onMeetingLeft'] : ['onMeetingJoined']) : [];
      expect(mine.map((e) => e.event), row.target).toEqual(expected);
      // The webhook takes the meeting sequence number right after its live event (same transaction).
      const joined = live.find((e) => e.participantId === pid && e.type === 'participant.joined');
      const left = live.find((e) => e.participantId === pid && e.type === 'participant.left');
      if (mine[0]) expect(mine[0].sequence, row.target).toBe(joined!.seq + 1);
      if (mine[1]) {
        expect(mine[1].sequence, row.target).toBe(left!.seq + 1);
        expect(JSON.parse(mine[1].payload), row.target).toMatchObject({ reason: 'hungUp', network: 'simulated', participant: { participantId: pid, via: row.target.startsWith('sip') ? 'sip' : 'phone' } });
      }
    }
    const seqs = [...live.map((e) => e.seq), ...items.map((e) => e.sequence)].sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});

describe('SimulatedNetwork: hang-ups, the ring timeout and the end of the conference', () => {
  let w: LiveWorld<SimulatedNetwork>;
  let reports: CallProgressInput[];

  afterEach(async () => {
    await w?.close();
  });

  async function invite(meetingId: string, ...targets: string[]): Promise<string[]> {
    const res = await inviteParticipants(w.deps, w.chair, { meetingId, invitees: labelled(targets.map((t) => phoneInvitee(t))) });
    return res.legs.map((l) => l.participant.id);
  }

  it('hangs up a ringing call with CANCEL: failed PARTICIPANT_REMOVED, and nothing is reported afterwards', async () => {
    // A ring timeout with room for a slow machine to hang up first.
    ({ w, reports } = await simWorld({ ringTimeoutMs: 2000 }));
    const { meeting } = await w.startedMeeting();
    const [pid] = await invite(meeting.id, '+447700900408');
    await legWhere(w, pid!, (p) => p.progress === 'ringing', 'ringing');
    await disconnectParticipants(w.deps, w.chair, { meetingId: meeting.id, participantIds: [pid!] });
    expect(await w.store.participants.getById(pid!)).toMatchObject({ state: 'failed', reason: 'PARTICIPANT_REMOVED', sipStatusCode: 180 });
    expect([w.dialer.activeCalls, w.dialer.activeTimers]).toEqual([0, 0]);
    const before = signalsOf(reports, pid!);
    // A call placed after the hang-up reaches its ring timeout after the hung-up call's would have.
    const [sentinel] = await invite(meeting.id, '+447700900408');
    await legWhere(w, sentinel!, (p) => p.state === 'failed', 'sentinel times out');
    expect(signalsOf(reports, pid!)).toEqual(before);
    expect(before).toEqual(RINGING);
    const events = (await w.store.liveEvents.list(meeting.id, undefined, 1000)).filter((e) => e.participantId === pid);
    expect(events.map((e) => e.type)).toEqual(['participant.invited', 'participant.calling', 'participant.ringing', 'participant.failed']);
  });

  it('hangs up an answered call with BYE: left PARTICIPANT_REMOVED, and the far end’s own BYE never arrives', async () => {
    ({ w, reports } = await simWorld({ timeScale: 0.02 }));
    const { meeting } = await w.startedMeeting();
    // …599 answers after 1 s and hangs up 99 s later (20 ms and 1.98 s here).
    const [pid] = await invite(meeting.id, '+447700900599');
    await legWhere(w, pid!, (p) => p.state === 'connected', 'connected');
    await disconnectParticipants(w.deps, w.chair, { meetingId: meeting.id, participantIds: [pid!] });
    expect(await w.store.participants.getById(pid!)).toMatchObject({ state: 'left', reason: 'PARTICIPANT_REMOVED', sipStatusCode: 200 });
    expect([w.dialer.activeCalls, w.dialer.activeTimers]).toEqual([0, 0]);
    const [sentinel] = await invite(meeting.id, '+447700900599');
    await legWhere(w, sentinel!, (p) => p.state === 'left', 'sentinel hangs up by itself');
    expect(signalsOf(reports, pid!)).toEqual(ANSWERS);
    expect(await w.store.participants.getById(sentinel!)).toMatchObject({ state: 'left', reason: 'CLIENT_LEFT' });
    const { items } = await w.store.outbox.listEvents({ meetingId: meeting.id, event: 'onMeetingLeft', offset: 0, limit: 10 });
    expect(items.map((e) => JSON.parse(e.payload).reason)).toEqual(['kicked', 'hungUp']);
  });

  it('endConference cancels ringing calls and hangs up answered ones: every leg MEETING_ENDED, no timer left', async () => {
    // Answers after 50 ms; the …599 BYE (4.95 s), Timer B of …504 (1.6 s) and the ring timeout are far off.
    ({ w, reports } = await simWorld({ timeScale: 0.05, ringTimeoutMs: 10_000 }));
    const { meeting } = await w.startedMeeting();
    const [answered, byeLater, ringing, silent] = await invite(meeting.id, '+447700900000', '+447700900599', '+447700900408', '+447700900504');
    await Promise.all([
      legWhere(w, answered!, (p) => p.state === 'connected', 'answered'),
      legWhere(w, byeLater!, (p) => p.state === 'connected', 'answered (BYE later)'),
      legWhere(w, ringing!, (p) => p.progress === 'ringing', 'ringing'),
    ]);
    await endConference(w.deps, w.chair, { meetingId: meeting.id });
    const legs = await w.legs((await w.store.conferences.getLatest(meeting.id))!.id);
    // Legs created in the same millisecond have no defined order among themselves: compare by pid.
    expect(Object.fromEntries(legs.map((p) => [p.id, [p.state, p.reason]]))).toEqual({
      [answered!]: ['left', 'MEETING_ENDED'],
      [byeLater!]: ['left', 'MEETING_ENDED'],
      [ringing!]: ['failed', 'MEETING_ENDED'],
      [silent!]: ['failed', 'MEETING_ENDED'],
    });
    expect([w.dialer.activeCalls, w.dialer.activeTimers]).toEqual([0, 0]);
    const { items } = await w.store.outbox.listEvents({ meetingId: meeting.id, event: 'onMeetingLeft', offset: 0, limit: 10 });
    expect(Object.fromEntries(items.map((e) => [JSON.parse(e.payload).participant.participantId, JSON.parse(e.payload).reason]))).toEqual({
      [answered!]: 'meetingEnded',
      [byeLater!]: 'meetingEnded',
    });
    const types = (await w.store.liveEvents.list(meeting.id, undefined, 1000)).map((e) => e.type);
    expect(types.at(-1)).toBe('conference.ended');
  });

  it('does not scale Convene’s ring timeout: a 45 s ring (45 ms at timeScale 0.001) answers within a 300 ms timeout', async () => {
    ({ w, reports } = await simWorld({ timeScale: 0.001, ringTimeoutMs: 300 }));
    const { meeting } = await w.startedMeeting();
    const [pid] = await invite(meeting.id, '+447700900645');
    expect(await legWhere(w, pid!, (p) => p.state !== 'calling', 'answer or timeout')).toMatchObject({ state: 'connected', sipStatusCode: 200 });
  });

  it('waits for Timer B when nothing answers, even past the ring timeout: no CANCEL without a provisional response', async () => {
    ({ w, reports } = await simWorld({ ringTimeoutMs: 50 }));
    const { meeting } = await w.startedMeeting();
    const [pid] = await invite(meeting.id, '+447700900504');
    expect(await legWhere(w, pid!, (p) => p.state === 'failed', 'Timer B')).toMatchObject({ reason: 'SIP_TRUNK_FAILURE', sipStatusCode: 408 });
    expect(signalsOf(reports, pid!)).toEqual(['ended SIP_TRUNK_FAILURE 408']);
  });
});

describe('SimulatedNetwork as a Dialer', () => {
  const call = (participantId: string, target: string, o: Partial<OutgoingCall> = {}): OutgoingCall => ({
    participantId,
    conferenceId: 'c'.repeat(32),
    meetingId: 'm'.repeat(24),
    target,
    kind: target.startsWith('sip') ? 'sip' : 'phone',
    displayName: 'Weekly',
    ringTimeoutMs: 60_000,
    ...o,
  });
  const waitFor = (probe: () => boolean, what: string) => eventually(async () => (probe() ? true : undefined), what);

  it('is the simulated network', () => {
    const net = new SimulatedNetwork({ report: async () => undefined, logger: new MemoryLogger() });
    expect(net.network).toBe('simulated');
  });

  it('close() clears every timer, drops reports not yet made, and ignores later dials', async () => {
    const got: CallProgressInput[] = [];
    const logger = new MemoryLogger();
    const net = new SimulatedNetwork({ report: async (i) => void got.push(i), logger, timeScale: 1 });
    net.dial(call('a', '+447700900000'));
    net.dial(call('b', '+447700900408'));
    net.dial(call('c', '+447700900504'));
    net.dial(call('d', '+447700900530'));
    expect(net.activeCalls).toBe(4);
    expect(net.activeTimers).toBeGreaterThan(4);
    await net.close();
    expect([net.activeCalls, net.activeTimers, net.closed]).toEqual([0, 0, true]);
    net.dial(call('e', '+447700900000'));
    expect([net.activeCalls, net.activeTimers]).toEqual([0, 0]);
    expect(logger.lines.some((l) => l.level === 'warn' && (l.obj as { participantId?: string }).participantId === 'e')).toBe(true);
    await net.close();
  });

  it('reports one call’s signals in order even when the domain is slow, and logs a failed report without stopping', async () => {
    const got: string[] = [];
    const logger = new MemoryLogger();
    let n = 0;
    const net = new SimulatedNetwork({
      logger,
      timeScale: 0,
      report: async (i) => {
        // The first report is slow and fails; the next ones must wait for it, then still go out.
        if (++n === 1) {
          await new Promise((r) => setTimeout(r, 30));
          throw new Error('database is locked');
        }
        got.push(fmt(i.signal));
      },
    });
    net.dial(call('a', '+447700900501'));
    await waitFor(() => got.length === 3, 'three reports');
    expect(got).toEqual(['ringing 180', 'answered 200', 'ended CLIENT_LEFT']);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => (l.obj as { signal: string }).signal)).toEqual(['dialing']);
    await net.close();
  });

  it('ignores a second dial of the same pid and a hang-up of an unknown pid', async () => {
    const got: CallProgressInput[] = [];
    const net = new SimulatedNetwork({ report: async (i) => void got.push(i), logger: new MemoryLogger(), timeScale: 0 });
    net.dial(call('a', '+447700900486'));
    net.dial(call('a', '+447700900000'));
    net.hangup('nobody', 'PARTICIPANT_REMOVED');
    await waitFor(() => net.activeCalls === 0 && got.length === 2, 'busy');
    expect(got.map((g) => fmt(g.signal))).toEqual(['dialing', 'ended USER_BUSY 486']);
    net.hangup('a', 'PARTICIPANT_REMOVED');
    await net.close();
  });

  it('rejects a negative or non-finite timeScale', () => {
    expect(() => new SimulatedNetwork({ report: async () => undefined, logger: new MemoryLogger(), timeScale: -1 })).toThrow(RangeError);
    expect(() => new SimulatedNetwork({ report: async () => undefined, logger: new MemoryLogger(), timeScale: Number.NaN })).toThrow(RangeError);
  });
});
