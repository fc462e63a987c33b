import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets that must be read back (webhook signing secrets and API keys sent to receivers; later
 * the Huawei app keys), as CROSS-DIALECT.md requires: AES-256-GCM under a key derived from
 * CONVENE_SECRET_KEY. Sealed values look like `v1:<iv>:<tag>:<ciphertext>` (base64url).
 */
export interface SecretCodec {
  seal(plain: string): string;
  /** Opens a sealed value; a value without the `v1:` prefix is returned as is (written before encryption existed). */
  open(stored: string): string;
}

/** A codec that stores values as they are (in-memory test stores only). */
export const plainSecrets: SecretCodec = { seal: (s) => s, open: (s) => s };

/** AES-256-GCM with a key derived (SHA-256) from `keyMaterial`. */
export function createSecretBox(keyMaterial: string): SecretCodec {
  const key = createHash('sha256').update(`convene-secret-box:${keyMaterial}`).digest();
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `v1:${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
    },
    open(stored) {
      if (!stored.startsWith('v1:')) return stored;
      const [, iv, tag, ct] = stored.split(':');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
      d.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct ?? '', 'base64url')), d.final()]).toString('utf8');
    },
  };
}
