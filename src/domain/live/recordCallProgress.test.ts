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
import type { User } from '../accounts/User.js';
import type { Meeting } from '../meetings/Meeting.js';
import { inviteParticipants, type Invitee } from './inviteParticipants.js';
import { recordCallProgress } from './recordCallProgress.js';
import { setChair } from './setChair.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('recordCallProgress()', () => {
  let w: LiveWorld<RecordingDialer>;
  let clock: FixedClock;
  let meeting: Meeting;

  beforeEach(async () => {
    clock = new FixedClock(T0);
    w = await liveWorld({ clock });
    ({ meeting } = await w.startedMeeting());
  });
  afterEach(async () => {
    await w.close();
  });

  const inviteOne = async (inv: Invitee) => (await inviteParticipants(w.deps, w.chair, { meetingId: meeting.id, invitees: [inv] })).legs[0]!.participant;
  const invite = async (...invs: Invitee[]) => (await inviteParticipants(w.deps, w.chair, { meetingId: meeting.id, invitees: labelled(invs) })).legs.map((l) => l.participant);

  it('moves a phone leg through ringing and the answer to connected, with onMeetingJoined', async () => {
    const p = await inviteOne(phoneInvitee('+447700900000'));
    clock.advance(1000);
    expect(await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'ringing', sipStatusCode: 180 } })).toMatchObject({ state: 'calling', progress: 'ringing', sipStatusCode: 180 });
    clock.advance(1000);
    expect(await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'answered', connectNow: true, sipStatusCode: 200 } })).toMatchObject({
      state: 'connected',
      progress: null,
      sipStatusCode: 200,
      joinedAt: T0 + 2000,
    });
    expect(await eventTypes(w, meeting.id, p.id)).toEqual(['participant.invited', 'participant.calling', 'participant.ringing', 'participant.joining', 'participant.joined']);
    const { items } = await w.store.outbox.listEvents({ meetingId: meeting.id, event: 'onMeetingJoined', offset: 0, limit: 10 });
    expect(items).toHaveLength(1);
    expect(JSON.parse(items[0]!.payload)).toMatchObject({
      participant: { participantId: p.id, sessionId: p.id, name: '+447700900000', phone: '+447700900000', userId: null, isModerator: false, via: 'phone' },
      timestamp: new Date(T0 + 2000).toISOString(),
      network: 'simulated',
    });
  });

  it('passes through joining when media comes later (app accept before the publish connection is up)', async () => {
    const bob = await w.newUser('Bob');
    w.ringer.setOnline(bob.id);
    const p = await inviteOne(userInvitee(bob));
    expect(await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'answered', connectNow: false } })).toMatchObject({ state: 'joining' });
    expect((await w.store.outbox.listEvents({ meetingId: meeting.id, event: 'onMeetingJoined', offset: 0, limit: 10 })).total).toBe(0);
    expect(await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'media_connected' } })).toMatchObject({ state: 'connected' });
    expect((await w.store.outbox.listEvents({ meetingId: meeting.id, event: 'onMeetingJoined', offset: 0, limit: 10 })).total).toBe(1);
  });

  it('stores a decline with its message (DingTalk rejectDescription)', async () => {
    const bob = await w.newUser('Bob');
    w.ringer.setOnline(bob.id);
    const p = await inviteOne(userInvitee(bob));
    expect(await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'ended', reason: 'USER_REJECTED', message: '抱歉，正在开会' } })).toMatchObject({
      state: 'failed',
      reason: 'USER_REJECTED',
      rejectDescription: '抱歉，正在开会',
    });
  });

  it('treats late and duplicate reports as no-ops that write nothing', async () => {
    const p = await inviteOne(phoneInvitee('+447700900000'));
    await connect(w.deps, p.id);
    const before = await footprint(w, meeting.id);
    expect(await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'ringing' } })).toMatchObject({ state: 'connected' });
    expect(await connect(w.deps, p.id)).toMatchObject({ state: 'connected' });
    expect(await footprint(w, meeting.id)).toEqual(before);
    await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'ended', reason: 'CLIENT_LEFT' } });
    const after = await footprint(w, meeting.id);
    expect(await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'ended', reason: 'CONNECTION_LOST' } })).toMatchObject({ state: 'left', reason: 'CLIENT_LEFT' });
    expect(await footprint(w, meeting.id)).toEqual(after);
  });

  it('returns undefined for an unknown pid', async () => {
    expect(await recordCallProgress(w.deps, { participantId: 'f'.repeat(32), signal: { kind: 'ringing' } })).toBeUndefined();
  });

  it('never hangs up or rings anything itself (the network reported the end)', async () => {
    const p = await inviteOne(phoneInvitee('+447700900486'));
    await recordCallProgress(w.deps, { participantId: p.id, signal: { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 } });
    expect(w.dialer.hangups).toEqual([]);
    expect(w.ringer.cancels).toEqual([]);
  });

  describe('the chair on joining (huawei-meeting.md §3.3)', () => {
    let bob: User;
    beforeEach(async () => {
      bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id, w.admin.id);
    });

    it('a leg invited as host becomes chair when it joins and the meeting has none, and is unmuted', async () => {
      const p = await inviteOne({ ...phoneInvitee('+447700900000'), hostRole: true, joinMuted: true });
      expect(await connect(w.deps, p.id)).toMatchObject({ role: 'host', muted: false, mutedByHost: false });
      expect((await w.store.liveEvents.list(meeting.id, undefined, 100)).at(-1)).toMatchObject({ type: 'participant.updated', participantId: p.id, data: { role: 'host', change: 'role' } });
    });

    it('the organizer’s leg becomes chair when it joins', async () => {
      const p = await inviteOne(userInvitee(w.admin));
      expect(await connect(w.deps, p.id)).toMatchObject({ role: 'host', userId: w.admin.id });
    });

    it('nobody takes over an existing chair: one chair only', async () => {
      const [first, second] = await invite({ ...phoneInvitee('+447700900000'), hostRole: true }, userInvitee(w.admin));
      await connect(w.deps, first!.id);
      expect(await connect(w.deps, second!.id)).toMatchObject({ role: 'attendee' });
      const live = await w.store.participants.list(first!.conferenceId, { liveOnly: true });
      expect(live.filter((p) => p.role === 'host').map((p) => p.id)).toEqual([first!.id]);
    });

    it('a leg with the host role joining after the chair was released takes it', async () => {
      const [first, second] = await invite({ ...phoneInvitee('+447700900000'), hostRole: true }, { ...phoneInvitee('+447700900001'), hostRole: true });
      await connect(w.deps, first!.id);
      await setChair(w.deps, w.chair, { meetingId: meeting.id, participantId: first!.id, apply: false });
      expect(await connect(w.deps, second!.id)).toMatchObject({ role: 'host' });
    });

    it('an ordinary invitee never takes the chair', async () => {
      const p = await inviteOne(userInvitee(bob));
      expect(await connect(w.deps, p.id)).toMatchObject({ role: 'attendee' });
    });
  });
});
