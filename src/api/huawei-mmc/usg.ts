/**
 * The USG sign-in routes (huawei-meeting.md §2.2, §6.2, §6.3, §10): H1 account + password and H2 App ID
 * (HMAC-SHA256), both answering the same token body. Their credential is in the request itself, so the
 * routes are `public` to the auth hook and check `Authorization` here; `X-Access-Token` is ignored.
 */
import type { FastifyInstance } from 'fastify';
import { signInWithApp } from '../../domain/credentials/signInWithApp.js';
import { signInWithPassword } from '../../domain/credentials/signInWithPassword.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import { headerValue } from './accessAuth.js';
import { HuaweiError } from './errors.js';
import { decodeBasic, decodeHmac, parseAccountSignInBody, parseAppSignInBody } from './managementInput.js';
import { presentAuth } from './presenters.js';
import { AnyBody, AuthResponseSchema, responses } from './schema.js';

const tags = ['huawei'];

/** H1 under the `/v1/usg` scope. */
export function registerUsgV1Routes(f: FastifyInstance, deps: LiveDeps): void {
  f.post(
    '/acs/auth/account',
    {
      config: { auth: 'public', huaweiErrors: { internal: 'USG.000000008' } },
      schema: { operationId: 'huawei.CreateToken', summary: 'Sign in with account and password (H1)', tags, body: AnyBody, response: responses(AuthResponseSchema) },
    },
    async (req) => {
      const basic = decodeBasic(headerValue(req, 'authorization'));
      if (!basic) throw new HuaweiError('USG.000000002', 'header Authorization must be Basic base64(account:password)');
      const body = parseAccountSignInBody(req.body);
      // §10.3: the header's account may arrive Latin-1 encoded; compare after decoding, case-insensitively.
      if (body.account !== undefined && body.account.toLowerCase() !== basic.account.toLowerCase()) {
        throw new HuaweiError('USG.000000001', 'account does not match the Authorization header');
      }
      const r = await signInWithPassword(deps, { account: basic.account, password: basic.password, clientType: body.clientType, createToken: body.createToken, ip: req.ip });
      if (!r.ok) {
        if (r.reason === 'locked') throw new HuaweiError('USG.000000005', 'too many failed sign-ins; the account is locked for 15 minutes');
        if (r.reason === 'disabled') throw new HuaweiError('USG.000000006', 'the account is disabled or has expired');
        throw new HuaweiError('USG.000000003', 'account or password is wrong');
      }
      return presentAuth({ user: r.user, adminType: r.adminType, token: r.token, at: r.at, clientType: body.clientType, ip: req.ip });
    },
  );
}

/** H2 under the `/v2/usg` scope. */
export function registerUsgV2Routes(f: FastifyInstance, deps: LiveDeps): void {
  f.post(
    '/acs/auth/appauth',
    {
      config: { auth: 'public', huaweiErrors: { internal: 'USG.000000008' } },
      schema: { operationId: 'huawei.CreateAppIdToken', summary: 'Sign in with an App ID (H2)', tags, body: AnyBody, response: responses(AuthResponseSchema) },
    },
    async (req) => {
      // `X-Token-Type: LongTicket` is documented as required but the Python SDK never sends it: ignored.
      const hmac = decodeHmac(headerValue(req, 'authorization'));
      if (!hmac) throw new HuaweiError('USG.000000007', 'header Authorization must be HMAC-SHA256 signature=…');
      const body = parseAppSignInBody(req.body);
      const r = await signInWithApp(deps, {
        appId: body.appId,
        signature: hmac.signature,
        access: hmac.access,
        userId: body.userId,
        corpId: body.corpId,
        expireTime: body.expireTime,
        nonce: body.nonce,
        clientType: body.clientType,
        profile: { userName: body.userName, userEmail: body.userEmail, userPhone: body.userPhone },
        ip: req.ip,
      });
      if (!r.ok) {
        if (r.reason === 'disabled') throw new HuaweiError('USG.000000006', 'the account is disabled or has expired');
        if (r.reason === 'account_full') throw new HuaweiError('USG.000000007', 'the app\u2019s account cannot take another user (numberOfMeetingOrganizers reached)');
        throw new HuaweiError('USG.000000007', r.detail);
      }
      return presentAuth({ user: r.user, adminType: r.adminType, token: r.token, at: r.token.record.createdAt, clientType: body.clientType, ip: req.ip, appId: r.app.appId });
    },
  );
}
