/**
 * The participant leg state machine (media-and-sip.md §1.2), pure: given a leg and what happened, the next
 * leg and the events to record. Every network and client reports through these transitions, so a simulated
 * phone, a SIP trunk and an app user cannot disagree about states.
 *
 *   invited ─► calling ─► joining ─► connected ⇄ reconnecting ─► left(reason)
 *                 │          │
 *                 └──────────┴──────────────────────────────────► failed(reason)
 */
import type { DisconnectReason, LiveEventType, Participant } from './types.js';

/** What can happen to a leg. */
export type LegSignal =
  | { kind: 'dialing' }
  /** `sipStatusCode`: 180/183 on phone legs (media-and-sip.md §5.2: the last SIP status is stored on the leg). */
  | { kind: 'ringing'; sipStatusCode?: number | null }
  /** Answered (SIP 200 / app accept). `connectNow`: media is attached in the same tick (phones; app users until the SFU exists). */
  | { kind: 'answered'; connectNow: boolean; sipStatusCode?: number | null }
  | { kind: 'media_connected' }
  | { kind: 'connection_lost' }
  | { kind: 'reconnected' }
  | { kind: 'ended'; reason: DisconnectReason; sipStatusCode?: number | null; message?: string | null };

/** The result of one transition: the new leg and the events, in order. */
export interface Transition {
  next: Participant;
  events: LiveEventType[];
}

/** True when the leg has ended. */
export function hasEnded(p: Pick<Participant, 'state'>): boolean {
  return p.state === 'left' || p.state === 'failed';
}

/**
 * Applies `s` to `p` at `now`. Returns null when the signal does not apply (a late or duplicate report: a
 * ring after the answer, progress after the end), which callers treat as a no-op, never as an error.
 */
export function advance(p: Participant, s: LegSignal, now: number): Transition | null {
  const next: Participant = { ...p };
  switch (s.kind) {
    case 'dialing':
      if (p.state !== 'invited') return null;
      next.state = 'calling';
      next.progress = 'dialing';
      return { next, events: ['participant.calling'] };
    case 'ringing':
      if (p.state !== 'invited' && (p.state !== 'calling' || p.progress === 'ringing')) return null;
      if (s.sipStatusCode !== undefined) next.sipStatusCode = s.sipStatusCode;
      next.progress = 'ringing';
      if (p.state === 'invited') {
        next.state = 'calling';
        return { next, events: ['participant.calling', 'participant.ringing'] };
      }
      return { next, events: ['participant.ringing'] };
    case 'answered': {
      if (p.state !== 'calling' && p.state !== 'invited') return null;
      next.state = 'joining';
      next.progress = null;
      if (s.sipStatusCode !== undefined) next.sipStatusCode = s.sipStatusCode;
      const events: LiveEventType[] = ['participant.joining'];
      if (s.connectNow) {
        next.state = 'connected';
        next.joinedAt = now;
        events.push('participant.joined');
      }
      return { next, events };
    }
    case 'media_connected':
      if (p.state !== 'joining') return null;
      next.state = 'connected';
      next.joinedAt = now;
      return { next, events: ['participant.joined'] };
    case 'connection_lost':
      if (p.state !== 'connected') return null;
      next.state = 'reconnecting';
      return { next, events: ['participant.reconnecting'] };
    case 'reconnected':
      if (p.state !== 'reconnecting') return null;
      next.state = 'connected';
      return { next, events: ['participant.reconnected'] };
    case 'ended': {
      if (hasEnded(p)) return null;
      const wasIn = p.state === 'connected' || p.state === 'reconnecting';
      next.state = wasIn ? 'left' : 'failed';
      next.progress = null;
      next.reason = s.reason;
      next.endedAt = now;
      next.handRaised = false;
      if (s.sipStatusCode !== undefined) next.sipStatusCode = s.sipStatusCode;
      if (s.message !== undefined) next.rejectDescription = s.message;
      return { next, events: [wasIn ? 'participant.left' : 'participant.failed'] };
    }
  }
}
