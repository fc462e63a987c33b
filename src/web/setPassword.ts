/**
 * The set-password page behind the `sendPassword` mail (webmeeting-v6 §6.1, §8.13): the mail links to
 * `<publicUrl>/auth/set-password?token=…`, and this plugin serves the form and redeems the token once.
 * The token is the credential, so both routes are `public`. Only a SHA-256 of the token is stored
 * (`store.passwordTokens`), and redeeming deletes it.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../domain/deps.js';
import type { FieldIssue } from '../domain/errors.js';
import { ALL_ACCOUNTS, type Clock, type Store } from '../domain/ports.js';
import { hashPassword, sha256Hex } from '../infra/secrets.js';

/** Options of {@link setPasswordPages}. */
export interface SetPasswordOptions {
  deps: Pick<Deps, 'store' | 'clock'>;
}

/** Password length bounds in characters, the same as the CLI's `--password`. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Tokens are base64url (`ids.secret(32)`); anything else cannot be one, so it is refused without a lookup. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const PATH = '/auth/set-password';
/** A form with a token and two passwords fits easily; the cap keeps scrypt and the parser cheap. */
const BODY_LIMIT = 16_384;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** What a POST asks for. */
interface SetPasswordInput {
  token: string;
  password: string;
}

/** The outcome of redeeming a token. */
export type RedeemResult = { ok: true; userId: string } | { ok: false };

/**
 * Consumes the token named by `tokenHash` and sets the user's password hash, in one transaction: an unknown,
 * used or expired token (or one whose user is gone) changes nothing and gives `{ ok: false }`. The token is
 * taken with DELETE … RETURNING, so of two concurrent redemptions exactly one succeeds.
 */
export async function redeemPasswordToken(deps: { store: Store; clock: Clock }, tokenHash: string, passwordHash: string): Promise<RedeemResult> {
  return deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const taken = await tx.passwordTokens.take(tokenHash, now);
    const user = taken && (await tx.users.get(ALL_ACCOUNTS, taken.userId));
    if (!user) return { ok: false };
    await tx.users.update({ ...user, passwordHash, updatedAt: now });
    return { ok: true, userId: user.id };
  });
}

/**
 * Reads and checks a POST body; every problem is reported at once, and the token is not spent on any.
 * `token` is the token as sent (when it is a string), so a refused form can be shown again with it.
 */
function readInput(body: unknown, issues: FieldIssue[]): { input?: SetPasswordInput; token?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    issues.push({ field: null, code: 'type', message: 'Send token and password as a form or as a JSON object.' });
    return {};
  }
  const b = body as Record<string, unknown>;
  const token = typeof b.token === 'string' ? b.token.trim() : b.token;
  if (token === undefined || token === null || token === '') issues.push({ field: 'token', code: 'required', message: 'The link is incomplete: it carries no token.' });
  else if (typeof token !== 'string') issues.push({ field: 'token', code: 'type', message: 'token must be a string.' });
  else if (!TOKEN.test(token)) issues.push({ field: 'token', code: 'tokenInvalid', message: 'This link is not valid. Ask your administrator for a new one.' });

  // Passwords are taken as typed: no trimming, since spaces may be part of them.
  const password = b.password;
  if (password === undefined || password === null || password === '') issues.push({ field: 'password', code: 'required', message: 'Enter a new password.' });
  else if (typeof password !== 'string') issues.push({ field: 'password', code: 'type', message: 'password must be a string.' });
  else if (password.includes('\u0000')) issues.push({ field: 'password', code: 'format', message: 'The password must not contain NUL characters.' });
  else if (password.length < PASSWORD_MIN) issues.push({ field: 'password', code: 'minLength', message: `The password must have at least ${PASSWORD_MIN} characters.` });
  else if (password.length > PASSWORD_MAX) issues.push({ field: 'password', code: 'maxLength', message: `The password must have at most ${PASSWORD_MAX} characters.` });
  // The HTML form asks twice; JSON clients may send the confirmation too.
  const confirm = b.passwordConfirm;
  if (confirm !== undefined && typeof password === 'string' && confirm !== password) {
    issues.push({ field: 'passwordConfirm', code: 'mismatch', message: 'The two passwords differ.' });
  }
  const sent = typeof token === 'string' ? token : undefined;
  return issues.length === 0 ? { input: { token: token as string, password: password as string }, token: sent } : { ...(sent === undefined ? {} : { token: sent }) };
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2328}' +
  'label{display:block;margin:1rem 0 .25rem}input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}' +
  'button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem}.error{color:#b42318}';

