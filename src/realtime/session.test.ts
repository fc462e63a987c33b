import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../domain/accounts/User.js';
import { disconnectParticipants } from '../domain/live/disconnectParticipants.js';
import { endConference } from '../domain/live/endConference.js';
import { inviteParticipants } from '../domain/live/inviteParticipants.js';
import { muteAll } from '../domain/live/muteAll.js';
import { muteParticipant } from '../domain/live/muteParticipant.js';
import { renameParticipant } from '../domain/live/renameParticipant.js';
import { setHands } from '../domain/live/setHands.js';
import { setLocked } from '../domain/live/setLocked.js';
import type { Participant } from '../domain/live/types.js';
import type { Meeting } from '../domain/meetings/Meeting.js';
import type { ConveneRealtimeClient } from './client.js';
import type { ServerMessage } from './protocol.js';
import { realtimeHarness, type RealtimeHarness } from './testHarness.js';
import type { ClientWebSocket } from './wire.js';

let h: RealtimeHarness;
beforeAll(async () => {
  // A grace period long enough for a rejoin on a loaded machine; the expiry test has its own harness.
  h = await realtimeHarness({ reconnectGraceMs: 10_000 });
});
afterAll(() => h.close());

async function leg(t: RealtimeHarness, pid: string): Promise<Participant> {
  return (await t.store.participants.getById(pid)) as Participant;
}

/** A signed-in user whose socket joined `meeting` by its Huawei conferenceID. */
async function joined(t: RealtimeHarness, meeting: Meeting, name: string): Promise<{ user: User; c: ConveneRealtimeClient; pid: string }> {
  const { user, token } = await t.newUser(name);
  const c = await t.client(token);
  const r = await c.request('meeting.join', { meetingCode: meeting.conferenceId });
  return { user, c, pid: r.participantId };
}

/** Notifications (not responses) received so far, reduced to type and the fields a roster test cares about. */
function rosterTrail(c: ConveneRealtimeClient): Array<[string, string, string | undefined]> {
  return c.received.flatMap((m) => (m.type.startsWith('participant.') ? [[m.type, (m as { participant: { name: string } }).participant.name, (m as { change?: string }).change] as [string, string, string | undefined]] : []));
}

describe('self-join (meeting.join)', () => {
  it('joins by meeting number (with dashes), conferenceID or roomCode as a browser leg that is connected', async () => {
    const meeting = await h.startedMeeting();
    const codes = [meeting.meetingNumber.replace(/(\d{4})(?=\d)/g, '$1-'), meeting.conferenceId, meeting.roomCode];
    for (const [i, meetingCode] of codes.entries()) {
      const { user, token } = await h.newUser(`Joiner${i}`);
      const c = await h.client(token);
      const r = await c.request('meeting.join', { meetingCode });
      expect(r).toEqual({ meetingId: meeting.id, conferenceId: expect.stringMatching(/^[0-9a-f]{32}$/), participantId: expect.stringMatching(/^[0-9a-f]{32}$/), outcome: 'joined' });
      expect(await leg(h, r.participantId)).toMatchObject({ kind: 'browser', userId: user.id, state: 'connected', invited: false, role: 'attendee' });
    }
  });

  it('refuses an unknown code (meeting.not_found) and a meeting that has not started (conference.not_started)', async () => {
    const { token } = await h.newUser('Lost');
    const c = await h.client(token);
    await expect(c.request('meeting.join', { meetingCode: '999999999' })).rejects.toMatchObject({ code: 'meeting.not_found' });
    const res = await h.call('POST', '/api/v6/meeting', { topic: 'Later', startTime: new Date(Date.now() + 86_400_000).toISOString(), duration: 30 }, { 'x-user-id': h.admin.id });
    const notStarted = (await h.store.meetings.get(h.accountId, res.json().data.id as string)) as Meeting;
    await expect(c.request('meeting.join', { meetingCode: notStarted.conferenceId })).rejects.toMatchObject({ code: 'conference.not_started' });
    expect(c.closeInfo).toBeNull();
  });

  it('a locked conference refuses an uninvited user, admits the organizer, and admits an invitee by answering their call', async () => {
    const meeting = await h.startedMeeting();
    await setLocked(h.deps, h.host, { meetingId: meeting.id, locked: true });
    const { token } = await h.newUser('Crasher');
    const crasher = await h.client(token);
    await expect(crasher.request('meeting.join', { meetingCode: meeting.conferenceId })).rejects.toMatchObject({ code: 'conference.locked' });

    const organizer = await h.client(await h.tokenFor(h.admin));
    expect(await organizer.request('meeting.join', { meetingCode: meeting.conferenceId })).toMatchObject({ outcome: 'joined' });

    const { user: guest, token: guestToken } = await h.newUser('Guest');
    const phone = await h.client(guestToken);
    const laptop = await h.client(await h.tokenFor(guest));
    const ring = phone.next('call.incoming');
    const r = await inviteParticipants(h.deps, h.host, { meetingId: meeting.id, invitees: [{ name: 'Guest', userId: guest.id, target: null, preferPhone: false, hostRole: false, joinMuted: false, label: 'attendees[0]' }] });
    const invitedPid = (r.legs[0] as { participant: Participant }).participant.id;
    await ring;
    const withdrawn = phone.next('call.cancelled');
    expect(await laptop.request('meeting.join', { meetingCode: meeting.conferenceId })).toEqual({ meetingId: meeting.id, conferenceId: r.conferenceId, participantId: invitedPid, outcome: 'answered' });
    expect(await withdrawn).toEqual({ type: 'call.cancelled', callId: invitedPid, why: 'answered_elsewhere' });
    expect(await leg(h, invitedPid)).toMatchObject({ state: 'connected' });
  });

  it('the organizer takes the chair when joining a conference without one', async () => {
    const meeting = await h.startedMeeting();
    const organizer = await h.client(await h.tokenFor(h.admin));
    const r = await organizer.request('meeting.join', { meetingCode: meeting.conferenceId });
    expect(await leg(h, r.participantId)).toMatchObject({ role: 'host' });
  });
});

