import { DomainError } from '../errors.js';
import type { Repositories } from '../ports.js';
import { conferenceSnapshot, noEffects, recordLive, runEffects, type Effects, type LiveContext } from './liveEffects.js';
import { loadMeetingForLive, requireControl } from './liveContext.js';
import type { LiveDeps } from './ports.js';
import type { Conference, LiveActor } from './types.js';

/** Input of startConference. */
export interface StartConferenceInput {
  /** 24-hex meeting id. */
  meetingId: string;
}

/**
 * Starts the meeting's live conference, or returns the one already running (idempotent). Inside an
 * existing transaction use `ensureRunning`.
 * @throws meeting.not_found, conference.control_denied
 */
export async function startConference(deps: LiveDeps, actor: LiveActor, input: StartConferenceInput): Promise<Conference> {
  requireControl(actor, 'start the conference');
  const fx = noEffects();
  const conference = await deps.store.transaction(async (tx) => {
    const base = await loadMeetingForLive(tx, actor, input.meetingId);
    return (await ensureRunning(tx, deps, base, actor.userId ?? null, fx)).conference;
  });
  runEffects(deps, fx);
  return conference;
}

/**
 * The running conference of the meeting, started now (with its conference.started event) when none runs.
 * Concurrent first starts are safe: before inserting, the meeting row is locked and the running conference
 * looked up again, so the later caller waits for the earlier one's commit and returns its conference instead
 * of hitting the one-running-conference unique index (issue #5). A meeting deleted meanwhile is not found.
 * @throws meeting.not_found
 */
export async function ensureRunning(tx: Repositories, deps: LiveDeps, base: Omit<LiveContext, 'conference'>, startedByUserId: string | null, fx: Effects): Promise<LiveContext> {
  const running = await tx.conferences.getRunning(base.meeting.id);
  if (running) return { ...base, conference: running };
  if (!(await tx.meetings.getForUpdate(base.meeting.accountId, base.meeting.id))) {
    throw new DomainError('meeting.not_found', `meeting ${base.meeting.id} not found`);
  }
  const startedMeanwhile = await tx.conferences.getRunning(base.meeting.id);
  if (startedMeanwhile) return { ...base, conference: startedMeanwhile };
  const conference: Conference = {
    id: deps.ids.hex(32),
    meetingId: base.meeting.id,
    accountId: base.meeting.accountId,
    startedAt: deps.clock.now(),
    endedAt: null,
    endReason: null,
    locked: false,
    muteAll: false,
    allowUnmuteByOneself: true,
    maxParticipants: deps.live.maxParticipants,
    startedByUserId,
  };
  await tx.conferences.insert(conference);
  const ctx = { ...base, conference };
  await recordLive(tx, deps, ctx, null, ['conference.started'], fx, conferenceSnapshot(conference));
  return ctx;
}
