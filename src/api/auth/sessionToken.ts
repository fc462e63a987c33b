/**
 * Convene session tokens for Convene's own clients (the realtime channel, the typed client, the web client):
 * `POST /auth/token` with `{email, password}` answers `{token, expiresAt, userId}`. The token is a bearer
 * token stored only as its SHA-256 (dialect `convene`, 12 h), accepted by the realtime `auth` message.
 *
 * Wrong credentials are 401; 5 failures for the same email from the same client address within 10 minutes lock
 * that pair for 10 minutes (429), by the same reasoning as the Huawei control-token lock (huawei-meeting.md
 * §2.3): per address, so that an attacker cannot lock the real user out. Successful sign-ins are never
 * counted or limited.
 *
 * An encapsulated plugin (ARCHITECTURE.md §4.4) with its own JSON body parser and error format
 * `{"error": {"code", "message"}}`.
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { User } from '../../domain/accounts/User.js';
import type { Deps } from '../../domain/deps.js';
import { ALL_ACCOUNTS, type Clock, type Ids, type Store } from '../../domain/ports.js';
import { hashPassword, sha256Hex, verifyPassword } from '../../infra/secrets.js';
import { useJsonBody } from '../common/jsonBody.js';

/** Session token lifetime: a working day, so a client signs in once a day (DESIGNED). */
export const SESSION_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;
/** Failed sign-ins of one (address, email) within THROTTLE_WINDOW_MS that lock the pair. */
export const THROTTLE_LIMIT = 5;
/** The throttle window, and so the longest lock. */
export const THROTTLE_WINDOW_MS = 10 * 60 * 1000;

/** A freshly issued session token. */
export interface IssuedSessionToken {
  /** The bearer token; shown once, stored only hashed. */
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  userId: string;
}

/**
 * Issues a Convene session token for `user` (also used by tests and benchmarks that need many signed-in users
 * without going through the password check).
 */
export async function issueSessionToken(o: { store: Store; clock: Clock; ids: Ids }, user: Pick<User, 'id' | 'accountId'>, ip: string | null = null): Promise<IssuedSessionToken> {
  const token = `cvt_${o.ids.secret(32)}`;
  const now = o.clock.now();
  const expiresAt = now + SESSION_TOKEN_TTL_MS;
  await o.store.accessTokens.insert({
    hash: sha256Hex(token),
    dialect: 'convene',
    accountId: user.accountId,
    userId: user.id,
    appId: null,
    clientType: null,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    lastUsedIp: ip,
  });
  return { token, expiresAt, userId: user.id };
}

const TokenBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
});
type TokenBody = Static<typeof TokenBody>;

const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });

/** Options of the session-token routes. */
export interface SessionTokenOptions {
  deps: Deps;
}

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.status(status).send({ error: { code, message } });
}

/** Renders every failure in this scope; unknown errors never leak their message. */
function renderError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.validation) return sendError(reply, 400, 'request.invalid', 'body must be {"email": string, "password": string}');
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status < 500) return sendError(reply, status, 'request.invalid', status === 415 ? 'send application/json' : 'the request body is not valid JSON');
  req.log.error({ err }, 'session token request failed');
  return sendError(reply, 500, 'internal.unexpected', 'internal error');
}

let dummyHash: Promise<string> | undefined;

/** `POST /auth/token`. */
export const sessionTokenRoutes: FastifyPluginAsync<SessionTokenOptions> = async (f: FastifyInstance, { deps }) => {
  useJsonBody(f, { lenientTypes: false, bodyLimit: 16_384 });
  f.setErrorHandler(renderError);

  f.post(
    '/auth/token',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'convene.createSessionToken',
        tags: ['auth'],
        summary: 'Signs a user in with email and password and returns a session token for the realtime channel',
        body: TokenBody,
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.Integer(), userId: Type.String() }),
          400: ErrorBody,
          401: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as TokenBody;
      const email = body.email.trim().toLowerCase();
      const now = deps.clock.now();
      const key = `convene-token:${req.ip}:${email}`;
      if ((await deps.store.authThrottle.count(key, now, THROTTLE_WINDOW_MS)) >= THROTTLE_LIMIT) {
        reply.header('Retry-After', String(THROTTLE_WINDOW_MS / 1000));
        return sendError(reply, 429, 'auth.locked', 'too many failed sign-ins; try again later');
      }
      const user = await deps.store.users.getByEmail(ALL_ACCOUNTS, email);
      // Unknown emails cost a password check too, so timing does not tell which emails exist.
      const ok = user ? await verifyPassword(body.password, user.passwordHash) : await verifyPassword(body.password, await (dummyHash ??= hashPassword('not-a-password')));
      if (!user || !ok) {
        await deps.store.authThrottle.fail(key, now, THROTTLE_WINDOW_MS);
        return sendError(reply, 401, 'auth.invalid_credentials', 'wrong email or password');
      }
      await deps.store.authThrottle.clear(key);
      return issueSessionToken(deps, user, req.ip);
    },
  );
};
