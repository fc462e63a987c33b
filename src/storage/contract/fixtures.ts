/**
 * Builders of fully populated domain objects for the storage contract suite. Every builder makes fresh random
 * ids and codes, so tests sharing one database never collide, and every field has a non-default value unless
 * overridden, so a round trip that drops a field fails.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Account } from '../../domain/accounts/Account.js';
import type { ApiKey } from '../../domain/accounts/ApiKey.js';
import type { PermissionSet } from '../../domain/accounts/PermissionSet.js';
import type { Room } from '../../domain/accounts/Room.js';
import type { User } from '../../domain/accounts/User.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import type { IdempotencyRecord, MailRecord } from '../../domain/ports.js';
import type { DeliveryAttempt, HookConfig, OutboxEvent, WebhookDelivery } from '../../domain/webhooks/types.js';
import type { AccessToken, AppCredential, ControlToken } from '../../domain/credentials/ports.js';
import type { Conference, LiveEvent, Participant, RosterEntry } from '../../domain/live/types.js';

/** A base instant (2026-03-16T08:00:00Z) for fixtures; tests offset from it. */
export const T0 = Date.UTC(2026, 2, 16, 8, 0, 0);

/** 24 lower-case hex, like the domain's object ids. */
export function oid(): string {
  return randomBytes(12).toString('hex');
}

/** `n` random decimal digits, the first one 1–9 (so lengths are preserved). */
export function digits(n: number): string {
  let s = String(randomInt(1, 10));
  while (s.length < n) s += String(randomInt(0, 10));
  return s;
}

/** A short random token for unique names and emails. */
export function tag(): string {
  return randomBytes(5).toString('hex');
}

/** An account with every field set. */
export function makeAccount(over: Partial<Account> = {}): Account {
  return {
    id: oid(),
    name: `Acme ${tag()}`,
    accountType: 'paid',
    paidUntil: T0 + 86_400_000,
    numberOfMeetings: 42,
    numberOfMeetingOrganizers: 7,
    numberOfMeetingRooms: 3,
    iceCandidatesToFilter: ['10.0.0.0/8', 'fd00::/8'],
    customDialInNumbers: [
      { country: 'CH', number: '+41445555555', displayNumber: '+41 44 555 55 55', label: 'Zürich', tollFree: false },
      { country: 'DE', number: '+4930555555' },
    ],
    displayStandardDialInNumbersInInvite: true,
    defaultMeetingPermissions: oid(),
    defaultMeetingType: 'webinar',
    defaultMeetingHasDialin: true,
    defaultMeetingHasRecording: false,
    autoExtendMeetings: true,
    autoDeleteMeetingsAfterXDays: 30,
    createdAt: T0,
    updatedAt: T0 + 1,
    ...over,
  };
}

/** A user of `accountId` with every field set. */
export function makeUser(accountId: string, over: Partial<User> = {}): User {
  const t = tag();
  return {
    id: oid(),
    accountId,
    email: `user.${t}@example.org`,
    firstName: 'Zoë',
    lastName: `O'Brien`,
    externalUserId: `ext-${t}`,
    preferredLanguage: 'de',
    timezone: 'Europe/Zurich',
    additionalTimezones: ['Asia/Shanghai', 'America/New_York'],
    isAdmin: true,
    icsToken: `${oid()}-${oid()}`,
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    huaweiUserUuid: randomBytes(16).toString('hex'),
    loginName: `login_${t}`,
    unionId: `union-${t}`,
    directoryNumber: `+99${digits(12)}`,
    phone: '+41791234567',
    createdAt: T0,
    updatedAt: T0 + 5,
    ...over,
  };
}

/** An account-level API key with every field set. */
export function makeApiKey(accountId: string | null, over: Partial<ApiKey> = {}): ApiKey {
  return {
    id: oid(),
    level: accountId === null ? 'instance' : 'account',
    accountId,
    permissions: ['account', 'meeting'],
    name: `key ${tag()}`,
    hash: randomBytes(32).toString('hex'),
    createdAt: T0,
    revokedAt: null,
    ...over,
  };
}

/** A room of `accountId`. */
export function makeRoom(accountId: string, over: Partial<Room> = {}): Room {
  return { id: oid(), accountId, name: `Room ${tag()}`, index: 1, isActive: true, createdAt: T0, ...over };
}

/** A permission set of `accountId` with flags that differ from the defaults. */
export function makePermissionSet(accountId: string, over: Partial<PermissionSet> = {}): PermissionSet {
  return {
    id: oid(),
    accountId,
    name: `Perms ${tag()}`,
    participantsCanShareScreen: false,
    participantsCanUseChat: true,
    participantsCanShareDocuments: false,
    participantsCanUseWhiteboard: true,
    participantsCanSeeParticipantList: false,
    participantsCanUnmuteThemselves: true,
    participantsCanStartVideo: false,
    guestsWaitInLobby: true,
    moderatorRequiredToStart: true,
    createdAt: T0,
    updatedAt: T0 + 9,
    ...over,
  };
}

