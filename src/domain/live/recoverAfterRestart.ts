import { applySignal } from './liveContext.js';
import { noEffects, runEffects, type LiveContext } from './liveEffects.js';
import type { LiveDeps } from './ports.js';

/**
 * Called once at boot, before the server listens. Calls, rings and sockets do not survive a process
 * restart, so every leg that was live is ended with CONNECTION_LOST (left if it had joined, failed
 * otherwise), with its events and webhooks; conferences themselves keep running, so people can rejoin or
 * be invited again. Nothing is silently lost (issue #5).
 * @returns the number of legs ended.
 */
export async function recoverAfterRestart(deps: LiveDeps): Promise<number> {
  const fx = noEffects();
  let ended = 0;
  for (const conference of await deps.store.conferences.listRunning()) {
    await deps.store.transaction(async (tx) => {
      const meeting = await tx.meetings.getAny(conference.accountId, conference.meetingId);
      const account = await tx.accounts.get(conference.accountId, conference.accountId);
      if (!meeting || !account) return;
      const ctx: LiveContext = { meeting, account, conference };
      for (const p of await tx.participants.list(conference.id, { liveOnly: true })) {
        if (await applySignal(tx, deps, ctx, p, { kind: 'ended', reason: 'CONNECTION_LOST' }, fx)) ended++;
      }
    });
  }
  // Nothing to hang up or cancel: the calls died with the old process. Only publish and wake the outbox.
  runEffects(deps, { ...fx, hangups: [], ringCancels: [] });
  return ended;
}
