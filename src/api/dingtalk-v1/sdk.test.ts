/**
 * Contract tests through the unmodified `@alicloud/dingtalk` SDK (dingtalk-conference.md §2): every P1-1…P1-6
 * method parses its success into the SDK's models, and errors surface with the §2.4 code/statusCode/message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conference, dingtalkHarness, oauth2, type DingtalkHarness } from '../../../test/support/dingtalkApp.js';

const HOST = '27SaQ3iiHLN0uwqcPisedfreNwiEiE';
const ALICE = 'qzR1iSMDvzR9iP7P0ZKZobSaliceE';

/** What the SDK threw, reduced to the §2.4 properties. */
async function thrown(p: Promise<unknown>): Promise<{ code: unknown; statusCode: unknown; message: string; data: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: unknown; statusCode: unknown; message: string; data: Record<string, unknown> };
    expect(e).toBeInstanceOf(Error);
    return { code: err.code, statusCode: err.statusCode, message: err.message, data: err.data };
  }
  throw new Error('expected the SDK to throw');
}

/** The §2.4 message the SDK builds. */
function sdkMessage(code: string, status: number, message: string, requestid: unknown): string {
  return `${code}: code: ${status}, ${message} request id: ${String(requestid)}`;
}

describe('DingTalk v1.0 through the real SDK', () => {
  let h: DingtalkHarness;
  let token: string;
  let app: { appKey: string; appSecret: string };

  const hdr = <T>(C: new (m: { xAcsDingtalkAccessToken: string }) => T, t = token): T => new C({ xAcsDingtalkAccessToken: t });
  const create = (req: ConstructorParameters<typeof conference.CreateVideoConferenceRequest>[0], t = token) =>
    h.sdk.conference.createVideoConferenceWithOptions(new conference.CreateVideoConferenceRequest(req), hdr(conference.CreateVideoConferenceHeaders, t), h.sdk.runtime());

  beforeAll(async () => {
    h = await dingtalkHarness();
    const { accountId } = await h.newAccount({ adminUnionId: HOST });
    await h.newUser(accountId, ALICE, { firstName: 'Alice', lastName: 'Liddell' });
    app = await h.newApp(accountId);
    token = await h.token(app);
  });
  afterAll(async () => {
    await h.close();
  });

  describe('P1-1 getAccessToken', () => {
    it('returns a 32-hex token valid 7200 s, parsed into GetAccessTokenResponseBody', async () => {
      const res = await h.sdk.oauth2.getAccessToken(new oauth2.GetAccessTokenRequest(app));
      expect(res.statusCode).toBe(200);
      expect(res.body).toBeInstanceOf(oauth2.GetAccessTokenResponseBody);
      expect(res.body?.accessToken).toMatch(/^[0-9a-f]{32}$/);
      expect(res.body?.expireIn).toBe(7200);
      expect(res.headers?.['x-acs-request-id']).toBeTruthy();
    });

    it('a wrong secret is 400 invalidClientIdOrSecret', async () => {
      const e = await thrown(h.sdk.oauth2.getAccessToken(new oauth2.GetAccessTokenRequest({ appKey: app.appKey, appSecret: 'wrong' })));
      expect(e.code).toBe('invalidClientIdOrSecret');
      expect(e.statusCode).toBe(400);
      expect(e.message).toBe(sdkMessage('invalidClientIdOrSecret', 400, '无效的clientId或者clientSecret', e.data.requestid));
    });

    it('an empty request model is 400 paramsError "error:appKey is empty"', async () => {
      const e = await thrown(h.sdk.oauth2.getAccessToken(new oauth2.GetAccessTokenRequest({})));
      expect([e.code, e.statusCode, e.data.message]).toEqual(['paramsError', 400, 'error:appKey is empty']);
    });
  });

  describe('P1-2 createVideoConference', () => {
    it('creates and starts a conference; every field parses into the SDK model', async () => {
      const res = await create({ confTitle: 'Weekly sync', userId: HOST, inviteUserIds: [ALICE], inviteCaller: true });
      expect(res.statusCode).toBe(200);
      const b = res.body;
      expect(b).toBeInstanceOf(conference.CreateVideoConferenceResponseBody);
      expect(b?.conferenceId).toMatch(/^[0-9a-f]{24}$/);
      expect(b?.roomCode).toMatch(/^\d{11}$/);
      expect(b?.externalLinkUrl).toBe(`https://meet.example.com/j/${b?.roomCode}`);
      expect(b?.conferencePassword).toMatch(/^\d{6}$/);
      expect(b?.hostPassword).toMatch(/^\d{6}$/);
      expect(b?.phoneNumbers).toEqual([]);
      // The organizer and Alice are rung (recording fake ringer: nobody is online, so both legs fail at once).
      const meeting = await h.store.meetings.get('*', b?.conferenceId as string);
      expect(meeting?.topic).toBe('Weekly sync');
      expect(await h.store.conferences.getRunning(b?.conferenceId as string)).toBeDefined();
    });

    it('an unknown organizer is 400 unknownUserError', async () => {
      const e = await thrown(create({ confTitle: 'x', userId: 'nobody' }));
      expect([e.code, e.statusCode]).toEqual(['unknownUserError', 400]);
      expect(e.message).toBe(sdkMessage('unknownUserError', 400, 'unknownUserError', e.data.requestid));
    });

    it('an empty model is 400 paramsError "error:confTitle is empty"', async () => {
      const e = await thrown(create({}));
      expect([e.code, e.statusCode, e.data.message]).toEqual(['paramsError', 400, 'error:confTitle is empty']);
    });

    it('a bad token is 400 InvalidAuthentication', async () => {
      const e = await thrown(create({ confTitle: 'x', userId: HOST }, 'not-a-token'));
      expect([e.code, e.statusCode, e.data.message]).toEqual(['InvalidAuthentication', 400, '不合法的access_token']);
    });
  });

  describe('P1-3 … P1-6 on a running conference', () => {
    let id: string;
    beforeAll(async () => {
      id = (await create({ confTitle: 'Ops', userId: HOST, inviteCaller: false })).body?.conferenceId as string;
    });

    it('P1-6 inviteUsers answers {success:true} and rings / dials', async () => {
      const res = await h.sdk.conference.inviteUsersWithOptions(
        id,
        new conference.InviteUsersRequest({
          unionId: HOST,
          inviteeList: [new conference.InviteUsersRequestInviteeList({ unionId: ALICE, nick: 'Test user' })],
          phoneInviteeList: [new conference.InviteUsersRequestPhoneInviteeList({ phoneNumber: '13800000000', nick: 'Test phone user' })],
        }),
        hdr(conference.InviteUsersHeaders),
        h.sdk.runtime(),
      );
      expect(res.statusCode).toBe(200);
      expect(res.body).toBeInstanceOf(conference.InviteUsersResponseBody);
      expect(res.body?.success).toBe(true);
      expect(h.dialer?.dials.map((d) => d.target)).toContain('+8613800000000');
    });

    it('P1-6 an unknown invitee is 400 unknownUserError and nothing is dialled', async () => {
      const before = h.dialer?.dials.length;
      const e = await thrown(
        h.sdk.conference.inviteUsersWithOptions(
          id,
          new conference.InviteUsersRequest({ inviteeList: [{ unionId: 'noSuchUnionId', nick: 'Ghost' }], phoneInviteeList: [{ phoneNumber: '+447700900000' }] }),
          hdr(conference.InviteUsersHeaders),
          h.sdk.runtime(),
        ),
      );
      expect([e.code, e.statusCode, e.data.message]).toEqual(['unknownUserError', 400, 'unknownUserError']);
      expect(h.dialer?.dials.length).toBe(before);
    });

    it('P1-6 an empty conferenceId is 400 paramsError "error:conferenceId is empty" (seed)', async () => {
      const e = await thrown(h.sdk.conference.inviteUsersWithOptions('', new conference.InviteUsersRequest({}), hdr(conference.InviteUsersHeaders), h.sdk.runtime()));
      expect(e.code).toBe('paramsError');
      expect(e.statusCode).toBe(400);
      expect(e.message).toBe(sdkMessage('paramsError', 400, 'error:conferenceId is empty', e.data.requestid));
      expect(e.data).toEqual({ code: 'paramsError', requestid: e.data.requestid, message: 'error:conferenceId is empty', statusCode: 400 });
    });

    it('P1-4 queryConferenceInfo parses confInfo', async () => {
      const res = await h.sdk.conference.queryConferenceInfoWithOptions(id, hdr(conference.QueryConferenceInfoHeaders), h.sdk.runtime());
      const c = res.body?.confInfo;
      expect(c).toBeInstanceOf(conference.QueryConferenceInfoResponseBodyConfInfo);
      expect(c).toMatchObject({ conferenceId: id, status: 2, title: 'Ops', creatorId: HOST, creatorNick: 'Host Han', activeNum: 0, attendNum: 0, invitedNum: 2, cloudRecordStatus: 0, minutesStatus: 0 });
      expect(c?.endTime).toBeUndefined();
    });

    it('P1-5 queryConferenceMembers pages with maxResults / nextToken', async () => {
      const page1 = await h.sdk.conference.queryConferenceMembersWithOptions(id, new conference.QueryConferenceMembersRequest({ maxResults: 2, nextToken: '0' }), hdr(conference.QueryConferenceMembersHeaders), h.sdk.runtime());
      expect(page1.body?.totalCount).toBe(3);
      expect(page1.body?.nextToken).toBe('2');
      expect(page1.body?.memberModels?.[0]).toBeInstanceOf(conference.QueryConferenceMembersResponseBodyMemberModels);
      const page2 = await h.sdk.conference.queryConferenceMembersWithOptions(id, new conference.QueryConferenceMembersRequest({ maxResults: 2, nextToken: '2' }), hdr(conference.QueryConferenceMembersHeaders), h.sdk.runtime());
      expect(page2.body?.nextToken).toBeUndefined();
      expect(page2.body?.memberModels).toHaveLength(1);
      // Alice and the phone leg were invited in the same request (same millisecond or not): compare as a set.
      const all = [...(page1.body?.memberModels ?? []), ...(page2.body?.memberModels ?? [])].map((m) => [m.unionId, m.attendStatus, m.host, m.pstnJoin, m.outerOrgMember, m.userNick]);
      expect(all[0]).toEqual([HOST, 1, true, false, false, 'Host Han']);
      expect(all.slice(1).sort()).toEqual([
        ['pstn_8613800000000', 2, false, true, true, 'Test phone user'],
        [ALICE, 4, false, false, false, 'Test user'],
      ]);
    });

    it('P1-5 maxResults out of range is paramsError', async () => {
      const e = await thrown(h.sdk.conference.queryConferenceMembersWithOptions(id, new conference.QueryConferenceMembersRequest({ maxResults: 101 }), hdr(conference.QueryConferenceMembersHeaders), h.sdk.runtime()));
      expect([e.code, e.statusCode, e.data.message]).toEqual(['paramsError', 400, 'error:maxResults should be between 1 and 100']);
    });

    it('P1-3 closeVideoConference: not the host → paramsError; the host → {code:0}; again → closed', async () => {
      const close = (unionId: string) =>
        h.sdk.conference.closeVideoConferenceWithOptions(id, new conference.CloseVideoConferenceRequest({ unionId }), hdr(conference.CloseVideoConferenceHeaders), h.sdk.runtime());
      const notHost = await thrown(close(ALICE));
      expect([notHost.code, notHost.statusCode, notHost.data.message]).toEqual(['paramsError', 400, 'error:unionId is not the host of this conference']);
      const res = await close(HOST);
      expect(res.body).toBeInstanceOf(conference.CloseVideoConferenceResponseBody);
      expect(res.body?.code).toBe(0);
      const again = await thrown(close(HOST));
      expect([again.code, again.data.message]).toEqual(['paramsError', 'error:conference is closed']);
      const info = await h.sdk.conference.queryConferenceInfoWithOptions(id, hdr(conference.QueryConferenceInfoHeaders), h.sdk.runtime());
      expect(info.body?.confInfo?.status).toBe(1);
      expect(info.body?.confInfo?.endTime).toBeTypeOf('number');
      expect(info.body?.confInfo?.confDuration).toBeTypeOf('number');
    });

    it('P1-6 on a closed conference is "error:conference is closed"; P1-4 on an unknown id is "error:conference not found"', async () => {
      const e = await thrown(h.sdk.conference.inviteUsersWithOptions(id, new conference.InviteUsersRequest({ inviteeList: [{ unionId: ALICE, nick: 'A' }] }), hdr(conference.InviteUsersHeaders), h.sdk.runtime()));
      expect([e.code, e.statusCode, e.data.message]).toEqual(['paramsError', 400, 'error:conference is closed']);
      const nf = await thrown(h.sdk.conference.queryConferenceInfoWithOptions('undefined', hdr(conference.QueryConferenceInfoHeaders), h.sdk.runtime()));
      expect([nf.code, nf.statusCode, nf.data.message]).toEqual(['paramsError', 400, 'error:conference not found']);
    });

    it('an unserved route surfaces as 404 NotFound', async () => {
      const e = await thrown(h.sdk.conference.queryConferenceInfoBatchWithOptions(new conference.QueryConferenceInfoBatchRequest({ conferenceIdList: [id] }), hdr(conference.QueryConferenceInfoBatchHeaders), h.sdk.runtime()));
      expect([e.code, e.statusCode, e.data.message]).toEqual(['NotFound', 404, 'api not found: POST /v1.0/conference/videoConferences/query']);
    });
  });
});
