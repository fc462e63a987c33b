/**
 * Request checks of the USG sign-in routes (H1, H2) and the management routes H3–H7 (huawei-meeting.md
 * §2.2, §3.2, §6.2–§6.7). Each check throws a HuaweiError with the field's own code and an `error_detail`
 * that names the field by its path; the first failure wins and fields are checked in the order of the
 * vendor's tables. Typing is Jackson-lenient (§6.1): integers also as decimal strings, strings also as JSON
 * numbers, booleans also as "true"/"false", `null` = absent, unknown fields ignored.
 */
import { classifyNumber, type DialTarget } from '../../domain/live/phoneNumber.js';
import type { TerminalType } from '../../domain/live/types.js';
import { HuaweiError, paramError, type HuaweiCode } from './errors.js';

type Json = unknown;

/** A plain JSON object (not an array). */
export function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Readers parameterised by the code a type error gets (`MMC.111071061` on MMC routes, `USG.000000001` on USG). */
function readers(typeCode: HuaweiCode) {
  const fail = (detail: string): never => {
    throw new HuaweiError(typeCode, detail);
  };
  return {
    fail,
    str(v: Json, path: string): string | undefined {
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      return fail(`${path} should be a string`);
    },
    int(v: Json, path: string): number | undefined {
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
      if (typeof v === 'string' && /^\s*[-+]?\d{1,15}\s*$/.test(v)) return Number(v);
      return fail(`${path} should be an integer`);
    },
    bool(v: Json, path: string): boolean | undefined {
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return fail(`${path} should be a boolean`);
    },
  };
}

const mmc = readers('MMC.111071061');
const usg = readers('USG.000000001');

/** Length in Unicode code points (names are counted so, §3.2). */
function codePoints(s: string): number {
  return [...s].length;
}

/** The first value of a query parameter (a repeated one counts with its first value, §6.1); '' = absent. */
export function queryValue(query: unknown, key: string): string | undefined {
  const raw = isObject(query) ? query[key] : undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// USG H1 / H2 (§2.2)

/** `clientType`: missing → 72 (DESIGNED leniency), else an integer 0–999. */
function clientType(v: Json): number {
  const n = usg.int(v, 'clientType');
  if (n === undefined) return 72;
  if (n < 0 || n > 999) usg.fail('clientType should be an integer from 0 to 999');
  return n;
}

/** The body of a USG route as an object; an absent body counts as `{}` (the SDKs always send one). */
function usgBody(body: Json): Record<string, Json> {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) return usg.fail('request body should be a JSON object');
  return body;
}

/** Checked H1 body. */
export interface AccountSignInBody {
  account: string | undefined;
  clientType: number;
  /** False for `createTokenType` 1. */
  createToken: boolean;
}

/** H1 body: `account` (optional), `clientType`, `createTokenType` (0/1); `HA2` and the rest are ignored. */
export function parseAccountSignInBody(body: Json): AccountSignInBody {
  const b = usgBody(body);
  const account = usg.str(b.account, 'account');
  const ct = clientType(b.clientType);
  const createTokenType = usg.int(b.createTokenType, 'createTokenType') ?? 0;
  if (createTokenType !== 0 && createTokenType !== 1) usg.fail('createTokenType should be 0 or 1');
  return { account: account === '' ? undefined : account, clientType: ct, createToken: createTokenType !== 1 };
}

/** Decoded `Authorization: Basic`. */
export interface BasicCredentials {
  account: string;
  password: string;
}

const BASE64 = /^[A-Za-z0-9+/\-_]+={0,2}$/;

/**
 * Decodes `Authorization: Basic base64(account:password)` (§2.2, §10.3): UTF-8 when the bytes are valid
 * UTF-8, else ISO-8859-1 (the Node SDK encodes Latin-1); the account ends at the first `:`.
 * @returns undefined when the header is missing, not Basic, not base64, or has no `:` or no account.
 */
