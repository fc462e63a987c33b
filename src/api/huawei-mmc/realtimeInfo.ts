/**
 * H11 real-time info (huawei-meeting.md §3.7, §3.8, §6.11): every roster entry in roster order, the live legs
 * oldest first with the vendor's state codes, and the chair and co-hosts. Read straight from the store (reads
 * need no transaction); the conference state errors are the live core's (`loadRunning`).
 */
import { Type, type Static, type TSchema } from 'typebox';
import type { User } from '../../domain/accounts/User.js';
import { loadRunning } from '../../domain/live/liveContext.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import type { Participant, ParticipantState, RosterEntry } from '../../domain/live/types.js';
import type { LiveActor } from '../../domain/live/types.js';

/**
 * A response schema that serialises in its property order. fast-json-stringify writes `required` properties
 * before optional ones, which would move optional keys (`accountID`, `chairID`, `userID`) behind the others;
 * without `required` anywhere it keeps the schema's order and still drops every key it does not list.
 */
export function wireOrder<T extends TSchema>(schema: T): T {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'required') out[k] = strip(x);
    return out;
  };
  return strip(schema) as T;
}

/** The H11 answer; property order is the wire order (FOUND order, §3.8). */
export const RealTimeInfoResponse = wireOrder(Type.Object({
  attendees: Type.Array(
    Type.Object({
      accountID: Type.Optional(Type.String()),
      userUUID: Type.Optional(Type.String()),
      name: Type.String(),
      phone: Type.String(),
    }),
  ),
  participants: Type.Array(
    Type.Object({
      pid: Type.String(),
      name: Type.String(),
      phone: Type.String(),
      state: Type.Integer(),
      video: Type.Integer(),
      mute: Type.Integer(),
      hand: Type.Integer(),
    }),
  ),
  confInfo: Type.Object({
    chairID: Type.Optional(Type.String()),
    coHosts: Type.Array(Type.String()),
  }),
}));
/** The H11 answer. */
export type RealTimeInfoResponse = Static<typeof RealTimeInfoResponse>;

/** Domain state → H11 `state` (§3.7): 1 calling, 2 joining, 0 in the meeting (reconnecting included). */
export function huaweiParticipantState(s: ParticipantState): 0 | 1 | 2 | undefined {
  switch (s) {
    case 'calling':
      return 1;
    case 'joining':
      return 2;
    case 'connected':
    case 'reconnecting':
      return 0;
    default:
      return undefined;
  }
}

/**
 * Legs oldest first. Legs created by one invite share a millisecond and the store breaks such ties by the
 * (random) pid, so ties are ordered by their roster position, i.e. the order of the invite's attendees.
 */
export function orderLegs(legs: readonly Participant[], roster: readonly RosterEntry[]): Participant[] {
  const position = new Map(roster.map((e) => [e.id, e.position]));
  const pos = (p: Participant) => (p.rosterId !== null ? (position.get(p.rosterId) ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER);
  return [...legs].sort((a, b) => a.createdAt - b.createdAt || pos(a) - pos(b));
}

/** Loads and presents H11 for the actor's meeting. @throws conference.not_started / conference.ended */
export async function realTimeInfo(deps: LiveDeps, actor: LiveActor, meetingId: string): Promise<RealTimeInfoResponse> {
  const store = deps.store;
  const ctx = await loadRunning(store, actor, meetingId);
  const roster = await store.roster.list(meetingId);
  const legs = await store.participants.list(ctx.conference.id, { liveOnly: true });
  const users = new Map<string, User | undefined>();
  const user = async (id: string | null): Promise<User | undefined> => {
    if (id === null) return undefined;
    if (!users.has(id)) users.set(id, await store.users.get(ctx.meeting.accountId, id));
    return users.get(id);
  };

  const attendees: RealTimeInfoResponse['attendees'] = [];
  for (const e of [...roster].sort((a, b) => a.position - b.position)) {
    const u = await user(e.userId);
    attendees.push({ ...(u ? { accountID: u.loginName, userUUID: u.huaweiUserUuid } : {}), name: e.name, phone: e.phone ?? u?.directoryNumber ?? '' });
  }

  const participants: RealTimeInfoResponse['participants'] = [];
  const ordered = orderLegs(legs, roster);
  for (const p of ordered) {
    const state = huaweiParticipantState(p.state);
    if (state === undefined) continue;
    participants.push({ pid: p.id, name: p.name, phone: p.phone ?? (await user(p.userId))?.directoryNumber ?? '', state, video: p.video ? 1 : 0, mute: p.muted ? 1 : 0, hand: p.handRaised ? 1 : 0 });
  }

  const chair = ordered.find((p) => p.role === 'host');
  return { attendees, participants, confInfo: { ...(chair ? { chairID: chair.id } : {}), coHosts: ordered.filter((p) => p.role === 'cohost').map((p) => p.id) } };
}
