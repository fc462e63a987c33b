/** Instance-wide webhook configuration on Kysely (one implementation for every engine). */
import type { Kysely } from 'kysely';
import type { WebhookConfigRepository } from '../../domain/ports.js';
import { webhookEventNames, type HookConfig, type WebhookEventName } from '../../domain/webhooks/types.js';
import type { SqlCapabilities } from './capabilities.js';
import { fromIntBool, toIntBool } from './rows.js';
import type { Database, WebhookConfigTable } from './schema.js';

/** HookConfig → row. */
export function hookConfigToRow(h: HookConfig, secrets: SqlCapabilities['secrets']): WebhookConfigTable {
  return {
    event: h.event,
    url: h.url,
    method: h.method,
    api_key: h.apiKey === null ? null : secrets.seal(h.apiKey),
    enabled: toIntBool(h.enabled),
    payload_format: h.payloadFormat,
    signing_secret: secrets.seal(h.signingSecret),
    previous_secret: h.previousSecret === null ? null : secrets.seal(h.previousSecret),
    previous_secret_valid_until: h.previousSecretValidUntil,
    disabled_reason: h.disabledReason,
    updated_at: h.updatedAt,
  };
}

/** Row → HookConfig. */
export function hookConfigFromRow(r: WebhookConfigTable, secrets: SqlCapabilities['secrets']): HookConfig {
  return {
    event: r.event as WebhookEventName,
    url: r.url,
    method: r.method as HookConfig['method'],
    apiKey: r.api_key === null ? null : secrets.open(r.api_key),
    enabled: fromIntBool(r.enabled),
    payloadFormat: r.payload_format as HookConfig['payloadFormat'],
    signingSecret: secrets.open(r.signing_secret),
    previousSecret: r.previous_secret === null ? null : secrets.open(r.previous_secret),
    previousSecretValidUntil: r.previous_secret_valid_until,
    disabledReason: r.disabled_reason,
    updatedAt: r.updated_at,
  };
}

const catalogueOrder = new Map<string, number>(webhookEventNames.map((n, i) => [n, i]));

/** `WebhookConfigRepository` over a `Kysely<Database>` or a `Transaction<Database>`. */
export class SqlWebhookConfigRepository implements WebhookConfigRepository {
  readonly #db: Kysely<Database>;
  readonly #caps: SqlCapabilities;

  /** Secrets are sealed with `caps.secrets` on the way in and opened on the way out. */
  constructor(db: Kysely<Database>, caps: SqlCapabilities) {
    this.#db = db;
    this.#caps = caps;
  }

  /** Every saved hook, in catalogue order (webmeeting-v6 §11.1). */
  async list(): Promise<HookConfig[]> {
    const rows = await this.#db.selectFrom('webhook_config').selectAll().execute();
    return rows
      .map((r) => hookConfigFromRow(r, this.#caps.secrets))
      .sort((a, b) => (catalogueOrder.get(a.event) ?? 99) - (catalogueOrder.get(b.event) ?? 99));
  }

  /** The saved hook of `event`, if any. */
  async get(event: WebhookEventName): Promise<HookConfig | undefined> {
    const row = await this.#db.selectFrom('webhook_config').selectAll().where('event', '=', event).executeTakeFirst();
    return row && hookConfigFromRow(row, this.#caps.secrets);
  }

  /** Inserts or overwrites the hook of `hook.event` (an upsert, so concurrent first saves cannot collide). */
  async save(hook: HookConfig): Promise<void> {
    const row = hookConfigToRow(hook, this.#caps.secrets);
    const { event: _event, ...rest } = row;
    await this.#db
      .insertInto('webhook_config')
      .values(row)
      .onConflict((oc) => oc.column('event').doUpdateSet(rest))
      .execute();
  }
}
