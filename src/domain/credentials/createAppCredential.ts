/**
 * Creating a Huawei app credential (huawei-meeting.md §2.6): an App ID (32 lower-case hex) and an app key
 * (32 characters of `[A-Za-z0-9]`). The key is shown once. It cannot be stored as a hash because verifying
 * an HMAC needs the key itself, so it goes to `secretSealed`, which the store seals under CONVENE_SECRET_KEY.
 */
import type { Deps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { AppCredential } from './ports.js';

/** Input of createAppCredential. */
export interface CreateAppCredentialInput {
  /** The account the app acts in, or null for an instance-level (SP) app that names accounts by `corpId`. */
  accountId: string | null;
  /** A label for operators; default `app`. */
  name?: string;
  /** Fixed credentials (bootstrap files, CI); generated when absent. */
  appId?: string;
  appKey?: string;
}

/** A new app key: 32 characters of `[A-Za-z0-9]` (≈190 bits) from `ids`. */
export function generateAppKey(ids: Pick<Deps['ids'], 'secret'>): string {
  let key = '';
  while (key.length < 32) key += ids.secret(32).replace(/[-_]/g, '');
  return key.slice(0, 32);
}

/**
 * Stores a new Huawei app credential and returns it with its key.
 * @throws DomainError account.not_found (the account does not exist), validation.failed (the appId is taken).
 */
export async function createAppCredential(deps: Pick<Deps, 'store' | 'ids' | 'clock'>, input: CreateAppCredentialInput): Promise<{ app: AppCredential; appKey: string }> {
  const appKey = input.appKey ?? generateAppKey(deps.ids);
  const app: AppCredential = {
    appId: input.appId ?? deps.ids.hex(32),
    dialect: 'huawei',
    accountId: input.accountId,
    name: input.name ?? 'app',
    // The repository seals this column through the store's secret codec; the plain key never reaches disk.
    secretSealed: appKey,
    secretHash: null,
    createdAt: deps.clock.now(),
    revokedAt: null,
  };
  await deps.store.transaction(async (tx) => {
    if (input.accountId !== null && !(await tx.accounts.get(input.accountId, input.accountId))) {
      throw new DomainError('account.not_found', `account ${input.accountId} not found`);
    }
    if (await tx.appCredentials.get(app.appId)) {
      throw new DomainError('validation.failed', 'Data not valid', [{ field: 'appId', code: 'conflict', message: `app ${app.appId} already exists` }]);
    }
    await tx.appCredentials.insert(app);
  });
  return { app, appKey };
}
