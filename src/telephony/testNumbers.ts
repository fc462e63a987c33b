/**
 * The test-number table of the simulated telephone network (huawei-meeting.md §4.4, the single list for
 * every dialect and the web client): which dialled number or SIP URI behaves how, and when. Pure data and
 * classification; `SimulatedNetwork` plays the scripts. docs/telephony.md is the integrator's copy of this
 * table: change both together.
 */
import { isE164 } from '../domain/live/phoneNumber.js';
import type { DisconnectReason } from '../domain/live/types.js';

/** The block Ofcom reserves for drama (`+44 7700 900000`–`+44 7700 900999`): never assigned to anyone. */
export const TEST_NUMBER_PREFIX = '+447700900';

/** The SIP domain whose user parts are test numbers or aliases (`.invalid` never resolves, RFC 2606). */
export const SIM_SIP_DOMAIN = 'sim.convene.invalid';

/**
 * SIP Timer B (64 × T1, T1 = 500 ms): an INVITE that gets no response at all fails with a locally made
 * 408 after this long (media-and-sip.md §1.4, VERIFIED with npm `sip`). The simulator plays it for the
 * `…504` row, so it is one of the table's delays and is scaled by `timeScale` like the others.
 */
export const TIMER_B_MS = 32_000;

/** How a simulated call ends, unless Convene hangs it up or its ring timeout cancels it first. */
export type SimFinal =
  /** 200 OK at `atMs`; a BYE from the far end `byeAfterMs` after the answer (null: stays until hung up). */
  | { kind: 'answer'; atMs: number; byeAfterMs: number | null }
  /** A final error response `status` at `atMs`, which Convene maps to `reason` (media-and-sip.md §5.2). */
  | { kind: 'reject'; atMs: number; status: number; reason: DisconnectReason }
  /** Rings until Convene cancels it (the ring timeout; the far end then answers 487). */
  | { kind: 'ring_forever' }
  /** Sends nothing at all: the INVITE transaction times out (Timer B) and fails with a local 408. */
  | { kind: 'silent' };

/** What the simulated far end sends, and when (milliseconds after the INVITE, before `timeScale`). */
export interface SimScript {
  /** The table row, for logs and `sim calls` listings (e.g. `+447700900486 busy`). */
  row: string;
  /** `100 Trying` at once. */
  trying: boolean;
  /** When `180 Ringing` is sent, or null when never. */
  ringingAtMs: number | null;
  final: SimFinal;
}

const S = 1000;

/** Behaviour of `+447700900000` (and of every number that just answers). */
function answers(row: string, ringMs = 1 * S, byeAfterMs: number | null = null): SimScript {
  return { row, trying: true, ringingAtMs: 0, final: { kind: 'answer', atMs: ringMs, byeAfterMs } };
}

/** A final error response, with or without `100 Trying` / `180 Ringing` before it. */
function rejects(row: string, status: number, reason: DisconnectReason, atMs: number, o: { trying?: boolean; ringing?: boolean } = {}): SimScript {
  return { row, trying: o.trying ?? true, ringingAtMs: o.ringing ? 0 : null, final: { kind: 'reject', atMs, status, reason } };
}

/** Two digits 01–99 (the `NN` of the `…5NN` and `…6NN` rows). */
function nn(s: string): number | null {
  return /^\d\d$/.test(s) && s !== '00' ? Number(s) : null;
}

/**
 * The script of a number inside the test block (`+447700900xxx`). Explicit rows win over the `…5NN` and
 * `…6NN` patterns: `…503`, `…504` and `…603` keep their own meaning.
 */
