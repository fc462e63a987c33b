import { DomainError, type FieldIssue } from '../errors.js';
import type { Repositories } from '../ports.js';
import { ensureRunning } from './startConference.js';
import { loadMeetingForLive, loadRunning, requireControl } from './liveContext.js';
import { noEffects, recordLive, runEffects, type Effects, type LiveContext } from './liveEffects.js';
import type { DialTarget } from './phoneNumber.js';
import type { LiveDeps } from './ports.js';
import { isLive, type LiveActor, type Participant, type RosterEntry, type TerminalType } from './types.js';
import { advance } from './Participant.js';

/** One person to bring in, as a dialect resolved it. */
export interface Invitee {
  /** Display name (trimmed, non-empty). */
  name: string;
  /** The Convene user this invitee is (resolved by the dialect in the meeting's account), or null. */
  userId: string | null;
  /** What to dial, or null for app-only invitees. */
  target: DialTarget | null;
  /** Dial `target` even when `userId` is set (Huawei `type` mobile/telephone, huawei-meeting.md §4.1 rule 3). */
  preferPhone: boolean;
  /** Intended role: becomes chair on joining when the meeting has none. */
  hostRole: boolean;
  /** Joins muted. */
  joinMuted: boolean;
  /** Roster extras (shown, never acted on). */
  email?: string | null;
  sms?: string | null;
  type?: TerminalType;
  deptUuid?: string | null;
  deptName?: string | null;
  /** The input position, for error messages (`attendees[3]`). */
  label: string;
}

/** Input of inviteParticipants. */
export interface InviteParticipantsInput {
  meetingId: string;
  invitees: Invitee[];
  /** Start the conference when it is not running (DingTalk/instant meetings); Huawei requires a running one. */
  startIfNeeded?: boolean;
}

/** What happened to each invitee. */
export interface InviteResult {
  conferenceId: string;
  /** One per invitee, in input order: the leg created, or the live leg that already existed (no-op). */
  legs: Array<{ participant: Participant; created: boolean }>;
}

/**
 * Invites people into the running conference (huawei-meeting.md §4, media-and-sip.md §7): one leg per
 * invitee, all or nothing, in one transaction; ringing and dialling start after the commit.
 * Routing: SIP URI → SIP leg; directory number → its owner's app (unknown → fails INVALID_NUMBER at once);
 * a user (unless preferPhone) → app (offline → fails USER_UNAVAILABLE at once); otherwise a phone leg.
 * Someone with a live leg already is a no-op that succeeds.
 * @throws validation.failed (duplicates), conference.not_started/ended, conference.full, conference.control_denied
 */
export async function inviteParticipants(deps: LiveDeps, actor: LiveActor, input: InviteParticipantsInput): Promise<InviteResult> {
  requireControl(actor, 'invite participants');
  const fx = noEffects();
  const result = await deps.store.transaction(async (tx) => {
    const ctx = input.startIfNeeded
      ? await ensureRunning(tx, deps, await loadMeetingForLive(tx, actor, input.meetingId), actor.userId ?? null, fx)
      : await loadRunning(tx, actor, input.meetingId);
    const routed = await route(tx, ctx, input.invitees);
    rejectDuplicates(routed);
    const live = await tx.participants.list(ctx.conference.id, { liveOnly: true });
    const existing = routed.map((r) => live.find((p) => sameParty(p, r)));
    const newCount = existing.filter((e) => !e).length;
    if (live.length + newCount > ctx.conference.maxParticipants) {
      throw new DomainError('conference.full', `conference is full (${ctx.conference.maxParticipants} participants)`);
    }
    const roster = await tx.roster.list(ctx.meeting.id);
    const legs: InviteResult['legs'] = [];
    for (const [i, r] of routed.entries()) {
      const already = existing[i];
      if (already) {
        legs.push({ participant: already, created: false });
        continue;
      }
      const entry = await rosterEntryFor(tx, deps, ctx, roster, r);
      legs.push({ participant: await createLeg(tx, deps, ctx, actor, entry, r, fx), created: true });
    }
    return { conferenceId: ctx.conference.id, legs };
  });
  runEffects(deps, fx);
  return result;
}

/** An invitee with its route decided (huawei-meeting.md §4.1). */
interface Routed {
  invitee: Invitee;
  kind: 'app' | 'phone' | 'sip';
  userId: string | null;
  /** Normalised number/URI for phone and SIP legs; the directory number for app legs. */
  phone: string | null;
  /** Set when the leg fails at once (unknown directory number). */
  failNow: 'INVALID_NUMBER' | null;
}

