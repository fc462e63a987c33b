/** Users: admins and meeting organizers, E7–E10 and E14–E19 (webmeeting-v6 §7). */
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createUser } from '../../domain/accounts/createUser.js';
import { deleteUser } from '../../domain/accounts/deleteUser.js';
import { demoteAdmin } from '../../domain/accounts/demoteAdmin.js';
import { requireAccountAdmin, requireUserRight, scopeOf } from '../../domain/accounts/policies.js';
import { promoteAdmin } from '../../domain/accounts/promoteAdmin.js';
import { regenerateIcsToken } from '../../domain/accounts/regenerateIcsToken.js';
import { updateUser, userNotFound } from '../../domain/accounts/updateUser.js';
import type { User } from '../../domain/accounts/User.js';
import type { Deps } from '../../domain/deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { loadAccount, pathId } from './accounts.js';
import { actorOf } from './context.js';
import { presentUser } from './presenters.js';
import { Deleted, Hex24, UserSchema, responses } from './schema.js';
import { readCreateUser, readPromoteOrCreate, readUpdateUser } from './userInput.js';
import { readPage, Reader } from './validate.js';

const USER_SORTS = ['email', 'createdAt'] as const;

/** UserInput (§7.2), for OpenAPI; the handler reads bodies with userInput.ts. */
const UserInputSchema = Type.Object({
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  firstName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  lastName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  preferredLanguage: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('de'), Type.Literal('fr'), Type.Literal('it')])),
  timezone: Type.Optional(Type.String({ description: 'IANA zone' })),
  additionalTimezones: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
  externalUserId: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  isAdmin: Type.Optional(Type.Boolean()),
  sendPassword: Type.Optional(Type.Boolean()),
});

/**
 * Loads a user the actor may see: unknown ids and other accounts' users are -5 (§3.1); then `authorize`
 * (requireUserRight or requireAccountAdmin) answers -3 before the body is read (§3.3 order).
 */
async function loadUser(deps: Deps, req: FastifyRequest, userId: string, authorize: 'self' | 'admin'): Promise<User> {
  const actor = actorOf(req);
  const user = await deps.store.users.get(scopeOf(actor), userId);
  if (!user) throw userNotFound();
  if (authorize === 'self') requireUserRight(actor, user);
  else requireAccountAdmin(actor, user.accountId);
  return user;
}

/** Loads the path account and checks that the actor administers it (-3 before any body is read). */
async function loadAdministeredAccount(deps: Deps, req: FastifyRequest, accountId = pathId(req, 'accountId')) {
  const account = await loadAccount(deps, req, accountId);
  requireAccountAdmin(actorOf(req), account.id);
  return account;
}

