/** Accounts on Kysely (one implementation for every engine). */
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Account, AccountType, DialInNumber, MeetingType } from '../../domain/accounts/Account.js';
import type { AccountRepository, Page, Paged, Scope } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { escapeLike, fromIntBool, fromJson, isAccountScope, toCount, toIntBool, toJson } from './rows.js';
import type { AccountsTable, Database } from './schema.js';

/** Account → row. */
export function accountToRow(a: Account): AccountsTable {
  return {
    id: a.id,
    name: a.name,
    account_type: a.accountType,
    paid_until: a.paidUntil,
    number_of_meetings: a.numberOfMeetings,
    number_of_meeting_organizers: a.numberOfMeetingOrganizers,
    number_of_meeting_rooms: a.numberOfMeetingRooms,
    ice_candidates_to_filter: toJson(a.iceCandidatesToFilter),
    custom_dial_in_numbers: toJson(a.customDialInNumbers),
    display_standard_dial_in_numbers_in_invite: toIntBool(a.displayStandardDialInNumbersInInvite),
    default_meeting_permissions: a.defaultMeetingPermissions,
    default_meeting_type: a.defaultMeetingType,
    default_meeting_has_dialin: toIntBool(a.defaultMeetingHasDialin),
    default_meeting_has_recording: toIntBool(a.defaultMeetingHasRecording),
    auto_extend_meetings: toIntBool(a.autoExtendMeetings),
    auto_delete_meetings_after_x_days: a.autoDeleteMeetingsAfterXDays,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

/** Row → Account. */
export function accountFromRow(r: AccountsTable): Account {
  return {
    id: r.id,
    name: r.name,
    accountType: r.account_type as AccountType,
    paidUntil: r.paid_until,
    numberOfMeetings: r.number_of_meetings,
    numberOfMeetingOrganizers: r.number_of_meeting_organizers,
    numberOfMeetingRooms: r.number_of_meeting_rooms,
    iceCandidatesToFilter: fromJson<string[]>(r.ice_candidates_to_filter),
    customDialInNumbers: fromJson<DialInNumber[]>(r.custom_dial_in_numbers),
    displayStandardDialInNumbersInInvite: fromIntBool(r.display_standard_dial_in_numbers_in_invite),
    defaultMeetingPermissions: r.default_meeting_permissions,
    defaultMeetingType: r.default_meeting_type as MeetingType,
    defaultMeetingHasDialin: fromIntBool(r.default_meeting_has_dialin),
    defaultMeetingHasRecording: fromIntBool(r.default_meeting_has_recording),
    autoExtendMeetings: fromIntBool(r.auto_extend_meetings),
    autoDeleteMeetingsAfterXDays: r.auto_delete_meetings_after_x_days,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** `AccountRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlAccountRepository implements AccountRepository {
  readonly #db: Kysely<Database>;
  readonly #caps: SqlCapabilities;

  /** `caps.supportsRowLocks` decides whether `getForUpdate` locks the row. */
  constructor(db: Kysely<Database>, caps: SqlCapabilities) {
    this.#db = db;
    this.#caps = caps;
  }

  /** The account with `id`, if `scope` may see it. */
  async get(scope: Scope, id: string): Promise<Account | undefined> {
    return this.#read(scope, id, 'none');
  }

  /**
   * The account with `id`, its row locked until the transaction ends where the engine has row locks.
   * `FOR NO KEY UPDATE` rather than `FOR UPDATE`: it serialises the limit checkers (and account updates)
   * without blocking the foreign-key checks of inserts that merely reference the account (`FOR KEY SHARE`),
   * which would only add waiting and deadlock chances. SQLite's transaction holds the write lock already.
   */
  async getForUpdate(scope: Scope, id: string): Promise<Account | undefined> {
    return this.#read(scope, id, 'update');
  }

  /** The account with `id`, its row share-locked (`FOR SHARE`) until the transaction ends where the engine has row locks. */
  async getForShare(scope: Scope, id: string): Promise<Account | undefined> {
    return this.#read(scope, id, 'share');
  }

  async #read(scope: Scope, id: string, lock: 'none' | 'update' | 'share'): Promise<Account | undefined> {
    const locks = this.#caps.supportsRowLocks;
    const row = await this.#db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', id)
      .$if(isAccountScope(scope), (q) => q.where('id', '=', scope))
      .$if(locks && lock === 'update', (q) => q.forNoKeyUpdate())
      .$if(locks && lock === 'share', (q) => q.forShare())
      .executeTakeFirst();
    return row && accountFromRow(row);
  }

  /**
   * Instance-wide page of accounts ordered by (createdAt, id). `search` matches a case-insensitive substring
   * of the name or of any admin's email (emails are stored lower-case).
   */
  async list(filter: { search?: string; accountType?: AccountType } & Page): Promise<Paged<Account>> {
    const { search, accountType } = filter;
    // lower() on both sides because PostgreSQL's LIKE is case-sensitive and SQLite's is not: this way both agree.
    const pattern = search === undefined ? undefined : `%${escapeLike(search.toLowerCase())}%`;
    const base = this.#db
      .selectFrom('accounts')
      .$if(accountType !== undefined, (q) => q.where('accounts.account_type', '=', accountType as string))
      .$if(pattern !== undefined, (q) =>
        q.where((eb) =>
          eb.or([
            sql<SqlBool>`lower(${eb.ref('accounts.name')}) like ${pattern} escape '\\'`,
            eb.exists(
              eb
                .selectFrom('users')
                .select(sql`1`.as('one'))
                .whereRef('users.account_id', '=', 'accounts.id')
                .where('users.is_admin', '=', 1)
                .where((ub) => sql<SqlBool>`${ub.ref('users.email')} like ${pattern} escape '\\'`),
            ),
          ]),
        ),
      );
    const [rows, total] = await Promise.all([
      base
        .selectAll('accounts')
        .orderBy('accounts.created_at')
        .orderBy('accounts.id')
        .offset(filter.offset)
        .limit(filter.limit)
        .execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return { items: rows.map(accountFromRow), total: toCount(total?.n) };
  }

  /** Inserts a new account. */
  async insert(account: Account): Promise<void> {
    await this.#db.insertInto('accounts').values(accountToRow(account)).execute();
  }

  /** Overwrites every field of the account with `account.id`. */
  async update(account: Account): Promise<void> {
    const { id, ...rest } = accountToRow(account);
    await this.#db.updateTable('accounts').set(rest).where('id', '=', id).execute();
  }

  /** Hard-deletes the account row; its users, keys, rooms and permission sets must be gone already. */
  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom('accounts').where('id', '=', id).execute();
  }
}
