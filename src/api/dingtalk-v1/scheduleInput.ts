/**
 * Hand-written input checks of the DingTalk scheduled-conference routes (dingtalk-conference.md §6.13–§6.16),
 * with the §4.3 messages. Required fields first, then every field in alphabetical order (nested after their
 * parent), then the cross-field rules (times) last.
 */
import {
  bodyObject,
  fail,
  isEmpty,
  optBoolean,
  optString,
  reqNumber,
  reqString,
  requireFields,
  type Obj,
} from './controlsInput.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Titles are truncated to this many characters (FOUND 50/256 rule, as `confTitle`). */
export const TITLE_KEEP = 50;
/** Longer titles are refused. */
export const TITLE_MAX = 256;

function title(o: Obj): string {
  return [...reqString(o, 'title', 'title', TITLE_MAX).trim()].slice(0, TITLE_KEEP).join('');
}

function optObject(o: Obj, f: string, path: string): Obj | undefined {
  const v = o[f];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) fail(`${path} should be object`);
  return v as Obj;
}

function optNumberEnum(o: Obj, f: string, path: string, values: readonly number[]): number | undefined {
  const v = o[f];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path} should be number`);
  if (!values.includes(v)) fail(`${path} should be one of ${values.join(',')}`);
  return v;
}

function optStringEnum(o: Obj, f: string, path: string, values: readonly string[]): string | undefined {
  const v = optString(o, f, path);
  if (v !== undefined && !values.includes(v)) fail(`${path} should be one of ${values.join(',')}`);
  return v;
}

/** The `scheduleConfSettingModel` after its checks; the unionIds still need resolving. */
export interface ScheduleSettings {
  cohostUnionIds: string[];
  hostUnionId?: string;
  /** The model as sent (checked), kept so later reads can echo it. */
  raw: Obj;
}

/** Checks `scheduleConfSettingModel` (§6.13 table), every field optional. */
export function parseSettings(o: Obj): ScheduleSettings {
  const P = 'scheduleConfSettingModel';
  const m = optObject(o, 'scheduleConfSettingModel', P);
  if (!m) return { cohostUnionIds: [], raw: {} };
  const ids = m.cohostUnionIds;
  let cohostUnionIds: string[] = [];
  if (ids !== undefined && ids !== null) {
    if (!Array.isArray(ids)) fail(`${P}.cohostUnionIds should be array`);
    if (ids.length > 100) fail(`${P}.cohostUnionIds has more than 100 items`);
    cohostUnionIds = ids.map((v, i) => {
      if (isEmpty(v)) fail(`${P}.cohostUnionIds[${i}] is empty`);
      if (typeof v !== 'string') fail(`${P}.cohostUnionIds[${i}] should be string`);
      return v;
    });
  }
  optString(m, 'confAllowedCorpId', `${P}.confAllowedCorpId`, 128);
  const hostUnionId = optString(m, 'hostUnionId', `${P}.hostUnionId`, 128);
  optNumberEnum(m, 'lockRoom', `${P}.lockRoom`, [0, 1]);
  const rec = optObject(m, 'moziConfOpenRecordSetting', `${P}.moziConfOpenRecordSetting`);
  if (rec) {
    const R = `${P}.moziConfOpenRecordSetting`;
    optBoolean(rec, 'isFollowHost', `${R}.isFollowHost`);
    optStringEnum(rec, 'mode', `${R}.mode`, ['grid', 'speech', 'full_screen', 'auto_grid']);
    optNumberEnum(rec, 'recordAutoStart', `${R}.recordAutoStart`, [0, 1]);
    optNumberEnum(rec, 'recordAutoStartType', `${R}.recordAutoStartType`, [0, 1, 2]);
  }
  const ext = optObject(m, 'moziConfVirtualExtraSetting', `${P}.moziConfVirtualExtraSetting`);
  if (ext) {
    const X = `${P}.moziConfVirtualExtraSetting`;
    optString(ext, 'cloudRecordOwnerUnionId', `${X}.cloudRecordOwnerUnionId`, 128);
    optNumberEnum(ext, 'enableChat', `${X}.enableChat`, [0, 1]);
    optBoolean(ext, 'enableWebAnonymousJoin', `${X}.enableWebAnonymousJoin`);
    optNumberEnum(ext, 'joinBeforeHost', `${X}.joinBeforeHost`, [0, 1]);
    optNumberEnum(ext, 'lockMediaStatusMicMute', `${X}.lockMediaStatusMicMute`, [0, 1]);
    optNumberEnum(ext, 'lockNick', `${X}.lockNick`, [0, 1]);
    optString(ext, 'minutesOwnerUnionId', `${X}.minutesOwnerUnionId`, 128);
    const apps = ext.moziConfExtensionAppSettings;
    if (apps !== undefined && apps !== null) {
      if (!Array.isArray(apps)) fail(`${X}.moziConfExtensionAppSettings should be array`);
      if (apps.length > 100) fail(`${X}.moziConfExtensionAppSettings has more than 100 items`);
      apps.forEach((a, i) => {
        const A = `${X}.moziConfExtensionAppSettings[${i}]`;
        if (a === null || typeof a !== 'object' || Array.isArray(a)) fail(`${A} should be object`);
        optNumberEnum(a as Obj, 'autoOpenMode', `${A}.autoOpenMode`, [0, 1, 2]);
        optString(a as Obj, 'coolAppCode', `${A}.coolAppCode`, 256);
        optString(a as Obj, 'extensionAppBizData', `${A}.extensionAppBizData`, 4096);
      });
    }
    optBoolean(ext, 'pushAllMeetingRecords', `${X}.pushAllMeetingRecords`);
    optBoolean(ext, 'pushCloudRecordCard', `${X}.pushCloudRecordCard`);
    optBoolean(ext, 'pushMinutesCard', `${X}.pushMinutesCard`);
    optNumberEnum(ext, 'waitingRoom', `${X}.waitingRoom`, [0, 1]);
  }
  optNumberEnum(m, 'muteOnJoin', `${P}.muteOnJoin`, [-1, 0, 6]);
  optNumberEnum(m, 'screenShareForbidden', `${P}.screenShareForbidden`, [0, 1]);
  return { cohostUnionIds, ...(hostUnionId !== undefined && hostUnionId.trim() !== '' ? { hostUnionId } : {}), raw: m };
}

/** The cross-field time rules (§6.13), checked last. */
function checkTimes(startTime: number, endTime: number, now: number): void {
  if (endTime <= startTime) fail('endTime should be later than startTime');
  if (startTime < now - 5 * MINUTE) fail('startTime is in the past');
  if (endTime - startTime > DAY) fail('conference length exceeds 24 hours');
}

/** §6.13 body after its checks. */
export interface CreateScheduleBody {
  creatorUnionId: string;
  startTime: number;
  endTime: number;
  title: string;
  settings: ScheduleSettings;
}

/** Checks a createScheduleConference body (§6.13). */
export function parseCreateSchedule(raw: unknown, now: number): CreateScheduleBody {
  const o = bodyObject(raw);
  requireFields(o, ['creatorUnionId', 'endTime', 'startTime', 'title']);
  const creatorUnionId = reqString(o, 'creatorUnionId', 'creatorUnionId', 128);
  const endTime = reqNumber(o, 'endTime', 'endTime');
  const settings = parseSettings(o);
  const startTime = reqNumber(o, 'startTime', 'startTime');
  const t = title(o);
  checkTimes(startTime, endTime, now);
  return { creatorUnionId, startTime, endTime, title: t, settings };
}

/** §6.14 body after its checks. */
export interface UpdateScheduleBody {
  creatorUnionId: string;
  scheduleConferenceId: string;
  startTime: number;
  endTime: number;
  title: string;
}

/** Checks an updateScheduleConference body (§6.14): all five fields required. */
export function parseUpdateSchedule(raw: unknown, now: number): UpdateScheduleBody {
  const o = bodyObject(raw);
  requireFields(o, ['creatorUnionId', 'endTime', 'scheduleConferenceId', 'startTime', 'title']);
  const creatorUnionId = reqString(o, 'creatorUnionId', 'creatorUnionId', 128);
  const endTime = reqNumber(o, 'endTime', 'endTime');
  const scheduleConferenceId = reqString(o, 'scheduleConferenceId', 'scheduleConferenceId', 128);
  const startTime = reqNumber(o, 'startTime', 'startTime');
  const t = title(o);
  checkTimes(startTime, endTime, now);
  return { creatorUnionId, scheduleConferenceId, startTime, endTime, title: t };
}

/** §6.15 body after its checks. */
export interface CancelScheduleBody {
  creatorUnionId: string;
  scheduleConferenceId: string;
}

/** Checks a cancelScheduleConference body (§6.15). */
export function parseCancelSchedule(raw: unknown): CancelScheduleBody {
  const o = bodyObject(raw);
  requireFields(o, ['creatorUnionId', 'scheduleConferenceId']);
  return {
    creatorUnionId: reqString(o, 'creatorUnionId', 'creatorUnionId', 128),
    scheduleConferenceId: reqString(o, 'scheduleConferenceId', 'scheduleConferenceId', 128),
  };
}

/** The `requestUnionId` query parameter of §6.16. */
export function parseScheduleQuery(query: unknown): string {
  const q = (query ?? {}) as Obj;
  const v = Array.isArray(q.requestUnionId) ? (q.requestUnionId as unknown[])[0] : q.requestUnionId;
  if (isEmpty(v)) fail('requestUnionId is empty');
  if (typeof v !== 'string') fail('requestUnionId should be string');
  if (v.length > 128) fail('requestUnionId is longer than 128 characters');
  return v;
}

/** An 11-digit room code grouped 3-3-5 with spaces (§2.6, FOUND format). */
export function groupRoomCode(code: string): string {
  return code.length === 11 ? `${code.slice(0, 3)} ${code.slice(3, 6)} ${code.slice(6)}` : code;
}
