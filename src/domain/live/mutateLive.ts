import type { Repositories } from '../ports.js';
import { loadRunning, requireControl } from './liveContext.js';
import { noEffects, recordLive, runEffects, type Effects, type LiveContext } from './liveEffects.js';
import type { LiveDeps } from './ports.js';
import { isLive, type LiveActor, type Participant } from './types.js';
import { DomainError } from '../errors.js';

/** Runs a host control on the running conference in one transaction, then its effects (the control commands' shared shape). */
export async function mutateLive<T>(deps: LiveDeps, actor: LiveActor, meetingId: string, verb: string, fn: (tx: Repositories, ctx: LiveContext, fx: Effects) => Promise<T>): Promise<T> {
  requireControl(actor, verb);
  const fx = noEffects();
  const out = await deps.store.transaction(async (tx) => fn(tx, await loadRunning(tx, actor, meetingId), fx));
  runEffects(deps, fx);
  return out;
}

/** Saves a changed leg and records participant.updated with what changed. */
export async function saveLeg(tx: Repositories, deps: LiveDeps, ctx: LiveContext, next: Participant, fx: Effects, change: Record<string, unknown>): Promise<Participant> {
  await tx.participants.update(next);
  await recordLive(tx, deps, ctx, next, ['participant.updated'], fx, change);
  return next;
}

/** A live leg of the conference, or participant.not_found / participant.not_live ("has left"). */
export async function liveLeg(tx: Repositories, ctx: LiveContext, pid: string): Promise<Participant> {
  const p = await tx.participants.get(ctx.conference.id, pid);
  if (!p) throw new DomainError('participant.not_found', `participant ${pid} is not in this conference`, [{ field: 'participantID', code: 'notFound', message: pid }]);
  if (!isLive(p)) throw new DomainError('participant.not_live', `participant ${pid} has left`, [{ field: 'participantID', code: 'notLive', message: pid }]);
  return p;
}

/** A leg that is in the meeting (connected or reconnecting), or participant.state_illegal. */
export async function presentLeg(tx: Repositories, ctx: LiveContext, pid: string): Promise<Participant> {
  const p = await liveLeg(tx, ctx, pid);
  if (p.state !== 'connected' && p.state !== 'reconnecting') throw new DomainError('participant.state_illegal', `participant ${pid} is not in the meeting yet`);
  return p;
}
