/**
 * Test-only fixtures for the webhook and mail tests: a controllable clock, an `Ids` source, and minimal
 * Account / Meeting / HookConfig literals to insert into a real store. Not used by production code.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Account } from '../accounts/Account.js';
import type { DomainSettings } from '../deps.js';
import { emptyRecurrence, type Meeting } from '../meetings/Meeting.js';
import type { Clock, Ids } from '../ports.js';
import type { HookConfig, WebhookEventName } from './types.js';

/** A clock that starts at real time (so Standard Webhooks' ±5 min timestamp check passes) and moves by hand. */
export class TestClock implements Clock {
  #offset = 0;
  readonly #base: number;

  /** @param base the start instant; defaults to the real now. */
  constructor(base: number = Date.now()) {
    this.#base = base;
  }

  /** Current test time, epoch ms. */
  now(): number {
    return this.#base + this.#offset;
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.#offset += ms;
  }
}

/**
 * Unique ids for tests: ObjectId-shaped like BSON (time, 5 random bytes fixed per source, counter), so ids of
 * one source sort in creation order; CSPRNG secrets.
 */
export function testIds(): Ids {
  let counter = 0;
  const prefix = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0') + randomBytes(5).toString('hex');
  return {
    objectId: () => prefix + (++counter % 0xffffff).toString(16).padStart(6, '0'),
    digits: (n, firstNonZero = false) => {
      let s = '';
      for (let i = 0; i < n; i++) s += String(randomBytes(1)[0]! % 10);
      return firstNonZero && s.startsWith('0') ? `1${s.slice(1)}` : s;
    },
    icsToken: () => `${randomUUID()}-${randomUUID()}`,
    secret: (bytes) => randomBytes(bytes).toString('base64url'),
    hex: (chars) => randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars),
  };
}

/** Domain settings with the §13 defaults, overridable per test. */
export function testSettings(overrides: Partial<DomainSettings> = {}): DomainSettings {
  return {
    publicUrl: 'https://meet.example.com',
    whitelabelId: 'test',
    hostLinkSecret: 'host-link-secret',
    defaultUserTimezone: 'Europe/Zurich',
    trialDays: 14,
    earlyJoinMin: 15,
    autoExtendMin: 60,
    closeGraceMin: 0,
    horizonDays: 730,
    roomStrict: false,
    icsPastDays: 90,
    icsIncludeInvited: false,
    icsUidDomain: 'meet.example.com',
    standardDialInNumbers: [],
    sipProxy: null,
    sipDomain: null,
    webhookRetrySchedule: [5, 300, 1800, 7200, 18000, 36000, 50400],
    webhookTimeoutMs: 15000,
    webhookSecretOverlapHours: 24,
    webhookLogRetentionDays: 30,
    webhookBlockPrivateTargets: false,
    ...overrides,
  };
}

/** A minimal paid account. */
export function testAccount(id: string, now: number): Account {
  return {
    id,
    name: 'Test account',
    accountType: 'paid',
    paidUntil: null,
    numberOfMeetings: 100,
    numberOfMeetingOrganizers: 10,
    numberOfMeetingRooms: 10,
    iceCandidatesToFilter: [],
    customDialInNumbers: [],
    displayStandardDialInNumbersInInvite: false,
    defaultMeetingPermissions: null,
    defaultMeetingType: 'standard',
    defaultMeetingHasDialin: false,
    defaultMeetingHasRecording: false,
    autoExtendMeetings: false,
    autoDeleteMeetingsAfterXDays: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** A minimal one-off meeting of `accountId`; `n` varies the public numbers so several can coexist. */
export function testMeeting(id: string, accountId: string, now: number, n = 1): Meeting {
  const digits = (len: number) => String(n).padStart(len, '9');
  return {
    id,
    accountId,
    meetingNumber: `9974765388${digits(6)}`,
    conferenceId: `1${digits(8)}`,
    roomCode: `2${digits(10)}`,
    topic: `Meeting ${n}`,
    startLocal: '2024-04-07T09:00:00',
    timezone: 'Europe/Zurich',
    durationMin: 60,
    startTime: Date.UTC(2024, 3, 7, 7),
    endTime: Date.UTC(2024, 3, 7, 8),
    seriesEnd: Date.UTC(2024, 3, 7, 8),
    type: 'standard',
    roomId: '',
    isRecurring: false,
    recurring: emptyRecurrence(now),
    isRecorded: false,
    isDialin: false,
    invitedParticipants: [],
    agenda: '',
    documents: [],
    meetingPermissionId: null,
    videoResolution: 'hd',
    dtClosedAt: null,
    addedByUserId: '000000000000000000000000',
    addedByUserEmail: 'ada@example.com',
    addedByUserName: 'Ada Admin',
    privateDataVisible: true,
    icalSequence: 0,
    icsToken: `${randomUUID()}-${randomUUID()}`,
    dialInConferenceRoom: null,
    dialInPin: null,
    isDemo: false,
    isPromo: false,
    occurrenceExceptions: [],
    origin: 'webmeeting-v6',
    eventSeq: 0,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** An enabled hook for `event` posting to `url` with a fresh secret; override any field. */
export function testHook(event: WebhookEventName, url: string, overrides: Partial<HookConfig> = {}): HookConfig {
  return {
    event,
    url,
    method: 'POST',
    apiKey: null,
    enabled: true,
    payloadFormat: 'plain',
    signingSecret: `whsec_${randomBytes(32).toString('base64')}`,
    previousSecret: null,
    previousSecretValidUntil: null,
    disabledReason: null,
    updatedAt: Date.now(),
    ...overrides,
  };
}
