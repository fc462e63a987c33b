/**
 * Request checks of the Huawei control routes H9–H20 (huawei-meeting.md §3.2, §5.2–§5.4, §6.9–§6.19).
 * Every check throws a HuaweiError with the field's own code and an `error_detail` that names the field by
 * its path; the first failure wins, fields are checked in the order of the vendor's tables, and nothing is
 * changed before every check passed. Typing is Jackson-lenient (§6.1): integers also as decimal strings,
 * strings also as JSON numbers, `null` = absent, unknown fields ignored.
 */
import { classifyNumber, type DialTarget } from '../../domain/live/phoneNumber.js';
import type { TerminalType } from '../../domain/live/types.js';
import { HuaweiError, type HuaweiCode } from './errors.js';

/** Short names of the Huawei codes the control routes emit (huawei-meeting.md §5.2). */
export const controlCodes = {
  BAD_REQUEST: 'MMC.111070001',
  PARAMETER: 'MMC.111071061',
  EMAIL: 'MMC.111071024',
  SMS: 'MMC.111071025',
  NUMBER_EMPTY: 'MMC.111072031',
  NUMBER_TOO_LONG: 'MMC.111072032',
  NUMBER_ILLEGAL: 'MMC.111072033',
  NAME_TOO_LONG: 'MMC.111072034',
  ROLE_RANGE: 'MMC.111072035',
  MUTE_RANGE: 'MMC.111072038',
  ON_OFF_RANGE: 'MMC.111072045',
  NAME_EMPTY: 'MMC.111072046',
  NEW_NAME_TOO_LONG: 'MMC.111072047',
  BODY_NULL: 'MMC.111072057',
  PASSWORD_WRONG: 'MMC.111071091',
  NOT_STARTED: 'MMC.111072005',
  CLOSED: 'MMC.111072006',
  PARTICIPANT_NOT_EXIST: 'MMC.111072008',
  LOGIN_LOCKED: 'MMC.111072064',
  NOT_FOUND_OR_AUTH_FAILED: 'MMC.111072065',
  NEED_PASSWORD: 'MMC.111070009',
  TOKEN_NULL: 'MMC.111070111',
  TOKEN_INVALID: 'MMC.118000001',
  GUEST_DENIED: 'MMC.111072070',
} as const satisfies Record<string, HuaweiCode>;

/** One of the codes above. */
export type ControlCode = keyof typeof controlCodes;

/** A HuaweiError for `code` with `detail` as its `error_detail`. */
export function controlError(code: ControlCode, detail: string): HuaweiError {
  return new HuaweiError(controlCodes[code], detail);
}

function fail(code: ControlCode, detail: string): never {
  throw controlError(code, detail);
}

type Json = unknown;

/** A plain JSON object (not an array). */
function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The body as an object: absent/null → 111072057; an array or scalar → 111070001. */
export function requireBody(body: Json): Record<string, Json> {
  if (body === undefined || body === null) fail('BODY_NULL', 'request body is required');
  if (!isObject(body)) fail('BAD_REQUEST', 'request body should be a JSON object');
  return body;
}

/** A string field: strings, and JSON numbers as their decimal text; null/absent → undefined. */
function str(v: Json, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return fail('PARAMETER', `${path} should be a string`);
}

/** An integer field: JSON integers and decimal-integer strings; null/absent → undefined. */
function int(v: Json, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*[-+]?\d{1,15}\s*$/.test(v)) return Number(v);
  return fail('PARAMETER', `${path} should be an integer`);
}

/** A 0/1 flag: type errors → 111071061, other integers → `range`. */
function flag(v: Json, path: string, range: ControlCode): 0 | 1 | undefined {
  const n = int(v, path);
  if (n === undefined) return undefined;
  if (n !== 0 && n !== 1) fail(range, `${path} should be 0 or 1`);
  return n;
}

/** A required 0/1 flag of the body. */
function requiredFlag(body: Record<string, Json>, key: string, range: ControlCode): 0 | 1 {
  const v = flag(body[key], key, range);
  if (v === undefined) fail('PARAMETER', `${key} is required`);
  return v;
}

/** Length in Unicode code points (names are counted so, §3.2). */
function codePoints(s: string): number {
  return [...s].length;
}

