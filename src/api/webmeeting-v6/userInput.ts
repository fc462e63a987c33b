/**
 * Readers for the account-administration bodies of webmeeting-v6: UserInput (§7.2), the E7 promote form,
 * API keys (§12.3), permission sets (§12.1), rooms (§12.2) and the E4 AccountInput (§6.1). Each collects every
 * issue with its §4.3 field path; the caller throws them all at once.
 */
import type { AccountType } from '../../domain/accounts/Account.js';
import type { KeyPermission } from '../../domain/accounts/ApiKey.js';
import type { CreateAccountKeyInput } from '../../domain/accounts/createAccountKey.js';
import type { CreatePermissionSetInput } from '../../domain/accounts/createPermissionSet.js';
import type { CreateUserInput } from '../../domain/accounts/createUser.js';
import { permissionFlagDefaults, type PermissionFlag, type PermissionFlags } from '../../domain/accounts/PermissionSet.js';
import type { UpdateAccountInput } from '../../domain/accounts/updateAccount.js';
import type { UpdatePermissionSetInput } from '../../domain/accounts/updatePermissionSet.js';
import type { UpdateUserInput } from '../../domain/accounts/updateUser.js';
import type { FieldIssue } from '../../domain/errors.js';
import { isValidTimeZone } from '../../domain/meetings/recurrence.js';
import { readAccountSettings } from './accountInput.js';
import { bodyObject, isHex24, Reader } from './validate.js';

/** §7.2 preferredLanguage values. */
export const USER_LANGUAGES = ['en', 'de', 'fr', 'it'] as const;
const ACCOUNT_TYPES = ['trial', 'paid', 'free'] as const;
const KEY_PERMISSIONS = ['account', 'meeting'] as const satisfies readonly KeyPermission[];

/** The UserInput fields shared by create and update; `create` makes email and the names required. */
function readUserFields(r: Reader, create: boolean): UpdateUserInput {
  const out: UpdateUserInput = {};
  const email = r.email('email', { required: create });
  if (email !== undefined) out.email = email;
  const firstName = r.string('firstName', { required: create, min: 1, max: 100 });
  if (firstName !== undefined) out.firstName = firstName;
  const lastName = r.string('lastName', { required: create, min: 1, max: 100 });
  if (lastName !== undefined) out.lastName = lastName;
  const lang = r.enum('preferredLanguage', USER_LANGUAGES);
  if (lang !== undefined) out.preferredLanguage = lang;
  const tz = r.timezone('timezone');
  if (tz !== undefined) out.timezone = tz;
  const extras = r.array('additionalTimezones', { max: 10 });
  if (extras) {
    const zones: string[] = [];
    extras.forEach((v, i) => {
      const p = `${r.path('additionalTimezones')}[${i}]`;
      if (typeof v !== 'string') r.fail(p, 'type', 'must be a string');
      else if (!isValidTimeZone(v.trim())) r.fail(p, 'format', 'must be an IANA time zone such as Europe/Zurich');
      else if (!zones.includes(v.trim())) zones.push(v.trim());
    });
    out.additionalTimezones = zones;
  }
  const ext = r.nullableString('externalUserId', { max: 255 });
  if (ext !== undefined) out.externalUserId = ext === '' ? null : ext;
  const isAdmin = r.bool('isAdmin');
  if (isAdmin !== undefined) out.isAdmin = isAdmin;
  return out;
}

/** A UserInput for E10 / E7 (create): email, firstName and lastName required. */
export function readCreateUser(body: unknown, issues: FieldIssue[]): CreateUserInput {
  const r = new Reader(bodyObject(body, issues), issues);
  const fields = readUserFields(r, true);
  const sendPassword = r.bool('sendPassword');
  return { ...(fields as CreateUserInput), ...(sendPassword !== undefined ? { sendPassword } : {}) };
}

/**
 * A UserInput for E17 (update): every field optional. `sendPassword` is accepted and ignored: the mail
 * templates only cover new users and accounts. Read-only output keys (id, icsToken, …) are ignored (§4.5).
 */
export function readUpdateUser(body: unknown, issues: FieldIssue[]): UpdateUserInput {
  const r = new Reader(bodyObject(body, issues), issues);
  const out = readUserFields(r, false);
  r.bool('sendPassword');
  return out;
}

/** E7's body: `{userId}` promotes an existing organizer; anything else is a UserInput for a new admin. */
export type PromoteOrCreate = { kind: 'promote'; userId: string } | { kind: 'create'; input: CreateUserInput };

