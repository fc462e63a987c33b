/**
 * DingTalk in-conference controls P1-7 … P1-12 (dingtalk-conference.md §6.7–§6.12), registered inside the
 * dialect's `/v1.0` scope (its body parser, error handler, not-found handler and token hook apply). The
 * `{conferenceId}` is the Convene meeting id (24 hex, CROSS-DIALECT.md); a call acts on its running
 * conference through the live commands (disconnectParticipants, muteParticipant, muteAll, setLocked,
 * setCohost, setFocus), so the Huawei and v6 views see the same state.
 *
 * Order of checks (§4.3): path id → body fields (controlsInput.ts) → conference exists / running → listed
 * users resolve (unknownUserError) → state (member present, host targeted) → the action. Everything a list
 * needs is checked before the first side effect, so a refused request changes nothing.
 *
 * Members are named as queryConferenceMembers (§6.5) names them: a user's `unionId`, `pstn_<E.164 digits>`
 * for a phone leg without a user, `guest_<participant id>` for a link guest.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { disconnectParticipants } from '../../domain/live/disconnectParticipants.js';
import { muteAll } from '../../domain/live/muteAll.js';
import { muteParticipant } from '../../domain/live/muteParticipant.js';
import type { LiveDeps } from '../../domain/live/ports.js';
import { setCohost } from '../../domain/live/setCohost.js';
import { setFocus } from '../../domain/live/setFocus.js';
import { setLocked } from '../../domain/live/setLocked.js';
import { isLive, type Conference, type LiveActor, type Participant } from '../../domain/live/types.js';
import type { Store } from '../../domain/ports.js';
import { dingtalkLiveActor, principalOf } from './auth.js';
import { fail, parseCohostsBody, parseFocusBody, parseKickBody, parseLockBody, parseMuteAllBody, parseMuteMembersBody, requirePathId, type MemberRef } from './controlsInput.js';
import { unknownUser } from './errors.js';

const SUCCESS = { success: true } as const;

/** In the meeting (`attendStatus` 3): the states a mute or co-host change applies to. */
function present(p: Participant): boolean {
  return p.state === 'connected' || p.state === 'reconnecting' || p.state === 'joining';
}

/**
 * The running conference of `{conferenceId}` in the actor's account, or the §4.3 refusal: another account's
 * or unknown id (or a meeting that never ran) → `conference not found`; ended → `conference is closed`.
 */
export async function runningConference(store: Store, actor: LiveActor, conferenceId: string): Promise<Conference> {
  const meeting = /^[0-9a-f]{24}$/.test(conferenceId) ? await store.meetings.get(actor.accountId, conferenceId) : undefined;
  if (!meeting) fail('conference not found');
  const running = await store.conferences.getRunning(meeting.id);
  if (running) return running;
  if (await store.conferences.getLatest(meeting.id)) fail('conference is closed');
  return fail('conference not found');
}

/**
 * The legs of one listed member (every leg of the conference that member ever had), resolving the
 * `unionId` in the account: an unknown user → unknownUserError; `pstn_…`/`guest_…` name legs without a user.
 */
export async function memberLegs(store: Store, accountId: string, legs: Participant[], ref: MemberRef): Promise<Participant[]> {
  const id = ref.unionId;
  // The same grouping as presenters.ts memberModels (§6.5).
  const phoneLeg = (p: Participant) => p.kind === 'phone' || p.kind === 'sip';
  if (id.startsWith('pstn_')) return legs.filter((p) => p.userId === null && phoneLeg(p) && `pstn_${(p.phone ?? '').replace(/[^0-9]/g, '')}` === id);
  if (id.startsWith('guest_')) return legs.filter((p) => p.userId === null && !phoneLeg(p) && `guest_${p.id}` === id);
  const user = await store.users.getByUnionId(accountId, id);
  if (!user) throw unknownUser();
  return legs.filter((p) => p.userId === user.id);
}

/**
 * The live legs a control acts on for one member: `participantId` narrows to one leg (unknown →
 * `participant <id> not found`); none in the wanted state → `user <unionId> is not in the conference`.
 */
function targetLegs(all: Participant[], ref: MemberRef, wanted: (p: Participant) => boolean): Participant[] {
  let legs = all;
  if (ref.participantId !== undefined) {
    legs = all.filter((p) => p.id === ref.participantId);
    if (legs.length === 0) fail(`participant ${ref.participantId} not found`);
  }
  const out = legs.filter(wanted);
  if (out.length === 0) fail(`user ${ref.unionId} is not in the conference`);
  return out;
}

/** Resolves every listed member (in request order) to its target legs, before any side effect. */
async function resolveTargets(store: Store, actor: LiveActor, conf: Conference, refs: MemberRef[], wanted: (p: Participant) => boolean): Promise<{ ref: MemberRef; legs: Participant[] }[]> {
  const legs = await store.participants.list(conf.id);
  const resolved: { ref: MemberRef; all: Participant[] }[] = [];
  // Users resolve first (step 6), state checks follow (step 8), each in request order.
  for (const ref of refs) resolved.push({ ref, all: await memberLegs(store, actor.accountId, legs, ref) });
  return resolved.map(({ ref, all }) => ({ ref, legs: targetLegs(all, ref, wanted) }));
}

function conferenceIdOf(req: FastifyRequest): string {
  return requirePathId(req.params, 'conferenceId');
}

