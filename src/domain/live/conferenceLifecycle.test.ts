import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../infra/ids.js';
import {
  connect,
  eventTypes,
  footprint,
  labelled,
  liveWorld,
  phoneInvitee,
  userInvitee,
  type LiveWorld,
  type RecordingDialer,
} from '../../../test/support/liveFakes.js';
import { endConference } from './endConference.js';
import { inviteParticipants } from './inviteParticipants.js';
import { recordCallProgress } from './recordCallProgress.js';
import { startConference } from './startConference.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('startConference() / endConference()', () => {
  let w: LiveWorld<RecordingDialer>;
  let clock: FixedClock;

  beforeEach(async () => {
    clock = new FixedClock(T0);
    w = await liveWorld({ clock, maxParticipants: 250 });
  });
  afterEach(async () => {
    await w.close();
  });

  it('startConference() starts a conference once (idempotent), with conference.started', async () => {
    const meeting = await w.newMeeting();
    const c = await startConference(w.deps, w.chair, { meetingId: meeting.id });
    expect(c).toEqual({
      id: c.id,
      meetingId: meeting.id,
      accountId: w.account.id,
      startedAt: T0,
      endedAt: null,
      endReason: null,
      locked: false,
      muteAll: false,
      allowUnmuteByOneself: true,
      maxParticipants: 250,
      startedByUserId: w.admin.id,
    });
    expect(c.id).toMatch(/^[0-9a-f]{32}$/);
    clock.advance(1000);
    expect(await startConference(w.deps, w.chair, { meetingId: meeting.id })).toEqual(c);
    expect(await eventTypes(w, meeting.id, null)).toEqual(['conference.started']);
    expect(w.publisher.events.map((e) => e.type)).toEqual(['conference.started']);
  });

  it('startConference() refuses guests and other accounts’ meetings', async () => {
    const meeting = await w.newMeeting();
    await expect(startConference(w.deps, w.guest(meeting.id), { meetingId: meeting.id })).rejects.toMatchObject({ code: 'conference.control_denied' });
    const other = await w.otherAccount();
    await expect(startConference(w.deps, w.chair, { meetingId: other.meeting.id })).rejects.toMatchObject({ code: 'meeting.not_found' });
    await expect(startConference(w.deps, w.chair, { meetingId: 'f'.repeat(24) })).rejects.toMatchObject({ code: 'meeting.not_found' });
  });

  it('endConference() ends every live leg with MEETING_ENDED: cancels rings, hangs up phones, then conference.ended', async () => {
    const { meeting } = await w.startedMeeting();
    const bob = await w.newUser('Bob');
    const carol = await w.newUser('Carol');
    w.ringer.setOnline(bob.id, carol.id);
    const res = await inviteParticipants(w.deps, w.chair, {
      meetingId: meeting.id,
      invitees: labelled([phoneInvitee('+447700900000'), phoneInvitee('+447700900408'), userInvitee(bob), userInvitee(carol), phoneInvitee('+447700900486')]),
    });
    const [inCall, ringingPhone, ringingApp, inApp, busy] = res.legs.map((l) => l.participant.id) as [string, string, string, string, string];
    await connect(w.deps, inCall);
    await connect(w.deps, inApp);
    await recordCallProgress(w.deps, { participantId: busy, signal: { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 } });
    clock.advance(60_000);

    const ended = await endConference(w.deps, w.chair, { meetingId: meeting.id });
    expect(ended).toMatchObject({ endedAt: T0 + 60_000, endReason: 'MEETING_ENDED' });
    const legs = Object.fromEntries((await w.legs(ended.id)).map((p) => [p.id, [p.state, p.reason]]));
    expect(legs).toEqual({
      [inCall]: ['left', 'MEETING_ENDED'],
      [ringingPhone]: ['failed', 'MEETING_ENDED'],
      [ringingApp]: ['failed', 'MEETING_ENDED'],
      [inApp]: ['left', 'MEETING_ENDED'],
      [busy]: ['failed', 'USER_BUSY'],
    });
    expect(new Set(w.dialer.hangups)).toEqual(
      new Set([
        { participantId: inCall, reason: 'MEETING_ENDED' },
        { participantId: ringingPhone, reason: 'MEETING_ENDED' },
      ]),
    );
    expect(w.ringer.cancels).toEqual([{ participantId: ringingApp, why: 'meeting_ended' }]);
    const events = await w.store.liveEvents.list(meeting.id, undefined, 1000);
    expect(events.at(-1)).toMatchObject({ type: 'conference.ended', participantId: null, data: { endedAt: T0 + 60_000, endReason: 'MEETING_ENDED' } });
    const { items } = await w.store.outbox.listEvents({ meetingId: meeting.id, event: 'onMeetingLeft', offset: 0, limit: 10 });
    expect(items.map((e) => JSON.parse(e.payload).reason)).toEqual(['meetingEnded', 'meetingEnded']);
    expect(await w.store.conferences.getRunning(meeting.id)).toBeUndefined();
  });

  it('endConference() keeps a given reason (e.g. the end time was reached)', async () => {
    const { meeting } = await w.startedMeeting();
    expect(await endConference(w.deps, w.chair, { meetingId: meeting.id, reason: 'CONNECTION_LOST' })).toMatchObject({ endReason: 'CONNECTION_LOST' });
  });

  it('after the end: a second end is conference.ended, late call progress changes nothing, a new start is a new conference', async () => {
    const { meeting, conference } = await w.startedMeeting();
    const pid = (await inviteParticipants(w.deps, w.chair, { meetingId: meeting.id, invitees: [phoneInvitee('+447700900000')] })).legs[0]!.participant.id;
    await endConference(w.deps, w.chair, { meetingId: meeting.id });
    await expect(endConference(w.deps, w.chair, { meetingId: meeting.id })).rejects.toMatchObject({ code: 'conference.ended' });
    const before = await footprint(w, meeting.id);
    expect(await connect(w.deps, pid)).toMatchObject({ state: 'failed', reason: 'MEETING_ENDED' });
    expect(await footprint(w, meeting.id)).toEqual(before);
    clock.advance(1000);
    const again = await startConference(w.deps, w.chair, { meetingId: meeting.id });
    expect(again.id).not.toBe(conference.id);
    expect(await w.store.conferences.getLatest(meeting.id)).toMatchObject({ id: again.id, endedAt: null });
  });

  it('endConference() refuses guests and meetings that never started', async () => {
    const { meeting } = await w.startedMeeting();
    await expect(endConference(w.deps, w.guest(meeting.id), { meetingId: meeting.id })).rejects.toMatchObject({ code: 'conference.control_denied' });
    const idle = await w.newMeeting();
    await expect(endConference(w.deps, w.chair, { meetingId: idle.id })).rejects.toMatchObject({ code: 'conference.not_started' });
  });
});