describe('roster notifications', () => {
  it('delivers the conference changes to every socket of the meeting, in commit order, and roster.get shows the live legs', async () => {
    const meeting = await h.startedMeeting();
    const a = await joined(h, meeting, 'Alice');
    const b = await joined(h, meeting, 'Bruno');
    await muteParticipant(h.deps, h.host, { meetingId: meeting.id, participantId: b.pid, muted: true });
    await setHands(h.deps, h.host, { meetingId: meeting.id, participantIds: [b.pid], raised: true });
    await renameParticipant(h.deps, h.host, { meetingId: meeting.id, participantId: b.pid, name: 'Bruno B.' });
    await setLocked(h.deps, h.host, { meetingId: meeting.id, locked: true });
    await expect.poll(() => a.c.received.some((m) => m.type === 'conference.updated')).toBe(true);

    expect(rosterTrail(a.c)).toEqual([
      ['participant.updated', 'Bruno Tester', 'joining'],
      ['participant.joined', 'Bruno Tester', undefined],
      ['participant.updated', 'Bruno Tester', 'mute'],
      ['participant.updated', 'Bruno Tester', 'hand'],
      ['participant.updated', 'Bruno B.', 'name'],
    ]);
    const notes = a.c.received.filter((m) => m.type !== 'response') as Array<Extract<ServerMessage, { seq: number }>>;
    const seqs = notes.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(notes.at(-1)).toEqual({ type: 'conference.updated', meetingId: meeting.id, seq: expect.any(Number), locked: true, muteAll: false, allowUnmuteByOneself: true, change: 'lock' });
    expect(notes.find((m) => m.type === 'participant.updated' && m.change === 'mute')).toEqual({
      type: 'participant.updated',
      meetingId: meeting.id,
      seq: expect.any(Number),
      participant: { pid: b.pid, name: 'Bruno Tester', kind: 'browser', state: 'connected', progress: null, role: 'attendee', muted: true, handRaised: false, reason: null },
      change: 'mute',
      by: 'host',
    });

    expect(await a.c.request('roster.get', { meetingId: meeting.id })).toEqual({
      meetingId: meeting.id,
      conferenceId: expect.any(String),
      conference: { locked: true, muteAll: false, allowUnmuteByOneself: true },
      participants: [
        { pid: a.pid, name: 'Alice Tester', kind: 'browser', state: 'connected', progress: null, role: 'attendee', muted: false, handRaised: false, reason: null },
        { pid: b.pid, name: 'Bruno B.', kind: 'browser', state: 'connected', progress: null, role: 'attendee', muted: true, handRaised: true, reason: null },
      ],
    });
    await expect(b.c.request('roster.get', { meetingId: '0'.repeat(24) })).rejects.toMatchObject({ code: 'session.not_joined' });
  });

  it('sends a response before the notifications its request caused', async () => {
    const meeting = await h.startedMeeting();
    const a = await joined(h, meeting, 'Order');
    const before = a.c.received.length;
    expect(await a.c.request('media.setMuted', { kind: 'audio', muted: true })).toEqual({ muted: true });
    await expect.poll(() => a.c.received.length).toBe(before + 3);
    expect(a.c.received.slice(before).map((m) => m.type)).toEqual(['response', 'participant.updated', 'media.muted']);
    expect(a.c.received.at(-1)).toEqual({ type: 'media.muted', kind: 'audio', muted: true, by: 'self', allowUnmute: true });
  });

  it('tells a participant of host mutes; in mute-all without self-unmute it says so and refuses unmuting', async () => {
    const meeting = await h.startedMeeting();
    const a = await joined(h, meeting, 'Muted');
    const hostMute = a.c.next('media.muted');
    await muteParticipant(h.deps, h.host, { meetingId: meeting.id, participantId: a.pid, muted: false });
    expect(await hostMute).toEqual({ type: 'media.muted', kind: 'audio', muted: false, by: 'host', allowUnmute: true });
    const allMute = a.c.next('media.muted');
    await muteAll(h.deps, h.host, { meetingId: meeting.id, muted: true, allowUnmuteByOneself: false });
    expect(await allMute).toEqual({ type: 'media.muted', kind: 'audio', muted: true, by: 'all', allowUnmute: false });
    await expect(a.c.request('media.setMuted', { kind: 'audio', muted: false })).rejects.toMatchObject({ code: 'participant.unmute_not_allowed' });
  });
});

