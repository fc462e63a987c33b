/** Accounts and account admins: E1–E6 (webmeeting-v6 §6, §7.3). */
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Account, AccountType } from '../../domain/accounts/Account.js';
import { createAccount, type CreateAccountInput } from '../../domain/accounts/createAccount.js';
import { deleteAccount } from '../../domain/accounts/deleteAccount.js';
import { requireAccountAccess, requireAccountAdmin, requireInstance } from '../../domain/accounts/policies.js';
import { updateAccount } from '../../domain/accounts/updateAccount.js';
import type { Deps } from '../../domain/deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { actorOf } from './context.js';
import { withIdempotency } from './idempotency.js';
import { presentAccount, presentUser } from './presenters.js';
import { AccountSchema, AnyBody, Deleted, Hex24, UserSchema, responses } from './schema.js';
import { readUpdateAccount } from './userInput.js';
import { bodyObject, isHex24, readPage, Reader } from './validate.js';
import { readAccountSettings } from './accountInput.js';

const ACCOUNT_TYPES = ['trial', 'paid', 'free'] as const;
const LANGUAGES = ['en', 'de', 'fr', 'it'] as const;

/** Reads a 24-hex path parameter or fails with `path.<name>` / `format`. */
export function pathId(req: FastifyRequest, name: string): string {
  const v = (req.params as Record<string, string>)[name] ?? '';
  if (!isHex24(v)) throw new DomainError('validation.failed', 'Data not valid', [{ field: `path.${name}`, code: 'format', message: 'must be a 24-hex id' }]);
  return v;
}

/** Loads an account visible to the actor: another account's id is -3 when named in the path (§3.1). */
export async function loadAccount(deps: Deps, req: FastifyRequest, accountId: string): Promise<Account> {
  const actor = actorOf(req);
  requireAccountAccess(actor, accountId);
  const account = await deps.store.accounts.get(actor.level === 'instance' ? '*' : accountId, accountId);
  if (!account) throw new DomainError('account.not_found', 'account not found', [{ field: 'path.accountId', code: 'notFound', message: 'no such account' }]);
  return account;
}

/** Presents an account with its computed fields. */
export async function accountView(deps: Deps, account: Account) {
  const [organizerCount, rooms] = await Promise.all([deps.store.users.count(account.id), deps.store.rooms.listByAccount(account.id)]);
  return presentAccount(account, { organizerCount, rooms, now: deps.clock.now() });
}

function readCreateAccount(body: unknown): CreateAccountInput {
  const issues: FieldIssue[] = [];
  const r = new Reader(bodyObject(body, issues), issues);
  const accountType = r.enum('accountType', ACCOUNT_TYPES, { required: true });
  const input = {
    sendPassword: r.bool('sendPassword') ?? false,
    accountType: accountType as AccountType,
    adminFirstname: r.string('adminFirstname', { required: true, max: 100 }) as string,
    adminLastname: r.string('adminLastname', { required: true, max: 100 }) as string,
    adminEmail: r.email('adminEmail', { required: true }) as string,
    adminPreferredLanguage: r.enum('adminPreferredLanguage', LANGUAGES) ?? 'en',
    paidUntil: r.nullableInstant('paidUntil') ?? null,
    name: r.string('name', { max: 255 }),
    adminTimezone: r.timezone('adminTimezone'),
    adminExternalUserId: r.nullableString('adminExternalUserId', { max: 255 }),
    ...readAccountSettings(r),
  };
  throwIfInvalid(issues);
  return input;
}

/** Registers E1–E6. */
export function registerAccountRoutes(f: FastifyInstance, deps: Deps): void {
  const acct = { auth: 'apiKey' as const, v6: { perm: 'account' as const, user: 'optional' as const } };
  const instanceAcct = { auth: 'apiKey' as const, v6: { perm: 'account' as const, user: 'optional' as const, instanceOnly: true } };

  f.post('/account', { config: instanceAcct, schema: { operationId: 'webmeeting.createAccount', tags: ['accounts'], body: AnyBody, response: responses(AccountSchema) } }, async (req, reply) => {
    const actor = actorOf(req);
    requireInstance(actor);
    return withIdempotency(req, reply, deps.store, () => deps.clock.now(), async (complete) => {
      const input = readCreateAccount(req.body);
      let text = '';
      await createAccount(deps, actor, input, {
        inTx: async (tx, { account }) => {
          // The E1 response right after creation: no organizer limit hit yet, rooms provisioned lazily (§6.2).
          text = JSON.stringify({ responseCode: 0, data: presentAccount(account, { organizerCount: 1, rooms: [], now: account.createdAt }) });
          if (complete) await complete(tx, text);
        },
      });
      return JSON.parse(text);
    });
  });

  f.get('/account', { config: instanceAcct, schema: { operationId: 'webmeeting.listAccounts', tags: ['accounts'], response: responses(Type.Array(AccountSchema)) } }, async (req, reply) => {
    const issues: FieldIssue[] = [];
    const q = new Reader(req.query as Record<string, unknown>, issues, 'query');
    const page = readPage(q);
    const search = q.string('search', { max: 255 });
    const accountType = q.enum('accountType', ACCOUNT_TYPES);
    throwIfInvalid(issues);
    const { items, total } = await deps.store.accounts.list({ ...page, ...(search ? { search } : {}), ...(accountType ? { accountType } : {}) });
    reply.header('X-Total-Count', String(total));
    return { responseCode: 0, data: await Promise.all(items.map((a) => accountView(deps, a))) };
  });

  f.get('/account/:accountId', { config: acct, schema: { operationId: 'webmeeting.getAccount', tags: ['accounts'], params: Type.Object({ accountId: Hex24 }), response: responses(AccountSchema) } }, async (req) => {
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    return { responseCode: 0, data: await accountView(deps, account) };
  });

  f.get('/account/admin/:accountId', { config: acct, schema: { operationId: 'webmeeting.listAccountAdmins', tags: ['accounts'], params: Type.Object({ accountId: Hex24 }), response: responses(Type.Array(UserSchema)) } }, async (req, reply) => {
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    const { items, total } = await deps.store.users.list(account.id, { adminsOnly: true, sort: 'createdAt', offset: 0, limit: 500 });
    reply.header('X-Total-Count', String(total));
    return { responseCode: 0, data: items.map(presentUser) };
  });

  f.put('/account/:accountId', {
    config: acct,
    schema: {
      operationId: 'webmeeting.updateAccount',
      tags: ['accounts'],
      description: 'Every AccountInput field is optional. accountType, paidUntil and the number* limits may be changed only with an instance key; an account key may send them unchanged (a round-tripped GET body passes).',
      params: Type.Object({ accountId: Hex24 }),
      body: AnyBody,
      response: responses(AccountSchema),
    },
  }, async (req) => {
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    requireAccountAdmin(actorOf(req), account.id);
    const issues: FieldIssue[] = [];
    const input = readUpdateAccount(req.body, issues);
    throwIfInvalid(issues);
    return { responseCode: 0, data: await accountView(deps, await updateAccount(deps, actorOf(req), account.id, input)) };
  });

  f.delete('/account/:accountId', {
    config: instanceAcct,
    schema: {
      operationId: 'webmeeting.deleteAccount',
      tags: ['accounts'],
      description: 'Deletes the account with its users, meetings (onMeetingDeleted each), rooms, permission sets and keys, in one transaction.',
      params: Type.Object({ accountId: Hex24 }),
      response: responses(Deleted),
    },
  }, async (req) => {
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    return { responseCode: 0, data: await deleteAccount(deps, actorOf(req), account.id) };
  });
}
