/**
 * Hand-written input checks of the DingTalk in-conference controls (dingtalk-conference.md §6.7–§6.12) and
 * the field helpers the schedule routes reuse. Messages follow §4.3 exactly (`error:<field> is empty`, …).
 * Within a part, missing required fields are reported first, then the fields in alphabetical order (the
 * SDK's serialisation order), nested fields after their parent, array items in order (§4.3 "Order of checks").
 */
import { missingBody, paramsError } from './errors.js';

/** A JSON object as parsed from a body. */
export type Obj = Record<string, unknown>;

/** Throws `400 paramsError "error:<detail>"`. */
export function fail(detail: string): never {
  throw paramsError(detail);
}

/** True for `undefined`, `null`, and strings that are empty after trimming (§4.3 "is empty"). */
export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** The body as an object: no body, or JSON that is not an object, is `400 Missingbody` (§4.2, as input.ts). */
export function bodyObject(body: unknown): Obj {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) throw missingBody();
  return body as Obj;
}

/** Reports the first missing required field (in the order given, which callers keep alphabetical). */
export function requireFields(o: Obj, fields: readonly string[], prefix = ''): void {
  for (const f of fields) {
    const v = o[f];
    if (isEmpty(v) || (Array.isArray(v) && v.length === 0)) fail(`${prefix}${f} is empty`);
  }
}

/** An optional string field (absent/null → undefined); wrong type or too long → paramsError. */
export function optString(o: Obj, f: string, path: string, max?: number): string | undefined {
  const v = o[f];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(`${path} should be string`);
  if (max !== undefined && [...v].length > max) fail(`${path} is longer than ${max} characters`);
  return v;
}

/** A required string field: present, non-blank, a string of at most `max` characters. */
export function reqString(o: Obj, f: string, path: string, max?: number): string {
  if (isEmpty(o[f])) fail(`${path} is empty`);
  return optString(o, f, path, max) as string;
}

/** An optional boolean field. */
export function optBoolean(o: Obj, f: string, path: string): boolean | undefined {
  const v = o[f];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(`${path} should be boolean`);
  return v;
}

/** A required string enum field. */
export function reqEnum<T extends string>(o: Obj, f: string, path: string, values: readonly T[]): T {
  const v = reqString(o, f, path);
  if (!(values as readonly string[]).includes(v)) fail(`${path} should be one of ${values.join(',')}`);
  return v as T;
}

/** A required finite number field. */
export function reqNumber(o: Obj, f: string, path: string): number {
  const v = o[f];
  if (v === undefined || v === null) fail(`${path} is empty`);
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path} should be number`);
  return v;
}

/** A required array of objects with 1..max items. */
export function reqObjectArray(o: Obj, f: string, path: string, max: number): Obj[] {
  const v = o[f];
  if (v === undefined || v === null) fail(`${path} is empty`);
  if (!Array.isArray(v)) fail(`${path} should be array`);
  if (v.length === 0) fail(`${path} is empty`);
  if (v.length > max) fail(`${path} has more than ${max} items`);
  return v.map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) fail(`${path}[${i}] should be object`);
    return item as Obj;
  });
}

/** One `userList[]` entry: a member (`unionId`, `pstn_…`, `guest_…`) and optionally one of its legs. */
export interface MemberRef {
  unionId: string;
  participantId?: string;
}

function userList(o: Obj, max: number): MemberRef[] {
  return reqObjectArray(o, 'userList', 'userList', max).map((u, i) => {
    const path = `userList[${i}]`;
    requireFields(u, ['unionId'], `${path}.`);
    const participantId = optString(u, 'participantId', `${path}.participantId`, 64);
    const unionId = reqString(u, 'unionId', `${path}.unionId`, 128);
    return participantId === undefined || participantId.trim() === '' ? { unionId } : { unionId, participantId };
  });
}

/** §6.7 kickMembers body. */
export interface KickBody {
  forbiddenRejoin: boolean;
  userList: MemberRef[];
}

/** Checks a kickMembers body (§6.7). */
export function parseKickBody(raw: unknown): KickBody {
  const o = bodyObject(raw);
  requireFields(o, ['userList']);
  const forbiddenRejoin = optBoolean(o, 'forbiddenRejoin', 'forbiddenRejoin') ?? false;
  return { forbiddenRejoin, userList: userList(o, 100) };
}

/** §6.8 muteMembers body. */
export interface MuteMembersBody {
  mute: boolean;
  user: MemberRef;
}

/** Checks a muteMembers body (§6.8): exactly one user. */
export function parseMuteMembersBody(raw: unknown): MuteMembersBody {
  const o = bodyObject(raw);
  requireFields(o, ['action', 'userList']);
  const action = reqEnum(o, 'action', 'action', ['mute', 'un_mute'] as const);
  const v = o.userList;
  if (Array.isArray(v) && v.length > 1) fail('userList supports one user only');
  const [user] = userList(o, 1);
  return { mute: action === 'mute', user: user as MemberRef };
}

/** §6.9 muteAll body. */
export interface MuteAllBody {
  mute: boolean;
  forceMute: boolean;
}

/** Checks a muteAll body (§6.9). */
export function parseMuteAllBody(raw: unknown): MuteAllBody {
  const o = bodyObject(raw);
  requireFields(o, ['action']);
  const action = reqEnum(o, 'action', 'action', ['mute', 'un_mute'] as const);
  const forceMute = optBoolean(o, 'forceMute', 'forceMute') ?? false;
  return { mute: action === 'mute', forceMute };
}

/** Checks a lockConference body (§6.10); true = lock. */
export function parseLockBody(raw: unknown): boolean {
  const o = bodyObject(raw);
  requireFields(o, ['action']);
  return reqEnum(o, 'action', 'action', ['lock', 'unlock'] as const) === 'lock';
}

/** §6.11 cohosts body. */
export interface CohostsBody {
  add: boolean;
  userList: MemberRef[];
}

/** Checks a cohosts body (§6.11). */
export function parseCohostsBody(raw: unknown): CohostsBody {
  const o = bodyObject(raw);
  requireFields(o, ['action', 'userList']);
  const action = reqEnum(o, 'action', 'action', ['add', 'remove'] as const);
  return { add: action === 'add', userList: userList(o, 100) };
}

/** §6.12 focus body: the member to focus, or null for `un_focus`. */
export interface FocusBody {
  unionId: string | null;
}

/** Checks a focus body (§6.12): `unionId` is required for `focus` and ignored for `un_focus`. */
export function parseFocusBody(raw: unknown): FocusBody {
  const o = bodyObject(raw);
  requireFields(o, ['action']);
  const action = reqEnum(o, 'action', 'action', ['focus', 'un_focus'] as const);
  if (action === 'un_focus') return { unionId: null };
  return { unionId: reqString(o, 'unionId', 'unionId', 128) };
}

/** The `{conferenceId}` path segment, or `error:conferenceId is empty` (§2.3 item 8). */
export function requirePathId(params: unknown, name: 'conferenceId' | 'scheduleConferenceId'): string {
  const v = (params as Record<string, string | undefined>)[name];
  if (v === undefined || v.trim() === '') fail(`${name} is empty`);
  return v;
}
