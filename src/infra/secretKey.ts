import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the generated key lives: next to the SQLite file, or `./data` for PostgreSQL. */
export function secretKeyPath(databaseUrl: string): string {
  const dir = /^postgres(ql)?:\/\//i.test(databaseUrl) || databaseUrl === ':memory:' ? resolve('data') : dirname(resolve(databaseUrl));
  return join(dir, 'secret.key');
}

/**
 * CONVENE_SECRET_KEY, or the key generated on first start into the data directory (CROSS-DIALECT.md).
 * `onGenerated` is told the path once, so the caller can log it.
 */
export function resolveSecretKey(configured: string | null, databaseUrl: string, onGenerated?: (path: string) => void): string {
  if (configured) return configured;
  const path = secretKeyPath(databaseUrl);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  onGenerated?.(path);
  return key;
}
