/**
 * Issue #5, "Tests that prove it is real": the real server (src/server.ts `startServer`, in-process, on an
 * ephemeral loopback port) with a bootstrap-provisioned account, a webhook receiver on 127.0.0.1 configured
 * through v6 E55, the simulated telephone network and the realtime channel — driven only over HTTP and
 * WebSocket, exactly as an integrator would (huawei-meeting.md §8 "End to end"):
 *
 *   H1 sign in → H3 instant conference → H8 control token → the app user's client connects →
 *   H9 invites the app user, a busy number and a never-answering number → the client rings and accepts →
 *   H11 shows each documented state → H10 hangs the app user up → their socket ends (4001, "removed by
 *   host") → onMeetingJoined then onMeetingLeft (kicked) reach the receiver in sequence order.
 *
 * Plus the failure cases over real HTTP: token expiry, wrong conference, foreign account, malformed bodies.
 * Nothing here is faked: if the realtime client or the simulated network are missing, the file fails.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConveneRealtimeClient } from '../../src/realtime/client.js';
import type { NotificationOf } from '../../src/realtime/protocol.js';
import type { RunningServer } from '../../src/server.js';
import { eventually, httpClient, startBootstrappedServer, huaweiSignIn, realTimeInfo as h11, startHookReceiver, type HookReceiver, type HttpResult } from '../support/e2e.js';

const INSTANCE_KEY = 'e2e-huawei-instance-key-0123456789';
const ANNA = { email: 'anna@acme.example', password: 'S3cure-pass!', firstName: 'Anna', lastName: 'Muster' };
const BOB = { email: 'bob@acme.example', password: 'Bob-pass-1234', firstName: 'Bob', lastName: 'Builder' };
const OLGA = { email: 'olga@other.example', password: 'Olga-pass-1234', firstName: 'Olga', lastName: 'Other' };
const BUSY = '+447700900486';
const NO_ANSWER = '+447700900408';
/** Short, so that the never-answering number gives up within the test (media-and-sip.md §1.4: tests shorten it). */
const RING_TIMEOUT_S = 4;
const SIGNING_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let server: RunningServer;
let receiver: HookReceiver;
const http = httpClient(() => server.url);

function expectHuaweiError(res: HttpResult, status: number, code: string, msg: string, detail: string): void {
  expect({ status: res.status, body: res.json() }).toEqual({ status, body: { error_code: code, error_msg: msg, error_detail: detail, request_id: res.headers.get('x-request-id') } });
}

const signIn = (u: { email: string; password: string }) => huaweiSignIn(http, u);
const realTimeInfo = (conferenceID: string, token: string) => h11(http, conferenceID, token);

/** H3: an instant conference; returns its conferenceID and chair password. */
async function createInstant(accessToken: string, subject: string): Promise<{ conferenceID: string; chair: string; guest: string }> {
  const res = await http('POST', '/v1/mmc/management/conferences', { headers: { 'x-access-token': accessToken }, body: { subject, mediaTypes: 'Voice', length: 60 } });
  expect(res.status, res.body).toBe(200);
  const [info] = res.json() as Array<{ conferenceID: string; conferenceState: string; passwordEntry: Array<{ conferenceRole: string; password: string }> }>;
  expect(info!.conferenceState).toBe('Created');
  const pwd = (role: string) => info!.passwordEntry.find((p) => p.conferenceRole === role)!.password;
  return { conferenceID: info!.conferenceID, chair: pwd('chair'), guest: pwd('general') };
}

/** H8 with a password; returns the token. */
async function controlToken(conferenceID: string, password: string, accessToken?: string): Promise<string> {
  const res = await http('GET', `/v1/mmc/control/conferences/token?conferenceID=${conferenceID}`, {
    headers: { 'x-password': password, 'x-login-type': '1', ...(accessToken ? { 'x-access-token': accessToken } : {}) },
  });
  expect(res.status, res.body).toBe(200);
  return res.json().data.token as string;
}

