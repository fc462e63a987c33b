import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../domain/accounts/User.js';
import { disconnectParticipants } from '../domain/live/disconnectParticipants.js';
import { inviteParticipants, type Invitee } from '../domain/live/inviteParticipants.js';
import type { Participant } from '../domain/live/types.js';
import type { Meeting } from '../domain/meetings/Meeting.js';
import type { ConveneRealtimeClient } from './client.js';
import type { NotificationOf } from './protocol.js';
import { realtimeHarness, type RealtimeHarness } from './testHarness.js';

let h: RealtimeHarness;
/** Ring timeout long enough never to fire in these tests (the timeout test has its own harness). */
beforeAll(async () => {
  h = await realtimeHarness();
});
afterAll(() => h.close());

function invitee(user: User): Invitee {
  return { name: user.firstName, userId: user.id, target: null, preferPhone: false, hostRole: false, joinMuted: false, label: 'attendees[0]' };
}

async function invite(t: RealtimeHarness, meeting: Meeting, user: User): Promise<Participant> {
  const r = await inviteParticipants(t.deps, t.host, { meetingId: meeting.id, invitees: [invitee(user)] });
  return (r.legs[0] as { participant: Participant }).participant;
}

async function leg(t: RealtimeHarness, pid: string): Promise<Participant> {
  return (await t.store.participants.getById(pid)) as Participant;
}

/** A user with two signed-in devices. */
async function userWithTwoDevices(t: RealtimeHarness, name: string): Promise<{ user: User; a: ConveneRealtimeClient; b: ConveneRealtimeClient }> {
  const { user, token } = await t.newUser(name);
  return { user, a: await t.client(token), b: await t.client(await t.tokenFor(user)) };
}

