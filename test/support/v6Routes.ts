/**
 * The §0.1 endpoint table of webmeeting-v6 as data, and a two-account fixture that gives every path
 * parameter a real value. Shared by the cross-cutting scope matrix and fuzz tests, which must cover EVERY
 * route: a route added to the app but not to this table, or the other way round, fails the OpenAPI check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { issueApiKey } from '../../src/domain/accounts/issueApiKey.js';
import type { KeyLevel, KeyPermission } from '../../src/domain/accounts/ApiKey.js';
import { permissionFlagDefaults } from '../../src/domain/accounts/PermissionSet.js';
import { webhookEventNames } from '../../src/domain/webhooks/types.js';
import type { SqlStore } from '../../src/storage/index.js';
import { INSTANCE_KEY, type Harness } from './app.js';

/** The §0.1 auth column, verbatim. */
export type V6Auth = 'I·acct' | 'K·acct' | 'K·mtg' | 'K·acct|K·mtg' | 'token' | 'public';

/** One §0.1 row. */
export interface V6Route {
  /** E1…E60. */
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path template relative to /api/v6, in OpenAPI form (`{param}`). */
  path: string;
  auth: V6Auth;
  /** `+U`: an instance key must name a user; `(U)`: optional and checked; '' : no user rule in §0.1. */
  user: '+U' | '(U)' | '';
}

