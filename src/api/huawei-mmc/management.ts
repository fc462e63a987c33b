/**
 * The management routes H3–H7 under `/v1/mmc` (huawei-meeting.md §6.4–§6.7), authenticated by
 * `X-Access-Token`. Meetings are the v6 domain's meetings (scheduleMeeting, deleteMeeting) and conferences
 * the live engine's (ensureRunning, endConference, inviteParticipants), so every dialect sees the same ones.
 * Rights (§6.1 "Management rights"): create by any user of the account; list own meetings (admins: the
 * account's with `queryAll=true`); detail and cancel by the organizer or an admin (detail also by invitees);
 * another account's meeting is "not found".
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Account } from '../../domain/accounts/Account.js';
import { displayName, type User } from '../../domain/accounts/User.js';
import { findByExternalId } from '../../domain/credentials/signInWithApp.js';
import { findByHuaweiAccount } from '../../domain/credentials/signInWithPassword.js';
import { endConference } from '../../domain/live/endConference.js';
import { inviteParticipants, type Invitee } from '../../domain/live/inviteParticipants.js';
import { noEffects, runEffects } from '../../domain/live/liveEffects.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import { ensureRunning } from '../../domain/live/startConference.js';
import type { Conference, RosterEntry } from '../../domain/live/types.js';
import { deleteMeeting } from '../../domain/meetings/deleteMeeting.js';
import type { InvitedParticipant, Meeting } from '../../domain/meetings/Meeting.js';
import { expand } from '../../domain/meetings/recurrence.js';
import { scheduleMeeting } from '../../domain/meetings/scheduleMeeting.js';
import { horizonEndAt, seriesOf } from '../../domain/meetings/state.js';
import type { MeetingSecrets, Repositories, Store } from '../../domain/ports.js';
import { liveActor, v6Actor, type HuaweiPrincipal } from './accessAuth.js';
import { HuaweiError, paramError } from './errors.js';
import {
  parseCancelQuery,
  parseCreateBody,
  parseDetailQuery,
  parseListQuery,
  parseOnlineQuery,
  type CreateAttendee,
  type CreateConferenceBody,
} from './managementInput.js';
import { languageFor, presentConferenceInfo, presentInvitee, type ConferenceState, type ConferenceView, type HuaweiMeetingExtras, type ViewerRole } from './presenters.js';
import { AnyBody, ConferenceDetailSchema, ConferenceInfoList, ConferencePage, Empty, responses } from './schema.js';

const tags = ['huawei'];
const DAY = 86_400_000;

/** The principal of an `accessToken` route (set by the scope's hook). */
function principalOf(req: FastifyRequest): HuaweiPrincipal {
  const p = req.huaweiPrincipal;
  if (!p) throw new Error('huawei: accessToken route without principal');
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// The dialect's own per-meeting record

/**
 * Key of a meeting's Huawei-only settings in the instance settings store. The core has no column for
 * vendor-only fields (§9 rule 3: vendor fields never reach the domain), so the dialect keeps them itself.
 */
function extrasKey(meetingId: string): string {
  return `huawei.conference.${meetingId}`;
}

/** The Huawei-only settings of a meeting, or null for meetings made elsewhere (or an unreadable record). */
export async function loadExtras(repos: Pick<Repositories, 'settings'>, meetingId: string): Promise<HuaweiMeetingExtras | null> {
  const raw = await repos.settings.get(extrasKey(meetingId));
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as HuaweiMeetingExtras;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Views

/** The meeting of this account whose Huawei `conferenceID` is `id` (other public numbers do not match). */
export async function meetingByConferenceId(store: Pick<Store, 'meetings'>, accountId: string, id: string): Promise<Meeting | undefined> {
  if (!/^\d{9}$/.test(id)) return undefined;
  const m = await store.meetings.getByCode(accountId, id);
  return m && m.conferenceId === id ? m : undefined;
}

/**
 * The meeting's `conferenceState` (§3.7): `Created` while its conference runs; `Destroyed` once a run has
 * ended and nothing more is scheduled (a one-off meeting); `Schedule` otherwise.
 */
async function stateOf(store: Pick<Store, 'conferences'>, meeting: Meeting): Promise<{ state: ConferenceState; running: Conference | null }> {
  const running = await store.conferences.getRunning(meeting.id);
  if (running) return { state: 'Created', running };
  if (!meeting.isRecurring && (await store.conferences.getLatest(meeting.id))) return { state: 'Destroyed', running: null };
  return { state: 'Schedule', running: null };
}

/** The start and end shown: a series shows its current or next occurrence. */
function shownTimes(deps: LiveDeps, meeting: Meeting, now: number): { startTime: number; endTime: number } {
  if (!meeting.isRecurring) return { startTime: meeting.startTime, endTime: meeting.endTime };
  const next = expand(seriesOf(meeting), { from: now, limit: 1, horizonEnd: horizonEndAt(deps.settings, now) })[0];
  return next ? { startTime: next.startTime, endTime: next.endTime } : { startTime: meeting.startTime, endTime: meeting.endTime };
}

/** New chair and guest passwords: 6 random digits each (§2.5). */
function newSecrets(deps: LiveDeps, meetingId: string, guestPwd?: string): MeetingSecrets {
  return { meetingId, chairPassword: deps.ids.digits(6), guestPassword: guestPwd ?? deps.ids.digits(6) };
}

/** Loads everything a ConferenceInfo shows. Meetings made elsewhere get their passwords on first sight. */
async function loadView(deps: LiveDeps, meeting: Meeting, account: Account, now: number, st?: { state: ConferenceState; running: Conference | null }): Promise<ConferenceView> {
  const { store } = deps;
  const { state, running } = st ?? (await stateOf(store, meeting));
  const roster = await store.roster.list(meeting.id);
  const users = new Map<string, User>();
  for (const e of roster) {
    if (e.userId && !users.has(e.userId)) {
      const u = await store.users.get(meeting.accountId, e.userId);
      if (u) users.set(u.id, u);
    }
  }
  const organizer = await store.users.get(meeting.accountId, meeting.addedByUserId);
  const secrets = (await store.meetingSecrets.get(meeting.id)) ?? (await store.meetingSecrets.getOrInit(newSecrets(deps, meeting.id)));
  const extras = await loadExtras(store, meeting.id);
  return { meeting, account, organizer, secrets, roster, users, running, state, ...shownTimes(deps, meeting, now), extras };
}

/** The organizer of a meeting, or an admin of its account. */
function isChairViewer(user: User, meeting: Meeting): boolean {
  return user.isAdmin || meeting.addedByUserId === user.id;
}

// ---------------------------------------------------------------------------------------------------------
// H3 create

/** A create-time attendee with its user resolved and its roster fields decided. */
interface ResolvedAttendee {
  a: CreateAttendee;
  user: User | undefined;
  name: string;
  /** Normalised number / SIP URI / directory number shown on the roster. */
  phone: string | null;
}

/**
 * Resolves who each attendee is in the account (§3.2: `userUUID`, else `accountId` as a Huawei account name,
 * else as a third-party id), decides its roster name and number, and refuses duplicates and nameless entries.
 */
async function resolveAttendees(store: Store, accountId: string, list: CreateAttendee[]): Promise<ResolvedAttendee[]> {
  const out: ResolvedAttendee[] = [];
  const seen = new Map<string, string>();
  for (const a of list) {
    let user: User | undefined;
    if (a.userUUID) user = await store.users.getByHuaweiUuid(accountId, a.userUUID);
    else if (a.accountId) {
      const byLogin = await findByHuaweiAccount(store, a.accountId);
      user = byLogin?.accountId === accountId ? byLogin : await findByExternalId(store, accountId, a.accountId);
    }
    const t = a.phone;
    const phone = t ? (t.class === 'sip' ? t.uri : t.number) : (user?.directoryNumber ?? null);
    // A name-less entry shows its number as its name (§3.2).
    const name = a.name || (user ? displayName(user) || user.email : '') || phone || a.accountId || a.userUUID || a.email || '';
    if (name === '') throw new HuaweiError('MMC.111072046', `${a.label}.name is empty`);
    const key = user ? `user:${user.id}` : phone !== null ? `tel:${phone}` : null;
    if (key !== null) {
      const first = seen.get(key);
      if (first) throw paramError(`${a.label} duplicates ${first} (${phone ?? a.userUUID ?? a.accountId ?? ''})`);
      seen.set(key, a.label);
    }
    out.push({ a, user, name: [...name].slice(0, 96).join(''), phone });
  }
  return out;
}

/** v6 invitations for attendees with an email, when the creator asked for notifications (default on). */
function invitationsFor(body: CreateConferenceBody, attendees: ResolvedAttendee[]): InvitedParticipant[] {
  const c = body.confConfigInfo;
  if (c.isSendNotify === false && c.isSendCalendar === false) return [];
  return attendees
    .map((r): InvitedParticipant => ({ email: r.a.email ?? r.user?.email ?? null, name: r.name, phone: null, language: null, isModerator: r.a.role === 1 }))
    // Placeholder addresses of app-provisioned users (`….invalid`) are never mailed.
    .filter((i) => i.email !== null && !i.email.endsWith('.invalid'));
}

async function createConference(deps: LiveDeps, p: HuaweiPrincipal, body: CreateConferenceBody, log: FastifyBaseLogger): Promise<ConferenceView> {
  const now = deps.clock.now();
  const attendees = await resolveAttendees(deps.store, p.account.id, body.attendees);
  const instant = body.startTime === null;
  const fx = noEffects();
  const rosterIds: string[] = [];
  const { meeting, account } = await scheduleMeeting(
    deps,
    v6Actor(p),
    {
      topic: body.subject ?? `${displayName(p.user) || p.user.email}'s meeting`,
      startTime: body.startTime ?? now,
      durationMin: body.length,
      isRecorded: false,
      videoResolution: body.mediaTypes.includes('HDVideo') ? 'hd' : 'standard',
      invitedParticipants: invitationsFor(body, attendees),
    },
    {
      origin: 'huawei',
      inTx: async (tx, { meeting, account }) => {
        await tx.meetingSecrets.getOrInit(newSecrets(deps, meeting.id, body.confConfigInfo.guestPwd));
        const extras: HuaweiMeetingExtras = {
          mediaTypes: body.mediaTypes,
          language: body.language ?? languageFor(p.user),
          timeZoneID: body.timeZoneID,
          confType: instant ? 'IMMEDIATELY' : 'FUTURE',
          concurrentParticipants: body.concurrentParticipants,
          encryptMode: body.encryptMode,
          groupuri: body.groupuri,
          confConfigInfo: body.confConfigInfo,
          attendees: {},
        };
        for (const [i, r] of attendees.entries()) {
          const entry: RosterEntry = {
            id: deps.ids.objectId(),
            meetingId: meeting.id,
            accountId: meeting.accountId,
            position: i,
            name: r.name,
            userId: r.user?.id ?? null,
            phone: r.phone,
            email: r.a.email ?? null,
            sms: r.a.sms ?? null,
            type: r.a.type,
            hostRole: r.a.role === 1,
            joinMuted: r.a.isMute === 1,
            deptUuid: r.a.deptUUID ?? null,
            deptName: r.a.deptName ?? null,
            createdAt: now,
          };
          await tx.roster.insert(entry);
          rosterIds.push(entry.id);
          extras.attendees[entry.id] = {
            isAutoInvite: r.a.isAutoInvite,
            ...(r.a.phone2 ? { phone2: r.a.phone2 } : {}),
            ...(r.a.phone3 ? { phone3: r.a.phone3 } : {}),
            ...(r.a.address ? { address: r.a.address } : {}),
            ...(r.a.appId ? { appId: r.a.appId } : {}),
          };
        }
        await tx.settings.set(extrasKey(meeting.id), JSON.stringify(extras));
        if (instant) {
          // An instant meeting starts now (FOUND: conferenceState Created, confType IMMEDIATELY), atomically with its creation.
          const ctx = await ensureRunning(tx, deps, { meeting, account }, p.user.id, fx);
          if (body.concurrentParticipants > 0) await tx.conferences.update({ ...ctx.conference, maxParticipants: body.concurrentParticipants });
        }
      },
    },
  );
  runEffects(deps, fx);
  if (instant) {
    try {
      await autoInvite(deps, p, meeting, attendees);
    } catch (err) {
      // The meeting exists and runs; a refused call-out (a full conference) is reported, not undone.
      log.warn({ err, meetingId: meeting.id }, 'huawei: auto-invite of create-time attendees refused');
    }
  }
  return loadView(deps, meeting, account, deps.clock.now());
}

/**
 * Calls the attendees with `isAutoInvite` 1 of a meeting that just started (FOUND: "auto-called at the
 * start"). Their outcomes are events, never the HTTP answer.
 */
async function autoInvite(deps: LiveDeps, p: HuaweiPrincipal, meeting: Meeting, attendees: ResolvedAttendee[]): Promise<void> {
  const invitees: Invitee[] = attendees
    .filter((r) => r.a.isAutoInvite === 1 && (r.a.phone !== undefined || r.user !== undefined))
    .map((r) => ({
      name: r.name,
      userId: r.user?.id ?? null,
      target: r.a.phone ?? null,
      preferPhone: r.a.type === 'mobile' || r.a.type === 'telephone',
      hostRole: r.a.role === 1,
      joinMuted: r.a.isMute === 1,
      email: r.a.email ?? null,
      sms: r.a.sms ?? null,
      type: r.a.type,
      deptUuid: r.a.deptUUID ?? null,
      deptName: r.a.deptName ?? null,
      label: r.a.label,
    }));
  if (invitees.length === 0) return;
  await inviteParticipants(deps, liveActor(p, meeting), { meetingId: meeting.id, invitees, startIfNeeded: true });
}

// ---------------------------------------------------------------------------------------------------------
// H4 / H5 lists

/** The meetings a list shows: the caller's own, or with `queryAll` an admin's whole account. */
function ownerFilter(p: HuaweiPrincipal, queryAll: boolean): string | undefined {
  return queryAll && p.user.isAdmin ? undefined : p.user.id;
}

function matchesSearch(m: Meeting, key: string | null): boolean {
  if (key === null) return true;
  const k = key.toLowerCase();
  return m.topic.toLowerCase().includes(k) || m.conferenceId.includes(k) || m.addedByUserName.toLowerCase().includes(k);
}

/** Running conferences of the account, with their meetings (deleted meetings skipped). */
async function runningMeetings(store: Store, accountId: string): Promise<Array<{ meeting: Meeting; conference: Conference }>> {
  const out: Array<{ meeting: Meeting; conference: Conference }> = [];
  for (const c of await store.conferences.listRunning()) {
    if (c.accountId !== accountId) continue;
    const meeting = await store.meetings.get(accountId, c.meetingId);
    if (meeting) out.push({ meeting, conference: c });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Routes

/** Registers H3–H7 on the `/v1/mmc` scope. */
export function registerManagementRoutes(f: FastifyInstance, deps: LiveDeps): void {
  const auth = { auth: 'accessToken' } as const;

  // H3
  f.post(
    '/management/conferences',
    { config: auth, schema: { operationId: 'huawei.CreateMeeting', summary: 'Create an instant or scheduled meeting (H3)', tags, body: AnyBody, response: responses(ConferenceInfoList) } },
    async (req) => {
      const p = principalOf(req);
      const body = parseCreateBody(req.body, deps.clock.now());
      const view = await createConference(deps, p, body, req.log);
      return [presentConferenceInfo(deps.settings, view, { viewer: 'chair', withAttendees: true })];
    },
  );

  // H4
  f.get(
    '/management/conferences',
    { config: auth, schema: { operationId: 'huawei.SearchMeetings', summary: 'List upcoming and ongoing meetings (H4)', tags, response: responses(ConferencePage) } },
    async (req) => {
      const p = principalOf(req);
      const q = parseListQuery(req.query);
      const now = deps.clock.now();
      const owner = ownerFilter(p, q.queryAll);
      const byId = new Map<string, Meeting>();
      const found = await deps.store.meetings.find({ scope: p.account.id, accountId: p.account.id, endsAfter: now, ...(owner ? { addedByUserId: owner } : {}) });
      for (const m of found) byId.set(m.id, m);
      // A running conference may outlast its scheduled end; it is listed until it stops.
      for (const r of await runningMeetings(deps.store, p.account.id)) if (!owner || r.meeting.addedByUserId === owner) byId.set(r.meeting.id, r.meeting);
      const horizon = q.queryConfMode === 'ADAY' ? now + DAY : q.queryConfMode === 'AWEEK' ? now + 7 * DAY : q.queryConfMode === 'AMONTH' ? now + 30 * DAY : Infinity;
      const rows: Array<{ meeting: Meeting; st: { state: ConferenceState; running: Conference | null }; start: number }> = [];
      for (const m of byId.values()) {
        if (!matchesSearch(m, q.searchKey)) continue;
        const st = await stateOf(deps.store, m);
        if (st.state === 'Destroyed') continue;
        const start = shownTimes(deps, m, now).startTime;
        if (st.state === 'Schedule' && start > horizon) continue;
        rows.push({ meeting: m, st, start });
      }
      const dir = q.sortType === 'DSC_StartTIME' ? -1 : 1;
      rows.sort((a, b) => dir * (a.start - b.start) || a.meeting.conferenceId.localeCompare(b.meeting.conferenceId));
      const data = [];
      for (const r of rows.slice(q.offset, q.offset + q.limit)) {
        data.push(presentConferenceInfo(deps.settings, await loadView(deps, r.meeting, p.account, now, r.st), { viewer: 'chair', withAttendees: false }));
      }
      return { offset: q.offset, limit: q.limit, count: rows.length, data };
    },
  );

  // H5
  f.get(
    '/management/conferences/online',
    { config: auth, schema: { operationId: 'huawei.SearchOnlineMeetings', summary: 'List ongoing meetings (H5)', tags, response: responses(ConferencePage) } },
    async (req) => {
      const p = principalOf(req);
      const q = parseOnlineQuery(req.query);
      const now = deps.clock.now();
      const owner = ownerFilter(p, q.queryAll);
      const rows = (await runningMeetings(deps.store, p.account.id))
        .filter((r) => (!owner || r.meeting.addedByUserId === owner) && matchesSearch(r.meeting, q.searchKey))
        .sort((a, b) => a.meeting.startTime - b.meeting.startTime || a.meeting.conferenceId.localeCompare(b.meeting.conferenceId));
      const data = [];
      for (const r of rows.slice(q.offset, q.offset + q.limit)) {
        const legs = await deps.store.participants.list(r.conference.id, { liveOnly: true });
        const online = legs.filter((l) => l.state === 'connected' || l.state === 'reconnecting').length;
        const view = await loadView(deps, r.meeting, p.account, now, { state: 'Created', running: r.conference });
        data.push(presentConferenceInfo(deps.settings, view, { viewer: 'chair', withAttendees: false, onlineAttendeeAmount: online }));
      }
      return { offset: q.offset, limit: q.limit, count: rows.length, data };
    },
  );

  // H6
  f.get(
    '/management/conferences/confDetail',
    { config: auth, schema: { operationId: 'huawei.ShowMeetingDetail', summary: 'One meeting with its invitees (H6)', tags, response: responses(ConferenceDetailSchema) } },
    async (req) => {
      const p = principalOf(req);
      const q = parseDetailQuery(req.query);
      const now = deps.clock.now();
      const meeting = await meetingByConferenceId(deps.store, p.account.id, q.conferenceID);
      const st = meeting && (await stateOf(deps.store, meeting));
      if (!meeting || !st || st.state === 'Destroyed') throw new HuaweiError('MMC.111070005', `conference ${q.conferenceID} not found`);
      const view = await loadView(deps, meeting, p.account, now, st);
      let viewer: ViewerRole;
      if (isChairViewer(p.user, meeting)) viewer = 'chair';
      else if (view.roster.some((e) => e.userId === p.user.id)) viewer = 'general';
      else throw new HuaweiError('MMC.111070002', 'only the organizer, an account admin or an invitee may read this conference');
      const key = q.searchKey?.toLowerCase() ?? null;
      const invitees = key === null ? view.roster : view.roster.filter((e) => e.name.toLowerCase().includes(key) || (e.phone ?? '').toLowerCase().includes(key));
      return {
        conferenceData: presentConferenceInfo(deps.settings, view, { viewer, withAttendees: true, withRole: true }),
        data: {
          offset: q.offset,
          limit: q.limit,
          count: invitees.length,
          data: invitees.slice(q.offset, q.offset + q.limit).map((e) => presentInvitee(e, e.userId ? view.users.get(e.userId) : undefined, view.extras)),
        },
      };
    },
  );

  // H7
  f.delete(
    '/management/conferences',
    { config: auth, schema: { operationId: 'huawei.CancelMeeting', summary: 'Cancel a meeting; type=1 also ends a running one (H7)', tags, response: responses(Empty) } },
    async (req) => {
      const p = principalOf(req);
      const q = parseCancelQuery(req.query);
      const meeting = await meetingByConferenceId(deps.store, p.account.id, q.conferenceID);
      const st = meeting && (await stateOf(deps.store, meeting));
      if (!meeting || !st || st.state === 'Destroyed') throw new HuaweiError('MMC.111070005', `conference ${q.conferenceID} not found`);
      if (!isChairViewer(p.user, meeting)) throw new HuaweiError('MMC.111070002', 'only the organizer or an account admin may cancel this conference');
      if (st.running) {
        if (q.type !== 1) throw new HuaweiError('MMC.111071067', `conference ${q.conferenceID} is running; pass type=1 to end it`);
        await endConference(deps, liveActor(p, meeting), { meetingId: meeting.id });
      }
      const extras = await loadExtras(deps.store, meeting.id);
      // Cancellation mails only where the creator asked for notifications (meetings made elsewhere: none).
      const notify = extras !== null && extras.confConfigInfo.isSendNotify !== false;
      await deleteMeeting(deps, v6Actor(p), { id: meeting.id, notify });
      return {};
    },
  );
}
