/** Key permissions (webmeeting-v6 §3.1). */
export type KeyPermission = 'account' | 'meeting';
/** Instance keys work on every account; account keys only on their own. */
export type KeyLevel = 'instance' | 'account';

/** A stored API key; only the SHA-256 hash of the secret is kept. */
export interface ApiKey {
  id: string;
  level: KeyLevel;
  accountId: string | null;
  permissions: KeyPermission[];
  name: string;
  hash: string;
  createdAt: number;
  revokedAt: number | null;
}