/** webmeeting-v6 §0.1, E1–E60. */
export const V6_ROUTES: readonly V6Route[] = [
  { id: 'E1', method: 'POST', path: '/account', auth: 'I·acct', user: '' },
  { id: 'E2', method: 'GET', path: '/account', auth: 'I·acct', user: '' },
  { id: 'E3', method: 'GET', path: '/account/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E4', method: 'PUT', path: '/account/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E5', method: 'DELETE', path: '/account/{accountId}', auth: 'I·acct', user: '' },
  { id: 'E6', method: 'GET', path: '/account/admin/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E7', method: 'POST', path: '/account/admin/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E8', method: 'DELETE', path: '/account/admin/{accountId}/{userId}', auth: 'K·acct', user: '' },
  { id: 'E9', method: 'GET', path: '/account/user/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E10', method: 'POST', path: '/account/user/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E11', method: 'GET', path: '/account/apikey/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E12', method: 'POST', path: '/account/apikey/{accountId}', auth: 'I·acct', user: '' },
  { id: 'E13', method: 'DELETE', path: '/account/apikey/{accountId}/{keyId}', auth: 'K·acct', user: '' },
  { id: 'E14', method: 'GET', path: '/user/me', auth: 'K·acct|K·mtg', user: '+U' },
  { id: 'E15', method: 'GET', path: '/user/email/{email}', auth: 'K·acct', user: '' },
  { id: 'E16', method: 'GET', path: '/user/{userId}', auth: 'K·acct', user: '' },
  { id: 'E17', method: 'PUT', path: '/user/{userId}', auth: 'K·acct', user: '' },
  { id: 'E18', method: 'DELETE', path: '/user/{userId}', auth: 'K·acct', user: '' },
  { id: 'E19', method: 'POST', path: '/user/{userId}/icstoken', auth: 'K·acct', user: '' },
  { id: 'E20', method: 'POST', path: '/meeting', auth: 'K·mtg', user: '+U' },
  { id: 'E21', method: 'PUT', path: '/meeting/{id}/{notify}', auth: 'K·mtg', user: '(U)' },
  { id: 'E22', method: 'PUT', path: '/meeting/{id}', auth: 'K·mtg', user: '(U)' },
  { id: 'E23', method: 'GET', path: '/meeting/{id}', auth: 'K·mtg', user: '(U)' },
  { id: 'E24', method: 'DELETE', path: '/meeting/{id}/{notify}', auth: 'K·mtg', user: '(U)' },
  { id: 'E25', method: 'DELETE', path: '/meeting/{id}', auth: 'K·mtg', user: '(U)' },
  { id: 'E26', method: 'GET', path: '/meeting', auth: 'K·mtg', user: '+U' },
  { id: 'E27', method: 'GET', path: '/meeting/number/{meetingId}', auth: 'K·mtg', user: '(U)' },
  { id: 'E28', method: 'GET', path: '/meeting/user/{userId}', auth: 'K·mtg', user: '(U)' },
  { id: 'E29', method: 'GET', path: '/meeting/account/{accountId}', auth: 'K·mtg', user: '(U)' },
  { id: 'E30', method: 'GET', path: '/meeting/room/{roomId}', auth: 'K·mtg', user: '(U)' },
  { id: 'E31', method: 'POST', path: '/meeting/{id}/close', auth: 'K·mtg', user: '(U)' },
  { id: 'E32', method: 'POST', path: '/meeting/close', auth: 'K·mtg', user: '(U)' },
  { id: 'E33', method: 'POST', path: '/meeting/{id}/reopen', auth: 'K·mtg', user: '(U)' },
  { id: 'E34', method: 'GET', path: '/meeting/{id}/occurrences', auth: 'K·mtg', user: '(U)' },
  { id: 'E35', method: 'PUT', path: '/meeting/{id}/occurrences/{recurrenceId}', auth: 'K·mtg', user: '(U)' },
  { id: 'E36', method: 'DELETE', path: '/meeting/{id}/occurrences/{recurrenceId}', auth: 'K·mtg', user: '(U)' },
  { id: 'E37', method: 'POST', path: '/meeting/{id}/occurrences/{recurrenceId}/restore', auth: 'K·mtg', user: '(U)' },
  { id: 'E38', method: 'GET', path: '/meeting/{id}/links', auth: 'K·mtg', user: '(U)' },
  { id: 'E39', method: 'GET', path: '/meeting/{id}/dialin', auth: 'K·mtg', user: '(U)' },
  { id: 'E40', method: 'GET', path: '/meeting/{id}/ics', auth: 'K·mtg', user: '(U)' },
  { id: 'E41', method: 'GET', path: '/meeting/{id}/recordings', auth: 'K·mtg', user: '(U)' },
  { id: 'E42', method: 'GET', path: '/recording/{recordingId}/download', auth: 'K·mtg', user: '(U)' },
  { id: 'E43', method: 'GET', path: '/meeting/calender/user/{icsToken}', auth: 'token', user: '' },
  { id: 'E44', method: 'GET', path: '/meeting/calender/meeting/{icsToken}', auth: 'token', user: '' },
  { id: 'E45', method: 'GET', path: '/permission/account/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E46', method: 'POST', path: '/permission/account/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E47', method: 'GET', path: '/permission/{permissionId}', auth: 'K·acct', user: '' },
  { id: 'E48', method: 'PUT', path: '/permission/{permissionId}', auth: 'K·acct', user: '' },
  { id: 'E49', method: 'DELETE', path: '/permission/{permissionId}', auth: 'K·acct', user: '' },
  { id: 'E50', method: 'GET', path: '/room/account/{accountId}', auth: 'K·acct', user: '' },
  { id: 'E51', method: 'GET', path: '/room/{roomId}', auth: 'K·acct', user: '' },
  { id: 'E52', method: 'PUT', path: '/room/{roomId}', auth: 'K·acct', user: '' },
  { id: 'E53', method: 'GET', path: '/dialin/numbers', auth: 'K·acct|K·mtg', user: '(U)' },
  { id: 'E54', method: 'GET', path: '/webhook', auth: 'I·acct', user: '' },
  { id: 'E55', method: 'PUT', path: '/webhook', auth: 'I·acct', user: '' },
  { id: 'E56', method: 'POST', path: '/webhook/{event}/secret', auth: 'I·acct', user: '' },
  { id: 'E57', method: 'GET', path: '/webhook/delivery', auth: 'I·acct', user: '' },
  { id: 'E58', method: 'GET', path: '/webhook/delivery/{deliveryId}', auth: 'I·acct', user: '' },
  { id: 'E59', method: 'POST', path: '/webhook/delivery/{deliveryId}/redeliver', auth: 'I·acct', user: '' },
  { id: 'E60', method: 'GET', path: '/documentation/swagger', auth: 'public', user: '' },
];

/** Rows the lead is still adding; the tests accept their absence and report it. */
export const MAY_BE_ABSENT: ReadonlySet<string> = new Set(['E41', 'E42', 'E60']);

/** The API prefix. */
export const V6 = '/api/v6';

