/**
 * Helpers for the v6 account-administration API tests: extra keys with chosen permissions, meetings written
 * straight into the store (so these tests do not depend on the meeting routes), a whole-database snapshot for
 * "a rejected request writes nothing", and the error-envelope assertion.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { KeyLevel, KeyPermission } from '../../src/domain/accounts/ApiKey.js';
import { issueApiKey } from '../../src/domain/accounts/issueApiKey.js';
import { emptyRecurrence, type Meeting } from '../../src/domain/meetings/Meeting.js';
import type { Database, SqlStore } from '../../src/storage/index.js';
import type { Harness } from './app.js';

/** Issues a key with exactly `permissions` and returns its secret. */
export async function issueKey(h: Harness, level: KeyLevel, accountId: string | null, permissions: KeyPermission[], name = 'test key'): Promise<string> {
  const { secret } = await h.store.transaction((tx) => issueApiKey(tx, h.deps, { level, accountId, permissions, name }));
  return secret;
}

let meetingSeq = 0;

/**
 * Writes a meeting of `accountId` organized by `organizer` into the store. `ended: true` puts its series in
 * 2020; otherwise it runs a week from now.
 */
export async function addMeeting(
  h: Harness,
  accountId: string,
  organizer: { id: string; email: string; name?: string },
  o: { ended?: boolean; meetingPermissionId?: string | null } = {},
): Promise<Meeting> {
  const now = h.deps.clock.now();
  const start = o.ended ? Date.UTC(2020, 3, 7, 9) : now + 7 * 86_400_000;
  const n = ++meetingSeq;
  const digits = h.deps.ids.digits(16);
  const meeting: Meeting = {
    id: h.deps.ids.objectId(),
    accountId,
    meetingNumber: digits,
    conferenceId: h.deps.ids.digits(9, true),
    roomCode: h.deps.ids.digits(11, true),
    topic: `Meeting ${n}`,
    startLocal: new Date(start).toISOString().slice(0, 19),
    timezone: 'UTC',
    durationMin: 60,
    startTime: start,
    endTime: start + 3_600_000,
    seriesEnd: start + 3_600_000,
    type: 'standard',
    roomId: h.deps.ids.objectId(),
    isRecurring: false,
    recurring: emptyRecurrence(now),
    isRecorded: false,
    isDialin: false,
    invitedParticipants: [],
    agenda: '',
    documents: [],
    meetingPermissionId: o.meetingPermissionId ?? null,
    videoResolution: 'standard',
    dtClosedAt: null,
    addedByUserId: organizer.id,
    addedByUserEmail: organizer.email,
    addedByUserName: organizer.name ?? 'Ada Admin',
    privateDataVisible: true,
    icalSequence: 0,
    icsToken: h.deps.ids.icsToken(),
    dialInConferenceRoom: null,
    dialInPin: null,
    isDemo: false,
    isPromo: false,
    occurrenceExceptions: [],
    origin: 'webmeeting-v6',
    eventSeq: 0,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await h.store.meetings.insert(meeting);
  return meeting;
}

const TABLES: Array<keyof Database> = [
  'accounts',
  'users',
  'api_keys',
  'rooms',
  'permission_sets',
  'meetings',
  'outbox_events',
  'webhook_deliveries',
  'idempotency_keys',
  'mail_outbox',
  'password_tokens',
];

/** Every row of every table the account routes can touch, as one comparable string. */
export async function snapshot(h: Harness): Promise<string> {
  const db = (h.store as SqlStore).db;
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const rows = await db.selectFrom(t).selectAll().execute();
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

/** Asserts a v6 error: HTTP status, responseCode, and (when given) exactly these `{field, code}` pairs. */
export function expectError(res: LightMyRequestResponse, status: number, responseCode: number, issues?: Array<{ field: string | null; code: string }>): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body.responseCode).toBe(responseCode);
  expect(typeof body.responseMessage).toBe('string');
  expect(Array.isArray(body.data)).toBe(true);
  if (issues) expect(body.data.map((d: { field: string | null; code: string }) => ({ field: d.field, code: d.code }))).toEqual(issues);
}

/** A fresh 24-hex id that names nothing. */
export const UNKNOWN_ID = 'ffffffffffffffffffffffff';

/** Headers that authenticate with `key` (plus any extra headers). */
export const as = (key: string, extra: Record<string, string> = {}): Record<string, string> => ({ 'x-api-key': key, ...extra });

/** Sends `request` and asserts the §4.1 promise: the v6 error given, and not one row written anywhere. */
export async function expectRejected(
  h: Harness,
  request: () => Promise<LightMyRequestResponse>,
  status: number,
  responseCode: number,
  issues?: Array<{ field: string | null; code: string }>,
): Promise<LightMyRequestResponse> {
  const before = await snapshot(h);
  const res = await request();
  expectError(res, status, responseCode, issues);
  expect(await snapshot(h)).toBe(before);
  return res;
}

/** Two accounts, an organizer in the first, and keys of every interesting kind. */
export interface AdminFixture {
  A: { accountId: string; adminId: string; adminEmail: string };
  B: { accountId: string; adminId: string; adminEmail: string };
  /** A non-admin organizer of A. */
  organizer: { id: string; email: string };
  /** Account key of A with `account`. */
  keyA: string;
  /** Account key of A with only `meeting`. */
  keyAMeeting: string;
  /** Account key of B with both permissions. */
  keyB: string;
  /** Instance key with only `meeting`. */
  instanceMeeting: string;
}

/** Builds an AdminFixture through the public API (accounts, organizer) and the store (keys). */
export async function adminFixture(h: Harness): Promise<AdminFixture> {
  const A = await h.newAccount();
  const B = await h.newAccount();
  const res = await h.call('POST', `/api/v6/account/user/${A.accountId}`, { email: `org-${A.accountId}@example.com`, firstName: 'Otto', lastName: 'Organizer' });
  if (res.statusCode !== 200) throw new Error(`organizer: ${res.statusCode} ${res.body}`);
  const organizer = { id: res.json().data.id as string, email: res.json().data.email as string };
  return {
    A,
    B,
    organizer,
    keyA: await issueKey(h, 'account', A.accountId, ['account']),
    keyAMeeting: await issueKey(h, 'account', A.accountId, ['meeting']),
    keyB: await issueKey(h, 'account', B.accountId, ['account', 'meeting']),
    instanceMeeting: await issueKey(h, 'instance', null, ['meeting']),
  };
}

/** ISO-8601 with milliseconds, as every v6 instant is shown. */
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A 24-hex id. */
export const HEX24 = /^[0-9a-f]{24}$/;