describe('ending sessions (media-and-sip.md §2.4)', () => {
  it('a hang-up sends session.ended PARTICIPANT_REMOVED and closes that socket with 4001; the others see participant.left', async () => {
    const meeting = await h.startedMeeting();
    const a = await joined(h, meeting, 'Stays');
    const b = await joined(h, meeting, 'Goes');
    const leftOnA = a.c.next('participant.left');
    await disconnectParticipants(h.deps, h.host, { meetingId: meeting.id, participantIds: [b.pid] });
    expect(await b.c.closed).toEqual({ code: 4001, reason: 'PARTICIPANT_REMOVED' });
    expect(b.c.received.slice(-2)).toEqual([
      { type: 'participant.left', meetingId: meeting.id, seq: expect.any(Number), participant: { pid: b.pid, name: 'Goes Tester', kind: 'browser', state: 'left', progress: null, role: 'attendee', muted: false, handRaised: false, reason: 'PARTICIPANT_REMOVED' } },
      { type: 'session.ended', reason: 'PARTICIPANT_REMOVED' },
    ]);
    expect((await leftOnA).participant).toMatchObject({ pid: b.pid, state: 'left', reason: 'PARTICIPANT_REMOVED' });
    expect(a.c.closeInfo).toBeNull();
    expect(await leg(h, b.pid)).toMatchObject({ state: 'left', reason: 'PARTICIPANT_REMOVED' });
  });

  it('ending the conference tells every socket conference.ended and session.ended, and closes them with 4002', async () => {
    const meeting = await h.startedMeeting();
    const people = [await joined(h, meeting, 'One'), await joined(h, meeting, 'Two'), await joined(h, meeting, 'Three')];
    await endConference(h.deps, h.host, { meetingId: meeting.id });
    for (const p of people) {
      expect(await p.c.closed).toEqual({ code: 4002, reason: 'MEETING_ENDED' });
      expect(p.c.received.slice(-2)).toEqual([
        { type: 'conference.ended', meetingId: meeting.id, seq: expect.any(Number), reason: 'MEETING_ENDED' },
        { type: 'session.ended', reason: 'MEETING_ENDED' },
      ]);
      expect(await leg(h, p.pid)).toMatchObject({ state: 'left', reason: 'MEETING_ENDED' });
    }
  });

  it('meeting.leave answers, then ends the session CLIENT_LEFT and closes with 1000', async () => {
    const meeting = await h.startedMeeting();
    const a = await joined(h, meeting, 'Leaver');
    const before = a.c.received.length;
    expect(await a.c.request('meeting.leave', {})).toEqual({});
    expect(await a.c.closed).toEqual({ code: 1000, reason: 'CLIENT_LEFT' });
    expect(a.c.received.slice(before).map((m) => m.type)).toEqual(['response', 'participant.left', 'session.ended']);
    expect(a.c.received.at(-1)).toEqual({ type: 'session.ended', reason: 'CLIENT_LEFT' });
    expect(await leg(h, a.pid)).toMatchObject({ state: 'left', reason: 'CLIENT_LEFT' });
  });

  it('a second device joining the same meeting takes the leg over; the first socket closes with 4003 SESSION_REPLACED', async () => {
    const meeting = await h.startedMeeting();
    const first = await joined(h, meeting, 'Twin');
    const second = await h.client(await h.tokenFor(first.user));
    expect(await second.request('meeting.join', { meetingCode: meeting.conferenceId })).toMatchObject({ participantId: first.pid, outcome: 'rejoined' });
    expect(await first.c.closed).toEqual({ code: 4003, reason: 'SESSION_REPLACED' });
    expect(first.c.received.at(-1)).toEqual({ type: 'session.ended', reason: 'SESSION_REPLACED' });
    expect(await leg(h, first.pid)).toMatchObject({ state: 'connected' });
  });

  it('a dropped socket puts the leg in reconnecting; rejoining within the grace period keeps the same leg', async () => {
    const meeting = await h.startedMeeting();
    const a = await joined(h, meeting, 'Flaky');
    const watcher = await joined(h, meeting, 'Watcher');
    const reconnecting = watcher.c.next('participant.updated', (m) => m.change === 'reconnecting');
    (a.c.socket as unknown as ClientWebSocket).terminate();
    expect((await reconnecting).participant).toMatchObject({ pid: a.pid, state: 'reconnecting' });
    const again = await h.client(await h.tokenFor(a.user));
    expect(await again.request('meeting.join', { meetingCode: meeting.conferenceId })).toMatchObject({ participantId: a.pid, outcome: 'rejoined' });
    expect(await leg(h, a.pid)).toMatchObject({ state: 'connected', reason: null });
    const events = (await h.store.liveEvents.list(meeting.id)).filter((e) => e.participantId === a.pid).map((e) => e.type);
    expect(events).toEqual(['participant.joining', 'participant.joined', 'participant.reconnecting', 'participant.reconnected']);
  });
});

