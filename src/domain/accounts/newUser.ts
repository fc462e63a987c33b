import type { Ids } from '../ports.js';
import type { User } from './User.js';

/** The fields a caller chooses for a new organizer; identities are generated. */
export interface NewUserFields {
  accountId: string;
  email: string;
  firstName: string;
  lastName: string;
  externalUserId?: string | null;
  preferredLanguage?: string;
  timezone: string;
  additionalTimezones?: string[];
  isAdmin: boolean;
  passwordHash?: string | null;
  /** Huawei login name; defaults to the email (unique in the instance already). */
  loginName?: string;
  /** DingTalk unionId; generated when absent (CROSS-DIALECT.md). */
  unionId?: string;
  phone?: string | null;
}

/** Builds a User with every identity of every dialect assigned at creation (CROSS-DIALECT.md). */
export function newUser(ids: Ids, now: number, f: NewUserFields): User {
  return {
    id: ids.objectId(),
    accountId: f.accountId,
    email: f.email.toLowerCase(),
    firstName: f.firstName,
    lastName: f.lastName,
    externalUserId: f.externalUserId ?? null,
    preferredLanguage: f.preferredLanguage ?? 'en',
    timezone: f.timezone,
    additionalTimezones: f.additionalTimezones ?? [],
    isAdmin: f.isAdmin,
    icsToken: ids.icsToken(),
    passwordHash: f.passwordHash ?? null,
    huaweiUserUuid: ids.hex(32),
    loginName: f.loginName ?? f.email.toLowerCase(),
    unionId: f.unionId ?? ids.hex(28),
    directoryNumber: `+99${ids.digits(12)}`,
    phone: f.phone ?? null,
    createdAt: now,
    updatedAt: now,
  };
}
