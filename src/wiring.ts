/**
 * Builds the domain dependencies from configuration and a store: the one place where config names meet
 * domain settings. Used by main.ts, the CLI and the test harness, so all three see the same instance.
 */
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { recordCallProgress, type CallProgressInput } from './domain/live/recordCallProgress.js';
import type { Dialer, LiveDeps } from './domain/live/ports.js';
import { createRealtime, type Realtime } from './realtime/plugin.js';
import { SimulatedNetwork } from './telephony/SimulatedNetwork.js';
import type { Deps, DomainSettings } from './domain/deps.js';
import type { Clock, Ids, Store } from './domain/ports.js';
import { createIds, systemClock } from './infra/ids.js';
import { createV6WebhookPayloadRenderer } from './api/webmeeting-v6/webhookPayload.js';

/** Settings that are generated once per instance and kept in the database. */
async function instanceSecrets(store: Store, ids: Ids, config: Config): Promise<{ whitelabelId: string; hostLinkSecret: string }> {
  const whitelabelId = config.whitelabelId ?? (await store.settings.getOrInit('whitelabel_id', ids.objectId()));
  const hostLinkSecret = config.hostLinkSecret ?? (await store.settings.getOrInit('host_link_secret', ids.secret(32)));
  return { whitelabelId, hostLinkSecret };
}

/** Maps the checked Config onto DomainSettings. */
export function settingsFromConfig(config: Config, secrets: { whitelabelId: string; hostLinkSecret: string }): DomainSettings {
  return {
    publicUrl: config.publicUrl,
    whitelabelId: secrets.whitelabelId,
    hostLinkSecret: secrets.hostLinkSecret,
    defaultUserTimezone: config.defaultUserTimezone,
    trialDays: config.trialDays,
    earlyJoinMin: config.earlyJoinMin,
    autoExtendMin: config.autoExtendMin,
    closeGraceMin: config.closeGraceMin,
    horizonDays: config.horizonDays,
    roomStrict: config.roomStrict,
    icsPastDays: config.icsPastDays,
    icsIncludeInvited: config.icsIncludeInvited,
    icsUidDomain: config.icsUidDomain ?? new URL(config.publicUrl).hostname,
    standardDialInNumbers: config.standardDialInNumbers,
    sipProxy: config.sipProxy,
    sipDomain: config.sipDomain,
    webhookRetrySchedule: config.webhookRetrySchedule,
    webhookTimeoutMs: config.webhookTimeoutMs,
    webhookSecretOverlapHours: config.webhookSecretOverlapHours,
    webhookLogRetentionDays: config.webhookLogRetentionDays,
    webhookBlockPrivateTargets: config.webhookBlockPrivateTargets,
  };
}

/** Creates Deps over an open, migrated store. `notifyOutbox` is a no-op until workers attach. */
export async function createDeps(store: Store, config: Config, o: { clock?: Clock; ids?: Ids } = {}): Promise<Deps & { onOutbox: (fn: () => void) => void }> {
  const clock = o.clock ?? systemClock;
  const ids = o.ids ?? createIds(clock);
  const settings = settingsFromConfig(config, await instanceSecrets(store, ids, config));
  const listeners: Array<() => void> = [];
  return {
    store,
    clock,
    ids,
    settings,
    renderWebhookPayload: createV6WebhookPayloadRenderer({ settings, clock }),
    notifyOutbox: () => {
      for (const l of listeners) l();
    },
    onOutbox: (fn) => listeners.push(fn),
  };
}

/** The live conference runtime: LiveDeps with their process edges (realtime hub, ringer, publisher, dialer). */
export interface LiveRuntime {
  deps: LiveDeps;
  realtime: Realtime;
  dialer: Dialer;
  /** Stops timers and calls (after the app closed its sockets). Idempotent. */
  close(): Promise<void>;
}

/** Options of createLiveRuntime. */
export interface LiveRuntimeOptions {
  logger?: Logger;
  /** Reconnect grace of realtime sessions (media-and-sip.md §1.4); tests shorten it. */
  reconnectGraceMs?: number;
  /** Scales the simulated network's own delays (tests); never Convene's ring timeout. */
  simTimeScale?: number;
}

/**
 * Builds LiveDeps over `deps`. Ringer and publisher come from the realtime hub, the dialer is the simulated
 * telephone network (no SIP trunk exists yet: issue E); all three report progress only through
 * recordCallProgress, bound here to the LiveDeps they belong to.
 */
export function createLiveRuntime(deps: Deps, config: Config, o: LiveRuntimeOptions = {}): LiveRuntime {
  const child = (component: string) => (o.logger ? o.logger.child({ component }) : silentPino);
  const report = (input: CallProgressInput) => recordCallProgress(liveDeps, input);
  const realtime = createRealtime({ report, logger: child('realtime'), ...(o.reconnectGraceMs !== undefined ? { reconnectGraceMs: o.reconnectGraceMs } : {}) });
  const dialer = new SimulatedNetwork({ report, logger: child('sim-network'), ...(o.simTimeScale !== undefined ? { timeScale: o.simTimeScale } : {}) });
  const liveDeps: LiveDeps = {
    ...deps,
    dialer,
    ringer: realtime.ringer,
    publisher: realtime.publisher,
    live: { ringTimeoutMs: config.ringTimeoutS * 1000, maxParticipants: config.maxParticipants },
  };
  let closed: Promise<void> | undefined;
  return {
    deps: liveDeps,
    realtime,
    dialer,
    close() {
      closed ??= (async () => {
        realtime.close();
        await dialer.close();
      })();
      return closed;
    },
  };
}

const silentPino = pino({ level: 'silent' });
