/**
 * The DingTalk `getAccessToken` exchange (dingtalk-conference.md §3.2): appKey + appSecret → a 2-hour access
 * token (32 lower-case hex) stored only as SHA-256 with dialect `dingtalk`, its app and its account.
 */
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import { dingtalkSecretMatches } from './createDingtalkApp.js';
import { hashAccessToken } from './issueAccessToken.js';
import type { AccessToken } from './ports.js';

/** Lifetime of a DingTalk access token: 7200 s (FOUND). */
export const DINGTALK_TOKEN_TTL_MS = 7_200_000;

/**
 * Checks the app's credentials and issues a token. Unknown key, wrong secret, revoked app and an app whose
 * account is gone all fail alike (`auth.key_invalid`), so keys cannot be probed.
 *
 * The spec's "same token while valid" cannot be honoured: only hashes are stored, so an earlier token cannot
 * be shown again. Each call mints a new token; earlier ones stay valid until they expire (docs/dingtalk.md).
 */
export async function issueDingtalkToken(
  deps: Pick<Deps, 'store' | 'ids' | 'clock'>,
  input: { appKey: string; appSecret: string; ip: string | null },
): Promise<{ token: string; record: AccessToken }> {
  return deps.store.transaction(async (tx) => {
    const app = input.appKey.length <= 128 ? await tx.appCredentials.get(input.appKey) : undefined;
    const ok = app !== undefined && app.dialect === 'dingtalk' && app.revokedAt === null && app.accountId !== null && dingtalkSecretMatches(input.appSecret, app.secretHash);
    if (!ok || !app?.accountId || !(await tx.accounts.get(app.accountId, app.accountId))) throw new DomainError('auth.key_invalid', 'invalid appKey or appSecret');
    const now = deps.clock.now();
    const token = deps.ids.hex(32);
    const record: AccessToken = {
      hash: hashAccessToken(token),
      dialect: 'dingtalk',
      accountId: app.accountId,
      userId: null,
      appId: app.appId,
      clientType: null,
      createdAt: now,
      expiresAt: now + DINGTALK_TOKEN_TTL_MS,
      revokedAt: null,
      lastUsedIp: input.ip,
    };
    await tx.accessTokens.insert(record);
    return { token, record };
  });
}