/** A recurring meeting of `accountId` with every field set, JSON fields included. */
export function makeMeeting(accountId: string, over: Partial<Meeting> = {}): Meeting {
  return {
    id: oid(),
    accountId,
    meetingNumber: digits(16),
    conferenceId: digits(9),
    roomCode: digits(11),
    topic: `Weekly “standup” ${tag()}`,
    startLocal: '2026-03-16T09:00:00',
    timezone: 'Europe/Zurich',
    durationMin: 30,
    startTime: T0,
    endTime: T0 + 30 * 60_000,
    seriesEnd: T0 + 30 * 86_400_000,
    type: 'standard',
    roomId: oid(),
    isRecurring: true,
    recurring: {
      frequencyType: 'weekly',
      frequency: 1,
      monthlyPattern: '',
      endsType: 'after',
      endsOn: T0,
      endsAfter: 5,
    },
    isRecorded: true,
    isDialin: false,
    invitedParticipants: [
      { email: 'alice@example.org', name: 'Alice', phone: null, language: 'en', isModerator: true },
      { email: null, name: 'Desk phone', phone: '+41445555555', language: null, isModerator: false },
    ],
    agenda: 'Line 1\nLine 2 — ünïcode',
    documents: [
      { name: 'slides.pdf', url: 'https://files.example.org/slides.pdf', size: 1024, mimeType: 'application/pdf' },
      { name: 'notes', url: 'https://files.example.org/notes' },
    ],
    meetingPermissionId: oid(),
    videoResolution: 'hd',
    dtClosedAt: null,
    addedByUserId: oid(),
    addedByUserEmail: 'organizer@example.org',
    addedByUserName: 'Org Anizer',
    privateDataVisible: true,
    icalSequence: 2,
    icsToken: `${oid()}-${oid()}`,
    dialInConferenceRoom: '12345678',
    dialInPin: '123456',
    isDemo: false,
    isPromo: true,
    occurrenceExceptions: [
      { recurrenceId: T0 + 7 * 86_400_000, isCancelled: true, startTime: null, endTime: null, topic: null, agenda: null },
      {
        recurrenceId: T0 + 14 * 86_400_000,
        isCancelled: false,
        startTime: T0 + 14 * 86_400_000 + 3_600_000,
        endTime: T0 + 14 * 86_400_000 + 5_400_000,
        topic: 'Moved',
        agenda: 'Moved agenda',
      },
    ],
    origin: 'huawei',
    eventSeq: 0,
    deletedAt: null,
    createdAt: T0 - 1_000,
    updatedAt: T0 - 500,
    ...over,
  };
}

/** An outbox event for `meetingId`. */
export function makeEvent(meetingId: string, sequence: number, over: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id: oid(),
    event: 'onMeetingUpdated',
    meetingId,
    accountId: oid(),
    meetingNumber: digits(16),
    sequence,
    occurredAt: T0 + sequence,
    recurrenceId: null,
    payload: JSON.stringify({ id: meetingId, sequence, topic: 'ü' }),
    createdAt: T0 + sequence,
    ...over,
  };
}

/** A pending, due, unleased delivery of `e` to `url`. */
export function makeDelivery(e: OutboxEvent, url: string, over: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: oid(),
    eventId: e.id,
    event: e.event,
    meetingId: e.meetingId,
    accountId: e.accountId,
    meetingNumber: e.meetingNumber,
    recurrenceId: e.recurrenceId,
    sequence: e.sequence,
    occurredAt: e.occurredAt,
    payloadFormat: 'envelope',
    body: e.payload,
    orderingUrl: url,
    status: 'pending',
    attemptCount: 0,
    nextAttemptAt: e.createdAt,
    firstAttemptDone: false,
    lastHttpStatus: null,
    lastError: null,
    lockedUntil: null,
    createdAt: e.createdAt,
    completedAt: null,
    ...over,
  };
}

/** An attempt of `deliveryId`. */
export function makeAttempt(deliveryId: string, attempt: number, over: Partial<DeliveryAttempt> = {}): DeliveryAttempt {
  return {
    deliveryId,
    attempt,
    startedAt: T0 + attempt * 1000,
    url: 'https://hooks.example.org/in',
    method: 'POST',
    webhookTimestamp: Math.floor((T0 + attempt * 1000) / 1000),
    durationMs: 120 + attempt,
    httpStatus: 503,
    error: 'HTTP 503',
    responseExcerpt: 'Service Unavailable',
    ...over,
  };
}

/** A hook configuration with every field set. */
export function makeHook(over: Partial<HookConfig> = {}): HookConfig {
  return {
    event: 'onMeetingScheduled',
    url: 'https://hooks.example.org/in',
    method: 'PUT',
    apiKey: 'hook-api-key',
    enabled: true,
    payloadFormat: 'envelope',
    signingSecret: `whsec_${randomBytes(24).toString('base64')}`,
    previousSecret: `whsec_${randomBytes(24).toString('base64')}`,
    previousSecretValidUntil: T0 + 3_600_000,
    disabledReason: null,
    updatedAt: T0,
    ...over,
  };
}

