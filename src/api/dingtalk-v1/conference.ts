/**
 * The video-conference routes P1-2…P1-6 (dingtalk-conference.md §6.2–§6.6). A DingTalk `conferenceId` is
 * the meeting's 24-hex id (CROSS-DIALECT.md); the conference shown is the meeting's running or latest run.
 * Meetings are the v6 domain's (scheduleMeeting) and conferences the live engine's, so every dialect sees
 * the same ones. Check order per §4.3: path → body/query → conference exists → running → users → host.
 */
import type { FastifyInstance } from 'fastify';
import type { User } from '../../domain/accounts/User.js';
import { endConference } from '../../domain/live/endConference.js';
import { inviteParticipants, type Invitee } from '../../domain/live/inviteParticipants.js';
import { noEffects, runEffects } from '../../domain/live/liveEffects.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import { ensureRunning } from '../../domain/live/startConference.js';
import type { Conference, RosterEntry } from '../../domain/live/types.js';
import { accountDialInNumbers } from '../../domain/meetings/joinLinks.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import { scheduleMeeting } from '../../domain/meetings/scheduleMeeting.js';
import { dingtalkLiveActor, nickOf, principalOf, userByUnionId, v6Actor, type DingtalkPrincipal } from './auth.js';
import { paramsError } from './errors.js';
import { conferenceIdParam, parseCloseQuery, parseCreateBody, parseInviteBody, parseMembersQuery } from './input.js';
import { confInfo, externalLink, memberModels } from './presenters.js';

const tags = ['dingtalk'];
/** Length given to an instant conference's meeting (it runs until closed; the v6 meeting needs one). */
const INSTANT_DURATION_MIN = 60;

/** The meeting behind a conferenceId in the principal's account, or `error:conference not found`. */
async function meetingOf(deps: LiveDeps, p: DingtalkPrincipal, conferenceId: string): Promise<Meeting> {
  const m = /^[0-9a-f]{24}$/.test(conferenceId) ? await deps.store.meetings.get(p.account.id, conferenceId) : undefined;
  if (!m || m.accountId !== p.account.id) throw paramsError('conference not found');
  return m;
}

/** The running conference, or `error:conference is closed`. */
async function runningOf(deps: LiveDeps, meeting: Meeting): Promise<Conference> {
  const c = await deps.store.conferences.getRunning(meeting.id);
  if (!c) throw paramsError('conference is closed');
  return c;
}

/** `+86138****0000`: the roster name of a phone invitee without a nick (§5.2). */
export function maskedNumber(e164: string): string {
  return e164.length > 10 ? `${e164.slice(0, 6)}****${e164.slice(-4)}` : e164;
}

