/** Meetings: E20–E34 (webmeeting-v6 §8, §9.5). */
import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../domain/accounts/Account.js';
import { requireAccountAccess, requireMeetingRight, requireUserRight, type Actor } from '../../domain/accounts/policies.js';
import type { Deps } from '../../domain/deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { closeMeeting } from '../../domain/meetings/closeMeeting.js';
import { deleteMeeting } from '../../domain/meetings/deleteMeeting.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import { loadMeetingAccount, loadMeetingFor, meetingScope, meetingView, occurrenceView, type MeetingView } from '../../domain/meetings/meetingView.js';
import { expand } from '../../domain/meetings/recurrence.js';
import { reopenMeeting } from '../../domain/meetings/reopenMeeting.js';
import { EARLIEST_INSTANT, LATEST_INSTANT, scheduleMeeting } from '../../domain/meetings/scheduleMeeting.js';
import { horizonEndAt, meetingState, seriesEndWithExtension, seriesOf, windowOf } from '../../domain/meetings/state.js';
import { updateMeeting } from '../../domain/meetings/updateMeeting.js';
import type { MeetingFilter } from '../../domain/ports.js';
import { loadAccount, pathId } from './accounts.js';
import { actorOf } from './context.js';
import { withIdempotency } from './idempotency.js';
import { readCloseBody, readScheduleInput, readUpdateInput } from './meetingInput.js';
import { presentMeeting, presentOccurrence } from './meetingPresenter.js';
import { MeetingSchema, OccurrenceSchema } from './meetingSchema.js';
import { AnyBody, Deleted, Hex24, responses } from './schema.js';
import { readPage, Reader } from './validate.js';

const DAY = 86_400_000;
const MAX_EXPAND_DAYS = 366;
const OCCURRENCE_DEFAULT_DAYS = 90;
const SORTS = ['startTime', '-startTime', 'createdAt', '-createdAt'] as const;
type Sort = (typeof SORTS)[number];

/** `{notify}` in the path: `true|false|1|0` (§4.6, §8.4). */
function readNotify(req: FastifyRequest): boolean {
  const v = String((req.params as Record<string, string>).notify ?? '').toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new DomainError('validation.failed', 'Data not valid', [{ field: 'path.notify', code: 'enum', message: 'must be one of true, false, 1, 0' }]);
}

/** A boolean query parameter: `true|false|1|0`. */
function queryBool(q: Reader, name: string): boolean | undefined {
  const v = q.obj[name];
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v).trim().toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  q.fail(q.path(name), 'type', 'must be true or false');
  return undefined;
}

/** An instant query parameter within the range meetings may use (see EARLIEST_INSTANT). */
function queryInstant(q: Reader, name: string): number | undefined {
  const t = q.instant(name);
  if (t === undefined) return undefined;
  if (t < EARLIEST_INSTANT) return void q.fail(q.path(name), 'min', 'must not be before 1970-01-01T00:00:00Z');
  if (t >= LATEST_INSTANT) return void q.fail(q.path(name), 'max', 'must be before 3000-01-01T00:00:00Z');
  return t;
}

function present(deps: Deps, account: Account, meeting: Meeting) {
  return presentMeeting(meetingView(deps.settings, account, meeting, deps.clock.now()));
}

/** The acting user, required where the spec says +U. */
function actingUser(actor: Actor) {
  if (!actor.user) throw new DomainError('auth.user_invalid', 'an acting user is required', [{ field: 'header.X-USER-ID', code: 'required', message: 'X-USER-ID or X-USER-EMAIL is required' }]);
  return actor.user;
}

/** Loads the path's meeting for the actor: -4 for a malformed id, -5 unknown or foreign, -3 not theirs. */
async function pathMeeting(deps: Deps, req: FastifyRequest): Promise<{ actor: Actor; meeting: Meeting }> {
  const actor = actorOf(req);
  const meeting = await loadMeetingFor(deps.store, actor, pathId(req, 'id'), 'path.id');
  return { actor, meeting };
}

/** A non-admin acting user sees only their own meetings in account-wide lists (§8.5). */
function ownOnly(actor: Actor): { addedByUserId?: string } {
  return actor.user && !actor.user.isAdmin ? { addedByUserId: actor.user.id } : {};
}

/**
 * The §8.5 meeting list: coarse filter in storage, then occurrence-level refinement (time window, ended
 * series), optional per-occurrence expansion, sorting and paging.
 */