/** `METHOD /api/v6/path` keys of the OpenAPI document's v6 operations (HEAD twins are not listed by OpenAPI). */
export function openApiOperations(h: Harness): Set<string> {
  const doc = h.app.swagger() as { paths?: Record<string, Record<string, unknown>> };
  const out = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith(`${V6}/`) && path !== V6) continue;
    for (const m of Object.keys(ops)) {
      if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(m)) out.add(`${m.toUpperCase()} ${path}`);
    }
  }
  return out;
}

/** The key of a route as openApiOperations() spells it. */
export const opKey = (r: V6Route): string => `${r.method} ${V6}${r.path}`;

/** The routes of V6_ROUTES that the app actually serves (by its OpenAPI document). */
export function servedRoutes(h: Harness): V6Route[] {
  const ops = openApiOperations(h);
  return V6_ROUTES.filter((r) => ops.has(opKey(r)));
}

/** Route kinds derived from the auth column. */
export const isKeyRoute = (r: V6Route): boolean => r.auth !== 'token' && r.auth !== 'public';
export const isInstanceOnly = (r: V6Route): boolean => r.auth === 'I·acct';
/** The key permission a route needs; `either` for E14/E53. */
export function permOf(r: V6Route): KeyPermission | 'either' | null {
  switch (r.auth) {
    case 'I·acct':
    case 'K·acct':
      return 'account';
    case 'K·mtg':
      return 'meeting';
    case 'K·acct|K·mtg':
      return 'either';
    default:
      return null;
  }
}

/** A user of the fixture. */
export interface FxUser {
  id: string;
  email: string;
  /** Personal feed token (E43). */
  icsToken: string;
}

/** A meeting of the fixture. */
export interface FxMeeting {
  id: string;
  /** Public number, dashed. */
  number: string;
  /** Feed token (E44). */
  icsToken: string;
  /** A future occurrence's recurrenceId (E35–E37). */
  recurrenceId: string;
}

/** One account of the fixture and everything in it. */
export interface FxSide {
  accountId: string;
  admin: FxUser;
  /** A non-admin organizer. */
  organizer: FxUser;
  /** Weekly, endless, organized by the admin, starting tomorrow. */
  meeting: FxMeeting;
  /** Weekly, endless, organized by the organizer. */
  orgMeeting: FxMeeting;
  roomId: string;
  permissionId: string;
  /** A recording of `meeting` (E41/E42), backed by a small file. */
  recordingId: string;
  /** Account-level key secrets. */
  keys: { both: string; meeting: string; account: string; none: string; revoked: string };
  /** Ids of those keys (E13). */
  keyIds: { both: string; meeting: string; account: string; none: string; revoked: string };
}

/** The whole two-account fixture. */
export interface V6Fixture {
  A: FxSide;
  B: FxSide;
  /** A pending webhook delivery (of A's meeting). */
  deliveryId: string;
  /** Instance-level key secrets with a single permission, and with none. */
  instance: { both: string; meeting: string; account: string; none: string };
}

/** The hook URL the fixture configures; nothing listens there and no worker runs in the harness. */
export const FIXTURE_HOOK_URL = 'http://127.0.0.1:9/hook';

async function key(h: Harness, level: KeyLevel, accountId: string | null, permissions: KeyPermission[], name: string): Promise<{ id: string; secret: string }> {
  const { key: k, secret } = await h.store.transaction((tx) => issueApiKey(tx, h.deps, { level, accountId, permissions, name }));
  return { id: k.id, secret };
}

function ok(res: LightMyRequestResponse, what: string): Record<string, unknown> {
  if (res.statusCode !== 200) throw new Error(`fixture: ${what} → ${res.statusCode} ${res.body}`);
  return res.json().data as Record<string, unknown>;
}

const userRef = (u: Record<string, unknown>): FxUser => ({ id: u.id as string, email: u.email as string, icsToken: u.icsToken as string });

