/**
 * The v6 input reader: reads one JSON object leniently as webmeeting-v6 §4 requires (trimmed strings,
 * numeric strings where allowed, `null` = default, enums case-insensitive with aliases) and collects
 * EVERY problem as a FieldIssue, so one response names all bad fields (§4.1, §4.3, §4.4).
 */
import type { FieldIssue } from '../../domain/errors.js';
import { isValidTimeZone } from '../../domain/meetings/recurrence.js';

/** A plain JSON object. */
export type Json = Record<string, unknown>;

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:]{2,}$/;
const HEX24 = /^[0-9a-f]{24}$/;

/** Options shared by the field readers. */
interface FieldOpts {
  required?: boolean;
}

/** Reads fields of one object under a path prefix, appending issues to a shared list. */
export class Reader {
  constructor(
    readonly obj: Json,
    readonly issues: FieldIssue[],
    readonly prefix = '',
  ) {}

  /** Dotted path of a field under this reader. */
  path(name: string): string {
    return this.prefix ? (name.startsWith('[') ? `${this.prefix}${name}` : `${this.prefix}.${name}`) : name;
  }

  /** Records an issue. */
  fail(field: string | null, code: string, message: string): void {
    this.issues.push({ field, code, message });
  }

  /** True when the key is present with a non-null value. */
  has(name: string): boolean {
    return this.obj[name] !== undefined && this.obj[name] !== null;
  }

