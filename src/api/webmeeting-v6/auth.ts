/**
 * v6 authentication (webmeeting-v6 §3): `X-API-KEY` → key record; permission and level; acting user from
 * `X-USER-ID` / `X-USER-EMAIL`. Runs in onRequest, before the body is parsed, so the §3.3 evaluation
 * order holds: key (-1), permission/level (-3), acting user (-2), then everything else.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/accounts/policies.js';
import type { KeyPermission } from '../../domain/accounts/ApiKey.js';
import type { User } from '../../domain/accounts/User.js';
import { DomainError } from '../../domain/errors.js';
import { ALL_ACCOUNTS, type Store } from '../../domain/ports.js';
import { sha256Hex } from '../../infra/secrets.js';

/** What a v6 route requires. */
export interface V6RouteAuth {
  /** Key permission: `either` accepts account or meeting (E14, E53). */
  perm: KeyPermission | 'either';
  /** Only instance-level keys (E1, E2, E5, E12, E54–E59). */
  instanceOnly?: boolean;
  /** `required` (+U): an instance key must name a user; `optional` ((U)): checked when sent. */
  user: 'required' | 'optional';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    v6?: V6RouteAuth;
  }
  interface FastifyRequest {
    actor?: Actor;
  }
}

const HEX24 = /^[0-9a-f]{24}$/;

/** Resolves the request's Actor or throws the §3 error. */
export async function authenticateV6(req: FastifyRequest, store: Store): Promise<Actor> {
  const rule = req.routeOptions.config.v6;
  if (!rule) throw new Error(`v6 route ${req.routeOptions.url} has no v6 auth rule`);
  const raw = req.headers['x-api-key'];
  const secret = Array.isArray(raw) ? raw[0] : raw;
  if (!secret) throw new DomainError('auth.key_invalid', 'X-API-KEY is missing', [{ field: 'header.X-API-KEY', code: 'required', message: 'X-API-KEY is required' }]);
  const key = await store.apiKeys.getByHash(sha256Hex(secret.trim()));
  if (!key || key.revokedAt !== null) {
    throw new DomainError('auth.key_invalid', 'X-API-KEY is not valid', [{ field: 'header.X-API-KEY', code: 'unauthorized', message: 'X-API-KEY is unknown or revoked' }]);
  }
  const perms = new Set(key.permissions);
  const permOk = rule.perm === 'either' ? perms.has('account') || perms.has('meeting') : perms.has(rule.perm);
  if (!permOk) throw new DomainError('permission.denied', `the key lacks the ${rule.perm} permission`);
  if (rule.instanceOnly && key.level !== 'instance') throw new DomainError('permission.denied', 'an instance-level key is required');

  const user = await actingUser(req, store, key.level === 'instance' ? ALL_ACCOUNTS : (key.accountId as string));
  if (!user && rule.user === 'required' && key.level === 'instance') {
    throw new DomainError('auth.user_invalid', 'X-USER-ID or X-USER-EMAIL is required', [
      { field: 'header.X-USER-ID', code: 'required', message: 'X-USER-ID or X-USER-EMAIL is required with an instance-level key' },
    ]);
  }
  let effective = user;
  if (!effective && key.level === 'account') {
    // An account key without a user header acts as the account's first admin (§3.2).
    effective = (await store.users.list(key.accountId as string, { adminsOnly: true, sort: 'createdAt', offset: 0, limit: 1 })).items[0] ?? null;
  }
  return { level: key.level, accountId: key.accountId, user: effective, credentialId: key.id };
}

async function actingUser(req: FastifyRequest, store: Store, scope: string): Promise<User | null> {
  const idH = header(req, 'x-user-id');
  const emailH = header(req, 'x-user-email');
  if (idH === undefined && emailH === undefined) return null;
  const invalid = (field: string, code: string, message: string) =>
    new DomainError('auth.user_invalid', message, [{ field: `header.${field}`, code, message }]);
  let byId: User | undefined;
  let byEmail: User | undefined;
  if (idH !== undefined) {
    if (!HEX24.test(idH)) throw invalid('X-USER-ID', 'format', 'X-USER-ID must be a 24-hex user id');
    byId = await store.users.get(scope, idH);
    if (!byId) throw invalid('X-USER-ID', 'notFound', 'X-USER-ID names no user of this key\u2019s scope');
  }
  if (emailH !== undefined) {
    byEmail = await store.users.getByEmail(scope, emailH.toLowerCase());
    if (!byEmail) throw invalid('X-USER-EMAIL', 'notFound', 'X-USER-EMAIL names no user of this key\u2019s scope');
  }
  if (byId && byEmail && byId.id !== byEmail.id) throw invalid('X-USER-EMAIL', 'mismatch', 'X-USER-ID and X-USER-EMAIL name different users');
  return (byId ?? byEmail) as User;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}
