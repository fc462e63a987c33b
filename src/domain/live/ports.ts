/**
 * Ports of the live conference engine. Repositories are part of `Repositories` (src/domain/ports.ts);
 * the call ports (Dialer, Ringer) and the publisher are process edges injected through LiveDeps.
 */
import type { Deps } from '../deps.js';
import type { Conference, DisconnectReason, LiveEvent, Participant, RosterEntry } from './types.js';

/** Conferences (runs of meetings). */
export interface ConferenceRepository {
  get(accountScope: string, id: string): Promise<Conference | undefined>;
  /** The running conference of a meeting, if any. */
  getRunning(meetingId: string): Promise<Conference | undefined>;
  /** The latest conference of a meeting (running or ended). */
  getLatest(meetingId: string): Promise<Conference | undefined>;
  /** Every running conference (for restart recovery). */
  listRunning(): Promise<Conference[]>;
  insert(c: Conference): Promise<void>;
  update(c: Conference): Promise<void>;
}

/** Participant legs. */
export interface ParticipantRepository {
  /** A leg of this conference by pid. */
  get(conferenceId: string, pid: string): Promise<Participant | undefined>;
  /** A leg by pid alone (call progress from the networks, realtime sessions). */
  getById(pid: string): Promise<Participant | undefined>;
  /** Legs of a conference, oldest first; `liveOnly` keeps calling/joining/connected/reconnecting. */
  list(conferenceId: string, opts?: { liveOnly?: boolean }): Promise<Participant[]>;
  /** Live legs of one user in any running conference (for ringing/online checks). */
  listLiveByUser(userId: string): Promise<Participant[]>;
  countLive(conferenceId: string): Promise<number>;
  insert(p: Participant): Promise<void>;
  update(p: Participant): Promise<void>;
}

/** The roster (invitees) of a meeting. */
export interface RosterRepository {
  list(meetingId: string): Promise<RosterEntry[]>;
  get(meetingId: string, id: string): Promise<RosterEntry | undefined>;
  insert(e: RosterEntry): Promise<void>;
  update(e: RosterEntry): Promise<void>;
  delete(meetingId: string, id: string): Promise<void>;
}

/** The persisted live event log (every transition; huawei-meeting.md §7). */
export interface LiveEventRepository {
  insert(e: LiveEvent): Promise<void>;
  /** Events of a meeting after `afterSeq`, in order. */
  list(meetingId: string, afterSeq?: number, limit?: number): Promise<LiveEvent[]>;
  /**
   * Housekeeping: deletes at most `limit` events that occurred before `before` and whose conference ended before
   * `before` (or no longer exists), oldest first; events of a running conference are kept. Returns how many.
   */
  pruneEnded(before: number, limit: number): Promise<number>;
}

/** A call to place over a telephone network (real SIP trunk or the simulated network). */
export interface OutgoingCall {
  participantId: string;
  conferenceId: string;
  meetingId: string;
  /** Normalised number or SIP URI. */
  target: string;
  kind: 'phone' | 'sip';
  /** Caller display name (the meeting subject). */
  displayName: string;
  ringTimeoutMs: number;
}

/**
 * Dials phone numbers and SIP URIs. Progress comes back only through `recordCallProgress` (never direct
 * writes): implementations call the `report` callback they were built with.
 */
export interface Dialer {
  /** Which network this is, recorded on legs and in events. */
  readonly network: 'simulated' | 'sip';
  /** Starts the call; must not throw for call failures (those are reported). */
  dial(call: OutgoingCall): void;
  /** Ends a call: CANCEL while ringing, BYE when answered. Idempotent. */
  hangup(participantId: string, reason: DisconnectReason): void;
  close(): Promise<void>;
}

/** An incoming call offered to an app user's devices (media-and-sip.md §7). */
export interface RingRequest {
  participantId: string;
  conferenceId: string;
  meetingId: string;
  userId: string;
  subject: string;
  inviterName: string;
  ringTimeoutMs: number;
}

/** Rings app users over the realtime channel. */
export interface Ringer {
  /** True when the user has at least one open realtime session. */
  isOnline(userId: string): boolean;
  /** Offers the call on every session of the user. */
  ring(req: RingRequest): void;
  /** Withdraws a ringing call from every session (`call.cancelled`). */
  cancel(participantId: string, why: 'answered_elsewhere' | 'declined_elsewhere' | 'timeout' | 'cancelled' | 'meeting_ended'): void;
}

/**
 * Fans committed live events out to realtime sessions (and closes sessions of legs that ended). Called
 * after commit, never inside a transaction.
 */
export interface LivePublisher {
  publish(events: LiveEvent[]): void;
}

/** What the live commands need beyond Deps. */
export interface LiveDeps extends Deps {
  dialer: Dialer;
  ringer: Ringer;
  publisher: LivePublisher;
  live: {
    ringTimeoutMs: number;
    maxParticipants: number;
  };
}
