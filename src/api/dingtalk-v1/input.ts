/**
 * Hand-written request validation of the DingTalk routes (dingtalk-conference.md §4.3): each fault gets its
 * exact `paramsError` detail. Order: required fields of a part first (alphabetical, as the SDK serialises),
 * then every field's own rules in the same order, nested fields after their parent, cross-field rules last.
 */
import { missingBody, paramsError } from './errors.js';

type Obj = Record<string, unknown>;

/** True for a plain JSON object. */
function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A route with body fields: no body, or a body that is not a JSON object, is `Missingbody` (§4.2). */
export function objectBody(body: unknown): Obj {
  if (!isObj(body)) throw missingBody();
  return body;
}

/** Absent, null, '' or whitespace-only. */
function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Number of Unicode code points. */
function cpLength(s: string): number {
  return [...s].length;
}

/** Throws `<field> is empty` for the first absent required field (alphabetical order is the caller's). */
function requireAll(o: Obj, fields: string[], prefix = ''): void {
  for (const f of fields) if (isEmpty(o[f])) throw paramsError(`${prefix}${f} is empty`);
}

/** An optional string field: undefined when absent/null, else a string of at most `max` code points. */
function optString(o: Obj, field: string, label: string, max?: number): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw paramsError(`${label} should be string`);
  if (max !== undefined && cpLength(v.trim()) > max) throw paramsError(`${label} is longer than ${max} characters`);
  return v;
}

/** A required string field, trimmed and non-empty. */
function reqString(o: Obj, field: string, label: string, max?: number): string {
  const v = optString(o, field, label, max);
  if (v === undefined || v.trim() === '') throw paramsError(`${label} is empty`);
  return v.trim();
}

function optBoolean(o: Obj, field: string, label: string): boolean | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw paramsError(`${label} should be boolean`);
  return v;
}

function optArray(o: Obj, field: string, label: string, maxItems?: number): unknown[] | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw paramsError(`${label} should be array`);
  if (maxItems !== undefined && v.length > maxItems) throw paramsError(`${label} has more than ${maxItems} items`);
  return v;
}

/** Common limit of every unionId (§6 "Common limits"). */
const UNION_ID_MAX = 64;
/** Common limit of every nick. */
const NICK_MAX = 96;

/** The `{conferenceId}` path segment: an empty segment is the seed's "meeting ID is missing". */
export function conferenceIdParam(params: unknown): string {
  const id = isObj(params) ? params.conferenceId : undefined;
  if (typeof id !== 'string' || id.trim() === '') throw paramsError('conferenceId is empty');
  return id;
}

// ---------------------------------------------------------------------------------------------------------
// P1-1

/** Body of getAccessToken (§3.2). */
export interface TokenBody {
  appKey: string;
  appSecret: string;
}

/** Parses getAccessToken's body: a wrong type counts as empty there (§3.2 "missing, empty or not a string"). */
export function parseTokenBody(body: unknown): TokenBody {
  const o = objectBody(body);
  const s = (f: string) => {
    const v = o[f];
    if (typeof v !== 'string' || v === '') throw paramsError(`${f} is empty`);
    return v;
  };
  return { appKey: s('appKey'), appSecret: s('appSecret') };
}

// ---------------------------------------------------------------------------------------------------------
// P1-2

/** Body of createVideoConference (§6.2). */
export interface CreateBody {
  confTitle: string;
  inviteCaller: boolean;
  inviteUserIds: string[];
  userId: string;
}

/** Parses createVideoConference's body. */
export function parseCreateBody(body: unknown): CreateBody {
  const o = objectBody(body);
  requireAll(o, ['confTitle', 'userId']);
  let confTitle = reqString(o, 'confTitle', 'confTitle', 256);
  // FOUND: 51–256 characters are truncated to the first 50.
  if (cpLength(confTitle) > 50) confTitle = [...confTitle].slice(0, 50).join('').trim();
  const inviteCaller = optBoolean(o, 'inviteCaller', 'inviteCaller') ?? true;
  const list = optArray(o, 'inviteUserIds', 'inviteUserIds', 100) ?? [];
  const inviteUserIds = list.map((v, i) => {
    if (isEmpty(v)) throw paramsError(`inviteUserIds[${i}] is empty`);
    if (typeof v !== 'string') throw paramsError(`inviteUserIds[${i}] should be string`);
    if (cpLength(v) > UNION_ID_MAX) throw paramsError(`inviteUserIds[${i}] is longer than ${UNION_ID_MAX} characters`);
    return v;
  });
  const userId = reqString(o, 'userId', 'userId', UNION_ID_MAX);
  return { confTitle, inviteCaller, inviteUserIds, userId };
}

// ---------------------------------------------------------------------------------------------------------
// P1-3, P1-5 (query strings: values arrive as strings, §2.3 item 7)

function queryObj(q: unknown): Obj {
  return isObj(q) ? q : {};
}

/** Query of closeVideoConference: the operator `unionId`. */
export function parseCloseQuery(query: unknown): { unionId: string } {
  const q = queryObj(query);
  requireAll(q, ['unionId']);
  return { unionId: reqString(q, 'unionId', 'unionId', UNION_ID_MAX) };
}

