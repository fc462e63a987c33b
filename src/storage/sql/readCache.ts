/**
 * A read-through cache for the few rows every authenticated request reads and almost nothing writes: API
 * keys by hash, users, accounts and webhook configuration. Profiling the v6 API under load showed these
 * lookups (two to four queries per request, before any real work) as the largest cost after the HTTP write.
 *
 * Correctness rules, in order of importance:
 * - Any write through a cached repository, in or out of a transaction, drops the whole cache (writes to these
 *   tables are rare, so coarse invalidation costs nothing and cannot miss a dependent key); a transaction
 *   that wrote drops it again when it settles, so a read that raced the commit on another connection cannot
 *   leave the old row behind.
 * - A read stores its result only if no invalidation happened while it was loading (generation check).
 * - Writes by another process: on SQLite `PRAGMA data_version` changes when any other connection commits, and
 *   is checked before lookups (at most once per millisecond), so a key revoked with the CLI next to a running
 *   server is refused by every request that starts a millisecond after the CLI's commit. PostgreSQL has no such counter; entries there live `ttlMs` (1 s by default), which
 *   bounds how long another server node or the CLI may see an old row.
 * - Cached values are deep-frozen: a caller that mutated one would change what the next request sees, so it
 *   throws instead.
 */

/** Options of `ReadCache`. */
export interface ReadCacheOptions {
  /** How long an entry may be served; 0 disables the cache. */
  ttlMs: number;
  /** A counter that changes when another process commits (SQLite's data_version); checked before every lookup. */
  externalVersion?: (() => number) | undefined;
  /** Entries kept at most; past that the cache starts over (unknown keys are cached too, so it must be bounded). */
  maxEntries?: number | undefined;
  /** The clock; tests inject one. */
  now?: (() => number) | undefined;
}

interface Entry {
  value: unknown;
  at: number;
}

/** See the module comment. One instance per store (per database connection or pool). */
export class ReadCache {
  readonly #ttlMs: number;
  readonly #externalVersion: (() => number) | undefined;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #generation = 0;
  #seenVersion: number | undefined;
  #checkedAt = -Infinity;

  constructor({ ttlMs, externalVersion, maxEntries = 10_000, now = Date.now }: ReadCacheOptions) {
    this.#ttlMs = ttlMs;
    this.#externalVersion = externalVersion;
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  /** The cached value of `key`, or what `load` returns (then cached, frozen, unless the cache was invalidated meanwhile). */
  async read<T>(key: string, load: () => Promise<T>): Promise<T> {
    // Frozen even when disabled, so code that mutates a returned row fails the same way with the cache off.
    if (this.#ttlMs <= 0) return deepFreeze(await load());
    this.#checkExternal();
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.#ttlMs) return hit.value as T;
    const generation = this.#generation;
    const value = deepFreeze(await load());
    if (generation === this.#generation) {
      if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
      this.#entries.set(key, { value, at: now });
    }
    return value;
  }

  /** Drops every entry and fails every load in flight (it will not be stored). */
  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }

  #checkExternal(): void {
    if (!this.#externalVersion) return;
    // Reading the counter is a query of its own (it showed at 7 % of a request when read on every lookup);
    // once per millisecond means another process's commit is seen by every lookup that starts 1 ms after it.
    const t = performance.now();
    if (t - this.#checkedAt < 1) return;
    this.#checkedAt = t;
    const v = this.#externalVersion();
    if (v !== this.#seenVersion) {
      if (this.#seenVersion !== undefined) this.invalidate();
      this.#seenVersion = v;
    }
  }
}

function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  // Binary views cannot be frozen (and no cached row holds one); everything else is walked even when already
  // frozen, since a frozen object may still hold mutable arrays.
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || seen.has(value)) return value;
  seen.add(value);
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v, seen);
  return value;
}

/** How a repository's methods meet the cache. */
export interface CachePolicy<R> {
  /** Short name, part of every cache key. */
  name: string;
  /** Reads served from the cache (their arguments, JSON-encoded, are the key). */
  cached: readonly (keyof R & string)[];
  /** Reads that neither use nor drop the cache. Every other method counts as a write and drops it. */
  passThrough: readonly (keyof R & string)[];
}

/** The cache key of `policy`'s read `name` with `args`. */
export function cacheKey<R>(policy: CachePolicy<R>, name: string, args: readonly unknown[]): string {
  return `${policy.name}.${name}:${JSON.stringify(args)}`;
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/** Every method name of `repo` (own and inherited from its class, not Object's). */
function methodNames(repo: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = repo; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const n of Object.getOwnPropertyNames(p)) {
      if (n !== 'constructor' && typeof (repo as Record<string, unknown>)[n] === 'function') names.add(n);
    }
  }
  return [...names];
}

/**
 * Wraps `repo` for use outside transactions: `policy.cached` reads go through `cache`, unknown methods are
 * treated as writes and invalidate it after they complete (successfully or not: a failed write may still
 * have changed something on another engine's connection).
 */
export function cachedRepository<R extends object>(repo: R, cache: ReadCache, policy: CachePolicy<R>): R {
  return wrap(repo, policy, (name, call, args) =>
    policy.cached.includes(name as keyof R & string) ? cache.read(cacheKey(policy, name, args), call) : undefined,
  () => cache.invalidate());
}

/**
 * Wraps `repo` for use inside a transaction: reads go to the transaction (never the cache, which may not
 * see its uncommitted writes); writes invalidate the cache and call `onWrite`, so the transaction drops it
 * again when it settles.
 */
export function invalidatingRepository<R extends object>(repo: R, cache: ReadCache, policy: CachePolicy<R>, onWrite: () => void): R {
  return wrap(repo, policy, () => undefined, () => {
    cache.invalidate();
    onWrite();
  });
}

function wrap<R extends object>(
  repo: R,
  policy: CachePolicy<R>,
  readThrough: (name: string, call: () => Promise<unknown>, args: unknown[]) => Promise<unknown> | undefined,
  onWrite: () => void,
): R {
  const out: Record<string, AnyMethod> = {};
  const target = repo as unknown as Record<string, AnyMethod>;
  for (const name of methodNames(repo)) {
    const method = target[name] as AnyMethod;
    if (policy.passThrough.includes(name as keyof R & string)) {
      out[name] = (...args) => method.apply(repo, args);
    } else if (policy.cached.includes(name as keyof R & string)) {
      out[name] = (...args) => readThrough(name, () => method.apply(repo, args), args) ?? method.apply(repo, args);
    } else {
      out[name] = async (...args) => {
        try {
          return await method.apply(repo, args);
        } finally {
          onWrite();
        }
      };
    }
  }
  return out as unknown as R;
}
