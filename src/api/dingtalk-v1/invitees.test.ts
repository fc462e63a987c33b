/**
 * Invitee outcomes (dingtalk-conference.md §5) with the REAL live runtime: the realtime ringer and the
 * simulated telephone network (test numbers of huawei-meeting.md §4.4, 100× faster), observed through the
 * SDK's queryConferenceMembers: calling → in the meeting, busy → join failed with its rejectDescription,
 * hang-up → left, kicked → 5, and the end of the conference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectParticipants } from '../../domain/live/disconnectParticipants.js';
import { conference, dingtalkHarness, type DingtalkHarness } from '../../../test/support/dingtalkApp.js';
import { eventually } from '../../../test/support/liveFakes.js';

const HOST = 'hostUnionIdForInviteesiEiE';
const ALICE = 'aliceUnionIdForInviteesiEiE';

describe('DingTalk invitees over the simulated network (real runtime)', () => {
  let h: DingtalkHarness;
  let token: string;
  let id: string;

  const members = async () => {
    const res = await h.sdk.conference.queryConferenceMembersWithOptions(id, new conference.QueryConferenceMembersRequest({ maxResults: 100 }), new conference.QueryConferenceMembersHeaders({ xAcsDingtalkAccessToken: token }), h.sdk.runtime());
    return res.body?.memberModels ?? [];
  };
  const statusOf = async (unionId: string) => (await members()).find((m) => m.unionId === unionId)?.attendStatus;
  const until = (unionId: string, status: number) => eventually(async () => ((await statusOf(unionId)) === status ? true : undefined), `${unionId} → ${status}`);

  beforeAll(async () => {
    h = await dingtalkHarness({ live: { simTimeScale: 0.01 }, env: { CONVENE_RING_TIMEOUT_S: '5' } });
    const { accountId } = await h.newAccount({ adminUnionId: HOST });
    await h.newUser(accountId, ALICE, { firstName: 'Alice', lastName: 'Liddell' });
    token = await h.token(await h.newApp(accountId));
    const created = await h.sdk.conference.createVideoConferenceWithOptions(
      new conference.CreateVideoConferenceRequest({ confTitle: 'Sim', userId: HOST, inviteCaller: false }),
      new conference.CreateVideoConferenceHeaders({ xAcsDingtalkAccessToken: token }),
      h.sdk.runtime(),
    );
    id = created.body?.conferenceId as string;
    const res = await h.sdk.conference.inviteUsersWithOptions(
      id,
      new conference.InviteUsersRequest({
        unionId: HOST,
        inviteeList: [{ unionId: ALICE, nick: 'Alice' }],
        phoneInviteeList: [
          { phoneNumber: '+447700900000', nick: 'Answers' },
          { phoneNumber: '7700900486', statusCode: '44', nick: 'Busy' },
          { phoneNumber: '+447700900501', nick: 'Hangs up' },
          { phoneNumber: '+447700900601' },
        ],
      }),
      new conference.InviteUsersHeaders({ xAcsDingtalkAccessToken: token }),
      h.sdk.runtime(),
    );
    expect(res.body?.success).toBe(true);
  });
  afterAll(async () => {
    await h.close();
  });

  it('an answering number reaches attendStatus 3 with a joinTime', async () => {
    await until('pstn_447700900000', 3);
    const m = (await members()).find((x) => x.unionId === 'pstn_447700900000');
    expect(m).toMatchObject({ pstnJoin: true, outerOrgMember: true, host: false, userNick: 'Answers', leaveTime: 0 });
    expect(m?.joinTime).toBeGreaterThan(0);
  });

  it('a busy number ends at 4 with rejectDescription 对方忙 (inject: the SDK model drops the extra field)', async () => {
    await until('pstn_447700900486', 4);
    const res = await h.dt('GET', `/v1.0/conference/videoConferences/${id}/members`, { token });
    expect(res.json().memberModels.find((m: { unionId: string }) => m.unionId === 'pstn_447700900486')).toMatchObject({ attendStatus: 4, rejectDescription: '对方忙', userNick: 'Busy' });
  });

  it('a number that hangs up after answering ends at 6 with leaveTime and duration', async () => {
    await until('pstn_447700900501', 6);
    const m = (await members()).find((x) => x.unionId === 'pstn_447700900501');
    expect(m?.leaveTime).toBeGreaterThanOrEqual(m?.joinTime ?? 0);
    expect(m?.duration).toBe((m?.leaveTime ?? 0) - (m?.joinTime ?? 0));
  });

  it('an app user with no connected client fails at once (4); a nick-less number shows masked', async () => {
    expect(await statusOf(ALICE)).toBe(4);
    expect((await members()).find((x) => x.unionId === 'pstn_447700900601')?.userNick).toBe('+44770****0601');
  });

  it('a member removed by the host shows 5 (kicked)', async () => {
    await until('pstn_447700900601', 3);
    const leg = (await h.store.participants.list((await h.store.conferences.getRunning(id))?.id as string)).find((p) => p.phone === '+447700900601');
    await disconnectParticipants(h.deps, { accountId: leg?.accountId as string, canControl: true, meetingId: null, name: 'Host' }, { meetingId: id, participantIds: [leg?.id as string] });
    await until('pstn_447700900601', 5);
  });

  it('closing the conference leaves connected phones at 6 and the info at status 1', async () => {
    await h.sdk.conference.closeVideoConferenceWithOptions(id, new conference.CloseVideoConferenceRequest({ unionId: HOST }), new conference.CloseVideoConferenceHeaders({ xAcsDingtalkAccessToken: token }), h.sdk.runtime());
    await until('pstn_447700900000', 6);
    const info = await h.sdk.conference.queryConferenceInfoWithOptions(id, new conference.QueryConferenceInfoHeaders({ xAcsDingtalkAccessToken: token }), h.sdk.runtime());
    expect(info.body?.confInfo).toMatchObject({ status: 1, activeNum: 0 });
    expect(info.body?.confInfo?.attendNum).toBe(3);
  });
});
