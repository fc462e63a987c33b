/** Meeting organizers on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { User } from '../../domain/accounts/User.js';
import { DomainError } from '../../domain/errors.js';
import type { Page, Paged, Scope, UserRepository } from '../../domain/ports.js';
import { uniqueKeys, type SqlCapabilities } from './capabilities.js';
import { fromIntBool, fromJson, isAccountScope, toCount, toIntBool, toJson } from './rows.js';
import type { Database, UsersTable } from './schema.js';

/** User → row. The email is lower-cased so the unique constraint is case-insensitive in effect. */
export function userToRow(u: User): UsersTable {
  return {
    id: u.id,
    account_id: u.accountId,
    email: u.email.toLowerCase(),
    first_name: u.firstName,
    last_name: u.lastName,
    external_user_id: u.externalUserId,
    preferred_language: u.preferredLanguage,
    timezone: u.timezone,
    additional_timezones: toJson(u.additionalTimezones),
    is_admin: toIntBool(u.isAdmin),
    ics_token: u.icsToken,
    password_hash: u.passwordHash,
    huawei_user_uuid: u.huaweiUserUuid,
    login_name: u.loginName,
    union_id: u.unionId,
    directory_number: u.directoryNumber,
    phone: u.phone,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

/** Row → User. */
export function userFromRow(r: UsersTable): User {
  return {
    id: r.id,
    accountId: r.account_id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    externalUserId: r.external_user_id,
    preferredLanguage: r.preferred_language,
    timezone: r.timezone,
    additionalTimezones: fromJson<string[]>(r.additional_timezones),
    isAdmin: fromIntBool(r.is_admin),
    icsToken: r.ics_token,
    passwordHash: r.password_hash,
    huaweiUserUuid: r.huawei_user_uuid,
    loginName: r.login_name,
    unionId: r.union_id,
    directoryNumber: r.directory_number,
    phone: r.phone,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** `UserRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlUserRepository implements UserRepository {
  readonly #db: Kysely<Database>;
  readonly #caps: SqlCapabilities;

  /** Unique-email violations are recognised through `caps.isUniqueViolation`. */
  constructor(db: Kysely<Database>, caps: SqlCapabilities) {
    this.#db = db;
    this.#caps = caps;
  }

  /** The user with `id`, if `scope` may see it. */
  async get(scope: Scope, id: string): Promise<User | undefined> {
    return this.#first(scope, 'id', id);
  }

  /** The user with this email (compared lower-case), if `scope` may see it. */
  async getByEmail(scope: Scope, email: string): Promise<User | undefined> {
    return this.#first(scope, 'email', email.toLowerCase());
  }

  /** The user owning this personal ICS feed token (instance-wide: the token is the credential). */
  async getByIcsToken(token: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('ics_token', '=', token).executeTakeFirst();
    return row && userFromRow(row);
  }

  /** The user with this Huawei login name (unique in the instance). */
  async getByLoginName(loginName: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('login_name', '=', loginName).executeTakeFirst();
    return row && userFromRow(row);
  }

  /** The user of `accountId` with this DingTalk unionId. */
  async getByUnionId(accountId: string, unionId: string): Promise<User | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('union_id', '=', unionId)
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  /** The user with this Huawei userUUID, if `scope` may see it. */
  async getByHuaweiUuid(scope: Scope, uuid: string): Promise<User | undefined> {
    return this.#first(scope, 'huawei_user_uuid', uuid);
  }

  /** The user with this directory number (`+99…`, unique in the instance), if `scope` may see it. */
  async getByDirectoryNumber(scope: Scope, number: string): Promise<User | undefined> {
    return this.#first(scope, 'directory_number', number);
  }

  /** A page of the account's users, sorted by email (default) or by creation time, ties broken by id. */
  async list(
    accountId: string,
    opts: { adminsOnly?: boolean; sort?: 'email' | 'createdAt' } & Page,
  ): Promise<Paged<User>> {
    const base = this.#db
      .selectFrom('users')
      .where('account_id', '=', accountId)
      .$if(opts.adminsOnly === true, (q) => q.where('is_admin', '=', 1));
    const sortColumn = opts.sort === 'createdAt' ? 'created_at' : 'email';
    const [rows, total] = await Promise.all([
      base.selectAll().orderBy(sortColumn).orderBy('id').offset(opts.offset).limit(opts.limit).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return { items: rows.map(userFromRow), total: toCount(total?.n) };
  }

  /** Number of users (organizers, admins included) of the account. */
  async count(accountId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return toCount(r?.n);
  }

  /** Inserts a user. Throws DomainError('user.email_taken') when the email is in use in the instance. */
  async insert(user: User): Promise<void> {
    try {
      await this.#db.insertInto('users').values(userToRow(user)).execute();
    } catch (e) {
      throw this.#translate(e);
    }
  }

  /** Overwrites the user with `user.id`. Throws DomainError('user.email_taken') when the new email is in use. */
  async update(user: User): Promise<void> {
    const { id, ...rest } = userToRow(user);
    try {
      await this.#db.updateTable('users').set(rest).where('id', '=', id).execute();
    } catch (e) {
      throw this.#translate(e);
    }
  }

  /** Deletes one user of the account (a user of another account is left alone). */
  async delete(accountId: string, id: string): Promise<void> {
    await this.#db.deleteFrom('users').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  /** Deletes every user of the account. */
  async deleteByAccount(accountId: string): Promise<void> {
    await this.#db.deleteFrom('users').where('account_id', '=', accountId).execute();
  }

  async #first(
    scope: Scope,
    column: 'id' | 'email' | 'huawei_user_uuid' | 'directory_number',
    value: string,
  ): Promise<User | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where(column, '=', value)
      .$if(isAccountScope(scope), (q) => q.where('account_id', '=', scope))
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  #translate(e: unknown): unknown {
    return this.#caps.isUniqueViolation(e, uniqueKeys.usersEmail)
      ? new DomainError('user.email_taken', 'Email address is already in use')
      : e;
  }
}
