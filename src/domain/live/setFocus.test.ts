import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../infra/ids.js';
import { connect, labelled, liveWorld, phoneInvitee, type LiveWorld, type RecordingDialer } from '../../../test/support/liveFakes.js';
import type { Meeting } from '../meetings/Meeting.js';
import { endConference } from './endConference.js';
import { inviteParticipants } from './inviteParticipants.js';
import { setFocus } from './setFocus.js';
import type { Participant } from './types.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('setFocus', () => {
  let w: LiveWorld<RecordingDialer>;
  let meeting: Meeting;
  let ann: Participant;
  let calling: Participant;

  beforeEach(async () => {
    w = await liveWorld({ clock: new FixedClock(T0) });
    ({ meeting } = await w.startedMeeting());
    const legs = (
      await inviteParticipants(w.deps, w.chair, {
        meetingId: meeting.id,
        invitees: labelled([
          { ...phoneInvitee('+447700900001'), name: 'Ann' },
          { ...phoneInvitee('+447700900408'), name: 'Still ringing' },
        ]),
      })
    ).legs.map((l) => l.participant);
    await connect(w.deps, legs[0]!.id);
    [ann, calling] = legs as [Participant, Participant];
  });
  afterEach(async () => {
    await w.close();
  });

  const running = async () => (await w.store.conferences.getRunning(meeting.id))!;

  it('pins a present leg, persists it and records conference.updated with change focus', async () => {
    const c = await setFocus(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id });
    expect(c.focusParticipantId).toBe(ann.id);
    expect((await running()).focusParticipantId).toBe(ann.id);
    const last = (await w.store.liveEvents.list(meeting.id, undefined, 1000)).at(-1)!;
    expect(last.type).toBe('conference.updated');
    expect(last.data).toMatchObject({ change: 'focus', focusParticipantId: ann.id });
  });

  it('is idempotent and un_focus clears it', async () => {
    await setFocus(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id });
    const n = (await w.store.liveEvents.list(meeting.id, undefined, 1000)).length;
    await setFocus(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id });
    expect((await w.store.liveEvents.list(meeting.id, undefined, 1000)).length).toBe(n);
    await setFocus(w.deps, w.chair, { meetingId: meeting.id, participantId: null });
    expect((await running()).focusParticipantId ?? null).toBeNull();
  });

  it('refuses a leg not yet in the meeting, an unknown pid, a guest and an ended conference, changing nothing', async () => {
    await expect(setFocus(w.deps, w.chair, { meetingId: meeting.id, participantId: calling.id })).rejects.toMatchObject({ code: 'participant.state_illegal' });
    await expect(setFocus(w.deps, w.chair, { meetingId: meeting.id, participantId: 'f'.repeat(32) })).rejects.toMatchObject({ code: 'participant.not_found' });
    await expect(setFocus(w.deps, w.guest(meeting.id), { meetingId: meeting.id, participantId: ann.id })).rejects.toMatchObject({ code: 'conference.control_denied' });
    expect((await running()).focusParticipantId ?? null).toBeNull();
    await endConference(w.deps, w.chair, { meetingId: meeting.id });
    await expect(setFocus(w.deps, w.chair, { meetingId: meeting.id, participantId: ann.id })).rejects.toMatchObject({ code: 'conference.ended' });
  });
});
