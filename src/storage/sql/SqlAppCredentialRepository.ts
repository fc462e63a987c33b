/** Dialect app credentials on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { AppCredential, AppCredentialRepository, CredentialDialect } from '../../domain/credentials/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import type { AppCredentialsTable, Database } from './schema.js';

/** AppCredential → row; the readable secret is sealed with `secrets`. */
export function appCredentialToRow(a: AppCredential, secrets: SqlCapabilities['secrets']): AppCredentialsTable {
  return {
    app_id: a.appId,
    dialect: a.dialect,
    account_id: a.accountId,
    name: a.name,
    secret_sealed: a.secretSealed === null ? null : secrets.seal(a.secretSealed),
    secret_hash: a.secretHash,
    created_at: a.createdAt,
    revoked_at: a.revokedAt,
  };
}

/** Row → AppCredential; the sealed secret is opened with `secrets`. */
export function appCredentialFromRow(r: AppCredentialsTable, secrets: SqlCapabilities['secrets']): AppCredential {
  return {
    appId: r.app_id,
    dialect: r.dialect as CredentialDialect,
    accountId: r.account_id,
    name: r.name,
    secretSealed: r.secret_sealed === null ? null : secrets.open(r.secret_sealed),
    secretHash: r.secret_hash,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/** `AppCredentialRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlAppCredentialRepository implements AppCredentialRepository {
  readonly #db: Kysely<Database>;
  readonly #caps: SqlCapabilities;

  /** App keys are sealed with `caps.secrets` on the way in and opened on the way out. */
  constructor(db: Kysely<Database>, caps: SqlCapabilities) {
    this.#db = db;
    this.#caps = caps;
  }

  /** The app with this id, revoked included (the caller checks `revokedAt`). */
  async get(appId: string): Promise<AppCredential | undefined> {
    const row = await this.#db.selectFrom('app_credentials').selectAll().where('app_id', '=', appId).executeTakeFirst();
    return row && appCredentialFromRow(row, this.#caps.secrets);
  }

  /** Apps of `dialect` in the account (or the instance-level apps for null), oldest first, revoked included. */
  async listByAccount(dialect: CredentialDialect, accountId: string | null): Promise<AppCredential[]> {
    const rows = await this.#db
      .selectFrom('app_credentials')
      .selectAll()
      .where('dialect', '=', dialect)
      .where('account_id', accountId === null ? 'is' : '=', accountId)
      .orderBy('created_at')
      .orderBy('app_id')
      .execute();
    return rows.map((r) => appCredentialFromRow(r, this.#caps.secrets));
  }

  /** Stores an app. */
  async insert(a: AppCredential): Promise<void> {
    await this.#db.insertInto('app_credentials').values(appCredentialToRow(a, this.#caps.secrets)).execute();
  }

  /** Revokes the app; a revoked app keeps its first revocation time. */
  async revoke(appId: string, at: number): Promise<void> {
    await this.#db
      .updateTable('app_credentials')
      .set({ revoked_at: at })
      .where('app_id', '=', appId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
