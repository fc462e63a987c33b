import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../storage/index.js';
import { createSecretBox } from './secretBox.js';
import { resolveSecretKey } from './secretKey.js';

describe('createSecretBox()', () => {
  it('round-trips a secret and never shows the plaintext in the sealed form', () => {
    const box = createSecretBox('k1');
    const sealed = box.seal('whsec_raQeM3NP4gTv2CXLxYmmPuCrW5UAZ3D7oECKgumdyFs=');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('raQeM3NP4g');
    expect(box.open(sealed)).toBe('whsec_raQeM3NP4gTv2CXLxYmmPuCrW5UAZ3D7oECKgumdyFs=');
  });

  it('refuses a value sealed under another key or tampered with', () => {
    const sealed = createSecretBox('k1').seal('s3cr3t');
    expect(() => createSecretBox('k2').open(sealed)).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('xxxxxx').toString('base64url');
    expect(() => createSecretBox('k1').open(parts.join(':'))).toThrow();
  });

  it('stores webhook secrets and hook API keys sealed, and reads them back in clear', async () => {
    const store = await createStore({ url: ':memory:', secrets: createSecretBox('k1') });
    try {
      await store.webhookConfig.save({
        event: 'onMeetingScheduled', url: 'http://127.0.0.1:9/h', method: 'POST', apiKey: 'hook-key', enabled: true, payloadFormat: 'plain',
        signingSecret: 'whsec_AAAA', previousSecret: 'whsec_BBBB', previousSecretValidUntil: 1, disabledReason: null, updatedAt: 1,
      });
      const raw = await store.db.selectFrom('webhook_config').selectAll().executeTakeFirstOrThrow();
      expect([raw.signing_secret, raw.previous_secret, raw.api_key].every((v) => typeof v === 'string' && v.startsWith('v1:'))).toBe(true);
      const hook = await store.webhookConfig.get('onMeetingScheduled');
      expect([hook?.signingSecret, hook?.previousSecret, hook?.apiKey]).toEqual(['whsec_AAAA', 'whsec_BBBB', 'hook-key']);
    } finally {
      await store.close();
    }
  });
});

describe('resolveSecretKey()', () => {
  it('generates a key once into the data directory (mode 0600) and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convene-key-'));
    const told: string[] = [];
    const a = resolveSecretKey(null, join(dir, 'convene.db'), (p) => told.push(p));
    const b = resolveSecretKey(null, join(dir, 'convene.db'), (p) => told.push(p));
    expect(a).toBe(b);
    expect(told).toEqual([join(dir, 'secret.key')]);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(a);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey('configured-key-123456', join(dir, 'convene.db'))).toBe('configured-key-123456');
  });
});