/** Query of queryConferenceMembers: page size and the offset encoded in `nextToken`. */
export function parseMembersQuery(query: unknown): { maxResults: number; offset: number } {
  const q = queryObj(query);
  let maxResults = 20;
  const m = q.maxResults;
  if (m !== undefined && m !== '') {
    if (typeof m !== 'string' || !/^-?\d+$/.test(m.trim())) throw paramsError('maxResults should be number');
    maxResults = Number(m.trim());
    if (maxResults < 1 || maxResults > 100) throw paramsError('maxResults should be between 1 and 100');
  }
  let offset = 0;
  const t = q.nextToken;
  if (t !== undefined && t !== '') {
    if (typeof t !== 'string' || !/^\d{1,9}$/.test(t)) throw paramsError('nextToken is invalid');
    offset = Number(t);
  }
  return { maxResults, offset };
}

// ---------------------------------------------------------------------------------------------------------
// P1-6

/** One user invitee. */
export interface UserInviteeInput {
  unionId: string;
  nick: string;
  label: string;
}

/** One phone invitee, normalised to E.164. */
export interface PhoneInviteeInput {
  /** `+` and 3–15 digits. */
  e164: string;
  nick: string | undefined;
  inviteClient: boolean;
  label: string;
}

/** Body of inviteUsers (§6.6). */
export interface InviteBody {
  unionId: string | undefined;
  invitees: UserInviteeInput[];
  phones: PhoneInviteeInput[];
}

/** The E.164 form of a phone invitee (§5.2), or undefined when invalid (the caller names the field). */
export function normalisePhone(phoneNumber: string, statusCode: string | undefined): { e164?: string; bad?: 'phoneNumber' | 'statusCode' } {
  const v = phoneNumber.replace(/[\s\-()]/g, '');
  if (!/^\+?\d+$/.test(v)) return { bad: 'phoneNumber' };
  let digits: string;
  if (v.startsWith('+')) digits = v.slice(1);
  else {
    const cc = statusCode ?? '86';
    if (!/^\d{1,4}$/.test(cc)) return { bad: 'statusCode' };
    digits = cc + v;
  }
  if (digits.length < 3 || digits.length > 15) return { bad: 'phoneNumber' };
  return { e164: `+${digits}` };
}

/** Most invitees in one request (DESIGNED). */
export const MAX_INVITEES = 100;

/** Parses inviteUsers' body; duplicates collapse (first entry wins). */
export function parseInviteBody(body: unknown): InviteBody {
  const o = objectBody(body);
  const inviteeRaw = optArray(o, 'inviteeList', 'inviteeList') ?? [];
  const invitees: UserInviteeInput[] = [];
  const seenUsers = new Set<string>();
  for (const [i, e] of inviteeRaw.entries()) {
    const label = `inviteeList[${i}]`;
    if (e === null || e === undefined) throw paramsError(`${label} is empty`);
    if (!isObj(e)) throw paramsError(`${label} should be object`);
    requireAll(e, ['nick', 'unionId'], `${label}.`);
    const nick = reqString(e, 'nick', `${label}.nick`, NICK_MAX);
    const unionId = reqString(e, 'unionId', `${label}.unionId`, UNION_ID_MAX);
    if (seenUsers.has(unionId)) continue;
    seenUsers.add(unionId);
    invitees.push({ unionId, nick, label });
  }
  const phoneRaw = optArray(o, 'phoneInviteeList', 'phoneInviteeList') ?? [];
  const phones: PhoneInviteeInput[] = [];
  const seenNumbers = new Set<string>();
  for (const [i, e] of phoneRaw.entries()) {
    const label = `phoneInviteeList[${i}]`;
    if (e === null || e === undefined) throw paramsError(`${label} is empty`);
    if (!isObj(e)) throw paramsError(`${label} should be object`);
    requireAll(e, ['phoneNumber'], `${label}.`);
    const inviteClient = optBoolean(e, 'inviteClient', `${label}.inviteClient`) ?? false;
    const nickRaw = optString(e, 'nick', `${label}.nick`, NICK_MAX);
    const phoneNumber = reqString(e, 'phoneNumber', `${label}.phoneNumber`, 64);
    const statusCode = optString(e, 'statusCode', `${label}.statusCode`, 8);
    const n = normalisePhone(phoneNumber, statusCode === undefined || statusCode.trim() === '' ? undefined : statusCode.trim());
    if (!n.e164) throw paramsError(`${label}.${n.bad ?? 'phoneNumber'} is invalid`);
    if (seenNumbers.has(n.e164)) continue;
    seenNumbers.add(n.e164);
    const nick = nickRaw?.trim();
    phones.push({ e164: n.e164, nick: nick === '' ? undefined : nick, inviteClient, label });
  }
  const unionIdRaw = optString(o, 'unionId', 'unionId', UNION_ID_MAX);
  const unionId = unionIdRaw === undefined || unionIdRaw.trim() === '' ? undefined : unionIdRaw.trim();
  if (inviteeRaw.length + phoneRaw.length === 0) throw paramsError('inviteeList is empty');
  if (inviteeRaw.length + phoneRaw.length > MAX_INVITEES) throw paramsError(`too many invitees, at most ${MAX_INVITEES} per request`);
  return { unionId, invitees, phones };
}
