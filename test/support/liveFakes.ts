/**
 * Fakes at the process edges of the live engine, for DOMAIN tests only (ARCHITECTURE.md §6): a Ringer
 * whose online users the test chooses, a publisher and a dialer that record what they were asked to do,
 * and `liveWorld()`, which builds LiveDeps the way the server does (`createDeps` over a real SQLite store)
 * with these fakes, plus an account, users and meetings made through the domain commands.
 * Dialect and end-to-end tests use the real Ringer (realtime) and the SimulatedNetwork instead.
 */
import type { Account } from '../../src/domain/accounts/Account.js';
import { createAccount } from '../../src/domain/accounts/createAccount.js';
import { createUser } from '../../src/domain/accounts/createUser.js';
import type { Actor } from '../../src/domain/accounts/policies.js';
import type { User } from '../../src/domain/accounts/User.js';
import type { Invitee } from '../../src/domain/live/inviteParticipants.js';
import { classifyNumber } from '../../src/domain/live/phoneNumber.js';
import type { Dialer, LiveDeps, LivePublisher, OutgoingCall, RingRequest, Ringer } from '../../src/domain/live/ports.js';
import { recordCallProgress, type CallProgressInput } from '../../src/domain/live/recordCallProgress.js';
import { startConference } from '../../src/domain/live/startConference.js';
import type { Conference, DisconnectReason, LiveActor, LiveEvent, LiveEventType, Participant } from '../../src/domain/live/types.js';
import type { Meeting } from '../../src/domain/meetings/Meeting.js';
import { scheduleMeeting } from '../../src/domain/meetings/scheduleMeeting.js';
import type { Clock, Store } from '../../src/domain/ports.js';
import { loadConfig } from '../../src/config.js';
import { createStore } from '../../src/storage/index.js';
import { createDeps } from '../../src/wiring.js';

/** Why a ringing call was withdrawn (the Ringer port's `cancel` reasons). */
export type RingCancelWhy = Parameters<Ringer['cancel']>[1];

/** A Ringer whose online users the test sets; records every ring and cancel. */
export class FakeRinger implements Ringer {
  readonly online = new Set<string>();
  readonly rings: RingRequest[] = [];
  readonly cancels: Array<{ participantId: string; why: RingCancelWhy }> = [];

  /** Marks users online (they have an open realtime session). */
  setOnline(...userIds: string[]): void {
    for (const id of userIds) this.online.add(id);
  }

  isOnline(userId: string): boolean {
    return this.online.has(userId);
  }

  ring(req: RingRequest): void {
    this.rings.push(req);
  }

  cancel(participantId: string, why: RingCancelWhy): void {
    this.cancels.push({ participantId, why });
  }
}

/** A LivePublisher that keeps every published batch. */
export class RecordingPublisher implements LivePublisher {
  readonly batches: LiveEvent[][] = [];

  publish(events: LiveEvent[]): void {
    this.batches.push(events);
  }

  /** Every published event, in publish order. */
  get events(): LiveEvent[] {
    return this.batches.flat();
  }
}

/** A Dialer that records dials and hang-ups and never reports progress (tests report it themselves). */
export class RecordingDialer implements Dialer {
  readonly network = 'simulated' as const;
  readonly dials: OutgoingCall[] = [];
  readonly hangups: Array<{ participantId: string; reason: DisconnectReason }> = [];
  closed = false;

  dial(call: OutgoingCall): void {
    this.dials.push(call);
  }

