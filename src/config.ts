/**
 * Configuration from the environment, checked at boot (ARCHITECTURE.md §4.15). Every variable is listed in
 * the README's configuration table; names follow CROSS-DIALECT.md, and the webmeeting-v6 §13 settings are
 * namespaced with `CONVENE_`.
 */
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { DialInNumber } from './domain/accounts/Account.js';

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)));

/** The checked configuration. */
export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  databaseUrl: Type.String({ minLength: 1 }),
  publicUrl: Type.String({ pattern: '^https?://[^/]+$' }),
  instanceApiKey: Type.Union([Type.String({ minLength: 16 }), Type.Null()]),
  secretKey: Type.Union([Type.String({ minLength: 16 }), Type.Null()]),
  bootstrapFile: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  smtpUrl: Type.Union([Type.String({ pattern: '^smtps?://' }), Type.Null()]),
  smtpFrom: Type.Union([Type.String({ minLength: 3 }), Type.Null()]),
  ringTimeoutS: Type.Integer({ minimum: 1, maximum: 600 }),
  maxParticipants: Type.Integer({ minimum: 2 }),
  logLevel: LogLevel,
  whitelabelId: Type.Union([Type.String({ pattern: '^[0-9a-f]{24}$' }), Type.Null()]),
  hostLinkSecret: Type.Union([Type.String({ minLength: 16 }), Type.Null()]),
  defaultUserTimezone: Type.String({ minLength: 1 }),
  trialDays: Type.Integer({ minimum: 0 }),
  earlyJoinMin: Type.Integer({ minimum: 0 }),
  autoExtendMin: Type.Integer({ minimum: 0 }),
  closeGraceMin: Type.Integer({ minimum: 0 }),
  horizonDays: Type.Integer({ minimum: 1, maximum: 3660 }),
  roomStrict: Type.Boolean(),
  errorsAsHttp200: Type.Boolean(),
  maxBodyBytes: Type.Integer({ minimum: 1024 }),
  standardDialInNumbers: Type.Array(
    Type.Object({
      country: Type.String({ pattern: '^[A-Z]{2}$' }),
      number: Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' }),
      displayNumber: Type.Optional(Type.String()),
      label: Type.Optional(Type.String()),
      tollFree: Type.Optional(Type.Boolean()),
    }),
  ),
  sipProxy: Type.Union([Type.String(), Type.Null()]),
  sipDomain: Type.Union([Type.String(), Type.Null()]),
  icsPastDays: Type.Integer({ minimum: 0 }),
  icsIncludeInvited: Type.Boolean(),
  icsUidDomain: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  webhookTimeoutMs: Type.Integer({ minimum: 100 }),
  webhookRetrySchedule: Type.Array(Type.Number({ minimum: 0 }), { minItems: 1 }),
  webhookSecretOverlapHours: Type.Number({ minimum: 0 }),
  webhookLogRetentionDays: Type.Integer({ minimum: 1 }),
  webhookBlockPrivateTargets: Type.Boolean(),
});
/** The checked configuration. */
export type Config = Static<typeof ConfigSchema>;

