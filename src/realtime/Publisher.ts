/**
 * The LivePublisher port over the realtime channel: committed live events become roster notifications for the
 * sockets of that conference, and a leg that left or failed has its socket told (`session.ended`) and closed
 * with the close code of media-and-sip.md §2.1, in the same tick as the commit's effects (§2.4).
 */
import type { LivePublisher } from '../domain/live/ports.js';
import type { DisconnectReason, LiveEvent } from '../domain/live/types.js';
import { silentLogger, type RealtimeLogger } from './enhancedEvents.js';
import { CloseCode, type Notification, type RosterParticipant, type SessionEndReason } from './protocol.js';
import type { Room, RoomHub } from './RoomHub.js';
import type { Session } from './Session.js';

/** The close code for a session whose leg ended for `reason` (media-and-sip.md §2.1). */
export function closeCodeFor(reason: SessionEndReason): number {
  switch (reason) {
    case 'CLIENT_LEFT':
      return CloseCode.normal;
    case 'PARTICIPANT_REMOVED':
      return CloseCode.removed;
    case 'MEETING_ENDED':
      return CloseCode.meetingEnded;
    case 'SESSION_REPLACED':
      return CloseCode.replaced;
    case 'SERVER_SHUTDOWN':
      return CloseCode.goingAway;
    default:
      return CloseCode.ended;
  }
}

/** A roster entry from a participant snapshot (liveEffects.participantSnapshot, or a Participant mapped alike). */
export function rosterEntry(d: Record<string, unknown>): RosterParticipant {
  return {
    pid: d.participantId as string,
    name: d.name as string,
    kind: d.kind as RosterParticipant['kind'],
    state: d.state as RosterParticipant['state'],
    progress: (d.progress ?? null) as RosterParticipant['progress'],
    role: d.role as RosterParticipant['role'],
    muted: d.muted as boolean,
    handRaised: d.handRaised as boolean,
    reason: (d.reason ?? null) as RosterParticipant['reason'],
  };
}

/** Options of RealtimePublisher. */
export interface RealtimePublisherOptions {
  hub: RoomHub;
  logger?: RealtimeLogger;
}

/** One notification to a room, and possibly a private one to the leg's own socket. */
interface Outgoing {
  room: Room;
  json: string;
  own?: { session: Session; json: string };
  /** conference.ended: the one roster message a socket closed by the end of its conference still gets. */
  final?: boolean;
}

/** Fans live events out to realtime sessions. */
export class RealtimePublisher implements LivePublisher {
  readonly #hub: RoomHub;
  readonly #logger: RealtimeLogger;

  constructor({ hub, logger = silentLogger }: RealtimePublisherOptions) {
    this.#hub = hub;
    this.#logger = logger;
  }

  /**
   * Publishes one commit's events, in order, to every socket of the conference. Sockets whose session ends in
   * this commit (their leg left or failed, or the conference ended) are served first and closed right after
   * their last message: they still see every roster change of the commit before `session.ended`, and their
   * close does not wait behind the fan-out to everyone else (media-and-sip.md §2.4: "within milliseconds").
   */
  publish(events: LiveEvent[]): void {
    const out: Outgoing[] = [];
    const ends = new Map<Session, SessionEndReason>();
    for (const e of events) {
      try {
        this.#prepare(e, out, ends);
      } catch (err) {
        this.#logger.error({ err, eventId: e.id, type: e.type }, 'publishing a live event failed');
      }
    }
    if (ends.size > 0) {
      // When the whole conference ends, every socket closes: sending each of them every other leg's
      // participant.left first would be n² messages (a 2,000-person stop took over a minute in bench/live.ts).
      // They get conference.ended and their own messages only, then session.ended.
      const endingRooms = new Set(out.filter((o) => o.final).map((o) => o.room));
      for (const o of out) {
        if (endingRooms.has(o.room) && !o.final) {
          if (o.own && ends.has(o.own.session)) o.own.session.sendRaw(o.own.json);
          continue;
        }
        for (const s of ends.keys()) if (o.room.sessions.has(s)) s.sendRaw(o.json);
        if (o.own && ends.has(o.own.session)) o.own.session.sendRaw(o.own.json);
      }
      for (const [s, reason] of ends) s.end(reason, closeCodeFor(reason));
    }
    for (const o of out) {
      for (const s of o.room.sessions) if (!ends.has(s)) s.sendRaw(o.json);
      if (o.own && !ends.has(o.own.session)) o.own.session.sendRaw(o.own.json);
    }
  }

  #prepare(e: LiveEvent, out: Outgoing[], ends: Map<Session, SessionEndReason>): void {
    const room = this.#hub.room(e.conferenceId);
    if (!room) return;
    const d = e.data;
    switch (e.type) {
      case 'conference.started':
        return;
      case 'conference.updated':
        room.state = { locked: d.locked as boolean, muteAll: d.muteAll as boolean, allowUnmuteByOneself: d.allowUnmuteByOneself as boolean };
        out.push({ room, json: json({ type: 'conference.updated', meetingId: e.meetingId, seq: e.seq, ...room.state, ...(typeof d.change === 'string' ? { change: d.change } : {}) }) });
        return;
      case 'conference.ended': {
        const reason = (d.endReason ?? 'MEETING_ENDED') as DisconnectReason;
        out.push({ room, final: true, json: json({ type: 'conference.ended', meetingId: e.meetingId, seq: e.seq, reason }) });
        for (const s of room.sessions) if (!ends.has(s)) ends.set(s, 'MEETING_ENDED');
        return;
      }
      default:
        this.#prepareParticipant(room, e, out, ends);
    }
  }

  #prepareParticipant(room: Room, e: LiveEvent, out: Outgoing[], ends: Map<Session, SessionEndReason>): void {
    const d = e.data;
    const ended = e.type === 'participant.left' || e.type === 'participant.failed';
    const type = e.type === 'participant.joined' ? 'participant.joined' : ended ? 'participant.left' : 'participant.updated';
    // participant.updated carries what changed: the domain's `change` (mute, role, hand, name) or the transition.
    const change = typeof d.change === 'string' ? d.change : type === 'participant.updated' ? e.type.slice('participant.'.length) : undefined;
    const item: Outgoing = {
      room,
      json: json({
        type,
        meetingId: e.meetingId,
        seq: e.seq,
        participant: rosterEntry(d),
        ...(change !== undefined ? { change } : {}),
        ...(typeof d.by === 'string' ? { by: d.by } : {}),
      }),
    };
    out.push(item);
    const own = e.participantId ? this.#hub.sessionOf(e.participantId) : undefined;
    if (!own || own.binding?.conferenceId !== e.conferenceId) return;
    if (d.change === 'mute') {
      const muted = d.muted as boolean;
      const lockedOut = muted && d.mutedByHost === true && room.state.muteAll && !room.state.allowUnmuteByOneself;
      item.own = { session: own, json: json({ type: 'media.muted', kind: 'audio', muted, by: (d.by ?? 'host') as 'host' | 'self' | 'all', allowUnmute: !lockedOut }) };
    }
    if (ended) ends.set(own, (d.reason ?? 'CONNECTION_LOST') as DisconnectReason);
  }
}

function json(msg: Notification): string {
  return JSON.stringify(msg);
}