async function route(tx: Repositories, ctx: LiveContext, invitees: Invitee[]): Promise<Routed[]> {
  const out: Routed[] = [];
  for (const inv of invitees) {
    const t = inv.target;
    if (t?.class === 'sip') out.push({ invitee: inv, kind: 'sip', userId: inv.userId, phone: t.uri, failNow: null });
    else if (t?.class === 'directory') {
      const owner = await tx.users.getByDirectoryNumber(ctx.meeting.accountId, t.number);
      out.push({ invitee: inv, kind: 'app', userId: owner?.id ?? null, phone: t.number, failNow: owner ? null : 'INVALID_NUMBER' });
    } else if (inv.userId && !(inv.preferPhone && t)) {
      const user = await tx.users.get(ctx.meeting.accountId, inv.userId);
      out.push({ invitee: inv, kind: 'app', userId: inv.userId, phone: user?.directoryNumber ?? null, failNow: null });
    } else if (t?.class === 'phone') out.push({ invitee: inv, kind: 'phone', userId: inv.userId, phone: t.number, failNow: null });
    else throw new DomainError('validation.failed', 'Data not valid', [{ field: inv.label, code: 'required', message: `${inv.label} has nothing to call` }]);
  }
  return out;
}

function partyKey(r: Routed): string {
  return r.kind === 'app' && r.userId ? `user:${r.userId}` : `tel:${r.phone ?? ''}`;
}

function rejectDuplicates(routed: Routed[]): void {
  const seen = new Map<string, Routed>();
  const issues: FieldIssue[] = [];
  for (const r of routed) {
    const k = partyKey(r);
    const first = seen.get(k);
    if (first) issues.push({ field: r.invitee.label, code: 'duplicate', message: `${r.invitee.label} duplicates ${first.invitee.label} (${r.phone ?? r.userId ?? ''})` });
    else seen.set(k, r);
  }
  if (issues.length) throw new DomainError('validation.failed', 'Data not valid', issues.slice(0, 1));
}

function sameParty(p: Participant, r: Routed): boolean {
  if (r.kind === 'app' && r.userId) return p.userId === r.userId && (p.kind === 'app' || p.kind === 'browser');
  return (p.kind === 'phone' || p.kind === 'sip') && p.phone === r.phone && isLive(p);
}

async function rosterEntryFor(tx: Repositories, deps: LiveDeps, ctx: LiveContext, roster: RosterEntry[], r: Routed): Promise<RosterEntry> {
  const found = roster.find((e) => (r.userId && e.userId === r.userId) || (!r.userId && e.phone !== null && e.phone === r.phone));
  if (found) return found;
  const inv = r.invitee;
  const entry: RosterEntry = {
    id: deps.ids.objectId(),
    meetingId: ctx.meeting.id,
    accountId: ctx.meeting.accountId,
    position: roster.length === 0 ? 0 : Math.max(...roster.map((e) => e.position)) + 1,
    name: inv.name,
    userId: r.userId,
    phone: r.phone,
    email: inv.email ?? null,
    sms: inv.sms ?? null,
    type: inv.type ?? 'normal',
    hostRole: inv.hostRole,
    joinMuted: inv.joinMuted,
    deptUuid: inv.deptUuid ?? null,
    deptName: inv.deptName ?? null,
    createdAt: deps.clock.now(),
  };
  await tx.roster.insert(entry);
  roster.push(entry);
  return entry;
}

async function createLeg(tx: Repositories, deps: LiveDeps, ctx: LiveContext, actor: LiveActor, entry: RosterEntry, r: Routed, fx: Effects): Promise<Participant> {
  const now = deps.clock.now();
  const muted = r.invitee.joinMuted || ctx.conference.muteAll;
  let p: Participant = {
    id: deps.ids.hex(32),
    conferenceId: ctx.conference.id,
    meetingId: ctx.meeting.id,
    accountId: ctx.meeting.accountId,
    rosterId: entry.id,
    kind: r.kind,
    userId: r.userId,
    name: r.invitee.name,
    phone: r.phone,
    state: 'invited',
    progress: null,
    reason: null,
    sipStatusCode: null,
    rejectDescription: null,
    role: 'attendee',
    muted,
    mutedByHost: muted,
    handRaised: false,
    video: r.kind === 'app',
    invited: true,
    createdAt: now,
    joinedAt: null,
    endedAt: null,
    network: r.kind === 'app' ? null : deps.dialer.network,
  };
  await tx.participants.insert(p);
  await recordLive(tx, deps, ctx, p, ['participant.invited'], fx);
  const failNow = r.failNow ?? (r.kind === 'app' && (!r.userId || !deps.ringer.isOnline(r.userId)) ? 'USER_UNAVAILABLE' : null);
  const s = failNow ? ({ kind: 'ended', reason: failNow } as const) : ({ kind: 'dialing' } as const);
  const t = advance(p, s, now);
  if (t) {
    p = t.next;
    await tx.participants.update(p);
    await recordLive(tx, deps, ctx, p, t.events, fx);
  }
  if (!failNow) {
    const ringTimeoutMs = deps.live.ringTimeoutMs;
    if (r.kind === 'app') {
      fx.rings.push({ participantId: p.id, conferenceId: ctx.conference.id, meetingId: ctx.meeting.id, userId: r.userId as string, subject: ctx.meeting.topic, inviterName: actor.name, ringTimeoutMs });
    } else {
      fx.dials.push({ participantId: p.id, conferenceId: ctx.conference.id, meetingId: ctx.meeting.id, target: r.phone as string, kind: r.kind, displayName: ctx.meeting.topic, ringTimeoutMs });
    }
  }
  return p;
}
