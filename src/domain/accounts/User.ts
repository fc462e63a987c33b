/** A meeting organizer (an admin is an organizer with `isAdmin`). Emails are unique in the instance. */
export interface User {
  id: string;
  accountId: string;
  /** Lower-case. */
  email: string;
  firstName: string;
  lastName: string;
  externalUserId: string | null;
  preferredLanguage: string;
  timezone: string;
  additionalTimezones: string[];
  isAdmin: boolean;
  /** Personal ICS feed token (webmeeting-v6 §2.4, C6). */
  icsToken: string;
  /** scrypt hash, or null when no password was set yet. */
  passwordHash: string | null;
  /** Huawei `userUUID`: 32 lower-case hex (CROSS-DIALECT.md). */
  huaweiUserUuid: string;
  /** Huawei `accountId` (login name); unique in the instance. */
  loginName: string;
  /** DingTalk `unionId`, unique per account. */
  unionId: string;
  /** Directory ("SIP") number: `+99` + 12 digits, unique in the instance (huawei-meeting.md §3.5). */
  directoryNumber: string;
  /** The user's own phone (E.164), if known; a phone leg to it shows the user's identity. */
  phone: string | null;
  createdAt: number;
  updatedAt: number;
}

/** `firstName lastName`, as the v6 `addedByUserName` snapshot shows it. */
export function displayName(u: Pick<User, 'firstName' | 'lastName'>): string {
  return `${u.firstName} ${u.lastName}`.trim();
}