/** A complete page: no scripts, no external assets, every dynamic value escaped by the callers. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

function errorList(issues: FieldIssue[]): string {
  if (issues.length === 0) return '';
  return `<ul class="error" role="alert">\n${issues.map((i) => `<li>${escapeHtml(i.message)}</li>`).join('\n')}\n</ul>\n`;
}

function formPage(token: string, issues: FieldIssue[] = []): string {
  return page(
    'Set your password',
    errorList(issues) +
      `<form method="post" action="${PATH}">\n` +
      `<input type="hidden" name="token" value="${escapeHtml(token)}">\n` +
      `<label for="password">New password (${PASSWORD_MIN}\u2013${PASSWORD_MAX} characters)</label>\n` +
      `<input id="password" type="password" name="password" minlength="${PASSWORD_MIN}" maxlength="${PASSWORD_MAX}" autocomplete="new-password" required>\n` +
      '<label for="passwordConfirm">Repeat the password</label>\n' +
      `<input id="passwordConfirm" type="password" name="passwordConfirm" minlength="${PASSWORD_MIN}" maxlength="${PASSWORD_MAX}" autocomplete="new-password" required>\n` +
      '<button type="submit">Set password</button>\n</form>',
  );
}

const DEAD_LINK = 'This link has expired or has already been used. Ask your administrator to send you a new one.';

/** True when the client sent JSON and therefore gets JSON back; forms and everything else get HTML. */
function wantsJson(req: FastifyRequest): boolean {
  return JSON_TYPE.test(req.headers['content-type'] ?? '');
}

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}

/**
 * Answers a refused request in the client's format: JSON `{ok: false, errors}` or an HTML page. The form is
 * shown again only when the token may still be good (it was not spent and looks like a token).
 */
function sendRefusal(req: FastifyRequest, reply: FastifyReply, status: number, issues: FieldIssue[], token?: string): FastifyReply {
  if (wantsJson(req)) return reply.status(status).type('application/json; charset=utf-8').send({ ok: false, errors: issues });
  const retry = token !== undefined && TOKEN.test(token) && !issues.some((i) => i.field === 'token');
  return sendHtml(reply, status, retry ? formPage(token, issues) : page('Password not set', errorList(issues)));
}

/**
 * Registers `GET /auth/set-password` (the form; HEAD too) and `POST /auth/set-password` (form-urlencoded or
 * JSON `{token, password[, passwordConfirm]}`), both `public`. Register it at the root of the app, without a
 * prefix and without fastify-plugin: its form parser and error handler stay inside its own scope.
 */
export const setPasswordPages: FastifyPluginAsync<SetPasswordOptions> = async (f, { deps }) => {
  f.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  f.addHook('onSend', async (_req, reply) => {
    // The token travels in the URL: no caching, no Referer, no framing, nothing loaded from elsewhere.
    reply
      .header('Cache-Control', 'no-store')
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Robots-Tag', 'noindex')
      .header('X-Content-Type-Options', 'nosniff')
      .header('X-Frame-Options', 'DENY')
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  });

  // Body-parser failures (bad JSON, too large, unsupported type) are the client's: 4xx in the page's format.
  f.setErrorHandler((err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      req.log.error({ err }, 'set-password failed');
      return sendRefusal(req, reply, 500, [{ field: null, code: 'internal', message: 'Something went wrong on our side. Please try again later.' }]);
    }
    const message =
      status === 415
        ? 'Send the form as application/x-www-form-urlencoded or as JSON.'
        : status === 413
          ? 'The request is too large.'
          : 'The request could not be read.';
    return sendRefusal(req, reply, status, [{ field: null, code: status === 415 ? 'unsupportedMediaType' : status === 413 ? 'tooLarge' : 'invalidBody', message }]);
  });

  f.get(PATH, { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const raw = (req.query as Record<string, unknown>).token;
    const token = typeof raw === 'string' ? raw.trim() : '';
    if (token === '') return sendHtml(reply, 400, page('Password not set', errorList([{ field: 'token', code: 'required', message: 'The link is incomplete: it carries no token. Open the link from your mail again.' }])));
    if (!TOKEN.test(token)) return sendHtml(reply, 400, page('Password not set', errorList([{ field: 'token', code: 'tokenInvalid', message: DEAD_LINK }])));
    return sendHtml(reply, 200, formPage(token));
  });

  f.post(PATH, { config: { auth: 'public' }, bodyLimit: BODY_LIMIT, schema: { hide: true } }, async (req, reply) => {
    const issues: FieldIssue[] = [];
    const { input, token } = readInput(req.body, issues);
    if (!input) return sendRefusal(req, reply, 400, issues, token);
    // scrypt is deliberately slow: hash before the transaction, so the database is never held while it runs.
    const passwordHash = await hashPassword(input.password);
    const result = await redeemPasswordToken(deps, sha256Hex(input.token), passwordHash);
    if (!result.ok) return sendRefusal(req, reply, 400, [{ field: 'token', code: 'tokenInvalid', message: DEAD_LINK }]);
    if (wantsJson(req)) return reply.type('application/json; charset=utf-8').send({ ok: true });
    return sendHtml(reply, 200, page('Password set', '<p>Your password has been set. You can close this page and sign in.</p>'));
  });
};
