/** Instance-wide webhook configuration on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { WebhookConfigRepository } from '../../domain/ports.js';
import { webhookEventNames, type HookConfig, type WebhookEventName } from '../../domain/webhooks/types.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromIntBool, toIntBool } from './rows.js';
import type { Database, WebhookConfigTable } from './schema.js';

/** HookConfig → row. */
export function hookConfigToRow(h: HookConfig): WebhookConfigTable {
  return {
    event: h.event,
    url: h.url,
    method: h.method,
    api_key: h.apiKey,
    enabled: toIntBool(h.enabled),
    payload_format: h.payloadFormat,
    signing_secret: h.signingSecret,
    previous_secret: h.previousSecret,
    previous_secret_valid_until: h.previousSecretValidUntil,
    disabled_reason: h.disabledReason,
    updated_at: h.updatedAt,
  };
}

/** Row → HookConfig. */
export function hookConfigFromRow(r: WebhookConfigTable): HookConfig {
  return {
    event: r.event as WebhookEventName,
    url: r.url,
    method: r.method as HookConfig['method'],
    apiKey: r.api_key,
    enabled: fromIntBool(r.enabled),
    payloadFormat: r.payload_format as HookConfig['payloadFormat'],
    signingSecret: r.signing_secret,
    previousSecret: r.previous_secret,
    previousSecretValidUntil: r.previous_secret_valid_until,
    disabledReason: r.disabled_reason,
    updatedAt: r.updated_at,
  };
}

const catalogueOrder = new Map<string, number>(webhookEventNames.map((n, i) => [n, i]));

/** `WebhookConfigRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlWebhookConfigRepository implements WebhookConfigRepository {
  readonly #db: Kysely<Database>;

  /** `caps` is unused today; every repository takes it so the factory stays uniform. */
  constructor(db: Kysely<Database>, _caps: SqlCapabilities) {
    this.#db = db;
  }

  /** Every saved hook, in catalogue order (webmeeting-v6 §11.1). */
  async list(): Promise<HookConfig[]> {
    const rows = await this.#db.selectFrom('webhook_config').selectAll().execute();
    return rows
      .map(hookConfigFromRow)
      .sort((a, b) => (catalogueOrder.get(a.event) ?? 99) - (catalogueOrder.get(b.event) ?? 99));
  }

  /** The saved hook of `event`, if any. */
  async get(event: WebhookEventName): Promise<HookConfig | undefined> {
    const row = await this.#db.selectFrom('webhook_config').selectAll().where('event', '=', event).executeTakeFirst();
    return row && hookConfigFromRow(row);
  }

  /** Inserts or overwrites the hook of `hook.event` (an upsert, so concurrent first saves cannot collide). */
  async save(hook: HookConfig): Promise<void> {
    const row = hookConfigToRow(hook);
    const { event: _event, ...rest } = row;
    await this.#db
      .insertInto('webhook_config')
      .values(row)
      .onConflict((oc) => oc.column('event').doUpdateSet(rest))
      .execute();
  }
}