/** A non-empty query value (first value when repeated, §6.1). */
export function queryValue(query: unknown, key: string): string | undefined {
  const raw = isObject(query) ? query[key] : undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Query `participantID`, required by H12, H15, H16, H18. */
export function requireParticipantId(query: unknown): string {
  const v = queryValue(query, 'participantID');
  if (v === undefined) fail('PARAMETER', 'query participantID is required');
  if (v.length > 64) fail('PARAMETER', 'query participantID is longer than 64 characters');
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// H9 invite

/** Terminal types in the order the error text lists them (§3.4). */
export const terminalTypes: readonly TerminalType[] = ['normal', 'terminal', 'outside', 'mobile', 'ideahub', 'board', 'hwvision', 'telepresence', 'telephone', 'customnumber', 'anonymous'];

/** One checked attendee of H9 (seed 000, §3.2). */
export interface AttendeeInput {
  /** `attendees[i]`. */
  label: string;
  userUUID: string | undefined;
  accountId: string | undefined;
  /** Trimmed, 1–96 code points. */
  name: string;
  /** 1 = host. */
  role: 0 | 1;
  /** The classified `phone`. */
  phone: DialTarget;
  email: string | undefined;
  sms: string | undefined;
  type: TerminalType;
  deptUUID: string | undefined;
  deptName: string | undefined;
  isMute: 0 | 1;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const SMS = /^\+?\d{3,31}$/;

/** Checks a `phone`/`phone2`/`phone3` value; `required` makes absence an error. */
function phoneField(v: Json, path: string, required: boolean): DialTarget | undefined {
  const s = str(v, path)?.trim();
  if (s === undefined || s === '') {
    if (required) fail('NUMBER_EMPTY', `${path} is empty`);
    return undefined;
  }
  if (s.length > 127) fail('NUMBER_TOO_LONG', `${path} is longer than 127 characters`);
  const t = classifyNumber(s);
  if (!t) fail('NUMBER_ILLEGAL', `${path} is neither a SIP URI nor a telephone number`);
  return t;
}

function maxLen(v: string | undefined, max: number, path: string): string | undefined {
  if (v !== undefined && v.length > max) fail('PARAMETER', `${path} is longer than ${max} characters`);
  return v;
}

function attendee(v: Json, label: string): AttendeeInput {
  if (!isObject(v)) fail('PARAMETER', `${label} should be an object`);
  const userUUID = maxLen(str(v.userUUID, `${label}.userUUID`), 64, `${label}.userUUID`);
  const accountId = maxLen(str(v.accountId, `${label}.accountId`), 128, `${label}.accountId`);
  const name = str(v.name, `${label}.name`)?.trim() ?? '';
  if (name === '') fail('NAME_EMPTY', `${label}.name is empty`);
  if (codePoints(name) > 96) fail('NAME_TOO_LONG', `${label}.name is longer than 96 characters`);
  const role = flag(v.role, `${label}.role`, 'ROLE_RANGE') ?? 0;
  const phone = phoneField(v.phone, `${label}.phone`, true) as DialTarget;
  phoneField(v.phone2, `${label}.phone2`, false);
  phoneField(v.phone3, `${label}.phone3`, false);
  const email = str(v.email, `${label}.email`)?.trim() || undefined;
  if (email !== undefined && (email.length > 255 || !EMAIL.test(email))) fail('EMAIL', `${label}.email is not a valid address`);
  const sms = str(v.sms, `${label}.sms`)?.trim() || undefined;
  if (sms !== undefined && !SMS.test(sms)) fail('SMS', `${label}.sms is not a valid number`);
  const rawType = str(v.type, `${label}.type`)?.trim().toLowerCase() || 'normal';
  if (!terminalTypes.includes(rawType as TerminalType)) fail('PARAMETER', `${label}.type should be one of ${terminalTypes.join(', ')}`);
  const deptUUID = maxLen(str(v.deptUUID, `${label}.deptUUID`), 64, `${label}.deptUUID`);
  const deptName = maxLen(str(v.deptName, `${label}.deptName`), 128, `${label}.deptName`);
  const isMute = flag(v.isMute, `${label}.isMute`, 'MUTE_RANGE') ?? 0;
  return { label, userUUID, accountId, name, role, phone, email, sms, type: rawType as TerminalType, deptUUID, deptName, isMute };
}

/** Checks the H9 body: `attendees` 1–100 entries, each field in §3.2 order. */
export function parseInviteBody(body: Json): AttendeeInput[] {
  const b = requireBody(body);
  const list = b.attendees;
  if (list === undefined || list === null) fail('PARAMETER', 'attendees is required');
  if (!Array.isArray(list)) fail('PARAMETER', 'attendees should be an array');
  if (list.length === 0) fail('PARAMETER', 'attendees is empty');
  if (list.length > 100) fail('PARAMETER', 'attendees has more than 100 items');
  return list.map((a, i) => attendee(a, `attendees[${i}]`));
}

// ---------------------------------------------------------------------------------------------------------
// H10 hang up, H19 batch hands

/** A list of 1–100 pids (each 1–64 characters) under `key`. */
function pidList(b: Record<string, Json>, key: string): string[] {
  const list = b[key];
  if (list === undefined || list === null) fail('PARAMETER', `${key} is required`);
  if (!Array.isArray(list)) fail('PARAMETER', `${key} should be an array of strings`);
  if (list.length === 0) fail('PARAMETER', `${key} is empty`);
  if (list.length > 100) fail('PARAMETER', `${key} has more than 100 items`);
  return list.map((v, i) => {
    const s = typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : fail('PARAMETER', `${key} should be an array of strings`);
    if (s.length < 1 || s.length > 64) fail('PARAMETER', `${key}[${i}] should be 1 to 64 characters`);
    return s;
  });
}

/** H10: `{"bulkHangUpParticipants":[pid…]}` (seed 002). */
export function parseHangUpBody(body: Json): string[] {
  return pidList(requireBody(body), 'bulkHangUpParticipants');
}

/** H19: `{"handsState":0|1,"pids":[…]}`. */
export function parseBatchHandsBody(body: Json): { handsState: 0 | 1; pids: string[] } {
  const b = requireBody(body);
  const handsState = requiredFlag(b, 'handsState', 'ON_OFF_RANGE');
  return { handsState, pids: pidList(b, 'pids') };
}

// ---------------------------------------------------------------------------------------------------------
// H12–H18

/** H12: `{"isMute":0|1}`. */
export function parseMuteBody(body: Json): { isMute: 0 | 1 } {
  return { isMute: requiredFlag(requireBody(body), 'isMute', 'MUTE_RANGE') };
}

/** H13: `{"isMute":0|1,"allowUnmuteByOneself":0|1}` (the latter defaults to 1). */
export function parseMuteAllBody(body: Json): { isMute: 0 | 1; allowUnmuteByOneself: 0 | 1 } {
  const b = requireBody(body);
  const isMute = requiredFlag(b, 'isMute', 'MUTE_RANGE');
  return { isMute, allowUnmuteByOneself: flag(b.allowUnmuteByOneself, 'allowUnmuteByOneself', 'ON_OFF_RANGE') ?? 1 };
}

/** H14: `{"isLock":0|1}`. */
export function parseLockBody(body: Json): { isLock: 0 | 1 } {
  return { isLock: requiredFlag(requireBody(body), 'isLock', 'ON_OFF_RANGE') };
}

/** H15: `{"applyChair":0|1,"chairmanPwd":"…"}`. */
export function parseRoleBody(body: Json): { applyChair: 0 | 1; chairmanPwd: string | undefined } {
  const b = requireBody(body);
  const applyChair = requiredFlag(b, 'applyChair', 'ON_OFF_RANGE');
  return { applyChair, chairmanPwd: maxLen(str(b.chairmanPwd, 'chairmanPwd'), 64, 'chairmanPwd') };
}

/** H16: `{"isCohost":0|1}`. */
export function parseCohostBody(body: Json): { isCohost: 0 | 1 } {
  return { isCohost: requiredFlag(requireBody(body), 'isCohost', 'ON_OFF_RANGE') };
}

/** H17: `{"participantID","number","newName"}` (Go RestRenamePartReqBody). */
export function parseRenameBody(body: Json): { participantID: string | undefined; number: string; newName: string } {
  const b = requireBody(body);
  const participantID = maxLen(str(b.participantID, 'participantID') || undefined, 64, 'participantID');
  const number = str(b.number, 'number')?.trim() ?? '';
  if (number === '') fail('NUMBER_EMPTY', 'number is empty');
  if (number.length > 127) fail('NUMBER_TOO_LONG', 'number is longer than 127 characters');
  const newName = str(b.newName, 'newName')?.trim() ?? '';
  if (newName === '') fail('NAME_EMPTY', 'newName is empty');
  if (codePoints(newName) > 96) fail('NEW_NAME_TOO_LONG', 'newName is longer than 96 characters');
  return { participantID, number, newName };
}

/** H18: `{"handsState":0|1}`. */
export function parseHandsBody(body: Json): { handsState: 0 | 1 } {
  return { handsState: requiredFlag(requireBody(body), 'handsState', 'ON_OFF_RANGE') };
}