/** Registers kickMembers, muteMembers, muteAll, lockConference, cohosts and focus inside the /v1.0 scope. */
export function registerControlRoutes(f: FastifyInstance, deps: LiveDeps): void {
  const { store } = deps;
  const tags = ['dingtalk'];
  // Scopes (§3.4) are enforced by the scope's hook once it reads them; both are the token check today.
  const write = { auth: 'dingtalkToken' } as const;
  const base = '/conference/videoConferences/:conferenceId';

  // §6.7 kickMembers: every live leg (ringing ones too) of each member gets PARTICIPANT_REMOVED, atomically.
  f.post(`${base}/members/kick`, { config: write, schema: { operationId: 'dingtalk.kickMembers', summary: 'Remove members from a running conference (P1-7)', tags } }, async (req) => {
    const id = conferenceIdOf(req);
    const body = parseKickBody(req.body);
    const actor = dingtalkLiveActor(principalOf(req), null);
    const conf = await runningConference(store, actor, id);
    const targets = await resolveTargets(store, actor, conf, body.userList, isLive);
    for (const t of targets) if (t.legs.some((p) => p.role === 'host')) fail('the host cannot be kicked');
    // forbiddenRejoin is accepted but not enforced: the live core has no rejoin bar yet (see docs/dingtalk.md).
    await disconnectParticipants(deps, actor, { meetingId: conf.meetingId, participantIds: targets.flatMap((t) => t.legs.map((p) => p.id)) });
    return SUCCESS;
  });

  // §6.8 muteMembers: one member, every device in the meeting unless participantId names one.
  f.post(`${base}/members/mute`, { config: write, schema: { operationId: 'dingtalk.muteMembers', summary: 'Mute or unmute one member (P1-8)', tags } }, async (req) => {
    const id = conferenceIdOf(req);
    const body = parseMuteMembersBody(req.body);
    const actor = dingtalkLiveActor(principalOf(req), null);
    const conf = await runningConference(store, actor, id);
    const [target] = await resolveTargets(store, actor, conf, [body.user], present);
    for (const p of target?.legs ?? []) await muteParticipant(deps, actor, { meetingId: conf.meetingId, participantId: p.id, muted: body.mute });
    return SUCCESS;
  });

  // §6.9 muteAll: the live core's mute-all mode; forceMute = members may not unmute themselves.
  f.post(`${base}/allMembers/mute`, { config: write, schema: { operationId: 'dingtalk.muteAll', summary: 'Mute-all on or off (P1-9)', tags } }, async (req) => {
    const id = conferenceIdOf(req);
    const body = parseMuteAllBody(req.body);
    const actor = dingtalkLiveActor(principalOf(req), null);
    const conf = await runningConference(store, actor, id);
    await muteAll(deps, actor, { meetingId: conf.meetingId, muted: body.mute, allowUnmuteByOneself: !body.forceMute });
    return SUCCESS;
  });

  // §6.10 lockConference.
  f.post(`${base}/lock`, { config: write, schema: { operationId: 'dingtalk.lockConference', summary: 'Lock or unlock a conference (P1-10)', tags } }, async (req) => {
    const id = conferenceIdOf(req);
    const locked = parseLockBody(req.body);
    const actor = dingtalkLiveActor(principalOf(req), null);
    const conf = await runningConference(store, actor, id);
    await setLocked(deps, actor, { meetingId: conf.meetingId, locked });
    return SUCCESS;
  });

  // §6.11 cohosts: every listed member must be in the meeting; the host cannot be added; remove of a
  // non-co-host is a no-op. The whole list is checked before the first change.
  f.post(`${base}/coHosts/set`, { config: write, schema: { operationId: 'dingtalk.cohosts', summary: 'Add or remove co-hosts (P1-11)', tags } }, async (req) => {
    const id = conferenceIdOf(req);
    const body = parseCohostsBody(req.body);
    const actor = dingtalkLiveActor(principalOf(req), null);
    const conf = await runningConference(store, actor, id);
    const targets = await resolveTargets(store, actor, conf, body.userList, present);
    if (body.add) for (const t of targets) if (t.legs.some((p) => p.role === 'host')) fail('the host cannot be a co-host');
    const done = new Set<string>();
    for (const t of targets) {
      for (const p of t.legs) {
        if (done.has(p.id)) continue;
        done.add(p.id);
        if (!body.add && p.role !== 'cohost') continue;
        await setCohost(deps, actor, { meetingId: conf.meetingId, participantId: p.id, cohost: body.add });
      }
    }
    return SUCCESS;
  });

  // §6.12 focus: pins the member's most recently joined device in the meeting; un_focus ends any focus.
  f.post(`${base}/focus`, { config: write, schema: { operationId: 'dingtalk.focus', summary: 'Focus everyone on one member (P1-12)', tags } }, async (req) => {
    const id = conferenceIdOf(req);
    const body = parseFocusBody(req.body);
    const actor = dingtalkLiveActor(principalOf(req), null);
    const conf = await runningConference(store, actor, id);
    let participantId: string | null = null;
    if (body.unionId !== null) {
      const [target] = await resolveTargets(store, actor, conf, [{ unionId: body.unionId }], present);
      const legs = [...(target?.legs ?? [])].sort((a, b) => (b.joinedAt ?? 0) - (a.joinedAt ?? 0));
      participantId = legs[0]?.id ?? null;
    }
    await setFocus(deps, actor, { meetingId: conf.meetingId, participantId });
    return SUCCESS;
  });
}
