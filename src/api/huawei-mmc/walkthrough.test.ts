/**
 * The curl walk-through of docs/huawei.md, request for request, through the real app: sign in (H1) →
 * create an instant meeting (H3) → control token (H8) → invite (H9) → real-time info (H11) → hang up (H10).
 * The phone network is the recording dialer (test/support/liveFakes.ts); "the phone answers" is reported the
 * way every network reports it, through recordCallProgress.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { basic, huaweiHarness, PASSWORD, type HuaweiHarness } from '../../../test/support/huaweiApp.js';
import { connect } from '../../../test/support/liveFakes.js';

let h: HuaweiHarness;
beforeEach(async () => {
  h = await huaweiHarness();
  await h.newAccount({ email: 'anna@example.com' });
});
afterEach(() => h.close());

it('signs in, creates, gets a control token, invites, reads real-time info and hangs up, as docs/huawei.md shows', async () => {
  // 1. Sign in (H1): exactly the SDKs' request.
  const signIn = await h.app.inject({
    method: 'POST',
    url: '/v1/usg/acs/auth/account',
    headers: { authorization: basic('anna@example.com', PASSWORD), 'content-type': 'application/json; charset=UTF-8' },
    payload: '{"account":"anna@example.com","clientType":72}',
  });
  expect(signIn.statusCode, signIn.body).toBe(200);
  const token = signIn.json().accessToken as string;

  // 2. Create an instant meeting (H3): a JSON array; the chair password is in passwordEntry.
  const create = await h.hw('POST', '/v1/mmc/management/conferences', { token, body: '{"subject":"Weekly sync","mediaTypes":"Voice","length":60}' });
  expect(create.statusCode, create.body).toBe(200);
  const conf = create.json()[0];
  expect(conf.conferenceState).toBe('Created');
  const chairPwd = conf.passwordEntry.find((p: { conferenceRole: string }) => p.conferenceRole === 'chair').password as string;
  const id = conf.conferenceID as string;

  // 3. Control token (H8).
  const tok = await h.app.inject({ method: 'GET', url: `/v1/mmc/control/conferences/token?conferenceID=${id}`, headers: { 'x-password': chairPwd, 'x-login-type': '1' } });
  expect(tok.statusCode, tok.body).toBe(200);
  const ct = tok.json().data.token as string;
  expect(tok.json().data.role).toBe(1);

  // 4. Invite a phone that answers and the seed's masked number (H9).
  const invite = await h.hw('POST', `/v1/mmc/control/conferences/participants?conferenceID=${id}`, {
    headers: { 'x-conference-authorization': ct },
    body: '{"attendees":[{"name":"Desk","phone":"+447700900000","type":"mobile"},{"name":"Shanghai Venue","role":1,"phone":"+8657*******","type":"normal"}]}',
  });
  expect({ status: invite.statusCode, body: invite.json() }).toEqual({ status: 200, body: {} });
  const desk = h.dialer.dials.find((d) => d.target === '+447700900000')!;
  await connect(h.deps, desk.participantId);

  // 5. Real-time info (H11): the desk phone is in the meeting (state 0).
  const info = await h.hw('GET', `/v1/mmc/control/conferences/realTimeInfo?conferenceID=${id}`, { headers: { 'x-conference-authorization': ct } });
  expect(info.statusCode, info.body).toBe(200);
  const leg = info.json().participants.find((p: { phone: string }) => p.phone === '+447700900000');
  expect(leg).toMatchObject({ pid: desk.participantId, name: 'Desk', state: 0 });

  // 6. Hang up (H10): the leg is gone from participants, still an attendee.
  const hang = await h.hw('POST', `/v1/mmc/control/conferences/participants/delete?conferenceID=${id}`, {
    headers: { 'x-conference-authorization': ct },
    body: JSON.stringify({ bulkHangUpParticipants: [desk.participantId] }),
  });
  expect({ status: hang.statusCode, body: hang.json() }).toEqual({ status: 200, body: {} });
  const after = (await h.hw('GET', `/v1/mmc/control/conferences/realTimeInfo?conferenceID=${id}`, { headers: { 'x-conference-authorization': ct } })).json();
  expect(after.participants.map((p: { pid: string }) => p.pid)).not.toContain(desk.participantId);
  expect(after.attendees.map((a: { phone: string }) => a.phone)).toContain('+447700900000');
  expect(h.dialer.hangups).toContainEqual({ participantId: desk.participantId, reason: 'PARTICIPANT_REMOVED' });
});