describe('ringing an app user (media-and-sip.md §7)', () => {
  it('rings every device; the first accept wins, the other device is told answered_elsewhere, the leg is connected', async () => {
    const meeting = await h.startedMeeting('Design review');
    const { user, a, b } = await userWithTwoDevices(h, 'Bob');
    const ringA = a.next('call.incoming');
    const ringB = b.next('call.incoming');
    const invited = await invite(h, meeting, user);
    expect(invited.state).toBe('calling');
    const incoming = await ringA;
    expect(incoming).toEqual({
      type: 'call.incoming',
      callId: invited.id,
      meetingId: meeting.id,
      subject: 'Design review',
      inviter: { name: 'Ada Admin' },
      media: { audio: true, video: true },
      ringTimeoutMs: 60_000,
      expiresAt: expect.any(Number),
    });
    expect(await ringB).toEqual(incoming);

    await a.request('call.ringing', { callId: invited.id });
    expect(await leg(h, invited.id)).toMatchObject({ state: 'calling', progress: 'ringing' });

    const cancelledOnB = b.next('call.cancelled');
    const accepted = await a.request('call.accept', { callId: invited.id });
    expect(accepted).toEqual({ meetingId: meeting.id, conferenceId: invited.conferenceId, participantId: invited.id });
    expect(await cancelledOnB).toEqual({ type: 'call.cancelled', callId: invited.id, why: 'answered_elsewhere' });
    expect(await leg(h, invited.id)).toMatchObject({ state: 'connected', reason: null });
    await expect(b.request('call.accept', { callId: invited.id })).rejects.toMatchObject({ code: 'call.already_answered' });

    // The accepting socket is in the room: it hears its own join, after the accept's response.
    await expect.poll(() => a.received.some((m) => m.type === 'participant.joined')).toBe(true);
    const responseAt = a.received.findIndex((m) => m.type === 'response' && m.ok && (m.data as { participantId?: string }).participantId === invited.id);
    const joinedAt = a.received.findIndex((m) => m.type === 'participant.joined');
    expect(responseAt).toBeGreaterThan(-1);
    expect(joinedAt).toBeGreaterThan(responseAt);
  });

  it('when two devices accept at the same moment exactly one wins; the other gets call.already_answered', async () => {
    const meeting = await h.startedMeeting();
    const { user, a, b } = await userWithTwoDevices(h, 'Race');
    const ring = b.next('call.incoming');
    const invited = await invite(h, meeting, user);
    await ring;
    const results = await Promise.allSettled([a.request('call.accept', { callId: invited.id }), b.request('call.accept', { callId: invited.id })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'call.already_answered' } });
    expect(await leg(h, invited.id)).toMatchObject({ state: 'connected' });
  });

  it('a decline ends the leg USER_REJECTED with the message, and the other device is told declined_elsewhere', async () => {
    const meeting = await h.startedMeeting();
    const { user, a, b } = await userWithTwoDevices(h, 'Dee');
    const ring = a.next('call.incoming');
    const invited = await invite(h, meeting, user);
    await ring;
    const cancelledOnB = b.next('call.cancelled');
    expect(await a.request('call.decline', { callId: invited.id, message: 'In another call' })).toEqual({});
    expect(await cancelledOnB).toEqual({ type: 'call.cancelled', callId: invited.id, why: 'declined_elsewhere' });
    expect(await leg(h, invited.id)).toMatchObject({ state: 'failed', reason: 'USER_REJECTED', rejectDescription: 'In another call' });
    await expect(b.request('call.accept', { callId: invited.id })).rejects.toMatchObject({ code: 'call.expired' });
  });

  it('a decline without a message records the default 抱歉，正在开会', async () => {
    const meeting = await h.startedMeeting();
    const { user, token } = await h.newUser('Mo');
    const c = await h.client(token);
    const ring = c.next('call.incoming');
    const invited = await invite(h, meeting, user);
    await ring;
    await c.request('call.decline', { callId: invited.id });
    expect(await leg(h, invited.id)).toMatchObject({ state: 'failed', reason: 'USER_REJECTED', rejectDescription: '抱歉，正在开会' });
  });

  it('an offline user fails USER_UNAVAILABLE at once and nothing rings', async () => {
    const meeting = await h.startedMeeting();
    const { user } = await h.newUser('Off');
    const invited = await invite(h, meeting, user);
    expect(invited).toMatchObject({ kind: 'app', state: 'failed', reason: 'USER_UNAVAILABLE' });
  });

  it('a host hang-up of a ringing call withdraws it with why cancelled and fails the leg PARTICIPANT_REMOVED', async () => {
    const meeting = await h.startedMeeting();
    const { user, token } = await h.newUser('Han');
    const c = await h.client(token);
    const ring = c.next('call.incoming');
    const invited = await invite(h, meeting, user);
    await ring;
    const cancelled = c.next('call.cancelled');
    await disconnectParticipants(h.deps, h.host, { meetingId: meeting.id, participantIds: [invited.id] });
    expect(await cancelled).toEqual({ type: 'call.cancelled', callId: invited.id, why: 'cancelled' });
    expect(await leg(h, invited.id)).toMatchObject({ state: 'failed', reason: 'PARTICIPANT_REMOVED' });
    await expect(c.request('call.accept', { callId: invited.id })).rejects.toMatchObject({ code: 'call.expired' });
    expect(c.closeInfo).toBeNull();
  });

  it('a device that signs in while a call rings is offered it too, after its auth response', async () => {
    const meeting = await h.startedMeeting();
    const { user, token } = await h.newUser('Late');
    const first = await h.client(token);
    const ring = first.next('call.incoming');
    const invited = await invite(h, meeting, user);
    await ring;
    const late = await h.client(await h.tokenFor(user));
    await expect.poll(() => late.received.length).toBe(2);
    expect(late.received[0]).toMatchObject({ type: 'response', id: 1, ok: true });
    expect(late.received[1]).toMatchObject({ type: 'call.incoming', callId: invited.id, meetingId: meeting.id });
  });

  it('refuses to let another user answer the call (participant.not_found)', async () => {
    const meeting = await h.startedMeeting();
    const { user, token } = await h.newUser('Own');
    const owner = await h.client(token);
    const { token: otherToken } = await h.newUser('Other');
    const other = await h.client(otherToken);
    const ring = owner.next('call.incoming');
    const invited = await invite(h, meeting, user);
    await ring;
    await expect(other.request('call.accept', { callId: invited.id })).rejects.toMatchObject({ code: 'participant.not_found' });
    expect(await leg(h, invited.id)).toMatchObject({ state: 'calling' });
  });
});

describe('ring timeout', () => {
  let t: RealtimeHarness;
  beforeAll(async () => {
    t = await realtimeHarness({ ringTimeoutMs: 250 });
  });
  afterAll(() => t.close());

  it('nobody answers: every device gets call.cancelled timeout, the leg fails NO_ANSWER, a late accept is call.expired', async () => {
    const meeting = await t.startedMeeting();
    const { user, a, b } = await userWithTwoDevices(t, 'Nora');
    const timeoutA = a.next('call.cancelled');
    const timeoutB = b.next('call.cancelled');
    const invited = await invite(t, meeting, user);
    const expected: NotificationOf<'call.cancelled'> = { type: 'call.cancelled', callId: invited.id, why: 'timeout' };
    expect(await timeoutA).toEqual(expected);
    expect(await timeoutB).toEqual(expected);
    await expect.poll(async () => (await leg(t, invited.id)).state).toBe('failed');
    expect(await leg(t, invited.id)).toMatchObject({ state: 'failed', reason: 'NO_ANSWER' });
    await expect(a.request('call.accept', { callId: invited.id })).rejects.toMatchObject({ code: 'call.expired' });
  });
});