/** Registers E7–E10 and E14–E19. */
export function registerUsersRoutes(f: FastifyInstance, deps: Deps): void {
  const acct = { auth: 'apiKey' as const, v6: { perm: 'account' as const, user: 'optional' as const } };
  const me = { auth: 'apiKey' as const, v6: { perm: 'either' as const, user: 'required' as const } };
  const tags = ['users'];
  const accountParams = Type.Object({ accountId: Hex24 });
  const userParams = Type.Object({ userId: Hex24 });

  f.post('/account/admin/:accountId', {
    config: acct,
    schema: { operationId: 'webmeeting.addAccountAdmin', tags, description: 'Promotes an organizer (`{"userId": …}`) or creates a new admin from a UserInput.', params: accountParams, body: Type.Union([Type.Object({ userId: Hex24 }), UserInputSchema]), response: responses(UserSchema) },
  }, async (req) => {
    const account = await loadAdministeredAccount(deps, req);
    const issues: FieldIssue[] = [];
    const body = readPromoteOrCreate(req.body, issues);
    throwIfInvalid(issues);
    const actor = actorOf(req);
    const user = body.kind === 'promote' ? await promoteAdmin(deps, actor, account.id, body.userId) : await createUser(deps, actor, account.id, body.input);
    return { responseCode: 0, data: presentUser(user) };
  });

  f.delete('/account/admin/:accountId/:userId', {
    config: acct,
    schema: { operationId: 'webmeeting.removeAccountAdmin', tags, description: 'Demotes an admin to organizer; the last admin cannot be demoted (-12).', params: Type.Object({ accountId: Hex24, userId: Hex24 }), response: responses(UserSchema) },
  }, async (req) => {
    const accountId = pathId(req, 'accountId');
    const userId = pathId(req, 'userId');
    const account = await loadAdministeredAccount(deps, req, accountId);
    return { responseCode: 0, data: presentUser(await demoteAdmin(deps, actorOf(req), account.id, userId)) };
  });

  f.get('/account/user/:accountId', {
    config: acct,
    schema: { operationId: 'webmeeting.listAccountUsers', tags, description: 'All meeting organizers of the account, admins included. `sort` is `email` or `createdAt` (default).', params: accountParams, response: responses(Type.Array(UserSchema)) },
  }, async (req, reply) => {
    const account = await loadAdministeredAccount(deps, req);
    const issues: FieldIssue[] = [];
    const q = new Reader(req.query as Record<string, unknown>, issues, 'query');
    const page = readPage(q);
    const sort = q.enum('sort', USER_SORTS) ?? 'createdAt';
    throwIfInvalid(issues);
    const { items, total } = await deps.store.users.list(account.id, { ...page, sort });
    reply.header('X-Total-Count', String(total));
    return { responseCode: 0, data: items.map(presentUser) };
  });

  f.post('/account/user/:accountId', {
    config: acct,
    schema: { operationId: 'webmeeting.createAccountUser', tags, description: 'Creates a meeting organizer from a UserInput (email, firstName, lastName required).', params: accountParams, body: UserInputSchema, response: responses(UserSchema) },
  }, async (req) => {
    const account = await loadAdministeredAccount(deps, req);
    const issues: FieldIssue[] = [];
    const input = readCreateUser(req.body, issues);
    throwIfInvalid(issues);
    return { responseCode: 0, data: presentUser(await createUser(deps, actorOf(req), account.id, input)) };
  });

  f.get('/user/me', {
    config: me,
    schema: { operationId: 'webmeeting.getMe', tags, description: 'The acting user (X-USER-ID / X-USER-EMAIL; an account key without them acts as its first admin).', response: responses(UserSchema) },
  }, async (req) => {
    const user = actorOf(req).user;
    if (!user) throw new DomainError('auth.user_invalid', 'no acting user', [{ field: 'header.X-USER-ID', code: 'required', message: 'X-USER-ID or X-USER-EMAIL is required' }]);
    return { responseCode: 0, data: presentUser(user) };
  });

  f.get('/user/email/:email', {
    config: acct,
    schema: { operationId: 'webmeeting.getUserByEmail', tags, description: 'Finds a user by email (URL-encoded, case-insensitive).', params: Type.Object({ email: Type.String() }), response: responses(UserSchema) },
  }, async (req) => {
    const issues: FieldIssue[] = [];
    const email = new Reader(req.params as Record<string, unknown>, issues, 'path').email('email', { required: true });
    throwIfInvalid(issues);
    const actor = actorOf(req);
    const user = await deps.store.users.getByEmail(scopeOf(actor), email as string);
    if (!user) throw userNotFound('path.email');
    requireUserRight(actor, user);
    return { responseCode: 0, data: presentUser(user) };
  });

  f.get('/user/:userId', {
    config: acct,
    schema: { operationId: 'webmeeting.getUser', tags, params: userParams, response: responses(UserSchema) },
  }, async (req) => {
    return { responseCode: 0, data: presentUser(await loadUser(deps, req, pathId(req, 'userId'), 'self')) };
  });

  f.put('/user/:userId', {
    config: acct,
    schema: { operationId: 'webmeeting.updateUser', tags, description: 'Updates a user; absent fields keep their values. A non-admin may update only their own record and not isAdmin.', params: userParams, body: UserInputSchema, response: responses(UserSchema) },
  }, async (req) => {
    const user = await loadUser(deps, req, pathId(req, 'userId'), 'self');
    const issues: FieldIssue[] = [];
    const input = readUpdateUser(req.body, issues);
    throwIfInvalid(issues);
    return { responseCode: 0, data: presentUser(await updateUser(deps, actorOf(req), user.id, input)) };
  });

  f.delete('/user/:userId', {
    config: acct,
    schema: {
      operationId: 'webmeeting.deleteUser',
      tags,
      description: 'Deletes an organizer. `?transferMeetingsTo=<userId>` gives their meetings that have not ended to another user of the account (onMeetingUpdated); without it those meetings are deleted (onMeetingDeleted).',
      params: userParams,
      querystring: Type.Object({ transferMeetingsTo: Type.Optional(Hex24) }),
      response: responses(Deleted),
    },
  }, async (req) => {
    const user = await loadUser(deps, req, pathId(req, 'userId'), 'admin');
    const issues: FieldIssue[] = [];
    const q = new Reader(req.query as Record<string, unknown>, issues, 'query');
    const transferMeetingsTo = q.string('transferMeetingsTo');
    if (transferMeetingsTo !== undefined && !/^[0-9a-f]{24}$/.test(transferMeetingsTo)) q.fail('query.transferMeetingsTo', 'format', 'must be a 24-hex user id');
    throwIfInvalid(issues);
    return { responseCode: 0, data: await deleteUser(deps, actorOf(req), user.id, transferMeetingsTo === undefined ? {} : { transferMeetingsTo }) };
  });

  f.post('/user/:userId/icstoken', {
    config: acct,
    schema: { operationId: 'webmeeting.regenerateUserIcsToken', tags, description: 'Issues a new personal ICS token; the old feed URL answers 404 at once.', params: userParams, response: responses(UserSchema) },
  }, async (req) => {
    const user = await loadUser(deps, req, pathId(req, 'userId'), 'self');
    return { responseCode: 0, data: presentUser(await regenerateIcsToken(deps, actorOf(req), user.id)) };
  });
}
