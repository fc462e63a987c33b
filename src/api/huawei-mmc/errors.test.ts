/**
 * The Huawei error renderer (huawei-meeting.md §5.1, §5.5) on a bare Fastify scope: HuaweiErrors as thrown,
 * DomainErrors through `errorMap` and per-route overrides, framework errors, and unexpected faults as the
 * route's internal code without their message.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorCodes, type DomainErrorCode } from '../../domain/errors.js';
import { errorMap, huaweiCodes, HuaweiError, renderHuaweiError } from './errors.js';

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify({ logger: false, genReqId: () => 'req-1' });
  await app.register(async (s) => {
    s.setErrorHandler(renderHuaweiError);
    s.get('/huawei', async () => {
      throw new HuaweiError('MMC.111072034', 'attendees[0].name is longer than 96 characters');
    });
    s.get('/domain', async () => {
      throw new DomainError('meeting.not_found', 'meeting 123 not found');
    });
    s.get('/domain-details', async () => {
      throw new DomainError('validation.failed', 'Data not valid', [{ field: 'attendees[1]', code: 'duplicate', message: 'attendees[1] duplicates attendees[0] (+447700900000)' }]);
    });
    s.get('/override', { config: { huaweiErrors: { map: { 'meeting.not_found': 'MMC.111072065' } } } }, async () => {
      throw new DomainError('meeting.not_found', 'conference not found or password wrong');
    });
    s.get('/domain-internal', async () => {
      throw new DomainError('internal.unexpected', 'connection to db://user:secret@host failed');
    });
    s.get('/crash', async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x') at /work/main/src/x.ts:1:2");
    });
    s.get('/crash-usg', { config: { huaweiErrors: { internal: 'USG.000000008' } } }, async () => {
      throw new Error('boom');
    });
    s.get('/client', async () => {
      throw Object.assign(new Error('Some 4xx'), { statusCode: 418 });
    });
  });
  await app.ready();
});
afterAll(() => app.close());

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
}

describe('renderHuaweiError()', () => {
  it.each([
    ['/huawei', 400, 'MMC.111072034', 'SITE_NAME_TOO_LONG', 'attendees[0].name is longer than 96 characters'],
    ['/domain', 400, 'MMC.111070005', 'CONF_DATA_NOT_FOUND', 'meeting 123 not found'],
    ['/domain-details', 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees[1] duplicates attendees[0] (+447700900000)'],
    ['/override', 400, 'MMC.111072065', 'CONF_NOT_FOUND_OR_AUTH_FAILED', 'conference not found or password wrong'],
    ['/domain-internal', 500, 'MMC.111070003', 'CONF_EXCEPTION', 'internal error'],
    ['/crash', 500, 'MMC.111070003', 'CONF_EXCEPTION', 'internal error'],
    ['/crash-usg', 500, 'USG.000000008', 'USG_EXCEPTION', 'internal error'],
    ['/client', 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request is not valid'],
  ])('renders %s as %i %s', async (url, status, code, msg, detail) => {
    expect(await get(url)).toEqual({ status, body: { error_code: code, error_msg: msg, error_detail: detail, request_id: 'req-1' } });
  });
});

describe('errorMap', () => {
  it('maps every DomainErrorCode to a catalogue code whose status fits the error kind', () => {
    const expected: Record<string, number[]> = {
      InvalidArgument: [400],
      Unauthenticated: [401],
      PermissionDenied: [403],
      NotFound: [400],
      Conflict: [400],
      FailedPrecondition: [400, 403],
      ResourceExhausted: [400, 403],
      Unavailable: [500],
      Internal: [500],
    };
    for (const [code, kind] of Object.entries(domainErrorCodes)) {
      const h = errorMap[code as DomainErrorCode];
      expect(huaweiCodes[h], code).toBeDefined();
      expect(expected[kind], `${code} → ${h}`).toContain(huaweiCodes[h].status);
    }
  });

  it('maps the live codes as §5.2 says', () => {
    expect({
      notStarted: errorMap['conference.not_started'],
      ended: errorMap['conference.ended'],
      participant: [errorMap['participant.not_found'], errorMap['participant.not_live']],
      guest: errorMap['conference.control_denied'],
      full: errorMap['conference.full'],
      denied: errorMap['permission.denied'],
      meeting: errorMap['meeting.not_found'],
    }).toEqual({
      notStarted: 'MMC.111072005',
      ended: 'MMC.111072006',
      participant: ['MMC.111072008', 'MMC.111072008'],
      guest: 'MMC.111072070',
      full: 'MMC.111072101',
      denied: 'MMC.111070002',
      meeting: 'MMC.111070005',
    });
  });
});