beforeAll(async () => {
  // 1. The webhook receiver: records every delivery, answers 204.
  receiver = await startHookReceiver();

  // 2. An instance provisioned by its bootstrap file: one account with an organizer and an app user (both with
  //    passwords), and a second, foreign account.
  server = await startBootstrappedServer({
    tempPrefix: 'convene-huawei-e2e-',
    ringTimeoutS: RING_TIMEOUT_S,
    bootstrap: {
      instanceKeys: [INSTANCE_KEY],
      accounts: [
        { name: 'Acme', accountType: 'paid', admin: ANNA, users: [BOB] },
        { name: 'Other', accountType: 'paid', admin: OLGA },
      ],
    },
  });

  // 3. v6 E55: presence webhooks to the receiver, with a known signing secret.
  const hook = { url: receiver.url, method: 'POST', enabled: true, signingSecret: SIGNING_SECRET };
  const res = await http('PUT', '/api/v6/webhook', { headers: { 'x-api-key': INSTANCE_KEY }, body: { onMeetingJoined: hook, onMeetingLeft: hook } });
  expect(res.status, res.body).toBe(200);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('the Huawei flow end to end (issue #5)', () => {
  it('sign in → create → token → invite (app user, busy, no answer) → real-time info → hang up → socket closed → webhooks in order', async () => {
    // 1. H1 and H3: Anna signs in and starts an instant conference.
    const annaToken = await signIn(ANNA);
    const { conferenceID, chair } = await createInstant(annaToken, 'E2E sync');
    expect(conferenceID).toMatch(/^[1-9]\d{8}$/);

    // 2. H8: the chair password gives a control token (the Go/Node SDKs also send X-Access-Token: ignored).
    const token = await controlToken(conferenceID, chair, annaToken);
    expect(token).toMatch(/^stb[0-9a-f]{48}$/);

    // 3. Bob's app signs in (POST /auth/token) and opens the realtime channel.
    const signin = await http('POST', '/auth/token', { body: { email: BOB.email, password: BOB.password } });
    expect(signin.status, signin.body).toBe(200);
    const bob = await ConveneRealtimeClient.connect(`${server.url.replace(/^http/, 'ws')}/realtime`, signin.json().token as string);
    const incoming = bob.next('call.incoming');

    // 4. H9: Bob (by his Huawei account name), a busy number and a number that never answers.
    const invite = await http('POST', `/v1/mmc/control/conferences/participants?conferenceID=${conferenceID}`, {
      headers: { 'x-conference-authorization': token },
      body: {
        attendees: [
          { name: 'Bob', accountId: BOB.email, phone: '+8613800000000', type: 'normal' },
          { name: 'Busy line', phone: BUSY, type: 'mobile' },
          { name: 'Never answers', phone: NO_ANSWER, type: 'mobile' },
        ],
      },
    });
    expect({ status: invite.status, body: invite.body }).toEqual({ status: 200, body: '{}' });

    // 5. Right after the 200 the never-answering leg is being called (state 1); so is Bob's app until he answers.
    const first = await realTimeInfo(conferenceID, token);
    const noAnswerLeg = first.participants.find((p) => p.phone === NO_ANSWER);
    expect(noAnswerLeg).toMatchObject({ name: 'Never answers', state: 1 });
    expect(first.attendees.map((a) => a.name)).toEqual(['Bob', 'Busy line', 'Never answers']);

    // 6. Bob's client rings (inviter = the organizer) and he accepts.
    const call: NotificationOf<'call.incoming'> = await incoming;
    expect(call).toMatchObject({ subject: 'E2E sync', inviter: { name: 'Anna Muster' }, ringTimeoutMs: RING_TIMEOUT_S * 1000 });
    const accepted = await bob.request('call.accept', { callId: call.callId });
    expect(accepted.participantId).toBe(call.callId);

    // 7. H11: Bob is in the meeting (state 0, with his identity on the roster); the busy line failed and is absent.
    const inMeeting = await eventually(async () => {
      const info = await realTimeInfo(conferenceID, token);
      expect(info.participants.find((p) => p.pid === call.callId)).toMatchObject({ name: 'Bob', state: 0 });
      expect(info.participants.some((p) => p.phone === BUSY)).toBe(false);
      return info;
    }, 'Bob connected and the busy line gone');
    expect(inMeeting.attendees[0]).toMatchObject({ accountID: BOB.email, name: 'Bob' });
    expect(inMeeting.attendees.map((a) => a.phone)).toContain(BUSY);

    // 8. The never-answering leg is absent once the ring timeout passed; it stays on the roster.
    await eventually(
      async () => {
        const info = await realTimeInfo(conferenceID, token);
        expect(info.participants.map((p) => p.pid)).toEqual([call.callId]);
        expect(info.attendees.map((a) => a.phone)).toContain(NO_ANSWER);
      },
      'the never-answering leg gone after the ring timeout',
      RING_TIMEOUT_S * 1000 + 20_000,
    );
    // Their documented final states (huawei-meeting.md §4.4).
    const meeting = (await server.store.meetings.getByCode('*', conferenceID))!;
    const conference = (await server.store.conferences.getRunning(meeting.id))!;
    const legs = await server.store.participants.list(conference.id);
    expect(legs.find((l) => l.phone === BUSY)).toMatchObject({ state: 'failed', reason: 'USER_BUSY', sipStatusCode: 486, network: 'simulated' });
    expect(legs.find((l) => l.phone === NO_ANSWER)).toMatchObject({ state: 'failed', reason: 'NO_ANSWER' });

    // 9. H10 (seed 002's body with Bob's pid): Bob's socket is told why and closed with 4001.
    const ended = bob.next('session.ended', () => true, 10_000).catch((e: unknown) => e);
    const hangUp = await http('POST', `/v1/mmc/control/conferences/participants/delete?conferenceID=${conferenceID}`, {
      headers: { 'x-conference-authorization': token },
      raw: JSON.stringify({ bulkHangUpParticipants: [call.callId] }),
    });
    expect({ status: hangUp.status, body: hangUp.body }).toEqual({ status: 200, body: '{}' });
    // "When the 200 is sent the legs are already gone from H11" (§6.10).
    const after = await realTimeInfo(conferenceID, token);
    expect(after.participants).toEqual([]);
    expect(after.attendees.map((a) => a.name)).toEqual(['Bob', 'Busy line', 'Never answers']);
    expect(await ended).toEqual({ type: 'session.ended', reason: 'PARTICIPANT_REMOVED' });
    expect(await bob.closed).toEqual({ code: 4001, reason: 'PARTICIPANT_REMOVED' });

    // 10. The receiver got onMeetingJoined, then onMeetingLeft (kicked), for Bob's leg, signed, in sequence order.
    const presence = await eventually(async () => {
      const mine = receiver.hooks.filter((h) => h.headers['x-webhook-meeting'] === meeting.id);
      const left = mine.find((h) => h.headers['x-webhook-event'] === 'onMeetingLeft');
      expect(left).toBeDefined();
      return mine;
    }, 'onMeetingLeft delivered');
    expect(presence.map((h) => h.headers['x-webhook-event'])).toEqual(['onMeetingJoined', 'onMeetingLeft']);
    const [joined, left] = presence.map((h) => ({ seq: Number(h.headers['x-webhook-sequence']), body: JSON.parse(h.body) as { participant: Record<string, unknown>; reason?: string }, h }));
    expect(joined!.seq).toBeLessThan(left!.seq);
    expect(joined!.body.participant).toMatchObject({ participantId: call.callId, name: 'Bob' });
    expect(left!.body.participant).toMatchObject({ participantId: call.callId, name: 'Bob' });
    expect(left!.body.reason).toBe('kicked');
    for (const p of presence) expect(() => new Webhook(SIGNING_SECRET).verify(p.body, p.headers as Record<string, string>)).not.toThrow();
  }, 90_000);

  it('a control token that has expired is refused (401 MMC.118000001), and keep-alive renews a live one', async () => {
    const { conferenceID, chair } = await createInstant(await signIn(ANNA), 'Expiry');
    const token = await controlToken(conferenceID, chair);
    const rti = () => http('GET', `/v1/mmc/control/conferences/realTimeInfo?conferenceID=${conferenceID}`, { headers: { 'x-conference-authorization': token } });
    expect((await rti()).status).toBe(200);

    // Keep-alive (no password, Base64 form) answers the same token.
    const keep = await http('GET', `/v1/mmc/control/conferences/token?conferenceID=${conferenceID}`, { headers: { 'x-conference-authorization': `Basic ${Buffer.from(token).toString('base64')}`, 'x-login-type': '1' } });
    expect(keep.status, keep.body).toBe(200);
    expect(keep.json().data.token).toBe(token);

    // Thirty minutes cannot pass in a test: the stored token is aged instead (its row is all the server knows).
    const { hashControlToken } = await import('../../src/domain/credentials/issueControlToken.js');
    const stored = (await server.store.controlTokens.get(hashControlToken(token)))!;
    await server.store.controlTokens.update({ ...stored, expiresAt: Date.now() - 1 });
    expectHuaweiError(await rti(), 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'control token expired');
    const invite = await http('POST', `/v1/mmc/control/conferences/participants?conferenceID=${conferenceID}`, { headers: { 'x-conference-authorization': token }, body: { attendees: [{ name: 'x', phone: '+447700900000' }] } });
    expectHuaweiError(invite, 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'control token expired');
    const renew = await http('GET', `/v1/mmc/control/conferences/token?conferenceID=${conferenceID}`, { headers: { 'x-conference-authorization': token, 'x-login-type': '1' } });
    expectHuaweiError(renew, 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', 'control token expired');
  });

  it("another conference's token (same account) and a foreign account's token are refused for this conference", async () => {
    const annaToken = await signIn(ANNA);
    const mine = await createInstant(annaToken, 'Mine');
    const second = await createInstant(annaToken, 'Second');
    const theirs = await createInstant(await signIn(OLGA), 'Theirs');
    const secondToken = await controlToken(second.conferenceID, second.chair);
    const foreignToken = await controlToken(theirs.conferenceID, theirs.chair);
    for (const token of [secondToken, foreignToken]) {
      const res = await http('POST', `/v1/mmc/control/conferences/participants/delete?conferenceID=${mine.conferenceID}`, { headers: { 'x-conference-authorization': token }, body: { bulkHangUpParticipants: ['ba9acb1e216d11eabc5165c2b91ad427'] } });
      expectHuaweiError(res, 401, 'MMC.118000001', 'USER_TOKEN_AUTH_FAILED', `token is not valid for conference ${mine.conferenceID}`);
    }
    // Another account's chair password does not open this conference either: indistinguishable from a wrong one.
    const wrong = await http('GET', `/v1/mmc/control/conferences/token?conferenceID=${mine.conferenceID}`, { headers: { 'x-password': theirs.chair === mine.chair ? '000000' : theirs.chair, 'x-login-type': '1' } });
    expectHuaweiError(wrong, 400, 'MMC.111072065', 'CONF_NOT_FOUND_OR_AUTH_FAILED', 'conference not found or password wrong');
    // And no control header at all.
    const none = await http('GET', `/v1/mmc/control/conferences/realTimeInfo?conferenceID=${mine.conferenceID}`);
    expectHuaweiError(none, 401, 'MMC.111070111', 'REQUEST_TOKEN_IS_NULL', 'header X-Conference-Authorization is required');
  });

  it('malformed bodies get the vendor errors over real HTTP and change nothing', async () => {
    const { conferenceID, chair } = await createInstant(await signIn(ANNA), 'Malformed');
    const token = await controlToken(conferenceID, chair);
    const url = (p: string) => `/v1/mmc/control/conferences/${p}?conferenceID=${conferenceID}`;
    const h = { 'x-conference-authorization': token };
    expectHuaweiError(await http('POST', url('participants'), { headers: h, raw: '{"attendees":[{"name":' }), 400, 'MMC.111070001', 'CONF_BAD_REQUEST', 'request body is not valid JSON');
    expectHuaweiError(await http('POST', url('participants'), { headers: h, raw: '' }), 400, 'MMC.111072057', 'REQUEST_BODY_IS_NULL', 'request body is required');
    expectHuaweiError(await http('POST', url('participants'), { headers: h, body: { attendees: [] } }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'attendees is empty');
    expectHuaweiError(await http('POST', url('participants'), { headers: h, body: { attendees: [{ name: 'n'.repeat(97), phone: '+447700900000' }] } }), 400, 'MMC.111072034', 'SITE_NAME_TOO_LONG', 'attendees[0].name is longer than 96 characters');
    expectHuaweiError(await http('POST', url('participants/delete'), { headers: h, body: { bulkHangUpParticipants: 'ba9acb1e216d11eabc5165c2b91ad427' } }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'bulkHangUpParticipants should be an array of strings');
    expectHuaweiError(await http('PUT', url('mute'), { headers: h, body: { isMute: 'yes' } }), 400, 'MMC.111071061', 'PARAMETER_VERIFIED_FAIL', 'isMute should be an integer');
    const big = await http('POST', url('participants'), { headers: h, raw: JSON.stringify({ attendees: [{ name: 'x'.repeat(1_100_000), phone: '+447700900000' }] }) });
    expect({ status: big.status, body: big.json() }).toEqual({ status: 413, body: { error_code: 'APIG.0201', error_msg: 'Request entity too large.', request_id: big.headers.get('x-request-id') } });
    const info = await realTimeInfo(conferenceID, token);
    expect(info).toEqual({ attendees: [], participants: [], confInfo: { coHosts: [] } });
  });
});
