/** Account-level API keys: E11–E13 (webmeeting-v6 §12.3). */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { createAccountKey } from '../../domain/accounts/createAccountKey.js';
import { requireAccountAdmin } from '../../domain/accounts/policies.js';
import { revokeApiKey } from '../../domain/accounts/revokeApiKey.js';
import type { Deps } from '../../domain/deps.js';
import { throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { loadAccount, pathId } from './accounts.js';
import { actorOf } from './context.js';
import { iso, presentApiKey } from './presenters.js';
import { ApiKeySchema, Hex24, responses } from './schema.js';
import { readCreateAccountKey } from './userInput.js';

/** E12's answer, exactly the §12.3 keys: the secret `key` appears only here. */
const CreatedKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  permissions: Type.Array(Type.String()),
  level: Type.String(),
  accountId: Type.String(),
  createdAt: Type.String(),
  key: Type.String(),
});

/** Registers E11–E13. */
export function registerApikeysRoutes(f: FastifyInstance, deps: Deps): void {
  const acct = { auth: 'apiKey' as const, v6: { perm: 'account' as const, user: 'optional' as const } };
  const instanceAcct = { auth: 'apiKey' as const, v6: { perm: 'account' as const, user: 'optional' as const, instanceOnly: true } };
  const tags = ['apikeys'];
  const accountParams = Type.Object({ accountId: Hex24 });

  f.get('/account/apikey/:accountId', {
    config: acct,
    schema: { operationId: 'webmeeting.listAccountApiKeys', tags, description: 'The account-level keys, revoked ones included, without their secrets.', params: accountParams, response: responses(Type.Array(ApiKeySchema)) },
  }, async (req, reply) => {
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    requireAccountAdmin(actorOf(req), account.id);
    const keys = await deps.store.apiKeys.listByAccount(account.id);
    reply.header('X-Total-Count', String(keys.length));
    return { responseCode: 0, data: keys.map(presentApiKey) };
  });

  f.post('/account/apikey/:accountId', {
    config: instanceAcct,
    schema: { operationId: 'webmeeting.createAccountApiKey', tags, description: 'Creates an account-level key (instance key only). The secret `key` is shown only in this response.', params: accountParams, body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), permissions: Type.Array(Type.Union([Type.Literal('account'), Type.Literal('meeting')]), { minItems: 1 }) }), response: responses(CreatedKeySchema) },
  }, async (req) => {
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    const issues: FieldIssue[] = [];
    const input = readCreateAccountKey(req.body, issues);
    throwIfInvalid(issues);
    const { key, secret } = await createAccountKey(deps, actorOf(req), account.id, input);
    return { responseCode: 0, data: { id: key.id, name: key.name, permissions: key.permissions, level: key.level, accountId: key.accountId, createdAt: iso(key.createdAt), key: secret } };
  });

  f.delete('/account/apikey/:accountId/:keyId', {
    config: acct,
    schema: { operationId: 'webmeeting.revokeAccountApiKey', tags, description: 'Revokes an account-level key; it answers -1 from then on.', params: Type.Object({ accountId: Hex24, keyId: Hex24 }), response: responses(ApiKeySchema) },
  }, async (req) => {
    const accountId = pathId(req, 'accountId');
    const keyId = pathId(req, 'keyId');
    const account = await loadAccount(deps, req, accountId);
    return { responseCode: 0, data: presentApiKey(await revokeApiKey(deps, actorOf(req), account.id, keyId)) };
  });
}
