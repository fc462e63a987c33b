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
import { muteAll } from './muteAll.js';
import { recordCallProgress } from './recordCallProgress.js';
import type { Meeting } from '../meetings/Meeting.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('inviteParticipants()', () => {
  let w: LiveWorld<RecordingDialer>;
  let meeting: Meeting;
  let conferenceId: string;

  beforeEach(async () => {
    w = await liveWorld({ clock: new FixedClock(T0), ringTimeoutMs: 45_000 });
    const started = await w.startedMeeting('Weekly sync');
    meeting = started.meeting;
    conferenceId = started.conference.id;
  });
  afterEach(async () => {
    await w.close();
  });

  const invite = (...invitees: Parameters<typeof labelled>[0]) => inviteParticipants(w.deps, w.chair, { meetingId: meeting.id, invitees: labelled(invitees) });

  describe('routing (huawei-meeting.md §4.1)', () => {
    it('dials a SIP URI as a SIP leg, normalised, after the commit', async () => {
      const { legs } = await invite(phoneInvitee('SIP:Desk@PBX.Example.com;transport=UDP;user=phone', { name: 'Desk' }));
      const p = legs[0]!.participant;
      expect(legs[0]!.created).toBe(true);
      expect(p).toMatchObject({ kind: 'sip', phone: 'sip:Desk@pbx.example.com;transport=udp', state: 'calling', progress: 'dialing', network: 'simulated', userId: null, name: 'Desk', role: 'attendee', invited: true });
      expect(p.id).toMatch(/^[0-9a-f]{32}$/);
      expect(w.dialer.dials).toEqual([
        { participantId: p.id, conferenceId, meetingId: meeting.id, target: 'sip:Desk@pbx.example.com;transport=udp', kind: 'sip', displayName: 'Weekly sync', ringTimeoutMs: 45_000 },
      ]);
      expect(w.ringer.rings).toEqual([]);
      expect(await eventTypes(w, meeting.id, p.id)).toEqual(['participant.invited', 'participant.calling']);
    });

    it('dials a telephone number as a phone leg', async () => {
      const { legs } = await invite(phoneInvitee('+44 7700 900000'));
      expect(legs[0]!.participant).toMatchObject({ kind: 'phone', phone: '+447700900000', state: 'calling', progress: 'dialing', video: false });
      expect(w.dialer.dials.map((d) => [d.kind, d.target])).toEqual([['phone', '+447700900000']]);
    });

    it('rings the owner of a directory number of the account in the app when online', async () => {
      const bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id);
      const { legs } = await invite(phoneInvitee(bob.directoryNumber, { name: 'Bob (desk)' }));
      const p = legs[0]!.participant;
      expect(p).toMatchObject({ kind: 'app', userId: bob.id, phone: bob.directoryNumber, state: 'calling', network: null, video: true });
      expect(w.ringer.rings).toEqual([{ participantId: p.id, conferenceId, meetingId: meeting.id, userId: bob.id, subject: 'Weekly sync', inviterName: 'Ada Admin', ringTimeoutMs: 45_000 }]);
      expect(w.dialer.dials).toEqual([]);
    });

    it('fails a directory number of nobody, or of another account’s user, with INVALID_NUMBER at once', async () => {
      const other = await w.otherAccount();
      const { legs } = await invite(phoneInvitee('+99000000000000'), phoneInvitee(other.admin.directoryNumber));
      for (const { participant: p } of legs) {
        expect(p).toMatchObject({ kind: 'app', userId: null, state: 'failed', reason: 'INVALID_NUMBER', endedAt: T0 });
        expect(await eventTypes(w, meeting.id, p.id)).toEqual(['participant.invited', 'participant.failed']);
      }
      expect(w.ringer.rings).toEqual([]);
      expect(w.dialer.dials).toEqual([]);
    });

    it('rings a user of the account who is online, and queues nothing else', async () => {
      const bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id);
      const { legs } = await invite(userInvitee(bob));
      expect(legs[0]!.participant).toMatchObject({ kind: 'app', userId: bob.id, phone: bob.directoryNumber, state: 'calling', progress: 'dialing' });
      expect(w.ringer.rings.map((r) => r.userId)).toEqual([bob.id]);
      expect(w.dialer.dials).toEqual([]);
    });

    it('fails a user who is offline with USER_UNAVAILABLE at once, without ringing', async () => {
      const bob = await w.newUser('Bob');
      const { legs } = await invite(userInvitee(bob));
      const p = legs[0]!.participant;
      expect(p).toMatchObject({ kind: 'app', state: 'failed', reason: 'USER_UNAVAILABLE' });
      expect(await eventTypes(w, meeting.id, p.id)).toEqual(['participant.invited', 'participant.failed']);
      expect(w.ringer.rings).toEqual([]);
      // A failed leg is never "in the meeting": no v6 presence webhook.
      expect((await w.store.outbox.listEvents({ meetingId: meeting.id, event: 'onMeetingLeft', offset: 0, limit: 10 })).total).toBe(0);
    });

    it('dials the phone of a user when preferPhone (Huawei type mobile), keeping who it is', async () => {
      const bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id);
      const { legs } = await invite({ ...phoneInvitee('+8613800000000'), userId: bob.id, preferPhone: true, name: 'Bob mobile' });
      expect(legs[0]!.participant).toMatchObject({ kind: 'phone', userId: bob.id, phone: '+8613800000000', state: 'calling' });
      expect(w.dialer.dials.map((d) => d.target)).toEqual(['+8613800000000']);
      expect(w.ringer.rings).toEqual([]);
    });

    it('rings the app of a user that also has a number when preferPhone is false (rule 3)', async () => {
      const bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id);
      const { legs } = await invite({ ...phoneInvitee('+8613800000000'), userId: bob.id, name: 'Bob' });
      expect(legs[0]!.participant).toMatchObject({ kind: 'app', userId: bob.id });
      expect(w.dialer.dials).toEqual([]);
    });

    it('rejects an invitee with nothing to call with validation.failed naming it', async () => {
      const before = await footprint(w, meeting.id);
      await expect(invite(phoneInvitee('+447700900000'), { ...phoneInvitee('+447700900001'), target: null })).rejects.toMatchObject({
        code: 'validation.failed',
        details: [{ field: 'attendees[1]', code: 'required' }],
      });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });
  });

  describe('the roster', () => {
    it('adds one roster entry per new invitee, in order, with the invite’s extras', async () => {
      const bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id);
      await invite(
        { ...phoneInvitee('+447700900000'), name: 'Desk', email: 'desk@example.com', sms: '+447700900000', type: 'terminal', deptUuid: 'd1', deptName: 'Sales', hostRole: true, joinMuted: true },
        userInvitee(bob),
      );
      const roster = await w.store.roster.list(meeting.id);
      expect(roster.map((e) => [e.position, e.name, e.userId, e.phone])).toEqual([
        [0, 'Desk', null, '+447700900000'],
        [1, 'Bob', bob.id, bob.directoryNumber],
      ]);
      expect(roster[0]).toMatchObject({ email: 'desk@example.com', sms: '+447700900000', type: 'terminal', deptUuid: 'd1', deptName: 'Sales', hostRole: true, joinMuted: true, createdAt: T0 });
      expect(roster[1]).toMatchObject({ type: 'normal', hostRole: false, joinMuted: false, email: null });
    });

    it('re-inviting someone whose leg ended creates a new leg with a new pid on the same roster entry', async () => {
      const first = (await invite(phoneInvitee('+447700900486'))).legs[0]!.participant;
      await recordCallProgress(w.deps, { participantId: first.id, signal: { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 } });
      const again = await invite(phoneInvitee('+447700900486'));
      const second = again.legs[0]!.participant;
      expect(again.legs[0]!.created).toBe(true);
      expect(second.id).not.toBe(first.id);
      expect(second.rosterId).toBe(first.rosterId);
      expect(await w.store.roster.list(meeting.id)).toHaveLength(1);
      expect(w.dialer.dials.map((d) => d.participantId)).toEqual([first.id, second.id]);
    });
  });

  describe('all or nothing', () => {
    it('rejects duplicates in one request (the same normalised number) with nothing written', async () => {
      const before = await footprint(w, meeting.id);
      await expect(invite(phoneInvitee('+447700900000'), phoneInvitee('+447700900001'), phoneInvitee('+44 (7700) 900-000'))).rejects.toMatchObject({
        code: 'validation.failed',
        details: [{ field: 'attendees[2]', code: 'duplicate' }],
      });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });

    it('rejects the same user twice (by account and by directory number) with nothing written', async () => {
      const bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id);
      const before = await footprint(w, meeting.id);
      const err = await invite(userInvitee(bob), phoneInvitee(bob.directoryNumber)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'validation.failed', details: [{ field: 'attendees[1]', code: 'duplicate' }] });
      expect((err as Error).message).toBe('Data not valid');
      expect(await footprint(w, meeting.id)).toEqual(before);
    });

    it('is a no-op for someone who already has a live leg: same pid, no second call, still succeeds', async () => {
      const bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id);
      const first = await invite(phoneInvitee('+447700900000'), userInvitee(bob));
      await connect(w.deps, first.legs[0]!.participant.id);
      const before = await footprint(w, meeting.id);
      const again = await invite(phoneInvitee('+447700900000'), userInvitee(bob));
      expect(again.legs.map((l) => [l.participant.id, l.created])).toEqual([
        [first.legs[0]!.participant.id, false],
        [first.legs[1]!.participant.id, false],
      ]);
      expect(again.legs[0]!.participant.state).toBe('connected');
      expect(await footprint(w, meeting.id)).toEqual(before);
    });

    it('refuses more live legs than the conference allows with conference.full and nothing written', async () => {
      await w.close();
      w = await liveWorld({ clock: new FixedClock(T0), maxParticipants: 2 });
      ({ meeting } = await w.startedMeeting());
      await invite(phoneInvitee('+447700900000'));
      const before = await footprint(w, meeting.id);
      await expect(invite(phoneInvitee('+447700900001'), phoneInvitee('+447700900002'))).rejects.toMatchObject({ code: 'conference.full', kind: 'ResourceExhausted' });
      expect(await footprint(w, meeting.id)).toEqual(before);
      // A no-op entry does not count against the cap; one new leg still fits.
      const ok = await invite(phoneInvitee('+447700900000'), phoneInvitee('+447700900001'));
      expect(ok.legs.map((l) => l.created)).toEqual([false, true]);
    });

    it('does not count legs that ended against the cap', async () => {
      await w.close();
      w = await liveWorld({ clock: new FixedClock(T0), maxParticipants: 1 });
      ({ meeting } = await w.startedMeeting());
      const busy = (await invite(phoneInvitee('+447700900486'))).legs[0]!.participant;
      await recordCallProgress(w.deps, { participantId: busy.id, signal: { kind: 'ended', reason: 'USER_BUSY', sipStatusCode: 486 } });
      expect((await invite(phoneInvitee('+447700900000'))).legs[0]!.created).toBe(true);
    });
  });

  describe('mute on invite', () => {
    it('invites muted when joinMuted, or when mute-all is on (by the host)', async () => {
      const a = (await invite({ ...phoneInvitee('+447700900000'), joinMuted: true })).legs[0]!.participant;
      expect(a).toMatchObject({ muted: true, mutedByHost: true });
      await muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: true });
      const b = (await invite(phoneInvitee('+447700900001'))).legs[0]!.participant;
      expect(b).toMatchObject({ muted: true, mutedByHost: true });
    });
  });

  describe('who may invite, and when', () => {
    it('refuses a guest with conference.control_denied and writes nothing', async () => {
      const before = await footprint(w, meeting.id);
      await expect(inviteParticipants(w.deps, w.guest(meeting.id), { meetingId: meeting.id, invitees: [phoneInvitee('+447700900000')] })).rejects.toMatchObject({
        code: 'conference.control_denied',
        kind: 'PermissionDenied',
      });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });

    it('refuses a chair token bound to another meeting with conference.control_denied', async () => {
      const other = await w.newMeeting();
      await expect(inviteParticipants(w.deps, w.chairOf(other.id), { meetingId: meeting.id, invitees: [phoneInvitee('+447700900000')] })).rejects.toMatchObject({
        code: 'conference.control_denied',
      });
    });

    it('answers meeting.not_found for another account’s meeting, and writes nothing there', async () => {
      const other = await w.otherAccount();
      const before = await footprint(w, other.meeting.id);
      await expect(inviteParticipants(w.deps, w.chair, { meetingId: other.meeting.id, invitees: [phoneInvitee('+447700900000')] })).rejects.toMatchObject({
        code: 'meeting.not_found',
        kind: 'NotFound',
      });
      expect(await footprint(w, other.meeting.id)).toEqual(before);
    });

    it('answers conference.not_started for a meeting that is not running, and conference.ended after it ended', async () => {
      const idle = await w.newMeeting();
      await expect(inviteParticipants(w.deps, w.chair, { meetingId: idle.id, invitees: [phoneInvitee('+447700900000')] })).rejects.toMatchObject({ code: 'conference.not_started' });
      expect(await w.store.conferences.getLatest(idle.id)).toBeUndefined();
      await endConference(w.deps, w.chair, { meetingId: meeting.id });
      await expect(invite(phoneInvitee('+447700900000'))).rejects.toMatchObject({ code: 'conference.ended', kind: 'FailedPrecondition' });
    });

    it('starts the conference first with startIfNeeded (instant meetings), in the same transaction', async () => {
      const idle = await w.newMeeting();
      const res = await inviteParticipants(w.deps, w.chair, { meetingId: idle.id, invitees: [phoneInvitee('+447700900000')], startIfNeeded: true });
      const conference = await w.store.conferences.getRunning(idle.id);
      expect(conference).toMatchObject({ id: res.conferenceId, startedAt: T0, startedByUserId: w.admin.id, maxParticipants: 500 });
      const types = (await w.store.liveEvents.list(idle.id, undefined, 100)).map((e) => e.type);
      expect(types).toEqual(['conference.started', 'participant.invited', 'participant.calling']);
    });
  });

  describe('effects after commit', () => {
    it('publishes the events in sequence order and wakes the outbox once', async () => {
      const bob = await w.newUser('Bob');
      w.ringer.setOnline(bob.id);
      let woke = 0;
      w.deps.notifyOutbox = () => void woke++;
      await invite(phoneInvitee('+447700900000'), userInvitee(bob));
      const published = w.publisher.batches.at(-1)!;
      expect(published.map((e) => e.type)).toEqual(['participant.invited', 'participant.calling', 'participant.invited', 'participant.calling']);
      const seqs = published.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(woke).toBe(1);
    });
  });
});
