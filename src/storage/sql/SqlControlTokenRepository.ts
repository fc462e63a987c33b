/** Huawei conference control tokens (stored as SHA-256) on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { ControlToken, ControlTokenRepository } from '../../domain/credentials/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { affected } from './rows.js';
import type { ControlTokensTable, Database } from './schema.js';

/** ControlToken → row. */
export function controlTokenToRow(t: ControlToken): ControlTokensTable {
  return {
    hash: t.hash,
    meeting_id: t.meetingId,
    account_id: t.accountId,
    role: t.role,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    created_ip: t.createdIp,
  };
}

/** Row → ControlToken. */
export function controlTokenFromRow(r: ControlTokensTable): ControlToken {
  return {
    hash: r.hash,
    meetingId: r.meeting_id,
    accountId: r.account_id,
    role: Number(r.role) === 1 ? 1 : 0,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    createdIp: r.created_ip,
  };
}

/** `ControlTokenRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlControlTokenRepository implements ControlTokenRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The token with this hash, expired included (the caller checks). */
  async get(hash: string): Promise<ControlToken | undefined> {
    const row = await this.#db.selectFrom('control_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && controlTokenFromRow(row);
  }

  /** Stores a token. */
  async insert(t: ControlToken): Promise<void> {
    await this.#db.insertInto('control_tokens').values(controlTokenToRow(t)).execute();
  }

  /** Overwrites the token with `t.hash`. */
  async update(t: ControlToken): Promise<void> {
    const { hash, ...rest } = controlTokenToRow(t);
    await this.#db.updateTable('control_tokens').set(rest).where('hash', '=', hash).execute();
  }

  /** The meeting's tokens, oldest first (ties broken by hash). */
  async listByMeeting(meetingId: string): Promise<ControlToken[]> {
    const rows = await this.#db
      .selectFrom('control_tokens')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .orderBy('created_at')
      .orderBy('hash')
      .execute();
    return rows.map(controlTokenFromRow);
  }

  /** Deletes the token. */
  async delete(hash: string): Promise<void> {
    await this.#db.deleteFrom('control_tokens').where('hash', '=', hash).execute();
  }

  /** Deletes at most `limit` tokens with `expiresAt ≤ cutoff`, oldest expiry first. */
  async pruneExpired(cutoff: number, limit: number): Promise<number> {
    const r = await this.#db
      .deleteFrom('control_tokens')
      .where('hash', 'in', (eb) =>
        eb.selectFrom('control_tokens as t').select('t.hash').where('t.expires_at', '<=', cutoff).orderBy('t.expires_at').limit(limit),
      )
      .executeTakeFirst();
    return affected(r.numDeletedRows);
  }
}
