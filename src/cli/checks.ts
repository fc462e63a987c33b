/**
 * Input checks shared by the admin CLI and the bootstrap file. Both are operator surfaces outside any dialect,
 * so they check their own input here and report the first problem as one readable line.
 */
import type { KeyPermission } from '../domain/accounts/ApiKey.js';

/** A problem the operator can fix by changing the command or the file; `exitCode` 2 is a usage error. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Account types (webmeeting-v6 §6.1). */
export const ACCOUNT_TYPES = ['trial', 'paid', 'free'] as const;
/** Key permissions (webmeeting-v6 §3.1). */
export const KEY_PERMISSIONS: readonly KeyPermission[] = ['account', 'meeting'];
/** Languages the v6 dialect accepts for `preferredLanguage`. */
export const LANGUAGES = ['en', 'de', 'fr', 'it'] as const;

/**
 * Password length accepted by the CLI and the bootstrap file. The lower bound is the Huawei sign-in's (H1,
 * 8–32); the upper bound only keeps scrypt input sane. Longer than 32 works for the web client but not for H1.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** 24 lower-case hex, the id shape of every Convene object. */
export function isHex24(v: string): boolean {
  return /^[0-9a-f]{24}$/.test(v);
}

/** A plausible address (one `@`, a dot in the domain, no spaces); delivery is the real check. */
export function isEmail(v: string): boolean {
  return v.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
}

/** True for an IANA zone (aliases included) that this Node's ICU knows. */
export function isTimezone(v: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}

/** DingTalk unionId form (dingtalk-conference §3.5). */
export function isUnionId(v: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(v);
}

/** Returns the problem with a password, or null when it is acceptable. */
export function passwordProblem(v: string): string | null {
  if (v.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (v.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  return null;
}

/** Parses `account,meeting` (case-insensitive, as §3.1 matches permission names). */
export function parsePermissions(v: string, what = '--permissions'): KeyPermission[] {
  const items = v
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (items.length === 0) throw new CliError(`${what} must name at least one of: ${KEY_PERMISSIONS.join(', ')}`, 2);
  for (const p of items) {
    if (!(KEY_PERMISSIONS as readonly string[]).includes(p)) throw new CliError(`${what}: unknown permission "${p}" (use ${KEY_PERMISSIONS.join(', ')})`, 2);
  }
  return [...new Set(items)] as KeyPermission[];
}