/** Registers P1-2…P1-6 on the `/v1.0` scope. */
export function registerConferenceRoutes(f: FastifyInstance, deps: LiveDeps): void {
  const write = { auth: 'dingtalkToken' } as const;
  const read = { auth: 'dingtalkToken' } as const;

  // P1-2 createVideoConference
  f.post('/conference/videoConferences', { config: write, schema: { operationId: 'dingtalk.createVideoConference', summary: 'Start an instant video conference (P1-2)', tags } }, async (req) => {
    const p = principalOf(req);
    const body = parseCreateBody(req.body);
    const organizer = await userByUnionId(deps.store, p, body.userId);
    const others: User[] = [];
    for (const id of body.inviteUserIds) {
      const u = await userByUnionId(deps.store, p, id);
      if (u.id !== organizer.id && !others.some((o) => o.id === u.id)) others.push(u);
    }
    const now = deps.clock.now();
    const fx = noEffects();
    const { meeting, account } = await scheduleMeeting(
      deps,
      v6Actor(p, organizer),
      { topic: body.confTitle, startTime: now, durationMin: INSTANT_DURATION_MIN, isRecorded: false, invitedParticipants: [] },
      {
        origin: 'dingtalk',
        inTx: async (tx, { meeting, account }) => {
          await tx.meetingSecrets.getOrInit({ meetingId: meeting.id, chairPassword: deps.ids.digits(6), guestPassword: deps.ids.digits(6) });
          await ensureRunning(tx, deps, { meeting, account }, organizer.id, fx);
          if (!body.inviteCaller) {
            // Not rung: the organizer is still a member (attendStatus 1) and joins by link (§6.2).
            const entry: RosterEntry = {
              id: deps.ids.objectId(),
              meetingId: meeting.id,
              accountId: meeting.accountId,
              position: 0,
              name: nickOf(organizer),
              userId: organizer.id,
              phone: null,
              email: organizer.email,
              sms: null,
              type: 'normal',
              hostRole: true,
              joinMuted: false,
              deptUuid: null,
              deptName: null,
              createdAt: now,
            };
            await tx.roster.insert(entry);
          }
        },
      },
    );
    runEffects(deps, fx);
    const ring = [...(body.inviteCaller ? [organizer] : []), ...others];
    if (ring.length > 0) {
      const invitees: Invitee[] = ring.map((u, i) => ({
        name: nickOf(u),
        userId: u.id,
        target: null,
        preferPhone: false,
        hostRole: u.id === organizer.id,
        joinMuted: false,
        label: `inviteUserIds[${i}]`,
      }));
      try {
        await inviteParticipants(deps, dingtalkLiveActor(p, organizer), { meetingId: meeting.id, invitees, startIfNeeded: true });
      } catch (err) {
        // The conference exists and runs; a refused ring (a full conference) is logged, not undone.
        req.log.warn({ err, meetingId: meeting.id }, 'dingtalk: ringing at create refused');
      }
    }
    const secrets = await deps.store.meetingSecrets.get(meeting.id);
    return {
      conferenceId: meeting.id,
      ...(secrets ? { conferencePassword: secrets.guestPassword, hostPassword: secrets.chairPassword } : {}),
      externalLinkUrl: externalLink(deps.settings.publicUrl, meeting),
      phoneNumbers: accountDialInNumbers(deps.settings, account).map((n) => n.number),
      roomCode: meeting.roomCode,
    };
  });

  // P1-3 closeVideoConference
  f.delete('/conference/videoConferences/:conferenceId', { config: write, schema: { operationId: 'dingtalk.closeVideoConference', summary: 'End a running conference (P1-3)', tags } }, async (req) => {
    const p = principalOf(req);
    const id = conferenceIdParam(req.params);
    const q = parseCloseQuery(req.query);
    const meeting = await meetingOf(deps, p, id);
    await runningOf(deps, meeting);
    const user = await userByUnionId(deps.store, p, q.unionId);
    // FOUND: only the host may close; a co-host is not enough. The host is the meeting's organizer.
    if (user.id !== meeting.addedByUserId) throw paramsError('unionId is not the host of this conference');
    await endConference(deps, dingtalkLiveActor(p, user), { meetingId: meeting.id });
    return { code: 0 };
  });

  // P1-4 queryConferenceInfo
  f.get('/conference/videoConferences/:conferenceId', { config: read, schema: { operationId: 'dingtalk.queryConferenceInfo', summary: 'One conference (P1-4)', tags } }, async (req) => {
    const p = principalOf(req);
    const id = conferenceIdParam(req.params);
    const meeting = await meetingOf(deps, p, id);
    const conference = await deps.store.conferences.getLatest(meeting.id);
    const legs = conference ? await deps.store.participants.list(conference.id) : [];
    const creator = await deps.store.users.get(meeting.accountId, meeting.addedByUserId);
    return { confInfo: confInfo({ meeting, conference, legs, creator, publicUrl: deps.settings.publicUrl }) };
  });

  // P1-5 queryConferenceMembers
  f.get('/conference/videoConferences/:conferenceId/members', { config: read, schema: { operationId: 'dingtalk.queryConferenceMembers', summary: 'Paged members (P1-5)', tags } }, async (req) => {
    const p = principalOf(req);
    const id = conferenceIdParam(req.params);
    const q = parseMembersQuery(req.query);
    const meeting = await meetingOf(deps, p, id);
    const conference = await deps.store.conferences.getLatest(meeting.id);
    const legs = conference ? await deps.store.participants.list(conference.id) : [];
    const roster = await deps.store.roster.list(meeting.id);
    const users = new Map<string, User>();
    for (const uid of new Set([...legs.map((l) => l.userId), ...roster.map((r) => r.userId)])) {
      if (!uid) continue;
      const u = await deps.store.users.get(meeting.accountId, uid);
      if (u) users.set(uid, u);
    }
    const all = memberModels(meeting, legs, roster, users);
    const page = all.slice(q.offset, q.offset + q.maxResults);
    const next = q.offset + q.maxResults;
    return { memberModels: page, ...(next < all.length ? { nextToken: String(next) } : {}), totalCount: all.length };
  });

  // P1-6 inviteUsers (seed)
  f.post('/conference/videoConferences/:conferenceId/users/invite', { config: write, schema: { operationId: 'dingtalk.inviteUsers', summary: 'Invite users and phone numbers (P1-6)', tags } }, async (req) => {
    const p = principalOf(req);
    const id = conferenceIdParam(req.params);
    const body = parseInviteBody(req.body);
    const meeting = await meetingOf(deps, p, id);
    await runningOf(deps, meeting);
    const operator = body.unionId === undefined ? null : await userByUnionId(deps.store, p, body.unionId);
    const invitees: Invitee[] = [];
    const seen = new Set<string>();
    for (const inv of body.invitees) {
      const u = await userByUnionId(deps.store, p, inv.unionId);
      // Two unionIds never name one user, but stay safe: the first entry wins.
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      invitees.push({ name: inv.nick, userId: u.id, target: null, preferPhone: false, hostRole: false, joinMuted: false, label: inv.label });
    }
    for (const ph of body.phones) {
      invitees.push({
        name: ph.nick ?? maskedNumber(ph.e164),
        userId: null,
        target: { class: 'phone', number: ph.e164 },
        preferPhone: true,
        hostRole: false,
        joinMuted: false,
        type: 'telephone',
        label: ph.label,
      });
    }
    await inviteParticipants(deps, dingtalkLiveActor(p, operator), { meetingId: meeting.id, invitees });
    return { success: true };
  });
}
