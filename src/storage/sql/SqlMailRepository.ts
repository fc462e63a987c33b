/** The mail outbox (webmeeting-v6 §8.13) on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { MailRecord, MailRepository, Page, Paged } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import { toCount } from './rows.js';
import type { Database, MailOutboxTable } from './schema.js';

/** MailRecord → row. */
export function mailToRow(m: MailRecord): MailOutboxTable {
  return {
    id: m.id,
    to_address: m.to,
    template: m.template,
    language: m.language,
    subject: m.subject,
    body: m.body,
    ics_attachment: m.icsAttachment,
    ics_method: m.icsMethod,
    created_at: m.createdAt,
    sent_at: m.sentAt,
    attempts: m.attempts,
    last_error: m.lastError,
    next_attempt_at: m.nextAttemptAt,
  };
}

/** Row → MailRecord. */
export function mailFromRow(r: MailOutboxTable): MailRecord {
  return {
    id: r.id,
    to: r.to_address,
    template: r.template,
    language: r.language,
    subject: r.subject,
    body: r.body,
    icsAttachment: r.ics_attachment,
    icsMethod: r.ics_method,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
  };
}

/** `MailRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlMailRepository implements MailRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** Records a mail. */
  async insert(m: MailRecord): Promise<void> {
    await this.#db.insertInto('mail_outbox').values(mailToRow(m)).execute();
  }

  /** Up to `limit` unsent mails with `nextAttemptAt ≤ now`, oldest first (createdAt, id). */
  async listDue(now: number, limit: number): Promise<MailRecord[]> {
    const rows = await this.#db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('sent_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(mailFromRow);
  }

  /** Overwrites the mail with `m.id`. */
  async update(m: MailRecord): Promise<void> {
    const { id, ...rest } = mailToRow(m);
    await this.#db.updateTable('mail_outbox').set(rest).where('id', '=', id).execute();
  }

  /** A page of every mail (sent or not), oldest first; `to` matches the recipient exactly. */
  async list(filter: { to?: string } & Page): Promise<Paged<MailRecord>> {
    const base = this.#db
      .selectFrom('mail_outbox')
      .$if(filter.to !== undefined, (q) => q.where('to_address', '=', filter.to as string));
    const [rows, total] = await Promise.all([
      base.selectAll().orderBy('created_at').orderBy('id').offset(filter.offset).limit(filter.limit).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
    ]);
    return { items: rows.map(mailFromRow), total: toCount(total?.n) };
  }
}