export function decodeBasic(header: string | undefined): BasicCredentials | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m || !BASE64.test(m[1] as string)) return undefined;
  const bytes = Buffer.from((m[1] as string).replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { account: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Decoded `Authorization: HMAC-SHA256 signature=…[,access=…]`. */
export interface HmacCredentials {
  signature: string;
  /** The base64-decoded `access` value, or null when absent. */
  access: string | null;
}

/**
 * Decodes `Authorization: HMAC-SHA256 signature=<hex>[,access=<base64(appId)>]` (§2.2). Parameters may come in
 * any order and be spaced; `access` is optional (Terraform omits it).
 * @returns undefined when the header is missing, of another scheme, or has no signature.
 */
export function decodeHmac(header: string | undefined): HmacCredentials | undefined {
  const m = /^HMAC-SHA256\s+(.+)$/i.exec((header ?? '').trim());
  if (!m) return undefined;
  const params = new Map<string, string>();
  for (const part of (m[1] as string).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const signature = params.get('signature');
  if (!signature) return undefined;
  const rawAccess = params.get('access');
  const access = rawAccess === undefined || rawAccess === '' ? null : Buffer.from(rawAccess, 'base64').toString('utf8');
  return { signature, access };
}

/** Checked H2 body. */
export interface AppSignInBody {
  appId: string;
  clientType: number;
  expireTime: number;
  nonce: string;
  userId: string | null;
  corpId: string | null;
  userName: string | null;
  userEmail: string | null;
  userPhone: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** H2 body (§2.2 table), checked in table order. */
export function parseAppSignInBody(body: Json): AppSignInBody {
  const b = usgBody(body);
  const appId = usg.str(b.appId, 'appId');
  if (appId === undefined || appId === '') return usg.fail('appId is required');
  if (appId.length > 64) usg.fail('appId is longer than 64 characters');
  const ct = clientType(b.clientType);
  const expireTime = usg.int(b.expireTime, 'expireTime');
  if (expireTime === undefined) return usg.fail('expireTime is required');
  if (expireTime < 0) usg.fail('expireTime should not be negative');
  const nonce = usg.str(b.nonce, 'nonce');
  if (nonce === undefined || nonce.length < 32 || nonce.length > 64) usg.fail('nonce should be 32 to 64 characters');
  const userId = usg.str(b.userId, 'userId') || null;
  if (userId !== null && userId.length > 64) usg.fail('userId should be 1 to 64 characters');
  const corpId = usg.str(b.corpId, 'corpId') || null;
  if (corpId !== null && corpId.length > 64) usg.fail('corpId is longer than 64 characters');
  const userName = usg.str(b.userName, 'userName')?.trim() || null;
  if (userName !== null && codePoints(userName) > 96) usg.fail('userName is longer than 96 characters');
  const userEmail = usg.str(b.userEmail, 'userEmail')?.trim() || null;
  if (userEmail !== null && (userEmail.length > 255 || !EMAIL.test(userEmail))) usg.fail('userEmail is not a valid address');
  const userPhone = usg.str(b.userPhone, 'userPhone')?.trim() || null;
  if (userPhone !== null && userPhone.length > 32) usg.fail('userPhone is longer than 32 characters');
  usg.str(b.deptCode, 'deptCode');
  return { appId, clientType: ct, expireTime, nonce: nonce as string, userId, corpId, userName, userEmail, userPhone };
}

// ---------------------------------------------------------------------------------------------------------
// H3 create (§6.4)

/** Terminal types in the order the error text lists them (§3.4). */
const terminalTypes: readonly TerminalType[] = ['normal', 'terminal', 'outside', 'mobile', 'ideahub', 'board', 'hwvision', 'telepresence', 'telephone', 'customnumber', 'anonymous'];

/** One checked create-time attendee (Go `RestAttendeeDto`): every field optional. */
export interface CreateAttendee {
  label: string;
  userUUID: string | undefined;
  accountId: string | undefined;
  /** Trimmed; '' when not given. */
  name: string;
  role: 0 | 1;
  phone: DialTarget | undefined;
  phone2: string | undefined;
  phone3: string | undefined;
  email: string | undefined;
  sms: string | undefined;
  type: TerminalType;
  deptUUID: string | undefined;
  deptName: string | undefined;
  isMute: 0 | 1;
  isAutoInvite: 0 | 1;
  address: string | undefined;
  appId: string | undefined;
}

/** `confConfigInfo` (Go `RestConfConfigDTO`), normalised, keys in the model's order. */
export interface ConfConfigInfo {
  isSendNotify?: boolean;
  isSendSms?: boolean;
  isSendCalendar?: boolean;
  isAutoMute?: boolean;
  isHardTerminalAutoMute?: boolean;
  isHostCameraOn?: boolean;
  isGuestCameraOn?: boolean;
  isGuestFreePwd?: boolean;
  allowGuestStartConf?: boolean;
  guestPwd?: string;
  callInRestriction?: number;
  enableWaitingRoom?: boolean;
  vmrIDType?: number;
  prolongLength?: number;
}

/** The checked H3 body. */
export interface CreateConferenceBody {
  /** Epoch ms of the scheduled start, or null for an instant meeting. */
  startTime: number | null;
  /** Minutes, 15–1440. */
  length: number;
  /** Trimmed; null = the default subject. */
  subject: string | null;
  /** Normalised and expanded (`Data,Voice[,Video][,HDVideo]`). */
  mediaTypes: string;
  attendees: CreateAttendee[];
  language: 'zh-CN' | 'en-US' | null;
  timeZoneID: string | null;
  groupuri: string | null;
  encryptMode: number | null;
  concurrentParticipants: number;
  confConfigInfo: ConfConfigInfo;
}

/** `yyyy-MM-dd HH:mm` in UTC → epoch ms, or undefined when not a real date and time. */
export function parseHuaweiTime(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(t);
  // Reject rolled-over values such as 2026-02-30 or 25:00.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi) return undefined;
  if (y < 1970 || y >= 3000) return undefined;
  return t;
}

const MEDIA = ['Data', 'Voice', 'Video', 'HDVideo'] as const;

/** `mediaTypes` → the normalised, expanded list (§6.4): video implies Voice, Data is always present. */
export function normaliseMediaTypes(v: Json): string {
  const bad = (): never => {
    throw new HuaweiError('MMC.111071018', 'mediaTypes should be a comma list of Voice, Video, HDVideo, Data');
  };
  if (typeof v !== 'string' || v.trim() === '') return bad();
  const given = new Set<string>();
  for (const part of v.split(',')) {
    const hit = MEDIA.find((m) => m.toLowerCase() === part.trim().toLowerCase());
    if (!hit) bad();
    given.add(hit as string);
  }
  given.add('Data');
  given.add('Voice');
  return MEDIA.filter((m) => given.has(m)).join(',');
}

const SMS = /^\+?\d{3,31}$/;

function phoneText(v: Json, path: string): string | undefined {
  const s = mmc.str(v, path)?.trim();
  if (s === undefined || s === '') return undefined;
  if (s.length > 127) throw new HuaweiError('MMC.111072032', `${path} is longer than 127 characters`);
  return s;
}

function phoneField(v: Json, path: string): DialTarget | undefined {
  const s = phoneText(v, path);
  if (s === undefined) return undefined;
  const t = classifyNumber(s);
  if (!t) throw new HuaweiError('MMC.111072033', `${path} is neither a SIP URI nor a telephone number`);
  return t;
}

function maxLen(v: string | undefined, max: number, path: string): string | undefined {
  if (v !== undefined && v.length > max) mmc.fail(`${path} is longer than ${max} characters`);
  return v;
}

function flag(v: Json, path: string, range: HuaweiCode): 0 | 1 | undefined {
  const n = mmc.int(v, path);
  if (n === undefined) return undefined;
  if (n !== 0 && n !== 1) throw new HuaweiError(range, `${path} should be 0 or 1`);
  return n;
}

function createAttendee(v: Json, label: string): CreateAttendee {
  if (!isObject(v)) return mmc.fail(`${label} should be an object`);
  const userUUID = maxLen(mmc.str(v.userUUID, `${label}.userUUID`) || undefined, 64, `${label}.userUUID`);
  const accountId = maxLen(mmc.str(v.accountId, `${label}.accountId`) || undefined, 128, `${label}.accountId`);
  const name = mmc.str(v.name, `${label}.name`)?.trim() ?? '';
  if (codePoints(name) > 96) throw new HuaweiError('MMC.111072034', `${label}.name is longer than 96 characters`);
  const role = flag(v.role, `${label}.role`, 'MMC.111072035') ?? 0;
  const phone = phoneField(v.phone, `${label}.phone`);
  // phone2/phone3 (telepresence screens) are stored and shown, never dialled (§3.2).
  const phone2 = phoneField(v.phone2, `${label}.phone2`) && phoneText(v.phone2, `${label}.phone2`);
  const phone3 = phoneField(v.phone3, `${label}.phone3`) && phoneText(v.phone3, `${label}.phone3`);
  const email = mmc.str(v.email, `${label}.email`)?.trim() || undefined;
  if (email !== undefined && (email.length > 255 || !EMAIL.test(email))) throw new HuaweiError('MMC.111071024', `${label}.email is not a valid address`);
  const sms = mmc.str(v.sms, `${label}.sms`)?.trim() || undefined;
  if (sms !== undefined && !SMS.test(sms)) throw new HuaweiError('MMC.111071025', `${label}.sms is not a valid number`);
  const type = (mmc.str(v.type, `${label}.type`)?.trim().toLowerCase() || 'normal') as TerminalType;
  if (!terminalTypes.includes(type)) mmc.fail(`${label}.type should be one of ${terminalTypes.join(', ')}`);
  const deptUUID = maxLen(mmc.str(v.deptUUID, `${label}.deptUUID`) || undefined, 64, `${label}.deptUUID`);
  const deptName = maxLen(mmc.str(v.deptName, `${label}.deptName`) || undefined, 128, `${label}.deptName`);
  const isMute = flag(v.isMute, `${label}.isMute`, 'MMC.111072038') ?? 0;
  // DESIGNED default: an entry with a number is called at the start, one without is not (§3.2).
  const isAutoInvite = flag(v.isAutoInvite, `${label}.isAutoInvite`, 'MMC.111071061') ?? (phone ? 1 : 0);
  const uniqueType = mmc.int(v.uniqueType, `${label}.uniqueType`);
  if (uniqueType === 1 && type !== 'customnumber') mmc.fail(`${label}.type should be customnumber when uniqueType is 1`);
  const address = maxLen(mmc.str(v.address, `${label}.address`) || undefined, 255, `${label}.address`);
  const appId = maxLen(mmc.str(v.appId, `${label}.appId`) || undefined, 64, `${label}.appId`);
  return { label, userUUID, accountId, name, role, phone, phone2, phone3, email, sms, type, deptUUID, deptName, isMute, isAutoInvite, address, appId };
}

function confConfig(v: Json): ConfConfigInfo {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return mmc.fail('confConfigInfo should be an object');
  const p = (k: string) => `confConfigInfo.${k}`;
  const out: ConfConfigInfo = {};
  const bools = ['isSendNotify', 'isSendSms', 'isSendCalendar', 'isAutoMute', 'isHardTerminalAutoMute', 'isHostCameraOn', 'isGuestCameraOn', 'isGuestFreePwd', 'allowGuestStartConf'] as const;
  for (const k of bools) {
    const b = mmc.bool(v[k], p(k));
    if (b !== undefined) out[k] = b;
  }
  if (out.isSendSms) mmc.fail('SMS notifications are not supported');
  const guestPwd = mmc.str(v.guestPwd, p('guestPwd'));
  if (guestPwd !== undefined && guestPwd !== '') {
    if (!/^\d{4,16}$/.test(guestPwd)) mmc.fail('confConfigInfo.guestPwd should be 4 to 16 digits');
    out.guestPwd = guestPwd;
  }
  const callIn = mmc.int(v.callInRestriction, p('callInRestriction'));
  if (callIn !== undefined) {
    if (![0, 2, 3].includes(callIn)) mmc.fail('confConfigInfo.callInRestriction should be 0, 2 or 3');
    out.callInRestriction = callIn;
  }
  const waiting = mmc.bool(v.enableWaitingRoom, p('enableWaitingRoom'));
  if (waiting) mmc.fail('waiting rooms are not supported yet');
  if (waiting !== undefined) out.enableWaitingRoom = waiting;
  const vmrIDType = mmc.int(v.vmrIDType, p('vmrIDType'));
  if (vmrIDType !== undefined) out.vmrIDType = vmrIDType;
  const prolong = mmc.int(v.prolongLength, p('prolongLength'));
  if (prolong !== undefined) {
    if (prolong < 0 || prolong > 60) mmc.fail('confConfigInfo.prolongLength should be between 0 and 60');
    out.prolongLength = prolong;
  }
  return out;
}

/** An integer field that accepts only 0 (features Convene does not offer yet are refused, never ignored). */
function zeroOnly(v: Json, path: string, why: string): void {
  const n = mmc.int(v, path);
  if (n !== undefined && n !== 0) mmc.fail(why);
}

/**
 * The H3 body (§6.4 table, in its order). `now` is the current instant: a `startTime` before the current
 * UTC minute is in the past.
 */
export function parseCreateBody(body: Json, now: number): CreateConferenceBody {
  if (body === undefined || body === null) throw new HuaweiError('MMC.111072057', 'request body is required');
  if (!isObject(body)) throw new HuaweiError('MMC.111070001', 'request body should be a JSON object');
  const b = body;
  const rawStart = mmc.str(b.startTime, 'startTime')?.trim() ?? '';
  let startTime: number | null = null;
  if (rawStart !== '') {
    const t = parseHuaweiTime(rawStart);
    if (t === undefined) mmc.fail('startTime should be yyyy-MM-dd HH:mm (UTC)');
    if ((t as number) < Math.floor(now / 60_000) * 60_000) throw new HuaweiError('MMC.111071013', `startTime ${rawStart} is in the past`);
    startTime = t as number;
  }
  const length = mmc.int(b.length, 'length') ?? 30;
  if (length < 15 || length > 1440) throw new HuaweiError('MMC.111071021', 'length should be between 15 and 1440');
  const subject = mmc.str(b.subject, 'subject')?.trim() || null;
  if (subject !== null && codePoints(subject) > 128) throw new HuaweiError('MMC.111071022', 'subject is longer than 128 characters');
  const mediaTypes = normaliseMediaTypes(b.mediaTypes);
  let attendees: CreateAttendee[] = [];
  if (b.attendees !== undefined && b.attendees !== null) {
    if (!Array.isArray(b.attendees)) mmc.fail('attendees should be an array');
    const list = b.attendees as Json[];
    if (list.length > 500) mmc.fail('attendees has more than 500 items');
    attendees = list.map((a, i) => createAttendee(a, `attendees[${i}]`));
  }
  const language = mmc.str(b.language, 'language') || null;
  if (language !== null && language !== 'zh-CN' && language !== 'en-US') mmc.fail('language should be zh-CN or en-US');
  const timeZoneID = mmc.str(b.timeZoneID, 'timeZoneID') || null;
  if (timeZoneID !== null && !/^\d{1,3}$/.test(timeZoneID)) mmc.fail('timeZoneID should be 1 to 3 digits');
  const groupuri = maxLen(mmc.str(b.groupuri, 'groupuri') || undefined, 31, 'groupuri') ?? null;
  const encryptMode = mmc.int(b.encryptMode, 'encryptMode') ?? null;
  if (encryptMode !== null && (encryptMode < 0 || encryptMode > 2)) mmc.fail('encryptMode should be 0, 1 or 2');
  for (const k of ['recordType', 'isAutoRecord', 'recordAuxStream', 'recordAuthType']) zeroOnly(b[k], k, 'recording is not enabled on this installation');
  for (const k of ['liveAddress', 'auxAddress']) {
    if (mmc.str(b[k], k)?.trim()) mmc.fail('live streaming is not supported');
  }
  const vmrFlag = mmc.int(b.vmrFlag, 'vmrFlag');
  if (vmrFlag === 1) mmc.fail('cloud meeting rooms are not supported yet');
  if (vmrFlag !== undefined && vmrFlag !== 0) mmc.fail('vmrFlag should be 0 or 1');
  mmc.str(b.vmrID, 'vmrID');
  const concurrentParticipants = mmc.int(b.concurrentParticipants, 'concurrentParticipants') ?? 0;
  if (concurrentParticipants < 0) mmc.fail('concurrentParticipants should not be negative');
  const confResType = mmc.int(b.confResType, 'confResType');
  if (confResType === 2) mmc.fail('webinars are not supported');
  if (confResType !== undefined && ![0, 1, 3].includes(confResType)) mmc.fail('confResType should be 0, 1 or 3');
  if (mmc.bool(b.supportSimultaneousInterpretation, 'supportSimultaneousInterpretation')) mmc.fail('simultaneous interpretation is not supported');
  const confConfigInfo = confConfig(b.confConfigInfo);
  return { startTime, length, subject, mediaTypes, attendees, language: language as CreateConferenceBody['language'], timeZoneID, groupuri, encryptMode, concurrentParticipants, confConfigInfo };
}

// ---------------------------------------------------------------------------------------------------------
// H4–H7 queries (§6.5–§6.7)

/** The largest value a 9-digit query integer can take: "no upper bound" for offsets. */
const UNBOUNDED = 999_999_999;

/** A query integer within [min, max], or `dflt` when absent. */
function queryInt(query: unknown, key: string, dflt: number, min: number, max: number): number {
  const v = queryValue(query, key);
  if (v === undefined) return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw paramError(max === UNBOUNDED ? `query ${key} should be an integer of at least ${min}` : `query ${key} should be between ${min} and ${max}`);
  }
  return Number(v);
}

function queryBool(query: unknown, key: string): boolean {
  const v = queryValue(query, key);
  if (v === undefined) return false;
  if (v !== 'true' && v !== 'false') throw paramError(`query ${key} should be true or false`);
  return v === 'true';
}

function searchKey(query: unknown, key = 'searchKey'): string | null {
  const v = queryValue(query, key)?.trim() || null;
  if (v !== null && v.length > 128) throw paramError(`query ${key} is longer than 128 characters`);
  return v;
}

/** Paging of every list route: `offset` ≥ 0 (default 0), `limit` 1–500 (default 20). */
export interface Paging {
  offset: number;
  limit: number;
}

function paging(query: unknown): Paging {
  return { offset: queryInt(query, 'offset', 0, 0, UNBOUNDED), limit: queryInt(query, 'limit', 20, 1, 500) };
}

/** H4 query. */
export interface ListQuery extends Paging {
  queryAll: boolean;
  searchKey: string | null;
  queryConfMode: 'ADAY' | 'AWEEK' | 'AMONTH' | 'ALL';
  sortType: 'ASC_StartTIME' | 'DSC_StartTIME';
}

/** H4 `GET /v1/mmc/management/conferences` query (FOUND names). */
export function parseListQuery(query: unknown): ListQuery {
  const p = paging(query);
  const queryAll = queryBool(query, 'queryAll');
  const sk = searchKey(query);
  const mode = queryValue(query, 'queryConfMode') ?? 'ALL';
  if (!['ADAY', 'AWEEK', 'AMONTH', 'ALL'].includes(mode)) throw paramError('query queryConfMode should be one of ADAY, AWEEK, AMONTH, ALL');
  const sort = queryValue(query, 'sortType') ?? 'ASC_StartTIME';
  if (sort !== 'ASC_StartTIME' && sort !== 'DSC_StartTIME') throw paramError('query sortType should be ASC_StartTIME or DSC_StartTIME');
  return { ...p, queryAll, searchKey: sk, queryConfMode: mode as ListQuery['queryConfMode'], sortType: sort };
}

/** H5 query. */
export interface OnlineQuery extends Paging {
  queryAll: boolean;
  searchKey: string | null;
}

/** H5 `GET …/conferences/online` query: as H4 without mode and sort. */
export function parseOnlineQuery(query: unknown): OnlineQuery {
  const p = paging(query);
  return { ...p, queryAll: queryBool(query, 'queryAll'), searchKey: searchKey(query) };
}

/** Query `conferenceID`: required, 1–32 characters, no format check (§6.1). */
export function requireConferenceId(query: unknown): string {
  const v = queryValue(query, 'conferenceID');
  if (v === undefined) throw paramError('query conferenceID is required');
  if (v.length > 32) throw paramError('query conferenceID is longer than 32 characters');
  return v;
}

/** H6 query. */
export interface DetailQuery extends Paging {
  conferenceID: string;
  searchKey: string | null;
}

/** H6 `GET …/conferences/confDetail` query. */
export function parseDetailQuery(query: unknown): DetailQuery {
  const conferenceID = requireConferenceId(query);
  return { conferenceID, ...paging(query), searchKey: searchKey(query) };
}

/** H7 query. */
export interface CancelQuery {
  conferenceID: string;
  /** 1 = also end it when it is running. */
  type: 0 | 1;
}

/** H7 `DELETE …/conferences` query. */
export function parseCancelQuery(query: unknown): CancelQuery {
  const conferenceID = requireConferenceId(query);
  const t = queryValue(query, 'type');
  if (t !== undefined && t !== '0' && t !== '1') throw paramError('query type should be 0 or 1');
  return { conferenceID, type: t === '1' ? 1 : 0 };
}
