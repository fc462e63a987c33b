import { describe, expect, it } from 'vitest';
import { classifyNumber } from '../domain/live/phoneNumber.js';
import type { DisconnectReason } from '../domain/live/types.js';
import { aliasNumber, scriptFor, SIM_ALIASES, TIMER_B_MS, type SimFinal } from './testNumbers.js';

/** The script of what a dialect would send for `raw` (classified and normalised first, as the domain does). */
function script(raw: string) {
  const t = classifyNumber(raw);
  if (!t || t.class === 'directory') throw new Error(`not dialable: ${raw}`);
  return t.class === 'sip' ? scriptFor(t.uri, 'sip') : scriptFor(t.number, 'phone');
}

const answer = (atMs: number, byeAfterMs: number | null = null): SimFinal => ({ kind: 'answer', atMs, byeAfterMs });
const reject = (status: number, reason: DisconnectReason, atMs: number): SimFinal => ({ kind: 'reject', status, reason, atMs });

// huawei-meeting.md §4.4, row by row: [number, 100 Trying, 180 at, final].
const table: Array<[string, boolean, number | null, SimFinal]> = [
  ['+447700900000', true, 0, answer(1000)],
  ['+447700900001', true, 0, answer(10_000)],
  ['+447700900601', true, 0, answer(1000)],
  ['+447700900645', true, 0, answer(45_000)],
  ['+447700900699', true, 0, answer(99_000)],
  ['+447700900486', true, null, reject(486, 'USER_BUSY', 500)],
  ['+447700900408', true, 0, { kind: 'ring_forever' }],
  ['+447700900480', true, null, reject(480, 'NO_ANSWER', 1000)],
  ['+447700900603', true, 0, reject(603, 'USER_REJECTED', 2000)],
  ['+447700900501', true, 0, answer(1000, 1000)],
  ['+447700900530', true, 0, answer(1000, 30_000)],
  ['+447700900599', true, 0, answer(1000, 99_000)],
  ['+447700900503', true, null, reject(503, 'SIP_TRUNK_FAILURE', 1000)],
  ['+447700900504', false, null, { kind: 'silent' }],
  ['+447700900403', false, null, reject(403, 'SIP_TRUNK_FAILURE', 0)],
  ['+447700900404', false, null, reject(404, 'INVALID_NUMBER', 0)],
  ['+447700900488', true, null, reject(488, 'MEDIA_FAILURE', 500)],
  // …700 / …800 need the audio bridge (issue E); until then they behave like …000.
  ['+447700900700', true, 0, answer(1000)],
  ['+447700900800', true, 0, answer(1000)],
  // Any other number in the block: 404 at once.
  ['+447700900002', false, null, reject(404, 'INVALID_NUMBER', 0)],
  ['+447700900500', false, null, reject(404, 'INVALID_NUMBER', 0)],
  ['+447700900600', false, null, reject(404, 'INVALID_NUMBER', 0)],
  ['+447700900999', false, null, reject(404, 'INVALID_NUMBER', 0)],
  // Any other E.164 number, and national numbers, answer like …000.
  ['+4915112345678', true, 0, answer(1000)],
  ['+12025550123', true, 0, answer(1000)],
  ['+44 7700 900 000', true, 0, answer(1000)],
  ['030 1234567', true, 0, answer(1000)],
  ['112', true, 0, answer(1000)],
  // Dial strings that cannot be real numbers: 404 after 0.5 s.
  ['+8657*******', true, null, reject(404, 'INVALID_NUMBER', 500)],
  ['*210#', true, null, reject(404, 'INVALID_NUMBER', 500)],
  ['+1234567', true, null, reject(404, 'INVALID_NUMBER', 500)],
  ['+1234567890123456', true, null, reject(404, 'INVALID_NUMBER', 500)],
  ['+0123456789', true, null, reject(404, 'INVALID_NUMBER', 500)],
];

describe('scriptFor(): the test-number table (huawei-meeting.md §4.4)', () => {
  it.each(table)('%s plays its row', (raw, trying, ringingAtMs, final) => {
    expect(script(raw)).toMatchObject({ trying, ringingAtMs, final });
  });

  it('names the row it plays', () => {
    expect(script('+447700900486').row).toBe('+447700900486 busy');
    expect(script('sip:busy@sim.convene.invalid').row).toBe('sip:busy@sim.convene.invalid = +447700900486 busy');
  });

  it('gives the silent row Timer B (32 s) as its timing', () => {
    expect(TIMER_B_MS).toBe(32_000);
  });
});

describe('scriptFor(): SIP URIs at sim.convene.invalid', () => {
  const aliases: Array<[string, string]> = [
    ['answer', '+447700900000'],
    ['slow-answer', '+447700900001'],
    ['ring-07', '+447700900607'],
    ['busy', '+447700900486'],
    ['no-answer', '+447700900408'],
    ['unavailable', '+447700900480'],
    ['decline', '+447700900603'],
    ['hangup-05', '+447700900505'],
    ['unreachable', '+447700900503'],
    ['unreachable-silent', '+447700900504'],
    ['forbidden', '+447700900403'],
    ['not-found', '+447700900404'],
    ['no-codec', '+447700900488'],
    ['no-audio', '+447700900700'],
    ['drop', '+447700900800'],
  ];

  it.each(aliases)('alias %s is %s', (alias, number) => {
    expect(aliasNumber(alias)).toBe(number);
    const { row: _r1, ...viaAlias } = script(`sip:${alias}@sim.convene.invalid`);
    const { row: _r2, ...viaNumber } = script(number);
    expect(viaAlias).toEqual(viaNumber);
  });

  it('lists every fixed alias of the spec', () => {
    expect(Object.keys(SIM_ALIASES).sort()).toEqual(aliases.map(([a]) => a).filter((a) => !/-\d\d$/.test(a)).sort());
  });

  it('takes a test number as user part, also %-escaped, with any scheme/host case, port or transport', () => {
    expect(script('sip:+447700900603@sim.convene.invalid').final).toEqual(reject(603, 'USER_REJECTED', 2000));
    expect(script('sip:%2B447700900603@sim.convene.invalid').final).toEqual(reject(603, 'USER_REJECTED', 2000));
    expect(script('SIP:Busy@SIM.Convene.Invalid:5060;transport=udp').final).toEqual(reject(486, 'USER_BUSY', 500));
    expect(script('sips:forbidden@sim.convene.invalid').final).toEqual(reject(403, 'SIP_TRUNK_FAILURE', 0));
    expect(script('sip:+447700900123@sim.convene.invalid').final).toEqual(reject(404, 'INVALID_NUMBER', 0));
  });

  it('answers like …000 for any other user part and any other SIP URI (no trunk configured)', () => {
    for (const uri of ['sip:bob@sim.convene.invalid', 'sip:ring-00@sim.convene.invalid', 'sip:hangup-100@sim.convene.invalid', 'sip:+8613800000000@sim.convene.invalid', 'sip:busy@pbx.example.com', 'alice@10.0.0.7:5080']) {
      expect(script(uri)).toMatchObject({ trying: true, ringingAtMs: 0, final: answer(1000) });
    }
  });

  it('returns undefined for names that are not aliases', () => {
    expect(aliasNumber('ring-00')).toBeUndefined();
    expect(aliasNumber('ring-7')).toBeUndefined();
    expect(aliasNumber('hangup')).toBeUndefined();
    expect(aliasNumber('toString')).toBeUndefined();
    expect(aliasNumber('constructor')).toBeUndefined();
    expect(script('sip:__proto__@sim.convene.invalid').final).toEqual(answer(1000));
  });
});
