import { liveLeg, mutateLive, saveLeg } from './mutateLive.js';
import type { LiveDeps } from './ports.js';
import type { LiveActor, Participant } from './types.js';

/** Input of renameParticipant. */
export interface RenameParticipantInput {
  meetingId: string;
  participantId: string;
  /** Trimmed, non-empty. */
  name: string;
}

/** Renames a live leg and its roster entry (huawei-meeting.md §6.17). */
export function renameParticipant(deps: LiveDeps, actor: LiveActor, input: RenameParticipantInput): Promise<Participant> {
  return mutateLive(deps, actor, input.meetingId, 'rename participants', async (tx, ctx, fx) => {
    const p = await liveLeg(tx, ctx, input.participantId);
    if (p.rosterId) {
      const entry = await tx.roster.get(ctx.meeting.id, p.rosterId);
      if (entry) await tx.roster.update({ ...entry, name: input.name });
    }
    return saveLeg(tx, deps, ctx, { ...p, name: input.name }, fx, { change: 'name' });
  });
}