/** A pending idempotency record. */
export function makeIdempotency(over: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    apiKeyId: oid(),
    key: `7f0c9a4e-${tag()}`,
    fingerprint: randomBytes(32).toString('hex'),
    state: 'pending',
    httpStatus: null,
    responseBody: null,
    createdAt: T0,
    expiresAt: T0 + 86_400_000,
    ...over,
  };
}

/** An unsent mail due at T0. */
export function makeMail(over: Partial<MailRecord> = {}): MailRecord {
  return {
    id: oid(),
    to: `rcpt.${tag()}@example.org`,
    template: 'meeting-invitation',
    language: 'de',
    subject: 'Einladung: Weekly',
    body: 'Hallo\nWillkommen',
    icsAttachment: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n',
    icsMethod: 'REQUEST',
    createdAt: T0,
    sentAt: null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: T0,
    ...over,
  };
}

/** 32 lower-case hex, like conference ids and participant pids. */
export function hex32(): string {
  return randomBytes(16).toString('hex');
}

/** SHA-256-like 64 hex, like stored token hashes. */
export function hash64(): string {
  return randomBytes(32).toString('hex');
}

/** A running conference of `meetingId` with every field set (flags differ from the defaults). */
export function makeConference(meetingId: string, accountId: string, over: Partial<Conference> = {}): Conference {
  return {
    id: hex32(),
    meetingId,
    accountId,
    startedAt: T0,
    endedAt: null,
    endReason: null,
    locked: true,
    muteAll: true,
    allowUnmuteByOneself: false,
    maxParticipants: 250,
    startedByUserId: oid(),
    ...over,
  };
}

/** A connected phone leg of conference `c` with every field set. */
export function makeParticipant(c: Conference, over: Partial<Participant> = {}): Participant {
  return {
    id: hex32(),
    conferenceId: c.id,
    meetingId: c.meetingId,
    accountId: c.accountId,
    rosterId: oid(),
    kind: 'phone',
    userId: oid(),
    name: `Zoë “Caller” ${tag()}`,
    phone: '+41445555555',
    state: 'connected',
    progress: 'ringing',
    reason: 'USER_BUSY',
    sipStatusCode: 486,
    rejectDescription: 'In a meeting — later',
    role: 'cohost',
    muted: true,
    mutedByHost: true,
    handRaised: true,
    video: true,
    invited: true,
    createdAt: T0,
    joinedAt: T0 + 5_000,
    endedAt: T0 + 9_000,
    network: 'simulated',
    ...over,
  };
}

/** A roster entry of `meetingId` with every field set. */
export function makeRosterEntry(meetingId: string, accountId: string, over: Partial<RosterEntry> = {}): RosterEntry {
  return {
    id: oid(),
    meetingId,
    accountId,
    position: 1,
    name: `Invitee ${tag()}`,
    userId: oid(),
    phone: '+41445555555',
    email: `invitee.${tag()}@example.org`,
    sms: '+41791234567',
    type: 'mobile',
    hostRole: true,
    joinMuted: true,
    deptUuid: hex32(),
    deptName: 'Forschung & Entwicklung',
    createdAt: T0,
    ...over,
  };
}

/** A live event of conference `c` with sequence `seq` and a nested JSON payload. */
export function makeLiveEvent(c: Conference, seq: number, over: Partial<LiveEvent> = {}): LiveEvent {
  return {
    id: oid(),
    meetingId: c.meetingId,
    conferenceId: c.id,
    accountId: c.accountId,
    participantId: hex32(),
    type: 'participant.joined',
    data: { participant: { state: 'connected', muted: false, name: 'Zoë' }, by: null, reasons: ['a', 1, true] },
    occurredAt: T0 + seq,
    seq,
    ...over,
  };
}

/** A live Huawei access token of a user with every field set. */
export function makeAccessToken(accountId: string, userId: string | null, over: Partial<AccessToken> = {}): AccessToken {
  return {
    hash: hash64(),
    dialect: 'huawei',
    accountId,
    userId,
    appId: `app-${tag()}`,
    clientType: 72,
    createdAt: T0,
    expiresAt: T0 + 12 * 3_600_000,
    revokedAt: null,
    lastUsedIp: '203.0.113.7',
    ...over,
  };
}

/** A chair control token of `meetingId` with every field set. */
export function makeControlToken(meetingId: string, accountId: string, over: Partial<ControlToken> = {}): ControlToken {
  return {
    hash: hash64(),
    meetingId,
    accountId,
    role: 1,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    createdIp: '2001:db8::1',
    ...over,
  };
}

/** A Huawei app credential of `accountId` with a readable (sealed) key. */
export function makeAppCredential(accountId: string | null, over: Partial<AppCredential> = {}): AppCredential {
  return {
    appId: `app-${tag()}${tag()}`,
    dialect: 'huawei',
    accountId,
    name: `App ${tag()}`,
    secretSealed: `appkey-${randomBytes(16).toString('hex')}`,
    secretHash: null,
    createdAt: T0,
    revokedAt: null,
    ...over,
  };
}
