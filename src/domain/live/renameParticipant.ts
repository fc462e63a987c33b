import { DomainError } from '../errors.js';
import { conferenceSnapshot, recordLive } from './liveEffects.js';
import { liveLeg, mutateLive, saveLeg } from './mutateLive.js';
import { classifyNumber } from './phoneNumber.js';
import type { LiveDeps } from './ports.js';
import { isLive, type LiveActor, type Participant, type RosterEntry } from './types.js';

/** Input of renameParticipant: a live leg by pid, or (without one) an invitee by number. */
export interface RenameParticipantInput {
  meetingId: string;
  /** The leg to rename (and its roster entry). When absent, `number` names a roster entry instead. */
  participantId?: string;
  /** The invitee's number (compared normalised); used only without `participantId`. */
  number?: string;
  /** Trimmed, non-empty. */
  name: string;
}

/**
 * Renames a live leg and its roster entry, or an invitee on the roster by number (huawei-meeting.md §6.17).
 * By number, an invitee who has a live leg must be renamed through that leg's pid.
 * @returns the renamed leg, or null when only a roster entry was renamed.
 * @throws participant.not_found / participant.not_live (pid), participant.not_found (no entry with that
 *   number), participant.state_illegal (the invitee is in the meeting: its pid is required)
 */
export function renameParticipant(deps: LiveDeps, actor: LiveActor, input: RenameParticipantInput): Promise<Participant | null> {
  return mutateLive(deps, actor, input.meetingId, 'rename participants', async (tx, ctx, fx) => {
    if (input.participantId === undefined) {
      const raw = (input.number ?? '').trim();
      const t = classifyNumber(raw);
      const normalised = !t ? raw : t.class === 'sip' ? t.uri : t.number;
      const entry = (await tx.roster.list(ctx.meeting.id)).find((e: RosterEntry) => e.phone !== null && e.phone === normalised);
      if (!entry) throw new DomainError('participant.not_found', `number ${raw} is not on the roster`, [{ field: 'number', code: 'notFound', message: raw }]);
      const legs = await tx.participants.list(ctx.conference.id, { liveOnly: true });
      if (legs.some((p) => p.rosterId === entry.id && isLive(p))) {
        throw new DomainError('participant.state_illegal', 'participantID is required for a participant who has joined', [{ field: 'participantID', code: 'required', message: 'participantID is required for a participant who has joined' }]);
      }
      await tx.roster.update({ ...entry, name: input.name });
      await recordLive(tx, deps, ctx, null, ['conference.updated'], fx, { ...conferenceSnapshot(ctx.conference), change: 'rosterName', rosterId: entry.id, name: input.name });
      return null;
    }
    const p = await liveLeg(tx, ctx, input.participantId);
    if (p.rosterId) {
      const entry = await tx.roster.get(ctx.meeting.id, p.rosterId);
      if (entry) await tx.roster.update({ ...entry, name: input.name });
    }
    return saveLeg(tx, deps, ctx, { ...p, name: input.name }, fx, { change: 'name' });
  });
}