/** Reads E7's body (§7.3). */
export function readPromoteOrCreate(body: unknown, issues: FieldIssue[]): PromoteOrCreate {
  const obj = bodyObject(body, issues);
  if (!('userId' in obj)) return { kind: 'create', input: { ...readCreateUser(obj, issues), isAdmin: true } };
  const v = obj.userId;
  if (v === null || v === undefined) issues.push({ field: 'userId', code: 'required', message: 'userId is required' });
  else if (typeof v !== 'string') issues.push({ field: 'userId', code: 'type', message: 'must be a 24-hex id' });
  else if (!isHex24(v.trim())) issues.push({ field: 'userId', code: 'format', message: 'must be a 24-hex id' });
  return { kind: 'promote', userId: typeof v === 'string' ? v.trim() : '' };
}

/** E12's body: `{name 1..100, permissions: non-empty subset of account | meeting}` (§12.3). */
export function readCreateAccountKey(body: unknown, issues: FieldIssue[]): CreateAccountKeyInput {
  const r = new Reader(bodyObject(body, issues), issues);
  const name = r.string('name', { required: true, min: 1, max: 100 });
  const raw = r.array('permissions', { required: true, max: 10 });
  const permissions: KeyPermission[] = [];
  if (raw) {
    if (raw.length === 0) r.fail('permissions', 'minLength', 'must name at least one of account, meeting');
    raw.forEach((v, i) => {
      const p = `permissions[${i}]`;
      if (typeof v !== 'string') return r.fail(p, 'type', 'must be a string');
      // Permission names match case-insensitively (§3.1).
      const hit = KEY_PERMISSIONS.find((k) => k === v.trim().toLowerCase());
      if (!hit) return r.fail(p, 'enum', `must be one of ${KEY_PERMISSIONS.join(', ')}`);
      if (!permissions.includes(hit)) permissions.push(hit);
    });
  }
  return { name: name as string, permissions };
}

function readFlags(r: Reader): Partial<PermissionFlags> {
  const flags: Partial<PermissionFlags> = {};
  for (const k of Object.keys(permissionFlagDefaults) as PermissionFlag[]) {
    const v = r.bool(k);
    if (v !== undefined) flags[k] = v;
  }
  return flags;
}

/** E46's body: name 1..100 required; absent flags take their defaults (§12.1). */
export function readCreatePermissionSet(body: unknown, issues: FieldIssue[]): CreatePermissionSetInput {
  const r = new Reader(bodyObject(body, issues), issues);
  const name = r.string('name', { required: true, min: 1, max: 100 });
  return { name: name as string, ...readFlags(r) };
}

/** E48's body: every field optional; read-only output keys are ignored (§4.5). */
export function readUpdatePermissionSet(body: unknown, issues: FieldIssue[]): UpdatePermissionSetInput {
  const r = new Reader(bodyObject(body, issues), issues);
  const name = r.string('name', { min: 1, max: 100 });
  return { ...(name !== undefined ? { name } : {}), ...readFlags(r) };
}

/** E52's body: `{name 1..100}`. */
export function readRenameRoom(body: unknown, issues: FieldIssue[]): string {
  const r = new Reader(bodyObject(body, issues), issues);
  return r.string('name', { required: true, min: 1, max: 100 }) as string;
}

/**
 * E4's body: AccountInput with every field optional (§6.1). The admin fields and `sendPassword` are ignored
 * here (the admin is edited through the user endpoints); the computed output keys of a round-tripped GET body
 * (id, canAddMeetingOrganizer, accountRooms, createdAt, isExpired) are ignored too (§4.5).
 */
export function readUpdateAccount(body: unknown, issues: FieldIssue[]): UpdateAccountInput {
  const r = new Reader(bodyObject(body, issues), issues);
  const out: UpdateAccountInput = {};
  const name = r.string('name', { min: 1, max: 255 });
  if (name !== undefined) out.name = name;
  const accountType = r.enum('accountType', ACCOUNT_TYPES);
  if (accountType !== undefined) out.accountType = accountType as AccountType;
  // `null` is a value here (never expires), not "use the default".
  const paidUntil = r.nullableInstant('paidUntil');
  if (paidUntil !== undefined) out.paidUntil = paidUntil;
  const dmp = r.idOrNull('defaultMeetingPermissions');
  if (dmp !== undefined) out.defaultMeetingPermissions = dmp;
  Object.assign(out, readAccountSettings(r));
  return out;
}
