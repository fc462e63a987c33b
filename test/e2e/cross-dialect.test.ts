/**
 * Issue #6, "One meeting, three dialects" (CROSS-DIALECT.md): the real server (src/server.ts `startServer`,
 * in-process, ephemeral loopback port) with a bootstrap-provisioned account (an organizer and an app user, both
 * with passwords and fixed DingTalk unionIds), a DingTalk app, and a webhook receiver on 127.0.0.1 configured
 * through v6 E55. One conference is driven through all three dialects, only over HTTP and WebSocket:
 *
 *   DingTalk SDK createVideoConference → v6 E-GET meeting (id = conferenceId; meetingId, roomCode and the Huawei
 *   conferenceID name the same meeting) → DingTalk scheduled conference in the organizer's v6 ICS feed →
 *   the app user's realtime client connects → DingTalk SDK inviteUsers (the app user by unionId and a phone
 *   number that answers) → the user accepts → Huawei H11 shows both in the meeting (state 0) → Huawei H10 hangs
 *   the phone up → DingTalk queryConferenceMembers shows it kicked (attendStatus 5) and the user still in →
 *   v6 webhooks onMeetingJoined ×2 then onMeetingLeft (kicked), signed, in strictly increasing sequence.
 *
 * The id mapping this checks is documented in docs/id-mapping.md.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDingtalkApp } from '../../src/domain/credentials/createDingtalkApp.js';
import { ConveneRealtimeClient } from '../../src/realtime/client.js';
import type { NotificationOf } from '../../src/realtime/protocol.js';
import type { RunningServer } from '../../src/server.js';
import { conference, oauth2, sdk, type DingtalkSdk } from '../support/dingtalkApp.js';
import { eventually, httpClient, startBootstrappedServer, huaweiSignIn as signInWith, realTimeInfo as h11, startHookReceiver, type HookReceiver } from '../support/e2e.js';

const INSTANCE_KEY = 'e2e-cross-instance-key-0123456789';
const ANNA = { email: 'anna@acme.example', password: 'S3cure-pass!', firstName: 'Anna', lastName: 'Muster', unionId: 'annaUnion27SaQ3iiHLN0uwqc' };
const BOB = { email: 'bob@acme.example', password: 'Bob-pass-1234', firstName: 'Bob', lastName: 'Builder', unionId: 'bobUnionqzR1iSMDvzR9iP7P0' };
/** A number the simulated network answers (media-and-sip.md §6). */
const PHONE = '+447700900000';
const RING_TIMEOUT_S = 4;
const SIGNING_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let server: RunningServer;
let receiver: HookReceiver;
const http = httpClient(() => server.url);
let dt: DingtalkSdk;
let dtToken: string;

const huaweiSignIn = (u: { email: string; password: string }) => signInWith(http, u);
const realTimeInfo = (conferenceID: string, token: string) => h11(http, conferenceID, token);

const v6 = (method: string, path: string, body?: unknown) => http(method, `/api/v6${path}`, { headers: { 'x-api-key': INSTANCE_KEY }, ...(body !== undefined ? { body } : {}) });


const dtHeaders = <T>(C: new (m: { xAcsDingtalkAccessToken: string }) => T): T => new C({ xAcsDingtalkAccessToken: dtToken });