  hangup(participantId: string, reason: DisconnectReason): void {
    this.hangups.push({ participantId, reason });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A logger that keeps what was logged (for adapters that take a pino-compatible logger). */
export class MemoryLogger {
  readonly lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg: string | undefined }> = [];
  debug(obj: object, msg?: string): void {
    this.lines.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
}

/** Options of {@link liveWorld}. */
export interface LiveWorldOptions<D extends Dialer> {
  /** Builds the dialer; `report` is bound to the real recordCallProgress. Default: a RecordingDialer. */
  dialer?: (report: (input: CallProgressInput) => Promise<unknown>) => D;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default 60 000 (CONVENE_RING_TIMEOUT_S default). */
  ringTimeoutMs?: number;
  /** Default 500. */
  maxParticipants?: number;
}

/** LiveDeps over a real in-memory store, with an account, its admin, and helpers for more. */
export interface LiveWorld<D extends Dialer> {
  deps: LiveDeps;
  store: Store;
  dialer: D;
  ringer: FakeRinger;
  publisher: RecordingPublisher;
  account: Account;
  /** The account's first admin; organizer of the meetings made by `newMeeting`. */
  admin: User;
  /** The v6-style actor of the admin (for scheduleMeeting and createUser). */
  adminActor: Actor;
  /** A chair-level live actor of the account (an organizer's credential, not bound to one meeting). */
  chair: LiveActor;
  /** A guest-level live actor bound to `meetingId` (Huawei guest control token). */
  guest(meetingId: string): LiveActor;
  /** A chair-level actor bound to `meetingId` (Huawei chair control token). */
  chairOf(meetingId: string): LiveActor;
  /** Another user of the account. */
  newUser(firstName?: string, o?: { phone?: string }): Promise<User>;
  /** A meeting scheduled by the admin (not started). */
  newMeeting(topic?: string): Promise<Meeting>;
  /** A meeting scheduled and started. */
  startedMeeting(topic?: string): Promise<{ meeting: Meeting; conference: Conference }>;
  /** Another account with its own admin and a started meeting (for "another account's meeting"). */
  otherAccount(): Promise<{ account: Account; admin: User; meeting: Meeting; chair: LiveActor }>;
  /** Every stored leg of a conference, oldest first. */
  legs(conferenceId: string): Promise<Participant[]>;
  close(): Promise<void>;
}

const instanceActor: Actor = { level: 'instance', accountId: null, user: null, credentialId: 'test-instance' };
let worldSeq = 0;

/** Builds a LiveWorld (see {@link LiveWorld}). Close it in afterEach. */
export async function liveWorld<D extends Dialer = RecordingDialer>(o: LiveWorldOptions<D> = {}): Promise<LiveWorld<D>> {
  const config = loadConfig({ CONVENE_PUBLIC_URL: 'https://meet.example.com', LOG_LEVEL: 'silent' });
  const store = await createStore({ url: ':memory:' });
  const base = await createDeps(store, config, o.clock ? { clock: o.clock } : {});
  const ringer = new FakeRinger();
  const publisher = new RecordingPublisher();
  // The dialer reports through the real command, bound to the deps it is part of (as the wiring does).
  const report = (input: CallProgressInput): Promise<unknown> => recordCallProgress(deps, input);
  const dialer = (o.dialer ? o.dialer(report) : new RecordingDialer()) as D;
  const deps: LiveDeps = { ...base, dialer, ringer, publisher, live: { ringTimeoutMs: o.ringTimeoutMs ?? 60_000, maxParticipants: o.maxParticipants ?? 500 } };

  const makeAccount = async (): Promise<{ account: Account; admin: User; adminActor: Actor; chair: LiveActor }> => {
    const n = ++worldSeq;
    const { account, admin } = await createAccount(deps, instanceActor, {
      sendPassword: false,
      accountType: 'paid',
      adminFirstname: 'Ada',
      adminLastname: `Admin${n}`,
      adminEmail: `ada${n}-${Date.now()}@example.com`,
      adminPreferredLanguage: 'en',
      paidUntil: null,
    });
    const adminActor: Actor = { level: 'account', accountId: account.id, user: admin, credentialId: `test-key-${n}` };
    const chair: LiveActor = { accountId: account.id, canControl: true, meetingId: null, name: 'Ada Admin', userId: admin.id };
    return { account, admin, adminActor, chair };
  };
  const schedule = async (actor: Actor, topic: string): Promise<Meeting> =>
    (await scheduleMeeting(deps, actor, { topic, startTime: deps.clock.now() + 3_600_000, durationMin: 60 })).meeting;

  const main = await makeAccount();
  let meetingSeq = 0;
  let userSeq = 0;
  return {
    deps,
    store,
    dialer,
    ringer,
    publisher,
    ...main,
    guest: (meetingId) => ({ accountId: main.account.id, canControl: false, meetingId, name: 'Guest' }),
    chairOf: (meetingId) => ({ accountId: main.account.id, canControl: true, meetingId, name: 'Chair' }),
    async newUser(firstName = `User${++userSeq}`, uo = {}) {
      const user = await createUser(deps, main.adminActor, main.account.id, { email: `${firstName.toLowerCase()}-${++userSeq}-${Date.now()}@example.com`, firstName, lastName: 'Test' });
      if (uo.phone === undefined) return user;
      const withPhone = { ...user, phone: uo.phone };
      await store.users.update(withPhone);
      return withPhone;
    },
    newMeeting: (topic = `Meeting ${++meetingSeq}`) => schedule(main.adminActor, topic),
    async startedMeeting(topic) {
      const meeting = await schedule(main.adminActor, topic ?? `Meeting ${++meetingSeq}`);
      const conference = await startConference(deps, main.chair, { meetingId: meeting.id });
      return { meeting, conference };
    },
    async otherAccount() {
      const other = await makeAccount();
      const meeting = await schedule(other.adminActor, 'Other account meeting');
      await startConference(deps, other.chair, { meetingId: meeting.id });
      return { account: other.account, admin: other.admin, meeting, chair: other.chair };
    },
    legs: (conferenceId) => store.participants.list(conferenceId),
    async close() {
      await dialer.close();
      await store.close();
    },
  };
}

/** An invitee to dial (`phone` as a dialect would pass it: classified by phoneNumber.ts). */
export function phoneInvitee(phone: string, o: Partial<Invitee> = {}): Invitee {
  const target = classifyNumber(phone);
  if (!target) throw new Error(`not a dialable number: ${phone}`);
  return { name: o.name ?? phone, userId: null, target, preferPhone: false, hostRole: false, joinMuted: false, label: o.label ?? 'attendees[0]', ...o };
}

/** An invitee that is a Convene user (rung in the app unless `preferPhone` with a `target`). */
export function userInvitee(user: Pick<User, 'id' | 'firstName'>, o: Partial<Invitee> = {}): Invitee {
  return { name: user.firstName, userId: user.id, target: null, preferPhone: false, hostRole: false, joinMuted: false, label: 'attendees[0]', ...o };
}

/** Labels invitees `attendees[i]` by position, as a dialect does. */
export function labelled(invitees: Invitee[]): Invitee[] {
  return invitees.map((inv, i) => ({ ...inv, label: `attendees[${i}]` }));
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` (generous: CI machines are slow). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Reports that a leg answered with media at once (a phone's 200 OK, or an app user's accept until the SFU exists). */
export function connect(deps: LiveDeps, participantId: string): Promise<Participant | undefined> {
  return recordCallProgress(deps, { participantId, signal: { kind: 'answered', connectNow: true } });
}

/** Everything a live command may write or do for one meeting, to prove that a rejected command did nothing. */
export async function footprint(w: LiveWorld<Dialer>, meetingId: string): Promise<Record<string, unknown>> {
  const conference = await w.store.conferences.getLatest(meetingId);
  return {
    conference,
    participants: conference ? await w.store.participants.list(conference.id) : [],
    roster: await w.store.roster.list(meetingId),
    liveEvents: (await w.store.liveEvents.list(meetingId, undefined, 10_000)).length,
    outbox: (await w.store.outbox.listEvents({ meetingId, offset: 0, limit: 10_000 })).total,
    rings: w.ringer.rings.length,
    ringCancels: w.ringer.cancels.length,
    published: w.publisher.events.length,
    dials: w.dialer instanceof RecordingDialer ? w.dialer.dials.length : null,
    hangups: w.dialer instanceof RecordingDialer ? w.dialer.hangups.length : null,
  };
}

/** The types of the live events of one leg, in order. */
export async function eventTypes(w: LiveWorld<Dialer>, meetingId: string, participantId: string | null): Promise<LiveEventType[]> {
  return (await w.store.liveEvents.list(meetingId, undefined, 10_000)).filter((e) => e.participantId === participantId).map((e) => e.type);
}
