/** Dial-in numbers: E53 (webmeeting-v6 §8.10). */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { accountDialInNumbers } from '../../domain/meetings/joinLinks.js';
import { requireAccountAccess } from '../../domain/accounts/policies.js';
import type { Deps } from '../../domain/deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { actorOf } from './context.js';
import { DialInNumberSchema, responses } from './schema.js';
import { isHex24, Reader } from './validate.js';

/** Registers E53. */
export function registerDialinRoutes(f: FastifyInstance, deps: Deps): void {
  f.get('/dialin/numbers', {
    config: { auth: 'apiKey', v6: { perm: 'either', user: 'optional' } },
    schema: {
      operationId: 'webmeeting.listDialInNumbers',
      tags: ['dialin'],
      description:
        'The dial-in numbers the acting account\u2019s meetings get. The account is the key\u2019s (account key) or the acting user\u2019s. ' +
        'With an instance key and no X-USER-ID / X-USER-EMAIL, `?accountId=<24-hex>` selects the account (required then).',
      querystring: Type.Object({ accountId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{24}$' })) }),
      response: responses(Type.Array(DialInNumberSchema)),
    },
  }, async (req, reply) => {
    const actor = actorOf(req);
    const issues: FieldIssue[] = [];
    const q = new Reader(req.query as Record<string, unknown>, issues, 'query');
    const implied = actor.level === 'account' ? actor.accountId : (actor.user?.accountId ?? null);
    const given = q.string('accountId', { required: implied === null });
    if (given !== undefined && !isHex24(given)) q.fail('query.accountId', 'format', 'must be a 24-hex account id');
    throwIfInvalid(issues);
    const accountId = given ?? implied;
    if (accountId === null) throw new DomainError('validation.failed', 'Data not valid', [{ field: 'query.accountId', code: 'required', message: 'query.accountId is required' }]);
    // §3.1: an account key (or an acting user) naming another account is -3.
    requireAccountAccess(actor, accountId);
    const account = await deps.store.accounts.get(accountId, accountId);
    if (!account) throw new DomainError('account.not_found', 'account not found', [{ field: 'query.accountId', code: 'notFound', message: 'no such account' }]);
    const numbers = accountDialInNumbers(deps.settings, account);
    reply.header('X-Total-Count', String(numbers.length));
    return { responseCode: 0, data: numbers };
  });
}
