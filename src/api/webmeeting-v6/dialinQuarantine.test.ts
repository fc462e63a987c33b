/**
 * Switching dial-in off through E21/E22 (webmeeting-v6 §8.4 step 7): the dial-in data is cleared everywhere it is
 * shown (Meeting, E38, E39, the update mail), and the old conference room is not handed to another meeting for
 * 30 days. A FixedClock, and ids whose 8-digit draws (only dial-in rooms draw 8 digits) the test scripts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { createIds, FixedClock } from '../../infra/ids.js';
import type { Ids } from '../../domain/ports.js';

const T0 = '2024-03-20T12:00:00.000Z';
const DAY = 86_400_000;
const N = '12345670';
const M = '76543210';
const clock = new FixedClock(T0);
const real = createIds(clock);
const rooms: string[] = [];
const ids: Ids = {
  ...real,
  digits(n, firstNonZero) {
    if (n !== 8) return real.digits(n, firstNonZero);
    const room = rooms.shift();
    if (room === undefined) throw new Error('the test scripted no more dial-in rooms');
    return room;
  },
};
const CLEARED = { isDialin: false, dialInConferenceRoom: null, dialInNumbers: [], dialInPin: null, sipProxy: null, sipDomain: null };

let h: Harness;
let admin: Record<string, string>;

beforeAll(async () => {
  h = await harness({
    clock,
    ids,
    env: {
      CONVENE_SIP_PROXY: 'sip.meet.example.com',
      CONVENE_SIP_DOMAIN: 'meet.example.com',
      CONVENE_STANDARD_DIALIN_NUMBERS: JSON.stringify([{ country: 'CH', number: '+41445550100', displayNumber: '+41 44 555 01 00' }]),
    },
  });
  const acc = await h.newAccount();
  admin = { 'x-user-id': acc.adminId };
});
afterAll(() => h.close());

/** E20 with dial-in; the room draws are `draws`, the first free one wins. */
async function scheduleDialIn(draws: string[], body: Record<string, unknown> = {}) {
  rooms.splice(0, rooms.length, ...draws);
  const res = await h.call('POST', '/api/v6/meeting', { topic: 'Dial-in sync', startTime: '2024-04-01T07:00:00Z', duration: 60, isDialin: true, ...body }, admin);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

describe('E21/E22 isDialin true→false', () => {
  it('E21 clears the dial-in data in the Meeting, E38, E39 and the update mail, and keeps the room for 30 days', async () => {
    const guest = `dialin-guest-${Date.now()}@example.com`;
    const m = await scheduleDialIn([N], { invitedParticipants: [{ email: guest, name: 'Guest' }] });
    expect(m).toMatchObject({ dialInConferenceRoom: N, sipDomain: 'meet.example.com' });
    expect((await h.call('GET', `/api/v6/meeting/${m.id}/dialin`)).json().data).toMatchObject({ conferenceRoom: N, sipUri: `sip:${N}@meet.example.com` });

    const res = await h.call('PUT', `/api/v6/meeting/${m.id}/true`, { isDialin: false }, admin);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ responseCode: 0, data: { id: m.id, ...CLEARED, icalSequence: '1' } });
    expect((await h.call('GET', `/api/v6/meeting/${m.id}`)).json().data).toMatchObject(CLEARED);
    expect((await h.call('GET', `/api/v6/meeting/${m.id}/dialin`)).json()).toEqual({
      responseCode: 0,
      data: { numbers: [], conferenceRoom: null, pin: null, sipUri: null, sipProxy: null },
    });
    expect((await h.call('GET', `/api/v6/meeting/${m.id}/links`)).json().data).toMatchObject({ sipUri: null, dialIn: null });
    const mails = (await h.store.mail.list({ to: guest, offset: 0, limit: 10 })).items;
    const update = mails.find((x) => x.icsAttachment?.includes('SEQUENCE:1'));
    expect(update, JSON.stringify(mails.map((x) => x.subject))).toBeDefined();
    expect(`${update!.body}\n${update!.icsAttachment}`).not.toContain(N);
    // The invitation did carry it, so the update really withdrew it.
    expect(mails.find((x) => x.icsAttachment?.includes('SEQUENCE:0'))?.body).toContain(`Conference room: ${N}`);

    // Another meeting scheduled now, or just before the 30 days are over, does not get the room.
    expect((await scheduleDialIn([N, M])).dialInConferenceRoom).toBe(M);
    clock.set(Date.parse(T0) + 30 * DAY - 1);
    expect((await scheduleDialIn([N, '55555555'])).dialInConferenceRoom).toBe('55555555');
    clock.set(Date.parse(T0) + 30 * DAY);
    expect((await scheduleDialIn([N])).dialInConferenceRoom).toBe(N);
  });

  it('E22 (notify = false) clears the dial-in data and quarantines the room the same way', async () => {
    clock.set(Date.parse(T0) + 100 * DAY);
    const room = '87654321';
    const m = await scheduleDialIn([room], { startTime: '2024-08-01T07:00:00Z' });
    const res = await h.call('PUT', `/api/v6/meeting/${m.id}`, { isDialin: false }, admin);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject(CLEARED);
    expect((await h.store.meetings.get(m.accountId, m.id))).toMatchObject({ isDialin: false, dialInConferenceRoom: null, dialInPin: null });
    expect((await scheduleDialIn([room, '99999999'], { startTime: '2024-08-01T07:00:00Z' })).dialInConferenceRoom).toBe('99999999');
  });
});