  #absent(name: string, o: FieldOpts): boolean {
    const v = this.obj[name];
    if (v === undefined || v === null) {
      if (o.required) this.fail(this.path(name), 'required', `${this.path(name)} is required`);
      return true;
    }
    return false;
  }

  /** A trimmed string within length bounds; NUL is a `format` error. */
  string(name: string, o: FieldOpts & { min?: number; max?: number } = {}): string | undefined {
    if (this.#absent(name, o)) return undefined;
    const v = this.obj[name];
    const p = this.path(name);
    if (typeof v !== 'string') return void this.fail(p, 'type', 'must be a string');
    if (v.includes('\u0000')) return void this.fail(p, 'format', 'must not contain NUL characters');
    const s = v.trim();
    if (s === '' && o.required) return void this.fail(p, 'required', `${p} is required`);
    if (o.min !== undefined && s.length < o.min) return void this.fail(p, 'minLength', `must have at least ${o.min} characters`);
    if (o.max !== undefined && s.length > o.max) return void this.fail(p, 'maxLength', `must have at most ${o.max} characters`);
    return s;
  }

  /** Like string(), but `null` is kept as null (for fields whose type includes null). */
  nullableString(name: string, o: { max?: number } = {}): string | null | undefined {
    if (this.obj[name] === null) return null;
    return this.string(name, o);
  }

  /** A strict JSON boolean. */
  bool(name: string, o: FieldOpts = {}): boolean | undefined {
    if (this.#absent(name, o)) return undefined;
    const v = this.obj[name];
    if (typeof v !== 'boolean') return void this.fail(this.path(name), 'type', 'must be true or false');
    return v;
  }

  /** An integer; numeric strings only with `numericString`. */
  int(name: string, o: FieldOpts & { min?: number; max?: number; numericString?: boolean; typeMessage?: string } = {}): number | undefined {
    if (this.#absent(name, o)) return undefined;
    let v = this.obj[name];
    const p = this.path(name);
    if (o.numericString && typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) v = Number(v);
    if (typeof v !== 'number' || !Number.isFinite(v)) return void this.fail(p, 'type', o.typeMessage ?? 'must be a number');
    if (!Number.isInteger(v)) return void this.fail(p, 'type', 'must be a whole number');
    if (o.min !== undefined && v < o.min) return void this.fail(p, 'min', `must be at least ${o.min}`);
    if (o.max !== undefined && v > o.max) return void this.fail(p, 'max', `must be at most ${o.max}`);
    return v;
  }

  /** An ISO-8601 date-time with Z or an offset (never a guessed zone), as epoch ms. */
  instant(name: string, o: FieldOpts = {}): number | undefined {
    if (this.#absent(name, o)) return undefined;
    const v = this.obj[name];
    const p = this.path(name);
    if (typeof v !== 'string') return void this.fail(p, 'type', 'must be an ISO-8601 date-time string');
    const ms = parseInstant(v);
    if (ms === undefined) return void this.fail(p, 'format', 'must be an ISO-8601 date-time with Z or an offset');
    return ms;
  }

  /** Like instant(), but null is kept. */
  nullableInstant(name: string): number | null | undefined {
    if (this.obj[name] === null) return null;
    return this.instant(name);
  }

  /** One of `values`, matched case-insensitively, with aliases mapping to canonical values. */
  enum<T extends string>(name: string, values: readonly T[], o: FieldOpts & { aliases?: Record<string, T> } = {}): T | undefined {
    if (this.#absent(name, o)) return undefined;
    const v = this.obj[name];
    const p = this.path(name);
    if (typeof v !== 'string') return void this.fail(p, 'type', 'must be a string');
    const key = v.trim().toLowerCase();
    const hit = values.find((x) => x.toLowerCase() === key) ?? o.aliases?.[key];
    if (hit === undefined) return void this.fail(p, 'enum', `must be one of ${values.join(', ')}`);
    return hit;
  }

  /** An email address, lower-cased, at most 254 characters. */
  email(name: string, o: FieldOpts = {}): string | undefined {
    const s = this.string(name, { ...o, max: 254 });
    if (s === undefined) return undefined;
    if (!EMAIL.test(s)) return void this.fail(this.path(name), 'format', 'not a valid email address');
    return s.toLowerCase();
  }

  /** An IANA time zone. */
  timezone(name: string, o: FieldOpts = {}): string | undefined {
    const s = this.string(name, o);
    if (s === undefined) return undefined;
    if (!isValidTimeZone(s)) return void this.fail(this.path(name), 'format', 'must be an IANA time zone such as Europe/Zurich');
    return canonicalZone(s);
  }

  /** A 24-hex id or null (absent = undefined). */
  idOrNull(name: string): string | null | undefined {
    const v = this.obj[name];
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (typeof v !== 'string') return void this.fail(this.path(name), 'type', 'must be a 24-hex id or null');
    if (!HEX24.test(v)) return void this.fail(this.path(name), 'format', 'must be a 24-hex id');
    return v;
  }

  /** An array (≤ max items); returns the raw items for per-item reading. */
  array(name: string, o: FieldOpts & { max?: number } = {}): unknown[] | undefined {
    if (this.#absent(name, o)) return undefined;
    const v = this.obj[name];
    const p = this.path(name);
    if (!Array.isArray(v)) return void this.fail(p, 'type', 'must be an array');
    if (o.max !== undefined && v.length > o.max) return void this.fail(p, 'maxLength', `must have at most ${o.max} items`);
    return v;
  }

  /** A nested object reader (absent → undefined; wrong type → `type` issue). */
  object(name: string, o: FieldOpts = {}): Reader | undefined {
    if (this.#absent(name, o)) return undefined;
    const v = this.obj[name];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return void this.fail(this.path(name), 'type', 'must be an object');
    return new Reader(v as Json, this.issues, this.path(name));
  }

  /** A reader for array item `i` when it is an object. */
  item(arr: unknown[], i: number, arrayName: string): Reader | undefined {
    const v = arr[i];
    const p = `${this.path(arrayName)}[${i}]`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return void this.fail(p, 'type', 'must be an object');
    return new Reader(v as Json, this.issues, p);
  }
}

/** Parses an ISO-8601 instant with Z or offset; undefined otherwise (including impossible dates). */
export function parseInstant(v: string): number | undefined {
  const s = v.trim();
  if (!ISO_WITH_ZONE.test(s)) return undefined;
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-31 over to March; reject dates whose calendar fields do not survive.
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(s);
  if (m) {
    const [, y, mo, d, h, mi] = m.map(Number) as number[];
    if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth(y!, mo!) || h! > 23 || mi! > 59) return undefined;
  }
  return ms;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Reads a request body that must be a JSON object; records the §4.2 issue otherwise. */
export function bodyObject(body: unknown, issues: FieldIssue[], { required = true } = {}): Json {
  if (body === undefined || body === null || body === '') {
    if (!required) return {};
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    issues.push({ field: null, code: 'type', message: 'body must be a JSON object' });
    return {};
  }
  return body as Json;
}

/**
 * Paging query (§2.6): offset 0..2^53−1, limit 1..500 (default 100). The offset's bound keeps it an exact
 * integer that both engines accept in OFFSET (a 20-digit offset is a storage error, not a client answer).
 */
export function readPage(q: Reader, { maxLimit = 500, defaultLimit = 100 } = {}): { offset: number; limit: number } {
  const offset = q.int('offset', { min: 0, max: Number.MAX_SAFE_INTEGER, numericString: true }) ?? 0;
  const limit = q.int('limit', { min: 1, max: maxLimit, numericString: true }) ?? defaultLimit;
  return { offset, limit };
}

/** True for a 24-hex id. */
export function isHex24(s: string): boolean {
  return HEX24.test(s);
}

let zoneIndex: Map<string, string> | undefined;

/**
 * The stored spelling of a zone: `Intl` accepts `europe/zurich`, but calendars and clients expect the IANA
 * spelling, so a case-insensitive match against the runtime's list wins; names not in that list (e.g.
 * `Asia/Kolkata`, which ICU lists as `Asia/Calcutta`) are kept as written.
 */
export function canonicalZone(zone: string): string {
  zoneIndex ??= new Map([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((z) => [z.toLowerCase(), z]));
  return zoneIndex.get(zone.toLowerCase()) ?? zone;
}
