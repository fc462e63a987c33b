import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../infra/ids.js';
import {
  connect,
  footprint,
  labelled,
  liveWorld,
  phoneInvitee,
  type LiveWorld,
  type RecordingDialer,
} from '../../../test/support/liveFakes.js';
import type { Meeting } from '../meetings/Meeting.js';
import { endConference } from './endConference.js';
import { inviteParticipants, type Invitee } from './inviteParticipants.js';
import { muteAll } from './muteAll.js';
import { muteParticipant } from './muteParticipant.js';
import { recordCallProgress } from './recordCallProgress.js';
import { renameParticipant } from './renameParticipant.js';
import { setChair } from './setChair.js';
import { setCohost } from './setCohost.js';
import { setHands } from './setHands.js';
import { setLocked } from './setLocked.js';
import { setOwnMute } from './setOwnMute.js';
import type { Participant } from './types.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('host controls', () => {
  let w: LiveWorld<RecordingDialer>;
  let meeting: Meeting;
  /** A chair (invited as host, joined), two attendees in the meeting, one leg still calling. */
  let chair: Participant;
  let ann: Participant;
  let ben: Participant;
  let calling: Participant;

  const invite = async (...invs: Invitee[]) => (await inviteParticipants(w.deps, w.chair, { meetingId: meeting.id, invitees: labelled(invs) })).legs.map((l) => l.participant);
  const get = async (p: Participant) => (await w.store.participants.getById(p.id))!;
  const lastChange = async () => (await w.store.liveEvents.list(meeting.id, undefined, 1000)).at(-1)!;

  beforeEach(async () => {
    w = await liveWorld({ clock: new FixedClock(T0) });
    ({ meeting } = await w.startedMeeting());
    const legs = await invite(
      { ...phoneInvitee('+447700900000'), name: 'Chair', hostRole: true },
      { ...phoneInvitee('+447700900001'), name: 'Ann' },
      { ...phoneInvitee('+447700900002'), name: 'Ben' },
      { ...phoneInvitee('+447700900408'), name: 'Still ringing' },
    );
    for (const p of legs.slice(0, 3)) await connect(w.deps, p.id);
    [chair, ann, ben, calling] = (await Promise.all(legs.map((p) => w.store.participants.getById(p.id)))) as Participant[] as [Participant, Participant, Participant, Participant];
    expect(chair.role).toBe('host');
  });
  afterEach(async () => {
    await w.close();
  });

  describe('guests and other accounts', () => {
    it('refuses every control to a guest with conference.control_denied, writing nothing', async () => {
      const guest = w.guest(meeting.id);
      const before = await footprint(w, meeting.id);
      const attempts = [
        muteParticipant(w.deps, guest, { meetingId: meeting.id, participantId: ann.id, muted: true }),
        muteAll(w.deps, guest, { meetingId: meeting.id, muted: true }),
        setLocked(w.deps, guest, { meetingId: meeting.id, locked: true }),
        setChair(w.deps, guest, { meetingId: meeting.id, participantId: ann.id, apply: true }),
        setCohost(w.deps, guest, { meetingId: meeting.id, participantId: ann.id, cohost: true }),
        setHands(w.deps, guest, { meetingId: meeting.id, participantIds: [ann.id], raised: false }),
        renameParticipant(w.deps, guest, { meetingId: meeting.id, participantId: ann.id, name: 'X' }),
      ];
      for (const a of attempts) await expect(a).rejects.toMatchObject({ code: 'conference.control_denied' });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });

    it('answers meeting.not_found for another account’s meeting', async () => {
      const other = await w.otherAccount();
      await expect(setLocked(w.deps, w.chair, { meetingId: other.meeting.id, locked: true })).rejects.toMatchObject({ code: 'meeting.not_found' });
    });

    it('answers conference.ended once the conference ended', async () => {
      await endConference(w.deps, w.chair, { meetingId: meeting.id });
      await expect(muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: true })).rejects.toMatchObject({ code: 'conference.ended' });
    });
  });

  describe('muteParticipant()', () => {
    it('mutes and unmutes one leg (host mute), with participant.updated', async () => {
      expect(await muteParticipant(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, muted: true })).toMatchObject({ muted: true, mutedByHost: true });
      expect(await lastChange()).toMatchObject({ type: 'participant.updated', participantId: ann.id, data: { muted: true, change: 'mute', by: 'host' } });
      expect(await muteParticipant(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, muted: false })).toMatchObject({ muted: false, mutedByHost: false });
    });

    it('keeps the setting on a leg still calling, for when it joins', async () => {
      await muteParticipant(w.deps, w.chair, { meetingId: meeting.id, participantId: calling.id, muted: true });
      expect(await connect(w.deps, calling.id)).toMatchObject({ state: 'connected', muted: true });
    });

    it('refuses unknown pids (participant.not_found) and legs that left (participant.not_live)', async () => {
      await expect(muteParticipant(w.deps, w.chair, { meetingId: meeting.id, participantId: 'f'.repeat(32), muted: true })).rejects.toMatchObject({ code: 'participant.not_found' });
      await recordCallProgress(w.deps, { participantId: ben.id, signal: { kind: 'ended', reason: 'CLIENT_LEFT' } });
      await expect(muteParticipant(w.deps, w.chair, { meetingId: meeting.id, participantId: ben.id, muted: true })).rejects.toMatchObject({ code: 'participant.not_live' });
    });
  });

  describe('muteAll()', () => {
    it('mutes every live leg except the chair, and later joiners too', async () => {
      const c = await muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: true, allowUnmuteByOneself: false });
      expect(c).toMatchObject({ muteAll: true, allowUnmuteByOneself: false });
      expect([(await get(chair)).muted, (await get(ann)).muted, (await get(ben)).muted, (await get(calling)).muted]).toEqual([false, true, true, true]);
      const [late] = await invite(phoneInvitee('+447700900003'));
      expect(late).toMatchObject({ muted: true, mutedByHost: true });
    });

    it('unmute-all lifts host mutes and keeps self-mutes', async () => {
      await setOwnMute(w.deps, { participantId: ben.id, muted: true });
      await muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: true });
      // Ben muted himself before: mute-all leaves his leg as it was (already muted, not by the host).
      expect(await get(ben)).toMatchObject({ muted: true, mutedByHost: false });
      const c = await muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: false });
      expect(c).toMatchObject({ muteAll: false, allowUnmuteByOneself: true });
      expect(await get(ann)).toMatchObject({ muted: false, mutedByHost: false });
      expect(await get(ben)).toMatchObject({ muted: true, mutedByHost: false });
      const [late] = await invite(phoneInvitee('+447700900003'));
      expect(late!.muted).toBe(false);
    });

    it('records conference.updated with the mode', async () => {
      await muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: true });
      const events = await w.store.liveEvents.list(meeting.id, undefined, 1000);
      expect(events.find((e) => e.type === 'conference.updated')).toMatchObject({ participantId: null, data: { muteAll: true, allowUnmuteByOneself: true, change: 'muteAll' } });
    });
  });

  describe('setOwnMute()', () => {
    it('refuses self-unmute in mute-all without allowUnmuteByOneself (participant.unmute_not_allowed)', async () => {
      await muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: true, allowUnmuteByOneself: false });
      const before = await footprint(w, meeting.id);
      await expect(setOwnMute(w.deps, { participantId: ann.id, muted: false })).rejects.toMatchObject({ code: 'participant.unmute_not_allowed', kind: 'PermissionDenied' });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });

    it('allows self-unmute in mute-all with allowUnmuteByOneself, lifting the host mute', async () => {
      await muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: true, allowUnmuteByOneself: true });
      expect(await setOwnMute(w.deps, { participantId: ann.id, muted: false })).toMatchObject({ muted: false, mutedByHost: false });
      expect(await lastChange()).toMatchObject({ type: 'participant.updated', data: { change: 'mute', by: 'self' } });
    });

    it('mutes oneself at any time, keeping a host mute as it was', async () => {
      expect(await setOwnMute(w.deps, { participantId: ann.id, muted: true })).toMatchObject({ muted: true, mutedByHost: false });
      await muteParticipant(w.deps, w.chair, { meetingId: meeting.id, participantId: ben.id, muted: true });
      expect(await setOwnMute(w.deps, { participantId: ben.id, muted: true })).toMatchObject({ muted: true, mutedByHost: true });
    });

    it('refuses self-unmute in mute-all without allowUnmuteByOneself also to a leg that had muted itself before', async () => {
      await setOwnMute(w.deps, { participantId: ann.id, muted: true });
      await muteAll(w.deps, w.chair, { meetingId: meeting.id, muted: true, allowUnmuteByOneself: false });
      await expect(setOwnMute(w.deps, { participantId: ann.id, muted: false })).rejects.toMatchObject({ code: 'participant.unmute_not_allowed' });
      await muteParticipant(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, muted: false });
      expect(await get(ann)).toMatchObject({ muted: false, mutedByHost: false });
    });

    it('refuses unknown and ended legs', async () => {
      await expect(setOwnMute(w.deps, { participantId: 'f'.repeat(32), muted: true })).rejects.toMatchObject({ code: 'participant.not_found' });
      await recordCallProgress(w.deps, { participantId: ann.id, signal: { kind: 'ended', reason: 'CLIENT_LEFT' } });
      await expect(setOwnMute(w.deps, { participantId: ann.id, muted: true })).rejects.toMatchObject({ code: 'participant.not_live' });
    });
  });

  describe('setChair()', () => {
    it('hands the chair over: one chair at most, the old chair becomes an attendee, the new one lowers its hand', async () => {
      await setHands(w.deps, w.chair, { meetingId: meeting.id, participantIds: [ann.id], raised: true });
      expect(await setChair(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, apply: true })).toMatchObject({ role: 'host', handRaised: false });
      expect((await get(chair)).role).toBe('attendee');
      const live = await w.store.participants.list(chair.conferenceId, { liveOnly: true });
      expect(live.filter((p) => p.role === 'host').map((p) => p.id)).toEqual([ann.id]);
    });

    it('clears the co-host flag of a co-host who becomes chair', async () => {
      await setCohost(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, cohost: true });
      expect(await setChair(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, apply: true })).toMatchObject({ role: 'host' });
    });

    it('is a no-op for the current chair', async () => {
      const before = await footprint(w, meeting.id);
      expect(await setChair(w.deps, w.chair, { meetingId: meeting.id, participantId: chair.id, apply: true })).toMatchObject({ role: 'host' });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });

    it('releases the chair; releasing again with no chair is conference.no_chair', async () => {
      expect(await setChair(w.deps, w.chair, { meetingId: meeting.id, participantId: chair.id, apply: false })).toMatchObject({ role: 'attendee' });
      await expect(setChair(w.deps, w.chair, { meetingId: meeting.id, participantId: chair.id, apply: false })).rejects.toMatchObject({ code: 'conference.no_chair' });
    });

    it('refuses to release from a leg that is not the chair (participant.state_illegal)', async () => {
      await expect(setChair(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, apply: false })).rejects.toMatchObject({ code: 'participant.state_illegal' });
    });

    it('refuses a leg that is not in the meeting yet (participant.state_illegal)', async () => {
      await expect(setChair(w.deps, w.chair, { meetingId: meeting.id, participantId: calling.id, apply: true })).rejects.toMatchObject({ code: 'participant.state_illegal' });
    });
  });

  describe('setCohost()', () => {
    it('sets and revokes a co-host', async () => {
      expect(await setCohost(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, cohost: true })).toMatchObject({ role: 'cohost' });
      expect(await lastChange()).toMatchObject({ type: 'participant.updated', participantId: ann.id, data: { role: 'cohost', change: 'role' } });
      expect(await setCohost(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, cohost: false })).toMatchObject({ role: 'attendee' });
    });

    it('refuses to make the chair a co-host (participant.chair_cannot_be_cohost); revoking on the chair is a no-op', async () => {
      await expect(setCohost(w.deps, w.chair, { meetingId: meeting.id, participantId: chair.id, cohost: true })).rejects.toMatchObject({ code: 'participant.chair_cannot_be_cohost' });
      const before = await footprint(w, meeting.id);
      expect(await setCohost(w.deps, w.chair, { meetingId: meeting.id, participantId: chair.id, cohost: false })).toMatchObject({ role: 'host' });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });
  });

  describe('setHands()', () => {
    it('raises and lowers hands; hands down for several at once', async () => {
      expect((await setHands(w.deps, w.chair, { meetingId: meeting.id, participantIds: [ann.id, ben.id], raised: true })).map((p) => p.handRaised)).toEqual([true, true]);
      expect((await setHands(w.deps, w.chair, { meetingId: meeting.id, participantIds: [ann.id, ben.id, ann.id], raised: false })).map((p) => [p.id, p.handRaised])).toEqual([
        [ann.id, false],
        [ben.id, false],
      ]);
    });

    it('refuses a raised hand for the chair (participant.chair_cannot_raise_hand), writing nothing', async () => {
      const before = await footprint(w, meeting.id);
      await expect(setHands(w.deps, w.chair, { meetingId: meeting.id, participantIds: [ann.id, chair.id], raised: true })).rejects.toMatchObject({
        code: 'participant.chair_cannot_raise_hand',
      });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });

    it('writes nothing for a hand already in that position', async () => {
      const before = await footprint(w, meeting.id);
      await setHands(w.deps, w.chair, { meetingId: meeting.id, participantIds: [ann.id], raised: false });
      expect(await footprint(w, meeting.id)).toEqual(before);
    });
  });

  describe('renameParticipant()', () => {
    it('renames the leg and its roster entry', async () => {
      expect(await renameParticipant(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id, name: 'Ann (Sales)' })).toMatchObject({ name: 'Ann (Sales)' });
      expect((await w.store.roster.get(meeting.id, ann.rosterId!))!.name).toBe('Ann (Sales)');
      expect(await lastChange()).toMatchObject({ type: 'participant.updated', participantId: ann.id, data: { name: 'Ann (Sales)', change: 'name' } });
    });
  });

  describe('setLocked()', () => {
    it('locks and unlocks, with conference.updated', async () => {
      expect(await setLocked(w.deps, w.chair, { meetingId: meeting.id, locked: true })).toMatchObject({ locked: true });
      expect(await lastChange()).toMatchObject({ type: 'conference.updated', data: { locked: true, change: 'lock' } });
      expect(await setLocked(w.deps, w.chair, { meetingId: meeting.id, locked: false })).toMatchObject({ locked: false });
    });

    it('still lets invitations in while locked', async () => {
      await setLocked(w.deps, w.chair, { meetingId: meeting.id, locked: true });
      const [p] = await invite(phoneInvitee('+447700900003'));
      expect(p!.state).toBe('calling');
    });
  });
});
