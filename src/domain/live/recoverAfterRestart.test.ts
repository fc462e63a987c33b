import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../infra/ids.js';
import {
  connect,
  eventTypes,
  FakeRinger,
  labelled,
  liveWorld,
  phoneInvitee,
  RecordingDialer,
  RecordingPublisher,
  userInvitee,
  type LiveWorld,
} from '../../../test/support/liveFakes.js';
import { endConference } from './endConference.js';
import { inviteParticipants } from './inviteParticipants.js';
import type { LiveDeps } from './ports.js';
import { recordCallProgress } from './recordCallProgress.js';
import { recoverAfterRestart } from './recoverAfterRestart.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('recoverAfterRestart()', () => {
  let w: LiveWorld<RecordingDialer>;
  let clock: FixedClock;
  /** The process after the restart: the same store, fresh edges. */
  let restarted: LiveDeps & { dialer: RecordingDialer; ringer: FakeRinger; publisher: RecordingPublisher };

  beforeEach(async () => {
    clock = new FixedClock(T0);
    w = await liveWorld({ clock });
    restarted = { ...w.deps, dialer: new RecordingDialer(), ringer: new FakeRinger(), publisher: new RecordingPublisher() };
  });
  afterEach(async () => {
    await w.close();
  });

  it('ends every live leg with CONNECTION_LOST, with events, and onMeetingLeft only for legs that had joined', async () => {
    const { meeting, conference } = await w.startedMeeting();
    const bob = await w.newUser('Bob');
    w.ringer.setOnline(bob.id);
    const res = await inviteParticipants(w.deps, w.chair, {
      meetingId: meeting.id,
      invitees: labelled([phoneInvitee('+447700900000'), phoneInvitee('+447700900408'), userInvitee(bob), phoneInvitee('+447700900486')]),
    });
    const [inCall, ringing, app, busy] = res.legs.map((l) => l.participant.id) as [string, string, string, string];
    await connect(w.deps, inCall);
    await connect(w.deps, app);
    await recordCallProgress(w.deps, { participantId: busy, signal: { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 } });
    clock.advance(120_000);

    expect(await recoverAfterRestart(restarted)).toBe(3);

    const legs = Object.fromEntries((await w.legs(conference.id)).map((p) => [p.id, [p.state, p.reason, p.endedAt]]));
    expect(legs).toEqual({
      [inCall]: ['left', 'CONNECTION_LOST', T0 + 120_000],
      [ringing]: ['failed', 'CONNECTION_LOST', T0 + 120_000],
      [app]: ['left', 'CONNECTION_LOST', T0 + 120_000],
      [busy]: ['failed', 'USER_BUSY', T0],
    });
    expect((await eventTypes(w, meeting.id, ringing)).at(-1)).toBe('participant.failed');
    expect((await eventTypes(w, meeting.id, inCall)).at(-1)).toBe('participant.left');
    const { items } = await w.store.outbox.listEvents({ meetingId: meeting.id, event: 'onMeetingLeft', offset: 0, limit: 10 });
    expect(Object.fromEntries(items.map((e) => [JSON.parse(e.payload).participant.participantId, [JSON.parse(e.payload).reason, JSON.parse(e.payload).durationSeconds]]))).toEqual({
      [inCall]: ['networkLost', 120],
      [app]: ['networkLost', 120],
    });
    // The calls died with the old process: nothing to cancel or hang up, only publish.
    expect(restarted.dialer.hangups).toEqual([]);
    expect(restarted.ringer.cancels).toEqual([]);
    expect(restarted.publisher.events.map((e) => e.participantId).sort()).toEqual([inCall, ringing, app].sort());
    // The conference keeps running: people can be invited again.
    expect(await w.store.conferences.getRunning(meeting.id)).toMatchObject({ id: conference.id, endedAt: null });
    const again = await inviteParticipants(restarted, w.chair, { meetingId: meeting.id, invitees: [phoneInvitee('+447700900000')] });
    expect(again.legs[0]).toMatchObject({ created: true });
    expect(again.legs[0]!.participant.id).not.toBe(inCall);
  });

  it('covers every running conference and leaves ended ones alone', async () => {
    const a = await w.startedMeeting();
    const b = await w.startedMeeting();
    const c = await w.startedMeeting();
    const pids: string[] = [];
    for (const m of [a, b, c]) pids.push((await inviteParticipants(w.deps, w.chair, { meetingId: m.meeting.id, invitees: [phoneInvitee('+447700900000')] })).legs[0]!.participant.id);
    await endConference(w.deps, w.chair, { meetingId: c.meeting.id });
    const endedEvents = (await w.store.liveEvents.list(c.meeting.id, undefined, 100)).length;
    expect(await recoverAfterRestart(restarted)).toBe(2);
    expect((await w.store.participants.getById(pids[2]!))!.reason).toBe('MEETING_ENDED');
    expect((await w.store.liveEvents.list(c.meeting.id, undefined, 100)).length).toBe(endedEvents);
  });

  it('is a no-op when nothing was live (and on a second run)', async () => {
    await w.startedMeeting();
    expect(await recoverAfterRestart(restarted)).toBe(0);
    expect(restarted.publisher.events).toEqual([]);
    expect(await recoverAfterRestart(restarted)).toBe(0);
  });
});
