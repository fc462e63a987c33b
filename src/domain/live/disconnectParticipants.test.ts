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
import type { Meeting } from '../meetings/Meeting.js';
import { disconnectParticipants } from './disconnectParticipants.js';
import { inviteParticipants } from './inviteParticipants.js';
import { recordCallProgress } from './recordCallProgress.js';
import type { Participant } from './types.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('disconnectParticipants()', () => {
  let w: LiveWorld<RecordingDialer>;
  let clock: FixedClock;
  let meeting: Meeting;
  let phone: Participant;
  let app: Participant;

  beforeEach(async () => {
    clock = new FixedClock(T0);
    w = await liveWorld({ clock });
    ({ meeting } = await w.startedMeeting());
    const bob = await w.newUser('Bob');
    w.ringer.setOnline(bob.id);
    const res = await inviteParticipants(w.deps, w.chair, { meetingId: meeting.id, invitees: labelled([phoneInvitee('+447700900000'), userInvitee(bob)]) });
    [phone, app] = res.legs.map((l) => l.participant) as [Participant, Participant];
  });
  afterEach(async () => {
    await w.close();
  });

  const hangUp = (...participantIds: string[]) => disconnectParticipants(w.deps, w.chair, { meetingId: meeting.id, participantIds });

  it('cancels a calling phone leg: failed PARTICIPANT_REMOVED, the dialer is told to hang up', async () => {
    const [p] = await hangUp(phone.id);
    expect(p).toMatchObject({ id: phone.id, state: 'failed', reason: 'PARTICIPANT_REMOVED', endedAt: T0 });
    expect(w.dialer.hangups).toEqual([{ participantId: phone.id, reason: 'PARTICIPANT_REMOVED' }]);
    expect(w.ringer.cancels).toEqual([]);
    expect(await eventTypes(w, meeting.id, phone.id)).toEqual(['participant.invited', 'participant.calling', 'participant.failed']);
  });

  it('withdraws a ringing app call (call.cancelled "cancelled") instead of dialling anything', async () => {
    const [p] = await hangUp(app.id);
    expect(p).toMatchObject({ state: 'failed', reason: 'PARTICIPANT_REMOVED' });
    expect(w.ringer.cancels).toEqual([{ participantId: app.id, why: 'cancelled' }]);
    expect(w.dialer.hangups).toEqual([]);
  });

  it('removes legs in the meeting: left PARTICIPANT_REMOVED, published, with onMeetingLeft "kicked" after onMeetingJoined', async () => {
    await connect(w.deps, phone.id);
    await connect(w.deps, app.id);
    clock.advance(90_000);
    const out = await hangUp(phone.id, app.id);
    expect(out.map((p) => [p.id, p.state, p.reason, p.endedAt])).toEqual([
      [phone.id, 'left', 'PARTICIPANT_REMOVED', T0 + 90_000],
      [app.id, 'left', 'PARTICIPANT_REMOVED', T0 + 90_000],
    ]);
    // A connected app leg has no ringing call to withdraw: the publisher closes its session on participant.left.
    expect(w.ringer.cancels).toEqual([]);
    expect(w.dialer.hangups).toEqual([{ participantId: phone.id, reason: 'PARTICIPANT_REMOVED' }]);
    expect(w.publisher.batches.at(-1)!.map((e) => [e.participantId, e.type])).toEqual([
      [phone.id, 'participant.left'],
      [app.id, 'participant.left'],
    ]);
    const { items } = await w.store.outbox.listEvents({ meetingId: meeting.id, offset: 0, limit: 100 });
    const presence = items.filter((e) => e.event === 'onMeetingJoined' || e.event === 'onMeetingLeft').sort((a, b) => a.sequence - b.sequence);
    expect(presence.map((e) => [e.event, JSON.parse(e.payload).participant.participantId])).toEqual([
      ['onMeetingJoined', phone.id],
      ['onMeetingJoined', app.id],
      ['onMeetingLeft', phone.id],
      ['onMeetingLeft', app.id],
    ]);
    expect(JSON.parse(presence[2]!.payload)).toMatchObject({ reason: 'kicked', durationSeconds: 90, network: 'simulated', participant: { via: 'phone' } });
    expect(JSON.parse(presence[3]!.payload)).toMatchObject({ reason: 'kicked', durationSeconds: 90, participant: { via: 'web', userId: app.userId } });
  });

  it('changes nothing when one pid is unknown, and names it (participant.not_found)', async () => {
    const before = await footprint(w, meeting.id);
    await expect(hangUp(phone.id, 'f'.repeat(32), app.id)).rejects.toMatchObject({
      code: 'participant.not_found',
      kind: 'NotFound',
      details: [{ field: 'participantID', code: 'notFound', message: 'f'.repeat(32) }],
    });
    expect(await footprint(w, meeting.id)).toEqual(before);
  });

  it('treats a pid of another conference as unknown', async () => {
    const other = await w.startedMeeting();
    const foreign = (await inviteParticipants(w.deps, w.chair, { meetingId: other.meeting.id, invitees: [phoneInvitee('+447700900000')] })).legs[0]!.participant;
    await expect(hangUp(foreign.id)).rejects.toMatchObject({ code: 'participant.not_found' });
    expect((await w.store.participants.getById(foreign.id))!.state).toBe('calling');
  });

  it('rejects an empty list with validation.failed', async () => {
    await expect(hangUp()).rejects.toMatchObject({ code: 'validation.failed', details: [{ field: 'participantIds', code: 'minLength' }] });
  });

  it('leaves legs that already ended alone, and acts once on duplicates', async () => {
    await recordCallProgress(w.deps, { participantId: phone.id, signal: { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 } });
    const eventsBefore = (await w.store.liveEvents.list(meeting.id, undefined, 100)).length;
    const out = await hangUp(phone.id, app.id, app.id);
    expect(out.map((p) => [p.id, p.state, p.reason])).toEqual([
      [phone.id, 'failed', 'USER_BUSY'],
      [app.id, 'failed', 'PARTICIPANT_REMOVED'],
    ]);
    expect((await w.store.liveEvents.list(meeting.id, undefined, 100)).length).toBe(eventsBefore + 1);
    expect(w.dialer.hangups).toEqual([]);
    expect(w.ringer.cancels).toEqual([{ participantId: app.id, why: 'cancelled' }]);
  });

  it('refuses a guest with conference.control_denied and changes nothing', async () => {
    const before = await footprint(w, meeting.id);
    await expect(disconnectParticipants(w.deps, w.guest(meeting.id), { meetingId: meeting.id, participantIds: [phone.id] })).rejects.toMatchObject({ code: 'conference.control_denied' });
    expect(await footprint(w, meeting.id)).toEqual(before);
  });

  it('answers meeting.not_found for another account’s meeting', async () => {
    const other = await w.otherAccount();
    await expect(disconnectParticipants(w.deps, w.chair, { meetingId: other.meeting.id, participantIds: [phone.id] })).rejects.toMatchObject({ code: 'meeting.not_found' });
  });
});
