/** Revoking a Huawei app credential (huawei-meeting.md §2.6): the app and every token it issued, at once. */
import type { Deps } from '../deps.js';
import type { AppCredential } from './ports.js';

/**
 * Revokes the app and every access token signed in through it, in one transaction. Revoking twice keeps the
 * first revocation time (and revokes nothing more), so the command can be repeated safely.
 * @returns the app as stored afterwards and how many tokens this call revoked, or undefined when no Huawei
 *   app has this id.
 */
export async function revokeAppCredential(deps: Pick<Deps, 'store' | 'clock'>, appId: string): Promise<{ app: AppCredential; tokensRevoked: number } | undefined> {
  return deps.store.transaction(async (tx) => {
    const app = await tx.appCredentials.get(appId);
    if (!app || app.dialect !== 'huawei') return undefined;
    const now = deps.clock.now();
    if (app.revokedAt === null) await tx.appCredentials.revoke(appId, now);
    const tokensRevoked = await tx.accessTokens.revokeByApp(appId, now);
    return { app: { ...app, revokedAt: app.revokedAt ?? now }, tokensRevoked };
  });
}
