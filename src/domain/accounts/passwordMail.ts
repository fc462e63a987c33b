import { createHash } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { Repositories } from '../ports.js';
import type { User } from './User.js';
import { displayName } from './User.js';

const TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Queues the "set your password" mail for `user` inside the caller's transaction (webmeeting-v6 §8.13,
 * `sendPassword`). Only the token's hash is stored; the link carries the token itself.
 */
export async function queuePasswordMail(tx: Repositories, deps: Pick<Deps, 'ids' | 'clock' | 'settings'>, user: User, template: 'accountCreated' | 'userCreated'): Promise<void> {
  const now = deps.clock.now();
  const token = deps.ids.secret(32);
  await tx.passwordTokens.insert({ tokenHash: createHash('sha256').update(token).digest('hex'), userId: user.id, expiresAt: now + TOKEN_TTL_MS, createdAt: now });
  const link = `${deps.settings.publicUrl}/auth/set-password?token=${token}`;
  await tx.mail.insert({
    id: deps.ids.objectId(),
    to: user.email,
    template,
    language: user.preferredLanguage,
    subject: template === 'accountCreated' ? 'Your Convene account is ready' : 'You have been added to Convene',
    body: `Hello ${displayName(user)},\n\nan account was created for ${user.email}. Set your password here (valid for 7 days):\n${link}\n`,
    icsAttachment: null,
    icsMethod: null,
    createdAt: now,
    sentAt: null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: now,
  });
}
