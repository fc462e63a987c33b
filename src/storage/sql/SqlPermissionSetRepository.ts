/** Meeting-permission sets on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import {
  permissionFlagDefaults,
  type PermissionFlag,
  type PermissionFlags,
  type PermissionSet,
} from '../../domain/accounts/PermissionSet.js';
import type { PermissionSetRepository, Scope } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromJson, isAccountScope, toJson } from './rows.js';
import type { Database, PermissionSetsTable } from './schema.js';

const flagNames = Object.keys(permissionFlagDefaults) as PermissionFlag[];

/** PermissionSet → row. Flags go into one JSON object so adding a flag needs no migration. */
export function permissionSetToRow(p: PermissionSet): PermissionSetsTable {
  const flags: Partial<PermissionFlags> = {};
  for (const f of flagNames) flags[f] = p[f];
  return {
    id: p.id,
    account_id: p.accountId,
    name: p.name,
    flags: toJson(flags),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

/** Row → PermissionSet. A flag missing from the stored JSON (added after the row was written) reads as its default. */
export function permissionSetFromRow(r: PermissionSetsTable): PermissionSet {
  const stored = fromJson<Partial<Record<string, unknown>>>(r.flags);
  const flags = {} as PermissionFlags;
  for (const f of flagNames) {
    const v = stored[f];
    flags[f] = typeof v === 'boolean' ? v : permissionFlagDefaults[f];
  }
  return { id: r.id, accountId: r.account_id, name: r.name, ...flags, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** `PermissionSetRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlPermissionSetRepository implements PermissionSetRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** The set with `id`, if `scope` may see it. */
  async get(scope: Scope, id: string): Promise<PermissionSet | undefined> {
    const row = await this.#db
      .selectFrom('permission_sets')
      .selectAll()
      .where('id', '=', id)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .executeTakeFirst();
    return row && permissionSetFromRow(row);
  }

  /** The account's sets, oldest first. */
  async listByAccount(accountId: string): Promise<PermissionSet[]> {
    const rows = await this.#db
      .selectFrom('permission_sets')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(permissionSetFromRow);
  }

  /** Inserts a set. */
  async insert(p: PermissionSet): Promise<void> {
    await this.#db.insertInto('permission_sets').values(permissionSetToRow(p)).execute();
  }

  /** Overwrites the set with `p.id`. */
  async update(p: PermissionSet): Promise<void> {
    const { id, ...rest } = permissionSetToRow(p);
    await this.#db.updateTable('permission_sets').set(rest).where('id', '=', id).execute();
  }

  /** Deletes one set of the account (a set of another account is left alone). */
  async delete(accountId: string, id: string): Promise<void> {
    await this.#db.deleteFrom('permission_sets').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  /** Deletes every set of the account. */
  async deleteByAccount(accountId: string): Promise<void> {
    await this.#db.deleteFrom('permission_sets').where('account_id', '=', accountId).execute();
  }
}
