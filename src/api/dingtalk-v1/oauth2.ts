/** P1-1 getAccessToken (dingtalk-conference.md §3.2, §6.1): the public token exchange. */
import type { FastifyInstance } from 'fastify';
import { issueDingtalkToken, DINGTALK_TOKEN_TTL_MS } from '../../domain/credentials/issueDingtalkToken.js';
import { DomainError } from '../../domain/errors.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import { invalidClient } from './errors.js';
import { parseTokenBody } from './input.js';

/** Registers `POST /oauth2/accessToken` on the `/v1.0` scope. */
export function registerOAuth2Routes(f: FastifyInstance, deps: LiveDeps): void {
  f.post(
    '/oauth2/accessToken',
    { config: { auth: 'public' }, schema: { operationId: 'dingtalk.getAccessToken', summary: 'Exchange appKey + appSecret for a 2-hour access token (P1-1)', tags: ['dingtalk'] } },
    async (req) => {
      const body = parseTokenBody(req.body);
      try {
        const { token } = await issueDingtalkToken(deps, { appKey: body.appKey, appSecret: body.appSecret, ip: req.ip });
        return { accessToken: token, expireIn: DINGTALK_TOKEN_TTL_MS / 1000 };
      } catch (e) {
        if (e instanceof DomainError && e.code === 'auth.key_invalid') throw invalidClient();
        throw e;
      }
    },
  );
}