/** Thrown with every problem when the environment is invalid; main.ts prints it and exits 1. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and checks the configuration. `env` defaults to `process.env`; unknown variables are ignored.
 * @throws ConfigError naming each bad variable.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const int = (name: string, dflt: number): number => {
    const v = str(name);
    if (v === null) return dflt;
    if (!/^-?\d+$/.test(v)) {
      problems.push(`${name} must be an integer, got "${v}"`);
      return dflt;
    }
    return Number(v);
  };
  const bool = (name: string, dflt: boolean): boolean => {
    const v = str(name);
    if (v === null) return dflt;
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    problems.push(`${name} must be true or false, got "${v}"`);
    return dflt;
  };
  const json = <T>(name: string, dflt: T): T => {
    const v = str(name);
    if (v === null) return dflt;
    try {
      return JSON.parse(v) as T;
    } catch {
      problems.push(`${name} must be JSON`);
      return dflt;
    }
  };
  const port = int('PORT', 8080);
  const host = str('HOST') ?? '127.0.0.1';
  const publicUrl = (str('CONVENE_PUBLIC_URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  const schedule = str('CONVENE_WEBHOOK_RETRY_SCHEDULE') ?? '5,300,1800,7200,18000,36000,50400';
  const cfg = {
    port,
    host,
    databaseUrl: str('CONVENE_DATABASE_URL') ?? './data/convene.db',
    publicUrl,
    instanceApiKey: str('CONVENE_INSTANCE_API_KEY'),
    secretKey: str('CONVENE_SECRET_KEY'),
    bootstrapFile: str('CONVENE_BOOTSTRAP'),
    smtpUrl: str('CONVENE_SMTP_URL'),
    smtpFrom: str('CONVENE_SMTP_FROM'),
    ringTimeoutS: int('CONVENE_RING_TIMEOUT_S', 60),
    maxParticipants: int('CONVENE_MAX_PARTICIPANTS', 500),
    logLevel: (str('LOG_LEVEL') ?? 'info').toLowerCase(),
    whitelabelId: str('CONVENE_WHITELABEL_ID'),
    hostLinkSecret: str('CONVENE_HOST_LINK_SECRET'),
    defaultUserTimezone: str('CONVENE_DEFAULT_USER_TIMEZONE') ?? 'Europe/Zurich',
    trialDays: int('CONVENE_TRIAL_DAYS', 14),
    earlyJoinMin: int('CONVENE_EARLY_JOIN_MIN', 15),
    autoExtendMin: int('CONVENE_AUTO_EXTEND_MIN', 60),
    closeGraceMin: int('CONVENE_CLOSE_GRACE_MIN', 0),
    horizonDays: int('CONVENE_HORIZON_DAYS', 730),
    roomStrict: bool('CONVENE_ROOM_STRICT', false),
    errorsAsHttp200: bool('CONVENE_ERRORS_AS_HTTP_200', false),
    maxBodyBytes: int('CONVENE_MAX_BODY_BYTES', 1_048_576),
    standardDialInNumbers: json<DialInNumber[]>('CONVENE_STANDARD_DIALIN_NUMBERS', []),
    sipProxy: str('CONVENE_SIP_PROXY'),
    sipDomain: str('CONVENE_SIP_DOMAIN'),
    icsPastDays: int('CONVENE_ICS_PAST_DAYS', 90),
    icsIncludeInvited: bool('CONVENE_ICS_INCLUDE_INVITED', false),
    icsUidDomain: str('CONVENE_ICS_UID_DOMAIN'),
    webhookTimeoutMs: int('CONVENE_WEBHOOK_TIMEOUT_MS', 15_000),
    webhookRetrySchedule: schedule.split(',').map((s) => Number(s.trim())),
    webhookSecretOverlapHours: int('CONVENE_WEBHOOK_SECRET_OVERLAP_HOURS', 24),
    webhookLogRetentionDays: int('CONVENE_WEBHOOK_LOG_RETENTION_DAYS', 30),
    webhookBlockPrivateTargets: bool('CONVENE_WEBHOOK_BLOCK_PRIVATE_TARGETS', false),
  };
  if (cfg.webhookRetrySchedule.some((n) => !Number.isFinite(n))) problems.push('CONVENE_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds');
  if (!Intl.supportedValuesOf('timeZone').includes(cfg.defaultUserTimezone) && !/^(UTC|Etc\/.+)$/.test(cfg.defaultUserTimezone)) {
    problems.push(`CONVENE_DEFAULT_USER_TIMEZONE must be an IANA time zone, got "${cfg.defaultUserTimezone}"`);
  }
  for (const e of Value.Errors(ConfigSchema, cfg)) {
    problems.push(`${configVarName(e.instancePath)} ${e.message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg as Config;
}

const varNames: Record<string, string> = {
  port: 'PORT',
  host: 'HOST',
  logLevel: 'LOG_LEVEL',
  publicUrl: 'CONVENE_PUBLIC_URL',
  databaseUrl: 'CONVENE_DATABASE_URL',
  instanceApiKey: 'CONVENE_INSTANCE_API_KEY',
  bootstrapFile: 'CONVENE_BOOTSTRAP',
  smtpUrl: 'CONVENE_SMTP_URL',
  standardDialInNumbers: 'CONVENE_STANDARD_DIALIN_NUMBERS',
};

/** Maps `/webhookTimeoutMs` back to `CONVENE_WEBHOOK_TIMEOUT_MS` for error messages. */
function configVarName(path: string): string {
  const key = path.split('/')[1] ?? '';
  return varNames[key] ?? `CONVENE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}
