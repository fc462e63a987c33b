import { displayName } from '../accounts/User.js';
import { DomainError } from '../errors.js';
import { advance } from './Participant.js';
import { applySignal, loadRunning } from './liveContext.js';
import { noEffects, recordLive, runEffects } from './liveEffects.js';
import type { LiveDeps } from './ports.js';
import { takeChairIfDue } from './recordCallProgress.js';
import type { Conference, LiveActor, Participant } from './types.js';

/** Input of joinConference. */
export interface JoinConferenceInput {
  /** The signed-in user who joins (from their realtime session). */
  userId: string;
  /** The user's account: meetings are looked up in it only, so another account's meeting is "not found". */
  accountId: string;
  /**
   * The meeting number (16 digits; dashes and spaces are ignored), the Huawei conferenceID (9 digits), the
   * DingTalk roomCode (11 digits) or the 24-hex meeting id.
   */
  meetingCode: string;
}

/** What joinConference did. */
export interface JoinConferenceResult {
  /** The user's leg, connected. */
  participant: Participant;
  conference: Conference;
  /**
   * `joined`: a new self-join leg; `rejoined`: the user's existing leg in this conference (a reconnect within
   * the grace period, or another device of the user taking it over); `answered`: the user's ringing invitation,
   * answered by joining (the realtime layer then withdraws the call from the user's other devices).
   */
  outcome: 'joined' | 'rejoined' | 'answered';
}

/**
 * A signed-in user joins the running conference of a meeting (media-and-sip.md §1.1 "browser"): a self-join
 * leg of kind `browser`, which goes joining → connected in one step until the SFU exists (then `connected`
 * waits for the publish connection). A user with a live leg in the conference gets that leg back instead
 * (reconnecting → connected; a ringing invitation is answered). A locked conference refuses new self-joins,
 * except the organizer's and account admins' (huawei-meeting.md §6.14: invitees, the organizer and admins
 * still get in; invitees always have a live leg here). The organizer, or an invitee invited as host, takes
 * the chair when nobody holds it.
 * @throws user.not_found, meeting.not_found, conference.not_started, conference.ended, conference.locked,
 *   conference.full
 */
export async function joinConference(deps: LiveDeps, input: JoinConferenceInput): Promise<JoinConferenceResult> {
  const fx = noEffects();
  const out = await deps.store.transaction(async (tx): Promise<JoinConferenceResult> => {
    const user = await tx.users.get(input.accountId, input.userId);
    if (!user) throw new DomainError('user.not_found', 'the signed-in user no longer exists');
    const code = input.meetingCode.replace(/[\s-]/g, '');
    const meeting = /^[0-9a-f]{24}$/.test(code) ? await tx.meetings.get(input.accountId, code) : /^\d{9,16}$/.test(code) ? await tx.meetings.getByCode(input.accountId, code) : undefined;
    if (!meeting) throw new DomainError('meeting.not_found', `no meeting ${input.meetingCode}`);
    const actor: LiveActor = { accountId: input.accountId, canControl: false, meetingId: null, name: displayName(user) || user.email, userId: user.id };
    const ctx = await loadRunning(tx, actor, meeting.id);
    const live = await tx.participants.list(ctx.conference.id, { liveOnly: true });
    const mine = live.filter((p) => p.userId === user.id && (p.kind === 'app' || p.kind === 'browser'));

    const present = mine.find((p) => p.state === 'connected' || p.state === 'reconnecting' || p.state === 'joining');
    if (present) {
      const next = present.state === 'reconnecting' ? await applySignal(tx, deps, ctx, present, { kind: 'reconnected' }, fx) : null;
      return { participant: next ?? present, conference: ctx.conference, outcome: 'rejoined' };
    }
    const ringing = mine.find((p) => p.state === 'calling' || p.state === 'invited');
    if (ringing) {
      // Until the SFU exists an answered leg is connected at once (connectNow), as recordCallProgress does for app accepts.
      const next = await applySignal(tx, deps, ctx, ringing, { kind: 'answered', connectNow: true }, fx);
      const joined = next ? await takeChairIfDue(tx, deps, ctx, next, fx) : ringing;
      return { participant: joined, conference: ctx.conference, outcome: 'answered' };
    }

    const privileged = meeting.addedByUserId === user.id || user.isAdmin;
    if (ctx.conference.locked && !privileged) throw new DomainError('conference.locked', 'the conference is locked');
    if (live.length >= ctx.conference.maxParticipants) throw new DomainError('conference.full', `conference is full (${ctx.conference.maxParticipants} participants)`);
    const entry = (await tx.roster.list(meeting.id)).find((e) => e.userId === user.id);
    const now = deps.clock.now();
    const muted = ctx.conference.muteAll || (entry?.joinMuted ?? false);
    const leg: Participant = {
      id: deps.ids.hex(32),
      conferenceId: ctx.conference.id,
      meetingId: meeting.id,
      accountId: meeting.accountId,
      rosterId: entry?.id ?? null,
      kind: 'browser',
      userId: user.id,
      name: entry?.name ?? actor.name,
      phone: user.directoryNumber,
      state: 'invited',
      progress: null,
      reason: null,
      sipStatusCode: null,
      rejectDescription: null,
      role: 'attendee',
      muted,
      mutedByHost: muted,
      handRaised: false,
      video: true,
      invited: false,
      createdAt: now,
      joinedAt: null,
      endedAt: null,
      network: null,
    };
    // A self-join is born answered: nobody ever sees it `invited`, and its events are participant.joining then
    // participant.joined, as for an accepted call.
    const t = advance(leg, { kind: 'answered', connectNow: true }, now);
    if (!t) throw new DomainError('internal.unexpected', 'a new leg could not be answered');
    await tx.participants.insert(t.next);
    await recordLive(tx, deps, ctx, t.next, t.events, fx);
    return { participant: await takeChairIfDue(tx, deps, ctx, t.next, fx), conference: ctx.conference, outcome: 'joined' };
  });
  runEffects(deps, fx);
  return out;
}