beforeAll(async () => {
  receiver = await startHookReceiver();

  server = await startBootstrappedServer({
    tempPrefix: 'convene-cross-e2e-',
    ringTimeoutS: RING_TIMEOUT_S,
    bootstrap: { instanceKeys: [INSTANCE_KEY], accounts: [{ name: 'Acme', accountType: 'paid', admin: ANNA, users: [BOB] }] },
  });

  // v6 E55: lifecycle and presence webhooks to the receiver, with a known signing secret.
  const hook = { url: receiver.url, method: 'POST', enabled: true, signingSecret: SIGNING_SECRET };
  const res = await v6('PUT', '/webhook', { onMeetingScheduled: hook, onMeetingUpdated: hook, onMeetingJoined: hook, onMeetingLeft: hook });
  expect(res.status, res.body).toBe(200);

  // A DingTalk app of the account (what `convene dingtalk app create --account <id>` does), and its token
  // through the SDK's oauth2 client.
  const anna = (await server.store.users.getByEmail('*', ANNA.email))!;
  const { appKey, appSecret } = await createDingtalkApp(server.deps, { accountId: anna.accountId, name: 'cross-dialect e2e' });
  dt = sdk(Number(new URL(server.url).port));
  const tok = await dt.oauth2.getAccessToken(new oauth2.GetAccessTokenRequest({ appKey, appSecret }));
  dtToken = tok.body!.accessToken!;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('one meeting, three dialects (issue #6)', () => {
  it('DingTalk creates and invites → v6 sees it → Huawei watches and hangs up → DingTalk sees the kick → v6 webhooks in order', async () => {
    const annaUser = (await server.store.users.getByEmail('*', ANNA.email))!;
    const bobUser = (await server.store.users.getByEmail('*', BOB.email))!;

    // 1. DingTalk P1-2: Anna (by unionId) starts a video conference; she is not rung (inviteCaller false).
    const created = await dt.conference.createVideoConferenceWithOptions(
      new conference.CreateVideoConferenceRequest({ confTitle: 'Three dialects', userId: ANNA.unionId, inviteCaller: false }),
      dtHeaders(conference.CreateVideoConferenceHeaders),
      dt.runtime(),
    );
    expect(created.statusCode).toBe(200);
    const conferenceId = created.body!.conferenceId!;
    const roomCode = created.body!.roomCode!;
    expect(conferenceId).toMatch(/^[0-9a-f]{24}$/);
    expect(roomCode).toMatch(/^\d{11}$/);

    // 2. v6: the DingTalk conferenceId IS the v6 meeting id.
    const got = await v6('GET', `/meeting/${conferenceId}`);
    expect(got.status, got.body).toBe(200);
    const meeting = got.json().data as { id: string; meetingId: string; topic: string; addedByUserId: string; accountId: string };
    expect(meeting).toMatchObject({ id: conferenceId, topic: 'Three dialects', addedByUserId: annaUser.id, accountId: annaUser.accountId });
    expect(meeting.meetingId).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/);

    // The Huawei conferenceID of the same meeting: Anna's H4 list finds it by subject; H6 shows its chair
    // password, which is the DingTalk hostPassword (one meetingSecrets row).
    const annaHuawei = await huaweiSignIn(ANNA);
    const list = await http('GET', `/v1/mmc/management/conferences?searchKey=${encodeURIComponent('Three dialects')}`, { headers: { 'x-access-token': annaHuawei } });
    expect(list.status, list.body).toBe(200);
    const listed = (list.json().data as Array<{ conferenceID: string; subject: string; conferenceState: string }>).filter((c) => c.subject === 'Three dialects');
    expect(listed).toHaveLength(1);
    const conferenceID = listed[0]!.conferenceID;
    expect(conferenceID).toMatch(/^[1-9]\d{8}$/);
    expect(listed[0]!.conferenceState).toBe('Created');
    const detail = await http('GET', `/v1/mmc/management/conferences/confDetail?conferenceID=${conferenceID}`, { headers: { 'x-access-token': annaHuawei } });
    expect(detail.status, detail.body).toBe(200);
    const passwords = detail.json().conferenceData.passwordEntry as Array<{ conferenceRole: string; password: string }>;
    const chair = passwords.find((p) => p.conferenceRole === 'chair')!.password;
    expect(chair).toBe(created.body!.hostPassword);
    expect(detail.json().conferenceData.userUUID).toBe(annaUser.huaweiUserUuid);

    // The three numeric codes reach one meeting: /j/<roomCode>, /j/<conferenceID> and the dash-less meetingId
    // redirect to the canonical /j/<meetingId> (CROSS-DIALECT.md "Join links").
    for (const code of [roomCode, conferenceID, meeting.meetingId.replace(/-/g, '')]) {
      const j = await http('GET', `/j/${code}`);
      expect({ code, status: j.status, location: j.headers.get('location') }).toEqual({ code, status: 302, location: `/j/${meeting.meetingId}` });
    }

    // A DingTalk scheduled conference (P1-13) is a v6 meeting too, and appears in Anna's v6 ICS feed.
    const start = Date.now() + 86_400_000;
    const scheduled = await dt.conference.createScheduleConferenceWithOptions(
      new conference.CreateScheduleConferenceRequest({ creatorUnionId: ANNA.unionId, title: 'Planned in DingTalk', startTime: start, endTime: start + 3_600_000 }),
      dtHeaders(conference.CreateScheduleConferenceHeaders),
      dt.runtime(),
    );
    expect(scheduled.statusCode).toBe(200);
    const scheduleConferenceId = scheduled.body!.scheduleConferenceId!;
    expect(scheduleConferenceId).toMatch(/^[0-9a-f]{24}$/);
    const planned = await v6('GET', `/meeting/${scheduleConferenceId}`);
    expect(planned.status, planned.body).toBe(200);
    expect(planned.json().data).toMatchObject({ id: scheduleConferenceId, topic: 'Planned in DingTalk', addedByUserId: annaUser.id });
    const annaV6 = await v6('GET', `/user/${annaUser.id}`);
    expect(annaV6.status, annaV6.body).toBe(200);
    const feed = await http('GET', `/api/v6/meeting/calender/user/${annaV6.json().data.icsToken as string}`);
    expect(feed.status).toBe(200);
    const unfolded = feed.body.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toContain(`UID:${scheduleConferenceId}@`);
    expect(unfolded).toContain('SUMMARY:Planned in DingTalk');

    // 3. Bob's app signs in (POST /auth/token) and opens the realtime channel.
    const signin = await http('POST', '/auth/token', { body: { email: BOB.email, password: BOB.password } });
    expect(signin.status, signin.body).toBe(200);
    const bob = await ConveneRealtimeClient.connect(`${server.url.replace(/^http/, 'ws')}/realtime`, signin.json().token as string);
    const incoming = bob.next('call.incoming');

    // 4. DingTalk P1-6: Bob by unionId and a phone number that answers; Bob accepts the ringing call.
    const invited = await dt.conference.inviteUsersWithOptions(
      conferenceId,
      new conference.InviteUsersRequest({ unionId: ANNA.unionId, inviteeList: [{ unionId: BOB.unionId, nick: 'Bob' }], phoneInviteeList: [{ phoneNumber: PHONE, nick: 'Phone guest' }] }),
      dtHeaders(conference.InviteUsersHeaders),
      dt.runtime(),
    );
    expect(invited.statusCode).toBe(200);
    const call: NotificationOf<'call.incoming'> = await incoming;
    expect(call).toMatchObject({ subject: 'Three dialects', ringTimeoutMs: RING_TIMEOUT_S * 1000 });
    const accepted = await bob.request('call.accept', { callId: call.callId });
    expect(accepted.participantId).toBe(call.callId);

    // 5. Huawei H8 (chair password) and H11: both legs reach state 0 (in the meeting).
    const tokenRes = await http('GET', `/v1/mmc/control/conferences/token?conferenceID=${conferenceID}`, { headers: { 'x-password': chair, 'x-login-type': '1' } });
    expect(tokenRes.status, tokenRes.body).toBe(200);
    const control = tokenRes.json().data.token as string;
    const both = await eventually(async () => {
      const info = await realTimeInfo(conferenceID, control);
      expect(info.participants.find((p) => p.pid === call.callId)).toMatchObject({ name: 'Bob', state: 0, phone: bobUser.directoryNumber });
      const phoneLeg = info.participants.find((p) => p.phone === PHONE);
      expect(phoneLeg).toMatchObject({ name: 'Phone guest', state: 0 });
      return { info, phonePid: phoneLeg!.pid };
    }, 'Bob and the phone in the meeting');
    expect(both.phonePid).toMatch(/^[0-9a-f]{32}$/);
    expect(both.info.attendees.find((a) => a.name === 'Bob')).toMatchObject({ accountID: bobUser.loginName, userUUID: bobUser.huaweiUserUuid });

    // DingTalk P1-5 agrees while both are in (attendStatus 3).
    const members = async () => {
      const res = await dt.conference.queryConferenceMembersWithOptions(conferenceId, new conference.QueryConferenceMembersRequest({ maxResults: 100 }), dtHeaders(conference.QueryConferenceMembersHeaders), dt.runtime());
      expect(res.statusCode).toBe(200);
      return (res.body!.memberModels ?? []).map((m) => ({ unionId: m.unionId, attendStatus: m.attendStatus, pstnJoin: m.pstnJoin, host: m.host }));
    };
    const pstnUnion = `pstn_${PHONE.replace(/\D/g, '')}`;
    expect(await members()).toEqual([
      { unionId: ANNA.unionId, attendStatus: 1, pstnJoin: false, host: true },
      { unionId: BOB.unionId, attendStatus: 3, pstnJoin: false, host: false },
      { unionId: pstnUnion, attendStatus: 3, pstnJoin: true, host: false },
    ]);

    // 6. Huawei H10: the phone leg is hung up; it is gone from H11 when the 200 is sent, Bob stays.
    const hangUp = await http('POST', `/v1/mmc/control/conferences/participants/delete?conferenceID=${conferenceID}`, {
      headers: { 'x-conference-authorization': control },
      body: { bulkHangUpParticipants: [both.phonePid] },
    });
    expect({ status: hangUp.status, body: hangUp.body }).toEqual({ status: 200, body: '{}' });
    expect((await realTimeInfo(conferenceID, control)).participants.map((p) => ({ pid: p.pid, state: p.state }))).toEqual([{ pid: call.callId, state: 0 }]);

    // 7. DingTalk P1-5: the phone is kicked (attendStatus 5), Bob is still in (3).
    expect(await members()).toEqual([
      { unionId: ANNA.unionId, attendStatus: 1, pstnJoin: false, host: true },
      { unionId: BOB.unionId, attendStatus: 3, pstnJoin: false, host: false },
      { unionId: pstnUnion, attendStatus: 5, pstnJoin: true, host: false },
    ]);

    // 8. v6 webhooks for this meeting: onMeetingJoined ×2 then onMeetingLeft (kicked, the phone), signed, with
    //    strictly increasing X-Webhook-Sequence in arrival order.
    const presence = await eventually(async () => {
      const mine = receiver.hooks.filter((h) => h.headers['x-webhook-meeting'] === conferenceId && ['onMeetingJoined', 'onMeetingLeft'].includes(String(h.headers['x-webhook-event'])));
      expect(mine.some((h) => h.headers['x-webhook-event'] === 'onMeetingLeft')).toBe(true);
      return mine;
    }, 'onMeetingLeft delivered');
    expect(presence.map((h) => h.headers['x-webhook-event'])).toEqual(['onMeetingJoined', 'onMeetingJoined', 'onMeetingLeft']);
    const seqs = presence.map((h) => Number(h.headers['x-webhook-sequence']));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
    const bodies = presence.map((h) => JSON.parse(h.body) as { participant: { participantId: string; name: string }; reason?: string });
    expect(new Set(bodies.slice(0, 2).map((b) => b.participant.participantId))).toEqual(new Set([call.callId, both.phonePid]));
    expect(bodies[2]!.participant).toMatchObject({ participantId: both.phonePid, name: 'Phone guest' });
    expect(bodies[2]!.reason).toBe('kicked');
    for (const h of receiver.hooks.filter((x) => x.headers['x-webhook-meeting'] === conferenceId)) {
      expect(() => new Webhook(SIGNING_SECRET).verify(h.body, h.headers as Record<string, string>)).not.toThrow();
    }
    // The DingTalk-created meetings were announced as scheduled too (lifecycle webhooks, same signature).
    await eventually(async () => {
      const events = receiver.hooks.filter((h) => h.headers['x-webhook-event'] === 'onMeetingScheduled').map((h) => h.headers['x-webhook-meeting']);
      expect(events).toEqual(expect.arrayContaining([conferenceId, scheduleConferenceId]));
    }, 'onMeetingScheduled delivered');

    await bob.close();
  }, 90_000);
});
