/** Meeting-permission sets: E45–E49 (webmeeting-v6 §12.1). */
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createPermissionSet } from '../../domain/accounts/createPermissionSet.js';
import { deletePermissionSet } from '../../domain/accounts/deletePermissionSet.js';
import { permissionFlagDefaults, type PermissionSet } from '../../domain/accounts/PermissionSet.js';
import { requireAccountAccess, requireAccountAdmin, scopeOf } from '../../domain/accounts/policies.js';
import { permissionSetNotFound, updatePermissionSet } from '../../domain/accounts/updatePermissionSet.js';
import type { Deps } from '../../domain/deps.js';
import { throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { loadAccount, pathId } from './accounts.js';
import { actorOf } from './context.js';
import { presentPermissionSet } from './presenters.js';
import { Deleted, Hex24, PermissionSetSchema, responses } from './schema.js';
import { readCreatePermissionSet, readUpdatePermissionSet } from './userInput.js';

/** Loads a set the actor may see (-5 otherwise, §3.1); writes also need an admin (-3 before the body is read). */
async function loadPermissionSet(deps: Deps, req: FastifyRequest, write: boolean): Promise<PermissionSet> {
  const actor = actorOf(req);
  const set = await deps.store.permissionSets.get(scopeOf(actor), pathId(req, 'permissionId'));
  if (!set) throw permissionSetNotFound();
  if (write) requireAccountAdmin(actor, set.accountId);
  else requireAccountAccess(actor, set.accountId);
  return set;
}

/** Registers E45–E49. Reading is open to every organizer of the account (they pick sets for their meetings). */
export function registerPermissionsRoutes(f: FastifyInstance, deps: Deps): void {
  const acct = { auth: 'apiKey' as const, v6: { perm: 'account' as const, user: 'optional' as const } };
  const tags = ['permissions'];
  const accountParams = Type.Object({ accountId: Hex24 });
  const setParams = Type.Object({ permissionId: Hex24 });
  const flags = Object.fromEntries(Object.keys(permissionFlagDefaults).map((k) => [k, Type.Optional(Type.Boolean())]));
  const PermissionSetInput = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), ...flags });

  f.get('/permission/account/:accountId', {
    config: acct,
    schema: { operationId: 'webmeeting.listPermissionSets', tags, params: accountParams, response: responses(Type.Array(PermissionSetSchema)) },
  }, async (req, reply) => {
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    const sets = await deps.store.permissionSets.listByAccount(account.id);
    reply.header('X-Total-Count', String(sets.length));
    return { responseCode: 0, data: sets.map(presentPermissionSet) };
  });

  f.post('/permission/account/:accountId', {
    config: acct,
    schema: { operationId: 'webmeeting.createPermissionSet', tags, description: 'Every flag defaults to true except guestsWaitInLobby and moderatorRequiredToStart.', params: accountParams, body: PermissionSetInput, response: responses(PermissionSetSchema) },
  }, async (req) => {
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    requireAccountAdmin(actorOf(req), account.id);
    const issues: FieldIssue[] = [];
    const input = readCreatePermissionSet(req.body, issues);
    throwIfInvalid(issues);
    return { responseCode: 0, data: presentPermissionSet(await createPermissionSet(deps, actorOf(req), account.id, input)) };
  });

  f.get('/permission/:permissionId', {
    config: acct,
    schema: { operationId: 'webmeeting.getPermissionSet', tags, params: setParams, response: responses(PermissionSetSchema) },
  }, async (req) => {
    return { responseCode: 0, data: presentPermissionSet(await loadPermissionSet(deps, req, false)) };
  });

  f.put('/permission/:permissionId', {
    config: acct,
    schema: { operationId: 'webmeeting.updatePermissionSet', tags, description: 'Absent fields keep their values.', params: setParams, body: PermissionSetInput, response: responses(PermissionSetSchema) },
  }, async (req) => {
    const set = await loadPermissionSet(deps, req, true);
    const issues: FieldIssue[] = [];
    const input = readUpdatePermissionSet(req.body, issues);
    throwIfInvalid(issues);
    return { responseCode: 0, data: presentPermissionSet(await updatePermissionSet(deps, actorOf(req), set.id, input)) };
  });

  f.delete('/permission/:permissionId', {
    config: acct,
    schema: { operationId: 'webmeeting.deletePermissionSet', tags, description: 'Meetings and the account default that named the set get null (meetings record onMeetingUpdated).', params: setParams, response: responses(Deleted) },
  }, async (req) => {
    const set = await loadPermissionSet(deps, req, true);
    return { responseCode: 0, data: await deletePermissionSet(deps, actorOf(req), set.id) };
  });
}