describe('reconnect grace expiry', () => {
  let t: RealtimeHarness;
  beforeAll(async () => {
    t = await realtimeHarness({ reconnectGraceMs: 200 });
  });
  afterAll(() => t.close());

  it('a leg whose socket dropped and did not come back within the grace period ends CONNECTION_LOST', async () => {
    const meeting = await t.startedMeeting();
    const a = await joined(t, meeting, 'Gone');
    (a.c.socket as unknown as ClientWebSocket).terminate();
    await expect.poll(async () => (await leg(t, a.pid)).state).toBe('left');
    expect(await leg(t, a.pid)).toMatchObject({ state: 'left', reason: 'CONNECTION_LOST' });
    const events = (await t.store.liveEvents.list(meeting.id)).filter((e) => e.participantId === a.pid).map((e) => e.type);
    expect(events).toEqual(['participant.joining', 'participant.joined', 'participant.reconnecting', 'participant.left']);
  });
});

describe('server shutdown', () => {
  it('closing the app tells every socket session.ended SERVER_SHUTDOWN and closes it with 1001', async () => {
    const t = await realtimeHarness();
    const meeting = await t.startedMeeting();
    const a = await joined(t, meeting, 'Last');
    const { token } = await t.newUser('Idle');
    const idle = await t.client(token);
    await t.app.close();
    await t.store.close();
    for (const c of [a.c, idle]) {
      expect(await c.closed).toEqual({ code: 1001, reason: 'SERVER_SHUTDOWN' });
      expect(c.received.at(-1)).toEqual({ type: 'session.ended', reason: 'SERVER_SHUTDOWN' });
    }
  });
});

describe('heartbeat', () => {
  it('drops a socket that stops answering pings and treats its leg as a lost connection (reconnecting)', async () => {
    const t = await realtimeHarness({ heartbeatMs: 100, reconnectGraceMs: 60_000 });
    try {
      const meeting = await t.startedMeeting();
      const { user } = await t.newUser('Silent');
      // 1. A hand-made client: it speaks the handshake and sends masked frames, but never answers a ping.
      const port = Number(new URL(t.httpUrl).port);
      const sock = connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      let closedByServer = false;
      sock.on('close', () => (closedByServer = true));
      sock.on('error', () => {});
      sock.on('data', () => {}); // read (and ignore) what the server sends, pings included
      sock.write('GET /realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      const text = (obj: unknown): Buffer => {
        const payload = Buffer.from(JSON.stringify(obj));
        const key = Buffer.from([9, 8, 7, 6]);
        const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
        return Buffer.concat([head, key, Buffer.from(payload.map((b, i) => b ^ (key[i & 3] as number)))]);
      };
      sock.write(text({ type: 'auth', id: 1, token: await t.tokenFor(user) }));
      sock.write(text({ type: 'meeting.join', id: 2, meetingCode: meeting.conferenceId }));
      // 2. Its leg joins, then the missed heartbeat drops the socket and the leg waits in reconnecting.
      await expect.poll(async () => (await t.store.participants.list((await t.store.conferences.getRunning(meeting.id))!.id)).map((p) => p.state)).toEqual(['reconnecting']);
      await expect.poll(() => closedByServer).toBe(true);
    } finally {
      await t.close();
    }
  });
});
