/**
 * DingTalk scheduled conferences P1-13 … P1-16 (dingtalk-conference.md §6.13–§6.16), inside the `/v1.0`
 * scope. A scheduled conference IS a v6 meeting (scheduleMeeting / updateMeeting / deleteMeeting acting as
 * the creator's user), so it shows in `GET /api/v6/meeting/{id}` and the organizer's ICS feed.
 * `scheduleConferenceId` is the meeting id (24 hex; CROSS-DIALECT.md, which wins over the spec's UUID), the
 * `roomCode` is the meeting's 11-digit code grouped 3-3-5, the url `<publicUrl>/j/<roomCode>`.
 *
 * Order of checks (§4.3): body / query fields (scheduleInput.ts) → meeting exists, not cancelled → users
 * resolve (unknownUserError) → creator → state (run in progress) → the action.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Account } from '../../domain/accounts/Account.js';
import type { User } from '../../domain/accounts/User.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import { deleteMeeting } from '../../domain/meetings/deleteMeeting.js';
import { dialInBlock } from '../../domain/meetings/joinLinks.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import { scheduleMeeting } from '../../domain/meetings/scheduleMeeting.js';
import { updateMeeting } from '../../domain/meetings/updateMeeting.js';
import type { Store } from '../../domain/ports.js';
import { principalOf, userByUnionId, v6Actor, type DingtalkPrincipal } from './auth.js';
import { fail, requirePathId } from './controlsInput.js';
import { externalLink } from './presenters.js';
import { groupRoomCode, parseCancelSchedule, parseCreateSchedule, parseScheduleQuery, parseUpdateSchedule } from './scheduleInput.js';

/** Settings key under which the checked `scheduleConfSettingModel` of a meeting is kept (echoed in Phase 2). */
export function scheduleSettingsKey(meetingId: string): string {
  return `dingtalk.scheduleConfSettings.${meetingId}`;
}

/** The meeting a `scheduleConferenceId` names in the account: unknown → not found, deleted → cancelled. */
async function scheduledMeeting(store: Store, p: DingtalkPrincipal, id: string): Promise<Meeting> {
  const m = /^[0-9a-f]{24}$/.test(id) ? await store.meetings.getAny(p.account.id, id) : undefined;
  if (!m || m.accountId !== p.account.id) fail('schedule conference not found');
  if (m.deletedAt !== null) fail('schedule conference is cancelled');
  return m;
}

/** Refuses a `creatorUnionId` that is not the meeting's organizer. */
function requireCreator(m: Meeting, creator: User): void {
  if (m.addedByUserId !== creator.id) fail('creatorUnionId is not the creator of this schedule conference');
}

/** Dial-in numbers of a meeting (`phones`), `[]` when it has none. */
function phonesOf(deps: LiveDeps, account: Account, m: Meeting): string[] {
  return dialInBlock(deps.settings, account, m)?.numbers.map((n) => n.number) ?? [];
}

function requestId(req: FastifyRequest): string {
  return req.id;
}

/** Registers createScheduleConference, updateScheduleConference, cancelScheduleConference and queryScheduleConference. */
export function registerScheduleRoutes(f: FastifyInstance, deps: LiveDeps): void {
  const { store } = deps;
  const tags = ['dingtalk'];
  // Scopes (§3.4) are enforced by the scope's hook once it reads them; both are the token check today.
  const write = { auth: 'dingtalkToken' } as const;
  const read = { auth: 'dingtalkToken' } as const;

  // §6.13: schedules a v6 meeting as the creator; host / co-host unionIds must resolve.
  f.post('/conference/scheduleConferences', { config: write, schema: { operationId: 'dingtalk.createScheduleConference', summary: 'Schedule a conference (P1-13)', tags } }, async (req) => {
    const body = parseCreateSchedule(req.body, deps.clock.now());
    const p = principalOf(req);
    const creator = await userByUnionId(store, p, body.creatorUnionId);
    if (body.settings.hostUnionId !== undefined) await userByUnionId(store, p, body.settings.hostUnionId);
    for (const u of body.settings.cohostUnionIds) await userByUnionId(store, p, u);
    const { meeting, account } = await scheduleMeeting(
      deps,
      v6Actor(p, creator),
      { topic: body.title, startTime: body.startTime, endTime: body.endTime },
      {
        origin: 'dingtalk',
        inTx: async (tx, { meeting }) => {
          if (Object.keys(body.settings.raw).length > 0) await tx.settings.set(scheduleSettingsKey(meeting.id), JSON.stringify(body.settings.raw));
        },
      },
    );
    return {
      phones: phonesOf(deps, account, meeting),
      requestId: requestId(req),
      roomCode: groupRoomCode(meeting.roomCode),
      scheduleConferenceId: meeting.id,
      url: externalLink(deps.settings.publicUrl, meeting),
    };
  });

  // §6.14: replaces title and times; creator only.
  f.put('/conference/scheduleConferences', { config: write, schema: { operationId: 'dingtalk.updateScheduleConference', summary: 'Change title and times of a scheduled conference (P1-14)', tags } }, async (req) => {
    const body = parseUpdateSchedule(req.body, deps.clock.now());
    const p = principalOf(req);
    const m = await scheduledMeeting(store, p, body.scheduleConferenceId);
    const creator = await userByUnionId(store, p, body.creatorUnionId);
    requireCreator(m, creator);
    await updateMeeting(deps, v6Actor(p, creator), { id: m.id, changes: { topic: body.title, startTime: body.startTime, endTime: body.endTime }, notify: true });
    return { success: true };
  });

  // §6.15: deletes the meeting (v6 cancellation mails to its invitees); refused while a run is in progress.
  f.post('/conference/scheduleConferences/cancel', { config: write, schema: { operationId: 'dingtalk.cancelScheduleConference', summary: 'Cancel a scheduled conference (P1-15)', tags } }, async (req) => {
    const body = parseCancelSchedule(req.body);
    const p = principalOf(req);
    const m = await scheduledMeeting(store, p, body.scheduleConferenceId);
    const creator = await userByUnionId(store, p, body.creatorUnionId);
    requireCreator(m, creator);
    if (await store.conferences.getRunning(m.id)) fail('schedule conference is in progress');
    await deleteMeeting(deps, v6Actor(p, creator), { id: m.id, notify: true });
    return { success: true };
  });

  // §6.16: any user of the account may read.
  f.get('/conference/scheduleConferences/:scheduleConferenceId/infos', { config: read, schema: { operationId: 'dingtalk.queryScheduleConference', summary: 'One scheduled conference (P1-16)', tags } }, async (req) => {
    const id = requirePathId(req.params, 'scheduleConferenceId');
    const requestUnionId = parseScheduleQuery(req.query);
    const p = principalOf(req);
    const m = await scheduledMeeting(store, p, id);
    await userByUnionId(store, p, requestUnionId);
    return {
      endTime: m.endTime,
      phones: phonesOf(deps, p.account, m),
      requestId: requestId(req),
      roomCode: groupRoomCode(m.roomCode),
      scheduleConferenceId: m.id,
      startTime: m.startTime,
      title: m.topic,
      url: externalLink(deps.settings.publicUrl, m),
    };
  });
}