async function listMeetings(deps: Deps, req: FastifyRequest, reply: FastifyReply, filter: Omit<MeetingFilter, 'sort' | 'startsBefore' | 'endsAfter'>) {
  const issues: FieldIssue[] = [];
  const q = new Reader((req.query ?? {}) as Record<string, unknown>, issues, 'query');
  const from = queryInstant(q, 'from');
  const to = queryInstant(q, 'to');
  const includeClosed = queryBool(q, 'includeClosed') ?? false;
  const expandCopies = queryBool(q, 'expand') ?? false;
  const page = readPage(q);
  const sort: Sort = q.enum('sort', SORTS) ?? 'startTime';
  if (from !== undefined && to !== undefined && from >= to) q.fail('query.to', 'range', 'to must be after from');
  else if (expandCopies) {
    if (from === undefined && !issues.some((i) => i.field === 'query.from')) q.fail('query.from', 'required', 'query.from is required with expand=true');
    if (to === undefined && !issues.some((i) => i.field === 'query.to')) q.fail('query.to', 'required', 'query.to is required with expand=true');
    if (from !== undefined && to !== undefined && to - from > MAX_EXPAND_DAYS * DAY) q.fail('query.to', 'range', `to must be at most ${MAX_EXPAND_DAYS} days after from`);
  }
  throwIfInvalid(issues);

  const now = deps.clock.now();
  const maxExt = Math.max(deps.settings.autoExtendMin, deps.settings.closeGraceMin) * 60_000;
  const endsAfter = Math.max(from ?? -Infinity, includeClosed ? -Infinity : now - maxExt);
  const found = await deps.store.meetings.find({
    ...filter,
    sort,
    ...(to !== undefined ? { startsBefore: to } : {}),
    ...(Number.isFinite(endsAfter) ? { endsAfter } : {}),
  });
  const accounts = new Map<string, Account>();
  const accountOf = async (m: Meeting): Promise<Account> => {
    let a = accounts.get(m.accountId);
    if (!a) {
      a = await loadMeetingAccount(deps.store, m);
      accounts.set(m.accountId, a);
    }
    return a;
  };
  // Endless series are clamped HORIZON_DAYS past the window start (§9.2), however far `to` reaches.
  const horizonEnd = horizonEndAt(deps.settings, Math.max(now, from ?? now));
  const views: MeetingView[] = [];
  for (const m of found) {
    const account = await accountOf(m);
    if (!includeClosed && now > seriesEndWithExtension(m, deps.settings, account)) continue;
    const windowed = from !== undefined || to !== undefined;
    const occ = windowed ? expand(seriesOf(m), { from, to, horizonEnd, ...(expandCopies ? {} : { limit: 1 }) }) : [];
    if (windowed && occ.length === 0) continue;
    const view = meetingView(deps.settings, account, m, now);
    if (expandCopies) for (const o of occ) views.push(occurrenceView(view, o));
    else views.push(view);
  }
  if (expandCopies) {
    const dir = sort.startsWith('-') ? -1 : 1;
    const key = (v: MeetingView) => (sort.endsWith('createdAt') ? v.meeting.createdAt : (v.occurrence as { startTime: number }).startTime);
    views.sort((a, b) => dir * (key(a) - key(b)) || (a.occurrence?.startTime ?? 0) - (b.occurrence?.startTime ?? 0) || (a.meeting.id < b.meeting.id ? -1 : a.meeting.id > b.meeting.id ? 1 : 0));
  }
  reply.header('X-Total-Count', String(views.length));
  return { responseCode: 0, data: views.slice(page.offset, page.offset + page.limit).map(presentMeeting) };
}