async function scheduleWeekly(h: Harness, userId: string, topic: string): Promise<FxMeeting> {
  const start = new Date(h.deps.clock.now() + 86_400_000);
  start.setUTCHours(9, 0, 0, 0);
  const m = ok(
    await h.call(
      'POST',
      `${V6}/meeting`,
      { topic, startTime: start.toISOString(), duration: 60, timezone: 'Europe/Zurich', isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'never' } },
      { 'x-user-id': userId },
    ),
    'schedule meeting',
  );
  const occ = (await h.call('GET', `${V6}/meeting/${m.id as string}/occurrences`)).json().data as Array<{ recurrenceId: string }>;
  // The second occurrence: a week away, so no test clock drift can make it "started" (-9).
  const recurrenceId = occ[1]?.recurrenceId;
  if (!recurrenceId) throw new Error('fixture: the weekly meeting has no second occurrence');
  return { id: m.id as string, number: m.meetingId as string, icsToken: m.icsToken as string, recurrenceId };
}

let recordingFile: string | undefined;

/** One small media file shared by every fixture recording; removed when the test process exits. */
function mediaFile(): string {
  if (!recordingFile) {
    const dir = mkdtempSync(join(tmpdir(), 'convene-v6-fixture-'));
    recordingFile = join(dir, 'recording.webm');
    writeFileSync(recordingFile, Buffer.from(Array.from({ length: 512 }, (_, i) => i % 251)));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return recordingFile;
}

/** Stores a recording row of one meeting (nothing records in tests; the media module writes these rows). */
async function addRecording(h: Harness, accountId: string, meetingId: string): Promise<string> {
  const startedAt = h.deps.clock.now() - 3_600_000;
  const id = h.deps.ids.objectId();
  await h.store.recordings.insert({
    id,
    accountId,
    meetingId,
    recurrenceId: null,
    startedAt,
    endedAt: startedAt + 600_000,
    durationSeconds: 600,
    sizeBytes: 512,
    mimeType: 'video/webm',
    storagePath: mediaFile(),
    createdAt: startedAt + 660_000,
  });
  return id;
}

async function side(h: Harness, tag: string): Promise<FxSide> {
  const acc = await h.newAccount(`admin-${tag}-${h.deps.ids.objectId()}@example.com`);
  const admin = userRef(ok(await h.call('GET', `${V6}/user/${acc.adminId}`), 'read admin'));
  const organizer = userRef(
    ok(
      await h.call('POST', `${V6}/account/user/${acc.accountId}`, { email: `org-${tag}-${acc.accountId}@example.com`, firstName: 'Otto', lastName: tag }),
      'create organizer',
    ),
  );
  const meeting = await scheduleWeekly(h, admin.id, `Weekly ${tag}`);
  const orgMeeting = await scheduleWeekly(h, organizer.id, `Organizer weekly ${tag}`);
  const rooms = (await h.call('GET', `${V6}/room/account/${acc.accountId}`)).json().data as Array<{ id: string }>;
  const permissionId = ok(await h.call('POST', `${V6}/permission/account/${acc.accountId}`, { name: `Panel ${tag}` }), 'permission set').id as string;
  const both = await key(h, 'account', acc.accountId, ['account', 'meeting'], `${tag} both`);
  const meetingOnly = await key(h, 'account', acc.accountId, ['meeting'], `${tag} meeting`);
  const accountOnly = await key(h, 'account', acc.accountId, ['account'], `${tag} account`);
  const none = await key(h, 'account', acc.accountId, [], `${tag} none`);
  const revoked = await key(h, 'account', acc.accountId, ['account', 'meeting'], `${tag} revoked`);
  ok(await h.call('DELETE', `${V6}/account/apikey/${acc.accountId}/${revoked.id}`), 'revoke key');
  return {
    accountId: acc.accountId,
    admin,
    organizer,
    meeting,
    orgMeeting,
    roomId: rooms[0]!.id,
    permissionId,
    recordingId: await addRecording(h, acc.accountId, meeting.id),
    keys: { both: both.secret, meeting: meetingOnly.secret, account: accountOnly.secret, none: none.secret, revoked: revoked.secret },
    keyIds: { both: both.id, meeting: meetingOnly.id, account: accountOnly.id, none: none.id, revoked: revoked.id },
  };
}

/**
 * Builds accounts A and B through the public API (plus keys through the store, since E12 never issues a
 * key without permissions), with a webhook hook enabled first so that scheduling leaves a pending delivery.
 */
export async function v6Fixture(h: Harness): Promise<V6Fixture> {
  ok(await h.call('PUT', `${V6}/webhook`, { onMeetingScheduled: { url: FIXTURE_HOOK_URL, enabled: true } }), 'webhook config');
  const A = await side(h, 'A');
  const B = await side(h, 'B');
  const deliveries = ok(await h.call('GET', `${V6}/webhook/delivery?meeting=${A.meeting.id}`), 'deliveries') as unknown as Array<{ id: string }>;
  if (!deliveries[0]) throw new Error('fixture: no webhook delivery was recorded');
  return {
    A,
    B,
    deliveryId: deliveries[0].id,
    instance: {
      both: INSTANCE_KEY,
      meeting: (await key(h, 'instance', null, ['meeting'], 'instance meeting')).secret,
      account: (await key(h, 'instance', null, ['account'], 'instance account')).secret,
      none: (await key(h, 'instance', null, [], 'instance none')).secret,
    },
  };
}

/** The value each path parameter takes for a route on one side of the fixture. */
export function paramsFor(r: V6Route, s: FxSide, fx: V6Fixture): Record<string, string> {
  return {
    accountId: s.accountId,
    // E8 demotes, E16–E19 and E28 address a user: the admin is "someone else" for the organizer.
    userId: s.admin.id,
    keyId: s.keyIds.account,
    email: s.admin.email,
    id: s.meeting.id,
    notify: 'false',
    meetingId: s.meeting.number,
    roomId: s.roomId,
    recurrenceId: s.meeting.recurrenceId,
    icsToken: r.id === 'E43' ? s.admin.icsToken : s.meeting.icsToken,
    permissionId: s.permissionId,
    event: 'onMeetingUpdated',
    deliveryId: fx.deliveryId,
    recordingId: s.recordingId,
  };
}

/** The path parameter names of a template, in order. */
export const paramNames = (r: V6Route): string[] => [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/**
 * Percent-encodes a string as one URL component, like encodeURIComponent, but byte-wise over its UTF-8 so a
 * lone surrogate (which encodeURIComponent refuses) goes out as U+FFFD instead of throwing in the test.
 */
export function encodeComponent(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The concrete URL (with /api/v6) of a route; each value is percent-encoded as one path segment, except those named in `raw`. */
export function urlOf(r: V6Route, params: Record<string, string>, query = '', raw: ReadonlySet<string> = new Set()): string {
  const path = r.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for {${name}} of ${r.id}`);
    return raw.has(name) ? v : encodeComponent(v);
  });
  return `${V6}${path}${query ? `?${query}` : ''}`;
}

/** The body a route needs to reach its object checks (only E32 names its object in the body). */
export function bodyFor(r: V6Route, s: FxSide): unknown {
  return r.id === 'E32' ? { id: s.meeting.id } : undefined;
}

/** The query a route needs to name its account (E53 with an instance key and no acting user). */
export function queryFor(r: V6Route, s: FxSide): string {
  return r.id === 'E53' ? `accountId=${s.accountId}` : '';
}

/** One JSON request with exactly these headers (no implicit key). */
export function send(h: Harness, method: string, url: string, body: unknown, headers: Record<string, string>): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

const tableNames = new WeakMap<Harness, Promise<string[]>>();

/**
 * Every row of every table of the store (found by introspection, so tables added later are covered too),
 * as one comparable string: a rejected request must leave it identical (§4.1). Row counts alone would miss
 * an UPDATE; this also covers webhook_config, recordings and the other dialects' tables.
 */
export async function storeSnapshot(h: Harness): Promise<string> {
  const db = (h.store as SqlStore).db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  let names = tableNames.get(h);
  if (!names) {
    names = db.introspection.getTables().then((ts) => ts.map((t) => t.name).filter((n) => !n.startsWith('kysely_')).sort());
    tableNames.set(h, names);
  }
  const out: Record<string, string[]> = {};
  for (const t of await names) {
    const rows = await db.selectFrom(t).selectAll().execute();
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

/** Input field shapes for the fuzzer: a name maps to any value, a nested object, or an array of objects. */
export type FieldShape = 'any' | { obj: Record<string, FieldShape> } | { arr: FieldShape };

const any = 'any' as const;
const DIAL_IN: FieldShape = { arr: { obj: { country: any, number: any, displayNumber: any, label: any, tollFree: any } } };
const ACCOUNT_INPUT: Record<string, FieldShape> = {
  sendPassword: any,
  accountType: any,
  adminFirstname: any,
  adminLastname: any,
  adminEmail: any,
  adminPreferredLanguage: any,
  paidUntil: any,
  name: any,
  adminTimezone: any,
  adminExternalUserId: any,
  numberOfMeetings: any,
  numberOfMeetingOrganizers: any,
  numberOfMeetingRooms: any,
  iceCandidatesToFilter: { arr: any },
  customDialInNumbers: DIAL_IN,
  displayStandardDialInNumbersInInvite: any,
  defaultMeetingPermissions: any,
  defaultMeetingType: any,
  defaultMeetingHasDialin: any,
  defaultMeetingHasRecording: any,
  autoExtendMeetings: any,
  autoDeleteMeetingsAfterXDays: any,
};
const USER_INPUT: Record<string, FieldShape> = {
  email: any,
  firstName: any,
  lastName: any,
  preferredLanguage: any,
  timezone: any,
  additionalTimezones: { arr: any },
  externalUserId: any,
  isAdmin: any,
  sendPassword: any,
};
const MEETING_INPUT: Record<string, FieldShape> = {
  id: any,
  topic: any,
  startTime: any,
  endTime: any,
  duration: any,
  type: any,
  isRecurring: any,
  recurring: { obj: { frequencyType: any, frequency: any, monthlyPattern: any, endsType: any, endsOn: any, endsAfter: any } },
  isRecorded: any,
  isDialin: any,
  invitedParticipants: { arr: { obj: { email: any, name: any, firstName: any, lastName: any, phone: any, language: any, isModerator: any } } },
  meetingPermissionId: any,
  agenda: any,
  documents: { arr: { obj: { name: any, url: any, size: any, mimeType: any } } },
  timezone: any,
  videoResolution: any,
  privateDataVisible: any,
  isDemo: any,
  isPromo: any,
};
const PERMISSION_INPUT: Record<string, FieldShape> = { name: any, ...Object.fromEntries(Object.keys(permissionFlagDefaults).map((k) => [k, any])) };
const HOOK_INPUT: FieldShape = { obj: { url: any, method: any, apiKey: any, enabled: any, payloadFormat: any, signingSecret: any } };
const LIST_QUERY = ['from', 'to', 'includeClosed', 'expand', 'offset', 'limit', 'sort'];

/** Real body field names (§6.1, §7.2, §8.2, §9.4, §11.2, §12) and query parameter names per route id. */
export const INPUTS: Record<string, { body?: Record<string, FieldShape>; query?: string[] }> = {
  E1: { body: ACCOUNT_INPUT },
  E2: { query: ['search', 'accountType', 'offset', 'limit'] },
  E4: { body: ACCOUNT_INPUT },
  E7: { body: { userId: any, ...USER_INPUT } },
  E9: { query: ['offset', 'limit', 'sort'] },
  E10: { body: USER_INPUT },
  E12: { body: { name: any, permissions: { arr: any } } },
  E17: { body: USER_INPUT },
  E18: { query: ['transferMeetingsTo'] },
  E20: { body: MEETING_INPUT },
  E21: { body: MEETING_INPUT },
  E22: { body: MEETING_INPUT },
  E26: { query: LIST_QUERY },
  E28: { query: LIST_QUERY },
  E29: { query: LIST_QUERY },
  E30: { query: LIST_QUERY },
  E32: { body: { id: any } },
  E34: { query: ['from', 'to', 'limit', 'includeCancelled'] },
  E35: { body: { startTime: any, endTime: any, duration: any, topic: any, agenda: any }, query: ['notify'] },
  E36: { query: ['notify'] },
  E37: { query: ['notify'] },
  E46: { body: PERMISSION_INPUT },
  E48: { body: PERMISSION_INPUT },
  E52: { body: { name: any } },
  E53: { query: ['accountId'] },
  E55: { body: Object.fromEntries(webhookEventNames.map((e) => [e, HOOK_INPUT])) },
  E57: { query: ['event', 'meeting', 'status', 'from', 'to', 'offset', 'limit'] },
};
