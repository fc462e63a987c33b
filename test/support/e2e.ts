/**
 * What the end-to-end files (test/e2e) share: plain HTTP against a running server, a webhook receiver on
 * 127.0.0.1, waiting for asynchronous outcomes, and the Huawei sign-in and real-time-info calls.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { tempDir } from './servers.js';

/** An HTTP answer; `json()` parses the body (its shape is what the assertions check). */
export interface HttpResult {
  status: number;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions give the parsed body its shape
  json: () => any;
  headers: Headers;
}

/** One request as the webhook receiver got it. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends JSON (`body`) or a raw string (`raw`) to the server whose base URL `baseUrl()` gives at call time. */
export type Http = (method: string, path: string, o?: { headers?: Record<string, string>; body?: unknown; raw?: string }) => Promise<HttpResult>;

/** An `Http` for the server at `baseUrl()` (read per call: the server starts in `beforeAll`). Redirects are not followed. */
export function httpClient(baseUrl: () => string): Http {
  return async (method, path, o = {}) => {
    const payload = o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined);
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...o.headers },
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const body = await res.text();
    return { status: res.status, body, json: () => JSON.parse(body), headers: res.headers };
  };
}

/** Retries `check` until it stops throwing (the outcome of asynchronous work is observed, never timed). */
export async function eventually<T>(check: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${what} did not happen: ${last instanceof Error ? last.message : String(last)}`);
}

/** A webhook receiver on 127.0.0.1 that records every request and answers 204. */
export interface HookReceiver {
  /** The URL to configure (`…/hooks`). */
  url: string;
  /** Every request received, in arrival order. */
  hooks: Received[];
  close(): Promise<void>;
}

/** Starts a `HookReceiver`. */
export async function startHookReceiver(): Promise<HookReceiver> {
  const hooks: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    hooks,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Huawei H1: account + password sign-in; returns the access token. */
export async function huaweiSignIn(http: Http, u: { email: string; password: string }): Promise<string> {
  const res = await http('POST', '/v1/usg/acs/auth/account', {
    headers: { authorization: `Basic ${Buffer.from(`${u.email}:${u.password}`).toString('base64')}`, 'content-type': 'application/json; charset=UTF-8' },
    body: { account: u.email, clientType: 72 },
  });
  expect(res.status, res.body).toBe(200);
  return res.json().accessToken as string;
}

/** Huawei H11 with a control token. */
export async function realTimeInfo(
  http: Http,
  conferenceID: string,
  token: string,
): Promise<{ attendees: Array<Record<string, unknown>>; participants: Array<{ pid: string; name: string; phone: string; state: number }>; confInfo: Record<string, unknown> }> {
  const res = await http('GET', `/v1/mmc/control/conferences/realTimeInfo?conferenceID=${conferenceID}`, { headers: { 'x-conference-authorization': token } });
  expect(res.status, res.body).toBe(200);
  return res.json();
}

/**
 * Starts the real server (`startServer`, in-process, ephemeral loopback port) on a fresh SQLite file in a temp
 * directory, provisioned by the bootstrap document `bootstrap`, with a short ring timeout and silent logs.
 */
export async function startBootstrappedServer(o: { tempPrefix: string; bootstrap: object; ringTimeoutS: number }): Promise<RunningServer> {
  const dir = tempDir(o.tempPrefix);
  const bootstrap = join(dir, 'bootstrap.json');
  writeFileSync(bootstrap, JSON.stringify(o.bootstrap));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    CONVENE_DATABASE_URL: join(dir, 'convene.db'),
    CONVENE_PUBLIC_URL: 'https://meet.example.com',
    CONVENE_BOOTSTRAP: bootstrap,
    CONVENE_SECRET_KEY: randomBytes(32).toString('base64'),
    CONVENE_RING_TIMEOUT_S: String(o.ringTimeoutS),
    LOG_LEVEL: 'silent',
  });
  return startServer(config, { logger: pino({ level: 'silent' }) });
}
