/**
 * Idempotency-Key on E1 and E20 (webmeeting-v6 §5). The record is claimed (pending) before the command
 * runs, completed with the exact response bytes inside the command's own transaction, and released when
 * the outcome must not be stored (-1/-2/-3/-4/-99, §5.3).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { Repositories, Store } from '../../domain/ports.js';
import { errorBody, errorMap } from './errors.js';

const WINDOW_MS = 24 * 3600 * 1000;
/** A pending record older than this belongs to a request that died; it is taken over. */
const STALE_PENDING_MS = 60_000;
const STORED_OUTCOMES = new Set([-6, -7, -8, -10, -11]);

/** Completes the record inside the command's transaction with the response it is about to send. */
export type CompleteInTx = (tx: Repositories, body: string) => Promise<void>;

/** Parses the header: 1–255 visible ASCII, optionally a quoted structured-field string. */
export function readIdempotencyKey(req: FastifyRequest): string | undefined {
  const raw = req.headers['idempotency-key'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined) return undefined;
  const key = /^".*"$/.test(v) ? v.slice(1, -1) : v;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new DomainError('validation.failed', 'Data not valid', [{ field: 'header.Idempotency-Key', code: 'format', message: 'must be 1–255 visible ASCII characters' }]);
  }
  return key;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function fingerprint(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.routeOptions.url}\n${req.url.split('?')[0]}\n${req.headers['x-user-id'] ?? ''}\n${req.headers['x-user-email'] ?? ''}\n${canonical(req.body ?? null)}`)
    .digest('hex');
}

/**
 * Runs `run` under the request's Idempotency-Key (if any) and sends the response as a string, so the first
 * answer and every replay are the same bytes. `run` gets a `complete` hook to call inside its transaction
 * and returns the response body object.
 */
export async function withIdempotency(
  req: FastifyRequest,
  reply: FastifyReply,
  store: Store,
  now: () => number,
  run: (complete: CompleteInTx | undefined) => Promise<unknown>,
): Promise<FastifyReply> {
  const key = readIdempotencyKey(req);
  const apiKeyId = req.actor?.credentialId;
  if (key === undefined || apiKeyId === undefined) {
    return sendJson(reply, 200, JSON.stringify(await run(undefined)));
  }
  const fp = fingerprint(req);
  for (let attempt = 0; ; attempt++) {
    const existing = await store.idempotency.get(apiKeyId, key);
    const t = now();
    if (existing && existing.expiresAt > t) {
      if (existing.fingerprint !== fp) {
        throw new DomainError('idempotency.key_reused', 'Idempotency-Key was used with another request', [
          { field: 'header.Idempotency-Key', code: 'idempotencyKeyReused', message: 'this key was used with a different request' },
        ]);
      }
      if (existing.state === 'done') {
        reply.header('Idempotent-Replayed', 'true');
        return sendJson(reply, existing.httpStatus ?? 200, existing.responseBody ?? '');
      }
      if (t - existing.createdAt < STALE_PENDING_MS || attempt > 0) {
        reply.header('Retry-After', '1');
        throw new DomainError('idempotency.in_progress', 'a request with this Idempotency-Key is in progress');
      }
      await store.idempotency.delete(apiKeyId, key);
    } else if (existing) {
      await store.idempotency.delete(apiKeyId, key);
    }
    const claimed = await store.idempotency.tryInsert({ apiKeyId, key, fingerprint: fp, state: 'pending', httpStatus: null, responseBody: null, createdAt: t, expiresAt: t + WINDOW_MS });
    if (claimed) break;
    if (attempt > 2) throw new DomainError('idempotency.in_progress', 'a request with this Idempotency-Key is in progress');
  }
  try {
    let sent: string | undefined;
    const body = await run(async (tx, text) => {
      sent = text;
      await tx.idempotency.complete(apiKeyId, key, 200, text);
    });
    return sendJson(reply, 200, sent ?? JSON.stringify(body));
  } catch (e) {
    if (e instanceof DomainError) {
      const m = errorMap[e.code];
      if (STORED_OUTCOMES.has(m.responseCode)) {
        const text = JSON.stringify(errorBody(req, m.responseCode, e.details.length ? e.details : [{ field: null, code: m.code, message: e.message }]));
        await store.idempotency.complete(apiKeyId, key, m.status, text);
        return sendJson(reply, m.status, text);
      }
    }
    await store.idempotency.delete(apiKeyId, key);
    throw e;
  }
}

function sendJson(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.status(status).type('application/json; charset=utf-8').serializer((x) => x as string).send(text);
}
