import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { testIds } from '../domain/webhooks/testFixtures.js';
import { activeSecrets, generateSecret, isValidSecret, signPayload } from './signing.js';

// webmeeting-v6 §11.4 test vector.
const VECTOR = {
  secret: 'whsec_raQeM3NP4gTv2CXLxYmmPuCrW5UAZ3D7oECKgumdyFs=',
  id: '66a1f3d4b1e4c35a9d0e7a40',
  timestamp: 1712480472,
  body: '{"id":"5e945c36b863b82cefdddf54","topic":"My Meeting Topic"}',
  signature: 'v1,+iFnrAzpXUqElrpyhaWTeJSzSjh+Mg1JoJDJ/VokaLY=',
};

describe('signPayload()', () => {
  it('reproduces the §11.4 test vector', () => {
    expect(signPayload(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('matches standardwebhooks sign() and verifies with standardwebhooks verify()', () => {
    const secret = generateSecret(testIds());
    const now = Math.floor(Date.now() / 1000);
    const body = '{"meetingId":"9974-7653-8886-0485","topic":"Grüße ✓"}';
    const sig = signPayload(secret, VECTOR.id, now, body);
    const wh = new Webhook(secret);
    expect(sig).toBe(wh.sign(VECTOR.id, new Date(now * 1000), body));
    const headers = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(now), 'webhook-signature': sig };
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => wh.verify(`${body} `, headers)).toThrow(/No matching signature/);
  });

  it('puts both signatures, new first, separated by one space during rotation', () => {
    const ids = testIds();
    const [fresh, old] = [generateSecret(ids), generateSecret(ids)];
    const now = Math.floor(Date.now() / 1000);
    const sig = signPayload([fresh, old], 'abc', now, '{}');
    const parts = sig.split(' ');
    expect(parts).toEqual([signPayload(fresh, 'abc', now, '{}'), signPayload(old, 'abc', now, '{}')]);
    const headers = { 'webhook-id': 'abc', 'webhook-timestamp': String(now), 'webhook-signature': sig };
    expect(new Webhook(fresh).verify('{}', headers)).toEqual({});
    expect(new Webhook(old).verify('{}', headers)).toEqual({});
  });

  it('rejects an empty secret list', () => {
    expect(() => signPayload([], 'a', 1, '{}')).toThrow();
  });
});

describe('activeSecrets()', () => {
  const hook = { signingSecret: 'whsec_new', previousSecret: 'whsec_old', previousSecretValidUntil: 1000 };
  it('includes the previous secret only while its overlap lasts', () => {
    expect(activeSecrets(hook, 999)).toEqual(['whsec_new', 'whsec_old']);
    expect(activeSecrets(hook, 1000)).toEqual(['whsec_new']);
    expect(activeSecrets({ ...hook, previousSecret: null }, 0)).toEqual(['whsec_new']);
  });
});

describe('generateSecret() / isValidSecret()', () => {
  it('generates whsec_ + padded base64 of 32 bytes', () => {
    const s = generateSecret(testIds());
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
    expect(isValidSecret(s)).toBe(true);
  });

  it('keeps the bytes of Ids.secret (deterministic under a fixed Ids)', () => {
    const raw = Buffer.from(Array.from({ length: 32 }, (_, i) => 250 - i));
    const s = generateSecret({ secret: () => raw.toString('base64url') });
    expect(Buffer.from(s.slice(6), 'base64').equals(raw)).toBe(true);
  });

  it.each([
    ['the §11.4 secret', VECTOR.secret, true],
    ['24 bytes', `whsec_${Buffer.alloc(24, 1).toString('base64')}`, true],
    ['64 bytes', `whsec_${Buffer.alloc(64, 1).toString('base64')}`, true],
    ['23 bytes', `whsec_${Buffer.alloc(23, 1).toString('base64')}`, false],
    ['65 bytes', `whsec_${Buffer.alloc(65, 1).toString('base64')}`, false],
    ['no prefix', VECTOR.secret.slice(6), false],
    ['base64url characters', `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}=`, false],
    ['missing padding', VECTOR.secret.slice(0, -1), false],
    ['empty', 'whsec_', false],
    ['not a string', 42, false],
  ])('isValidSecret(%s) is %s', (_name, value, expected) => {
    expect(isValidSecret(value)).toBe(expected);
  });
});