function blockScript(number: string): SimScript {
  const last = number.slice(TEST_NUMBER_PREFIX.length);
  switch (last) {
    case '000':
      return answers(`${number} answers`);
    case '001':
      return answers(`${number} answers slowly`, 10 * S);
    case '486':
      return rejects(`${number} busy`, 486, 'USER_BUSY', 0.5 * S);
    case '408':
      return { row: `${number} never answers`, trying: true, ringingAtMs: 0, final: { kind: 'ring_forever' } };
    case '480':
      return rejects(`${number} temporarily unavailable`, 480, 'NO_ANSWER', 1 * S);
    case '603':
      return rejects(`${number} declines`, 603, 'USER_REJECTED', 2 * S, { ringing: true });
    case '503':
      return rejects(`${number} unreachable`, 503, 'SIP_TRUNK_FAILURE', 1 * S);
    case '504':
      return { row: `${number} unreachable, silent`, trying: false, ringingAtMs: null, final: { kind: 'silent' } };
    case '403':
      return rejects(`${number} forbidden`, 403, 'SIP_TRUNK_FAILURE', 0, { trying: false });
    case '404':
      return rejects(`${number} invalid number`, 404, 'INVALID_NUMBER', 0, { trying: false });
    case '488':
      return rejects(`${number} no common codec`, 488, 'MEDIA_FAILURE', 0.5 * S);
    // `…700` (answers, never sends audio) and `…800` (line drops after 10 s) end with CONNECTION_LOST through
    // Convene's RTP-inactivity timer, which needs the audio bridge of SIP dial-out (issue E). Until it
    // exists they behave like `…000`, as huawei-meeting.md §4.4 says.
    case '700':
      return answers(`${number} answers, no audio (like …000 until the audio bridge exists)`);
    case '800':
      return answers(`${number} line drops (like …000 until the audio bridge exists)`);
  }
  const n = nn(last.slice(1));
  if (last.startsWith('6') && n !== null) return answers(`${number} rings ${n} s, then answers`, n * S);
  if (last.startsWith('5') && n !== null) return answers(`${number} answers, hangs up after ${n} s`, 1 * S, n * S);
  // Typos in test data show up as invalid numbers rather than as calls that answer.
  return rejects(`${number} unassigned test number`, 404, 'INVALID_NUMBER', 0, { trying: false });
}

/** SIP user-part aliases at `sim.convene.invalid`, each naming a test number (huawei-meeting.md §4.4). */
export const SIM_ALIASES: Readonly<Record<string, string>> = {
  answer: '+447700900000',
  'slow-answer': '+447700900001',
  busy: '+447700900486',
  'no-answer': '+447700900408',
  unavailable: '+447700900480',
  decline: '+447700900603',
  unreachable: '+447700900503',
  'unreachable-silent': '+447700900504',
  forbidden: '+447700900403',
  'not-found': '+447700900404',
  'no-codec': '+447700900488',
  'no-audio': '+447700900700',
  drop: '+447700900800',
};

/** The test number an alias names (`ring-NN` → `…6NN`, `hangup-NN` → `…5NN`), or undefined. */
export function aliasNumber(alias: string): string | undefined {
  const a = alias.toLowerCase();
  if (Object.hasOwn(SIM_ALIASES, a)) return SIM_ALIASES[a];
  const m = /^(ring|hangup)-(\d\d)$/.exec(a);
  if (!m || nn(m[2] as string) === null) return undefined;
  return `${TEST_NUMBER_PREFIX}${m[1] === 'ring' ? '6' : '5'}${m[2] as string}`;
}

function isTestNumber(n: string): boolean {
  return n.length === TEST_NUMBER_PREFIX.length + 3 && n.startsWith(TEST_NUMBER_PREFIX) && /^\d{3}$/.test(n.slice(TEST_NUMBER_PREFIX.length));
}

/** The script of a normalised telephone number (`+`, digits, `*`, `#`; phoneNumber.ts `classifyNumber`). */
function phoneScript(number: string): SimScript {
  if (isTestNumber(number)) return blockScript(number);
  if (isE164(number)) return answers(`${number} any other E.164 number: answers`);
  if (/^\d+$/.test(number)) return answers(`${number} national number: answers`);
  // `*`, `#`, or a `+` number that cannot be E.164 (the seed's masked `+8657*******`): the network tries,
  // then reports it does not exist.
  return rejects(`${number} not a real number`, 404, 'INVALID_NUMBER', 0.5 * S);
}

/** The script of a normalised SIP URI (`sip:user@host[:port][;transport=…]`). */
function sipScript(uri: string): SimScript {
  const m = /^sips?:([^@]+)@([^:;]+)/i.exec(uri);
  const host = m?.[2]?.toLowerCase();
  if (!m || host !== SIM_SIP_DOMAIN) return answers(`${uri} any SIP URI: answers`);
  let user = m[1] as string;
  try {
    user = decodeURIComponent(user);
  } catch {
    // A malformed %-escape is just an unknown user part: it answers below.
  }
  const number = aliasNumber(user) ?? (isTestNumber(user) ? user : undefined);
  if (!number) return answers(`${uri} unknown user part: answers`);
  const script = blockScript(number);
  return { ...script, row: `${uri} = ${script.row}` };
}

/**
 * The script the simulated network plays for `target` (a normalised number or SIP URI, as in
 * `OutgoingCall.target`). Total: every target has a behaviour.
 */
export function scriptFor(target: string, kind: 'phone' | 'sip'): SimScript {
  return kind === 'sip' ? sipScript(target) : phoneScript(target);
}
