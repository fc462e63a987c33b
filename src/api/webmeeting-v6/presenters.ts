/**
 * v6 presenters: domain objects → the vendor's shapes, FOUND keys first in FOUND order (webmeeting-v6 §2.8),
 * instants as ISO with milliseconds, DESIGNED extras after them.
 */
import type { Account } from '../../domain/accounts/Account.js';
import { isExpired } from '../../domain/accounts/Account.js';
import type { ApiKey } from '../../domain/accounts/ApiKey.js';
import type { PermissionSet } from '../../domain/accounts/PermissionSet.js';
import { permissionFlagDefaults } from '../../domain/accounts/PermissionSet.js';
import type { Room } from '../../domain/accounts/Room.js';
import type { User } from '../../domain/accounts/User.js';

/** ISO-8601 UTC with milliseconds. */
export const iso = (ms: number): string => new Date(ms).toISOString();
/** ISO or null. */
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The v6 Room (§12.2). */
export function presentRoom(r: Room) {
  return { id: r.id, accountId: r.accountId, name: r.name, index: r.index, isActive: r.isActive, createdAt: iso(r.createdAt) };
}

/** The v6 Account (§6.2); `organizerCount` drives canAddMeetingOrganizer. */
export function presentAccount(a: Account, ctx: { organizerCount: number; rooms: Room[]; now: number }) {
  return {
    name: a.name,
    accountType: a.accountType,
    numberOfMeetings: a.numberOfMeetings,
    numberOfMeetingOrganizers: a.numberOfMeetingOrganizers,
    numberOfMeetingRooms: a.numberOfMeetingRooms,
    paidUntil: isoOrNull(a.paidUntil),
    iceCandidatesToFilter: a.iceCandidatesToFilter,
    customDialInNumbers: a.customDialInNumbers,
    displayStandardDialInNumbersInInvite: a.displayStandardDialInNumbersInInvite,
    defaultMeetingPermissions: a.defaultMeetingPermissions,
    defaultMeetingType: a.defaultMeetingType,
    defaultMeetingHasDialin: a.defaultMeetingHasDialin,
    defaultMeetingHasRecording: a.defaultMeetingHasRecording,
    autoExtendMeetings: a.autoExtendMeetings,
    autoDeleteMeetingsAfterXDays: a.autoDeleteMeetingsAfterXDays,
    id: a.id,
    canAddMeetingOrganizer: a.numberOfMeetingOrganizers === 0 || ctx.organizerCount < a.numberOfMeetingOrganizers,
    accountRooms: ctx.rooms.map(presentRoom),
    createdAt: iso(a.createdAt),
    isExpired: isExpired(a, ctx.now),
  };
}

/** The v6 User (§7.1). */
export function presentUser(u: User) {
  return {
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    externalUserId: u.externalUserId,
    preferredLanguage: u.preferredLanguage,
    timezone: u.timezone,
    additionalTimezones: u.additionalTimezones,
    id: u.id,
    icsToken: u.icsToken,
    icsPath: `/api/v6/meeting/calender/user/${u.icsToken}`,
    accountId: u.accountId,
    isAdmin: u.isAdmin,
    createdAt: iso(u.createdAt),
  };
}

/** An account-level API key without its secret (§12.3). */
export function presentApiKey(k: ApiKey) {
  return { id: k.id, name: k.name, permissions: k.permissions, level: k.level, accountId: k.accountId, createdAt: iso(k.createdAt), revokedAt: isoOrNull(k.revokedAt) };
}

/** A meeting-permission set (§12.1). */
export function presentPermissionSet(p: PermissionSet) {
  const flags = Object.fromEntries(Object.keys(permissionFlagDefaults).map((k) => [k, p[k as keyof typeof permissionFlagDefaults]]));
  return { id: p.id, accountId: p.accountId, name: p.name, ...flags, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt) };
}