/** Registers E20–E34. Literal paths are listed before the parameter routes (§2.9). */
export function registerMeetingsRoutes(f: FastifyInstance, deps: Deps): void {
  const mtg = { auth: 'apiKey' as const, v6: { perm: 'meeting' as const, user: 'optional' as const } };
  const mtgUser = { auth: 'apiKey' as const, v6: { perm: 'meeting' as const, user: 'required' as const } };
  const tags = ['meetings'];
  const idParams = Type.Object({ id: Hex24 });
  const notifyParams = Type.Object({ id: Hex24, notify: Type.String({ enum: ['true', 'false', '1', '0'] }) });
  const listQuery = Type.Object({
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    includeClosed: Type.Optional(Type.Boolean()),
    expand: Type.Optional(Type.Boolean()),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    sort: Type.Optional(Type.String({ enum: [...SORTS] })),
  });
  const MeetingList = responses(Type.Array(MeetingSchema));

  // E20
  f.post('/meeting', { config: mtgUser, schema: { operationId: 'webmeeting.scheduleMeeting', tags, body: AnyBody, response: responses(MeetingSchema) } }, async (req, reply) => {
    const actor = actorOf(req);
    const user = actingUser(actor);
    return withIdempotency(req, reply, deps.store, () => deps.clock.now(), async (complete) => {
      const input = await readScheduleInput(req.body, { actor, accountId: user.accountId, permissionSets: deps.store.permissionSets });
      let text = '';
      await scheduleMeeting(deps, actor, input, {
        inTx: async (tx, { meeting, account }) => {
          // Rendered inside the transaction so that the idempotency record stores exactly these bytes (§5.2).
          text = JSON.stringify({ responseCode: 0, data: present(deps, account, meeting) });
          if (complete) await complete(tx, text);
        },
      });
      return JSON.parse(text);
    });
  });

  // E26
  f.get('/meeting', { config: mtgUser, schema: { operationId: 'webmeeting.listMyMeetings', tags, querystring: listQuery, response: MeetingList } }, async (req, reply) => {
    const user = actingUser(actorOf(req));
    return listMeetings(deps, req, reply, { scope: user.accountId, addedByUserId: user.id });
  });

  // E32
  f.post('/meeting/close', { config: mtg, schema: { operationId: 'webmeeting.closeMeetingByBody', tags, body: AnyBody, response: responses(MeetingSchema) } }, async (req) => {
    const actor = actorOf(req);
    const id = readCloseBody(req.body);
    await loadMeetingFor(deps.store, actor, id, 'id');
    const { meeting, account } = await closeMeeting(deps, actor, { id });
    return { responseCode: 0, data: present(deps, account, meeting) };
  });

  // E27
  f.get('/meeting/number/:meetingId', { config: mtg, schema: { operationId: 'webmeeting.getMeetingByNumber', tags, params: Type.Object({ meetingId: Type.String() }), response: responses(MeetingSchema) } }, async (req) => {
    const actor = actorOf(req);
    const raw = (req.params as { meetingId: string }).meetingId.trim();
    const digits = raw.replace(/-/g, '');
    if (!/^(\d{4}-\d{4}-\d{4}-\d{4}|\d{16})$/.test(raw) || digits.length !== 16) {
      throw new DomainError('validation.failed', 'Data not valid', [{ field: 'path.meetingId', code: 'format', message: 'must be 16 digits, with or without dashes (dddd-dddd-dddd-dddd)' }]);
    }
    const meeting = await deps.store.meetings.getByCode(meetingScope(actor), digits);
    if (!meeting) throw new DomainError('meeting.not_found', 'meeting not found', [{ field: 'path.meetingId', code: 'notFound', message: 'no meeting with this number' }]);
    requireMeetingRight(actor, meeting);
    return { responseCode: 0, data: present(deps, await loadMeetingAccount(deps.store, meeting), meeting) };
  });

  // E28
  f.get('/meeting/user/:userId', { config: mtg, schema: { operationId: 'webmeeting.listUserMeetings', tags, params: Type.Object({ userId: Hex24 }), querystring: listQuery, response: MeetingList } }, async (req, reply) => {
    const actor = actorOf(req);
    const userId = pathId(req, 'userId');
    const user = await deps.store.users.get(meetingScope(actor), userId);
    if (!user) throw new DomainError('user.not_found', 'user not found', [{ field: 'path.userId', code: 'notFound', message: 'no such user' }]);
    requireUserRight(actor, user);
    return listMeetings(deps, req, reply, { scope: user.accountId, addedByUserId: user.id });
  });

  // E29
  f.get('/meeting/account/:accountId', { config: mtg, schema: { operationId: 'webmeeting.listAccountMeetings', tags, params: Type.Object({ accountId: Hex24 }), querystring: listQuery, response: MeetingList } }, async (req, reply) => {
    const actor = actorOf(req);
    const account = await loadAccount(deps, req, pathId(req, 'accountId'));
    return listMeetings(deps, req, reply, { scope: account.id, ...ownOnly(actor) });
  });

  // E30
  f.get('/meeting/room/:roomId', { config: mtg, schema: { operationId: 'webmeeting.listRoomMeetings', tags, params: Type.Object({ roomId: Hex24 }), querystring: listQuery, response: MeetingList } }, async (req, reply) => {
    const actor = actorOf(req);
    const roomId = pathId(req, 'roomId');
    const room = await deps.store.rooms.get(meetingScope(actor), roomId);
    if (!room) throw new DomainError('room.not_found', 'room not found', [{ field: 'path.roomId', code: 'notFound', message: 'no such room' }]);
    requireAccountAccess(actor, room.accountId);
    return listMeetings(deps, req, reply, { scope: room.accountId, roomId: room.id, ...ownOnly(actor) });
  });

  // E23
  f.get('/meeting/:id', { config: mtg, schema: { operationId: 'webmeeting.getMeeting', tags, params: idParams, response: responses(MeetingSchema) } }, async (req) => {
    const { meeting } = await pathMeeting(deps, req);
    return { responseCode: 0, data: present(deps, await loadMeetingAccount(deps.store, meeting), meeting) };
  });

  // E21, E22
  const update = (notifyFromPath: boolean) => async (req: FastifyRequest) => {
    const id = pathId(req, 'id');
    const notify = notifyFromPath ? readNotify(req) : false;
    const actor = actorOf(req);
    const current = await loadMeetingFor(deps.store, actor, id, 'path.id');
    const changes = await readUpdateInput(req.body, { actor, accountId: current.accountId, permissionSets: deps.store.permissionSets, pathId: id, current });
    const { meeting, account } = await updateMeeting(deps, actor, { id, changes, notify });
    return { responseCode: 0, data: present(deps, account, meeting) };
  };
  f.put('/meeting/:id/:notify', { config: mtg, schema: { operationId: 'webmeeting.updateMeeting', tags, params: notifyParams, body: AnyBody, response: responses(MeetingSchema) } }, update(true));
  f.put('/meeting/:id', { config: mtg, schema: { operationId: 'webmeeting.updateMeetingSilently', tags, params: idParams, body: AnyBody, response: responses(MeetingSchema) } }, update(false));

  // E24, E25
  const remove = (notifyFromPath: boolean) => async (req: FastifyRequest) => {
    const id = pathId(req, 'id');
    const notify = notifyFromPath ? readNotify(req) : false;
    await loadMeetingFor(deps.store, actorOf(req), id, 'path.id');
    return { responseCode: 0, data: await deleteMeeting(deps, actorOf(req), { id, notify }) };
  };
  f.delete('/meeting/:id/:notify', { config: mtg, schema: { operationId: 'webmeeting.deleteMeeting', tags, params: notifyParams, response: responses(Deleted) } }, remove(true));
  f.delete('/meeting/:id', { config: mtg, schema: { operationId: 'webmeeting.deleteMeetingSilently', tags, params: idParams, response: responses(Deleted) } }, remove(false));

  // E31
  f.post('/meeting/:id/close', { config: mtg, schema: { operationId: 'webmeeting.closeMeeting', tags, params: idParams, response: responses(MeetingSchema) } }, async (req) => {
    const { actor, meeting: m } = await pathMeeting(deps, req);
    const { meeting, account } = await closeMeeting(deps, actor, { id: m.id });
    return { responseCode: 0, data: present(deps, account, meeting) };
  });

  // E33
  f.post('/meeting/:id/reopen', { config: mtg, schema: { operationId: 'webmeeting.reopenMeeting', tags, params: idParams, response: responses(MeetingSchema) } }, async (req) => {
    const { actor, meeting: m } = await pathMeeting(deps, req);
    const { meeting, account } = await reopenMeeting(deps, actor, { id: m.id });
    return { responseCode: 0, data: present(deps, account, meeting) };
  });

  // E34
  const occurrenceQuery = Type.Object({
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    includeCancelled: Type.Optional(Type.Boolean()),
  });
  f.get('/meeting/:id/occurrences', { config: mtg, schema: { operationId: 'webmeeting.listOccurrences', tags, params: idParams, querystring: occurrenceQuery, response: responses(Type.Array(OccurrenceSchema)) } }, async (req, reply) => {
    const { meeting } = await pathMeeting(deps, req);
    const issues: FieldIssue[] = [];
    const q = new Reader((req.query ?? {}) as Record<string, unknown>, issues, 'query');
    const now = deps.clock.now();
    const from = queryInstant(q, 'from') ?? now;
    const to = queryInstant(q, 'to') ?? from + OCCURRENCE_DEFAULT_DAYS * DAY;
    const limit = q.int('limit', { min: 1, max: 1000, numericString: true }) ?? 100;
    const includeCancelled = queryBool(q, 'includeCancelled') ?? false;
    if (from >= to && !issues.some((i) => i.field === 'query.from' || i.field === 'query.to')) q.fail('query.to', 'range', 'to must be after from');
    throwIfInvalid(issues);
    const account = await loadMeetingAccount(deps.store, meeting);
    const state = meetingState(meeting, account, deps.settings, now);
    // An endless series is clamped at HORIZON_DAYS past the window start, as everywhere else (§9.2).
    const horizonEnd = Math.min(to, horizonEndAt(deps.settings, Math.max(from, now)));
    const occ = expand(seriesOf(meeting), { from, to, limit, includeCancelled, horizonEnd });
    const data = occ.map((o) => {
      const w = windowOf(o, deps.settings, account);
      return presentOccurrence(o, { isPast: o.endTime <= now, isOpen: state.isOpen && !o.isCancelled && w.start <= now && now <= w.end });
    });
    reply.header('X-Total-Count', String(data.length));
    return { responseCode: 0, data };
  });
}
