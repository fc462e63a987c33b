/**
 * Unit tests of the read cache (readCache.ts): `ReadCache` with fake loaders and an injected clock, and the
 * `cachedRepository` / `invalidatingRepository` wrappers over a fake repository. The engines are exercised in
 * contract/readCache.engines.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { cachedRepository, cacheKey, invalidatingRepository, ReadCache, type CachePolicy } from './readCache.js';

/** A promise with its settle functions exposed, for loads and writes that finish when a test says so. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A loader returning `make()` on each call and counting its calls. */
function counting<T>(make: () => T): { load: () => Promise<T>; calls: () => number } {
  let n = 0;
  return {
    load: async () => {
      n++;
      return make();
    },
    calls: () => n,
  };
}

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): { now: () => number; set: (t: number) => void; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, set: (v) => (t = v), advance: (ms) => (t += ms) };
}

describe('ReadCache', () => {
  it('loads on a miss and serves the same value from the cache on a hit', async () => {
    const clock = manualClock();
    const cache = new ReadCache({ ttlMs: 1000, now: clock.now });
    const l = counting(() => ({ id: 'a' }));
    const first = await cache.read('k', l.load);
    const second = await cache.read('k', l.load);
    expect(l.calls()).toBe(1);
    expect(second).toBe(first);
    expect(second).toEqual({ id: 'a' });
  });

  it('keeps keys apart', async () => {
    const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
    const a = counting(() => 'A');
    const b = counting(() => 'B');
    expect(await cache.read('a', a.load)).toBe('A');
    expect(await cache.read('b', b.load)).toBe('B');
    expect(await cache.read('a', a.load)).toBe('A');
    expect(await cache.read('b', b.load)).toBe('B');
    expect([a.calls(), b.calls()]).toEqual([1, 1]);
  });

  it('serves an entry for less than ttlMs after its load started, then loads again', async () => {
    const clock = manualClock();
    const cache = new ReadCache({ ttlMs: 100, now: clock.now });
    let version = 0;
    const l = counting(() => ++version);
    expect(await cache.read('k', l.load)).toBe(1);
    clock.advance(99);
    expect(await cache.read('k', l.load)).toBe(1);
    clock.advance(1); // exactly ttlMs old: expired
    expect(await cache.read('k', l.load)).toBe(2);
    expect(l.calls()).toBe(2);
    // The new entry lives from its own load on.
    clock.advance(99);
    expect(await cache.read('k', l.load)).toBe(2);
    clock.advance(1);
    expect(await cache.read('k', l.load)).toBe(3);
  });

  it('dates an entry from when its load started, not when it finished (a slow load cannot extend the ttl)', async () => {
    const clock = manualClock();
    const cache = new ReadCache({ ttlMs: 100, now: clock.now });
    const slow = deferred<string>();
    const pending = cache.read('k', () => slow.promise);
    clock.advance(80);
    slow.resolve('old');
    expect(await pending).toBe('old');
    const l = counting(() => 'new');
    clock.advance(19); // 99 ms after the load started
    expect(await cache.read('k', l.load)).toBe('old');
    clock.advance(1); // 100 ms after the load started, only 20 ms after it finished
    expect(await cache.read('k', l.load)).toBe('new');
  });

  it('ttlMs 0 disables the cache: every read loads', async () => {
    const cache = new ReadCache({ ttlMs: 0, now: manualClock().now });
    let n = 0;
    const load = async () => ++n;
    expect(await cache.read('k', load)).toBe(1);
    expect(await cache.read('k', load)).toBe(2);
    expect(await cache.read('k', load)).toBe(3);
  });

  it('a negative ttlMs disables the cache too', async () => {
    const cache = new ReadCache({ ttlMs: -1, now: manualClock().now });
    let n = 0;
    const load = async () => ++n;
    await cache.read('k', load);
    await cache.read('k', load);
    expect(n).toBe(2);
  });

  it('caches misses (undefined) like any other value', async () => {
    const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
    const l = counting((): string | undefined => undefined);
    expect(await cache.read('unknown', l.load)).toBeUndefined();
    expect(await cache.read('unknown', l.load)).toBeUndefined();
    expect(l.calls()).toBe(1);
  });

  it('caches null too', async () => {
    const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
    const l = counting(() => null);
    await cache.read('k', l.load);
    expect(await cache.read('k', l.load)).toBeNull();
    expect(l.calls()).toBe(1);
  });

  it('does not cache a load that failed', async () => {
    const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
    const boom = new Error('boom');
    await expect(cache.read('k', () => Promise.reject(boom))).rejects.toBe(boom);
    const l = counting(() => 'ok');
    expect(await cache.read('k', l.load)).toBe('ok');
    expect(l.calls()).toBe(1);
  });

  it('invalidate() drops every entry', async () => {
    const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
    const a = counting(() => 'A');
    const b = counting(() => 'B');
    await cache.read('a', a.load);
    await cache.read('b', b.load);
    cache.invalidate();
    await cache.read('a', a.load);
    await cache.read('b', b.load);
    expect([a.calls(), b.calls()]).toEqual([2, 2]);
  });

  it('does not store a load that was in flight when invalidate() was called (generation race)', async () => {
    const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
    const slow = deferred<{ revokedAt: number | null }>();
    const pending = cache.read('key', () => slow.promise);
    // A write commits and invalidates while the read is still loading the row as it was before.
    cache.invalidate();
    slow.resolve({ revokedAt: null });
    // The caller that started before the write still gets what it loaded …
    expect(await pending).toEqual({ revokedAt: null });
    // … but the next read must not be served that stale row.
    const fresh = counting(() => ({ revokedAt: 42 }));
    expect(await cache.read('key', fresh.load)).toEqual({ revokedAt: 42 });
    expect(fresh.calls()).toBe(1);
    // And the fresh row, loaded after the invalidation, is cached.
    expect(await cache.read('key', fresh.load)).toEqual({ revokedAt: 42 });
    expect(fresh.calls()).toBe(1);
  });

  it('a load started after invalidate() is stored even if an older load finishes later', async () => {
    const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
    const old = deferred<string>();
    const oldRead = cache.read('k', () => old.promise);
    cache.invalidate();
    expect(await cache.read('k', async () => 'new')).toBe('new');
    old.resolve('old');
    expect(await oldRead).toBe('old');
    const l = counting(() => 'reloaded');
    expect(await cache.read('k', l.load)).toBe('new');
    expect(l.calls()).toBe(0);
  });

  it('an invalidation during one load does not affect entries stored after it', async () => {
    const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
    const slow = deferred<string>();
    const pending = cache.read('slow', () => slow.promise);
    cache.invalidate();
    await cache.read('other', async () => 'O');
    slow.resolve('S');
    await pending;
    const other = counting(() => 'O2');
    const again = counting(() => 'S2');
    expect(await cache.read('other', other.load)).toBe('O');
    expect(await cache.read('slow', again.load)).toBe('S2');
  });

  describe('deep freezing', () => {
    it('freezes cached values deeply: mutating a nested array or object throws', async () => {
      const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
      interface Nested {
        id: string;
        tags: string[];
        nested: { list: { x: number }[]; extra?: number };
      }
      const row: Nested = { id: 'u1', tags: ['a', 'b'], nested: { list: [{ x: 1 }] } };
      await cache.read('k', async () => row);
      const hit = await cache.read<Nested>('k', async () => ({ id: 'other', tags: [], nested: { list: [] } }));
      expect(hit).toBe(row);
      // Test files are ES modules, hence strict mode: writes to frozen objects throw instead of being ignored.
      expect(() => hit.tags.push('c')).toThrow(TypeError);
      expect(() => {
        hit.id = 'changed';
      }).toThrow(TypeError);
      expect(() => {
        (hit.nested.list[0] as { x: number }).x = 2;
      }).toThrow(TypeError);
      expect(() => {
        hit.nested.extra = 1;
      }).toThrow(TypeError);
      expect(Object.isFrozen(hit)).toBe(true);
      expect(Object.isFrozen(hit.tags)).toBe(true);
      expect(Object.isFrozen(hit.nested)).toBe(true);
      expect(Object.isFrozen(hit.nested.list[0])).toBe(true);
      expect(hit).toEqual({ id: 'u1', tags: ['a', 'b'], nested: { list: [{ x: 1 }] } });
    });

    it('freezes the value already on the miss that loaded it', async () => {
      const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
      const first = await cache.read('k', async () => ({ list: [1] }));
      expect(() => first.list.push(2)).toThrow(TypeError);
    });

    it('freezes a loaded value even when it is not stored (load raced an invalidation)', async () => {
      const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
      const slow = deferred<{ list: number[] }>();
      const pending = cache.read('k', () => slow.promise);
      cache.invalidate();
      slow.resolve({ list: [1] });
      expect(Object.isFrozen((await pending).list)).toBe(true);
    });

    it('leaves primitives alone', async () => {
      const cache = new ReadCache({ ttlMs: 1000, now: manualClock().now });
      expect(await cache.read('s', async () => 'text')).toBe('text');
      expect(await cache.read('n', async () => 7)).toBe(7);
      expect(await cache.read('b', async () => false)).toBe(false);
    });
  });

  describe('maxEntries', () => {
    it('holds at most maxEntries entries, then starts over', async () => {
      const cache = new ReadCache({ ttlMs: 1000, maxEntries: 3, now: manualClock().now });
      const loads: string[] = [];
      const read = (k: string) =>
        cache.read(k, async () => {
          loads.push(k);
          return k.toUpperCase();
        });
      for (const k of ['a', 'b', 'c']) await read(k);
      for (const k of ['a', 'b', 'c']) expect(await read(k)).toBe(k.toUpperCase());
      expect(loads).toEqual(['a', 'b', 'c']); // three entries fit
      await read('d'); // a fourth key: the cache starts over with just 'd'
      expect(loads).toEqual(['a', 'b', 'c', 'd']);
      await read('d');
      expect(loads).toEqual(['a', 'b', 'c', 'd']); // 'd' was kept
      await read('a');
      expect(loads).toEqual(['a', 'b', 'c', 'd', 'a']); // 'a' was dropped
    });

    it('bounds misses of unknown keys as well (a flood of bad keys cannot grow the cache without limit)', async () => {
      const maxEntries = 10;
      const cache = new ReadCache({ ttlMs: 60_000, maxEntries, now: manualClock().now });
      let loads = 0;
      const load = async () => {
        loads++;
        return undefined;
      };
      for (let i = 0; i < 1000; i++) await cache.read(`bad-${i}`, load);
      expect(loads).toBe(1000);
      // Whatever is still cached is at most maxEntries keys: re-reading all of them loads at least 990 again.
      loads = 0;
      for (let i = 0; i < 1000; i++) await cache.read(`bad-${i}`, load);
      expect(loads).toBeGreaterThanOrEqual(1000 - maxEntries);
    });
  });

  describe('externalVersion', () => {
    let perfNow = 0;
    beforeEach(() => {
      perfNow = 5_000;
      vi.spyOn(performance, 'now').mockImplementation(() => perfNow);
    });
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('drops the cache when the external version changes', async () => {
      let version = 1;
      const cache = new ReadCache({ ttlMs: 60_000, externalVersion: () => version, now: manualClock().now });
      let row = 'v1';
      const l = counting(() => row);
      expect(await cache.read('k', l.load)).toBe('v1');
      perfNow += 2;
      expect(await cache.read('k', l.load)).toBe('v1'); // unchanged counter: still a hit
      expect(l.calls()).toBe(1);
      // Another process commits.
      version = 2;
      row = 'v2';
      perfNow += 2;
      expect(await cache.read('k', l.load)).toBe('v2');
      expect(l.calls()).toBe(2);
      perfNow += 2;
      expect(await cache.read('k', l.load)).toBe('v2');
      expect(l.calls()).toBe(2);
    });

    it('a counter that never changes never drops the cache', async () => {
      const externalVersion = vi.fn(() => 17);
      const cache = new ReadCache({ ttlMs: 60_000, externalVersion, now: manualClock().now });
      const l = counting(() => 'x');
      for (let i = 0; i < 5; i++) {
        await cache.read('k', l.load);
        perfNow += 5;
      }
      expect(externalVersion).toHaveBeenCalledTimes(5);
      expect(l.calls()).toBe(1);
    });

    it('reads the counter at most once per millisecond (performance.now)', async () => {
      let version = 1;
      const externalVersion = vi.fn(() => version);
      const cache = new ReadCache({ ttlMs: 60_000, externalVersion, now: manualClock().now });
      let row = 'old';
      const l = counting(() => row);
      await cache.read('k', l.load);
      expect(externalVersion).toHaveBeenCalledTimes(1);
      version = 2;
      row = 'new';
      perfNow += 0.5; // within the same millisecond: the counter is not read again
      expect(await cache.read('k', l.load)).toBe('old');
      expect(externalVersion).toHaveBeenCalledTimes(1);
      perfNow += 0.5; // one millisecond after the last check
      expect(await cache.read('k', l.load)).toBe('new');
      expect(externalVersion).toHaveBeenCalledTimes(2);
    });

    it('a counter change also fails a load in flight', async () => {
      let version = 1;
      const cache = new ReadCache({ ttlMs: 60_000, externalVersion: () => version, now: manualClock().now });
      const slow = deferred<string>();
      const first = cache.read('k', () => slow.promise);
      version = 2;
      perfNow += 2;
      // Another key's read notices the change (and invalidates) while the first load is still pending.
      await cache.read('other', async () => 'o');
      slow.resolve('stale');
      await first;
      const l = counting(() => 'fresh');
      perfNow += 2;
      expect(await cache.read('k', l.load)).toBe('fresh');
      expect(l.calls()).toBe(1);
    });

    it('is not read at all when the cache is disabled', async () => {
      const externalVersion = vi.fn(() => 1);
      const cache = new ReadCache({ ttlMs: 0, externalVersion });
      await cache.read('k', async () => 1);
      expect(externalVersion).not.toHaveBeenCalled();
    });
  });
});

describe('cacheKey', () => {
  const policy: CachePolicy<{ get(a: string, b?: string): Promise<unknown> }> = { name: 'things', cached: ['get'], passThrough: [] };

  it('names the policy, the method and the JSON-encoded arguments', () => {
    expect(cacheKey(policy, 'get', ['a', 'b'])).toBe('things.get:["a","b"]');
  });

  it('tells apart argument lists that a naive join would confuse', () => {
    const keys = new Set([
      cacheKey(policy, 'get', ['a', 'b']),
      cacheKey(policy, 'get', ['a,b']),
      cacheKey(policy, 'get', ['a']),
      cacheKey(policy, 'get', [1]),
      cacheKey(policy, 'get', ['1']),
      cacheKey(policy, 'getX', ['a', 'b']),
      cacheKey({ ...policy, name: 'other' }, 'get', ['a', 'b']),
    ]);
    expect(keys.size).toBe(7);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Wrappers over a fake repository.

interface Row {
  id: string;
  name: string;
  tags: string[];
}

/** A base class, so the wrappers are seen to pick up inherited methods too. */
class BaseRepo {
  readonly calls: string[] = [];
  protected readonly rows = new Map<string, Row>();

  /** A cached read defined on the base class. */
  async getByName(name: string): Promise<Row | undefined> {
    this.calls.push(`getByName:${name}`);
    return [...this.rows.values()].find((r) => r.name === name);
  }

  /** A write defined on the base class. */
  async clear(): Promise<void> {
    this.calls.push('clear');
    this.rows.clear();
  }
}

/** The fake repository; `#private` state makes a call with the wrong `this` fail. */
class FakeRepo extends BaseRepo {
  readonly #log: string[] = [];
  failNextWrite: Error | undefined;
  writeGate: Promise<void> | undefined;

  async get(id: string): Promise<Row | undefined> {
    this.calls.push(`get:${id}`);
    this.#log.push('get');
    const r = this.rows.get(id);
    return r && { ...r, tags: [...r.tags] };
  }

  /** A scoped read, like the real repositories' `get(scope, id)`: `scope` is 'all' or must match the row's name. */
  async getIn(scope: string, id: string): Promise<Row | undefined> {
    this.calls.push(`getIn:${scope}:${id}`);
    const r = this.rows.get(id);
    return r && (scope === 'all' || scope === r.name) ? { ...r, tags: [...r.tags] } : undefined;
  }

  async list(): Promise<Row[]> {
    this.calls.push('list');
    return [...this.rows.values()].map((r) => ({ ...r, tags: [...r.tags] }));
  }

  async put(row: Row): Promise<void> {
    this.calls.push(`put:${row.id}`);
    if (this.writeGate) await this.writeGate;
    if (this.failNextWrite) {
      const e = this.failNextWrite;
      this.failNextWrite = undefined;
      // A failed write may still have changed something (another connection, a partial statement).
      this.rows.set(row.id, { ...row, tags: [...row.tags] });
      throw e;
    }
    this.rows.set(row.id, { ...row, tags: [...row.tags] });
  }

  /** A synchronous-looking write (still counts as a write). */
  async remove(id: string): Promise<boolean> {
    this.calls.push(`remove:${id}`);
    return this.rows.delete(id);
  }

  log(): readonly string[] {
    return this.#log;
  }
}

const fakePolicy: CachePolicy<FakeRepo> = { name: 'fake', cached: ['get', 'getByName', 'getIn'], passThrough: ['list', 'log'] };

function count(repo: BaseRepo, prefix: string): number {
  return repo.calls.filter((c) => c.startsWith(prefix)).length;
}

describe('cachedRepository', () => {
  let repo: FakeRepo;
  let cache: ReadCache;
  let wrapped: FakeRepo;
  beforeEach(async () => {
    repo = new FakeRepo();
    cache = new ReadCache({ ttlMs: 60_000 });
    wrapped = cachedRepository(repo, cache, fakePolicy);
    await repo.put({ id: '1', name: 'one', tags: ['x'] });
    await repo.put({ id: '2', name: 'two', tags: [] });
    repo.calls.length = 0;
  });

  it('serves the cached reads from the cache, keyed by their arguments', async () => {
    expect(await wrapped.get('1')).toEqual({ id: '1', name: 'one', tags: ['x'] });
    expect(await wrapped.get('1')).toEqual({ id: '1', name: 'one', tags: ['x'] });
    expect(await wrapped.get('2')).toEqual({ id: '2', name: 'two', tags: [] });
    expect(await wrapped.get('2')).toEqual({ id: '2', name: 'two', tags: [] });
    expect(repo.calls).toEqual(['get:1', 'get:2']);
    // Called with the repository as `this` (its #private field was reached).
    expect(repo.log()).toEqual(['get', 'get']);
  });

  it('keys on every argument: a miss in one scope is not served to another', async () => {
    expect(await wrapped.getIn('two', '1')).toBeUndefined(); // row 1 is not in scope 'two'
    expect((await wrapped.getIn('one', '1'))?.id).toBe('1');
    expect((await wrapped.getIn('all', '1'))?.id).toBe('1');
    expect(await wrapped.getIn('two', '1')).toBeUndefined();
    expect((await wrapped.getIn('two', '2'))?.id).toBe('2'); // same first argument, other second one
    expect(count(repo, 'getIn:')).toBe(4);
  });

  it('caches a method inherited from a base class', async () => {
    expect((await wrapped.getByName('two'))?.id).toBe('2');
    expect((await wrapped.getByName('two'))?.id).toBe('2');
    expect(count(repo, 'getByName')).toBe(1);
  });

  it('caches misses', async () => {
    expect(await wrapped.get('nope')).toBeUndefined();
    expect(await wrapped.get('nope')).toBeUndefined();
    expect(count(repo, 'get:nope')).toBe(1);
  });

  it('hands out deep-frozen cached values', async () => {
    const row = await wrapped.get('1');
    expect(() => row?.tags.push('y')).toThrow(TypeError);
  });

  it('pass-through methods go to the repository every time, and neither use nor drop the cache', async () => {
    await wrapped.get('1');
    expect(await wrapped.list()).toHaveLength(2);
    expect(await wrapped.list()).toHaveLength(2);
    expect(count(repo, 'list')).toBe(2);
    // The cached read survived the pass-through calls.
    await wrapped.get('1');
    expect(count(repo, 'get:1')).toBe(1);
    // A pass-through result is not frozen (it never went through the cache).
    const listed = await wrapped.list();
    expect(Object.isFrozen(listed)).toBe(false);
  });

  it('a non-async pass-through method keeps its plain return value', () => {
    expect(wrapped.log()).toEqual([]);
  });

  it('any other method is a write: it runs, then drops the cache', async () => {
    expect((await wrapped.get('1'))?.name).toBe('one');
    await wrapped.put({ id: '1', name: 'uno', tags: [] });
    expect(repo.calls).toContain('put:1');
    expect((await wrapped.get('1'))?.name).toBe('uno');
    expect(count(repo, 'get:1')).toBe(2);
  });

  it('a write drops every entry, not only the one it touched', async () => {
    await wrapped.get('1');
    await wrapped.get('2');
    await wrapped.getByName('one');
    await wrapped.remove('2');
    await wrapped.get('1');
    expect(await wrapped.get('2')).toBeUndefined();
    await wrapped.getByName('one');
    expect([count(repo, 'get:1'), count(repo, 'get:2'), count(repo, 'getByName')]).toEqual([2, 2, 2]);
  });

  it('a write returns what the repository returned', async () => {
    expect(await wrapped.remove('1')).toBe(true);
    expect(await wrapped.remove('1')).toBe(false);
  });

  it('a write inherited from a base class drops the cache as well', async () => {
    await wrapped.get('1');
    await wrapped.clear();
    expect(await wrapped.get('1')).toBeUndefined();
    expect(count(repo, 'get:1')).toBe(2);
  });

  it('a write that throws still drops the cache, and the error reaches the caller', async () => {
    expect((await wrapped.get('1'))?.name).toBe('one');
    const boom = new Error('write failed');
    repo.failNextWrite = boom;
    await expect(wrapped.put({ id: '1', name: 'half-written', tags: [] })).rejects.toBe(boom);
    expect((await wrapped.get('1'))?.name).toBe('half-written');
    expect(count(repo, 'get:1')).toBe(2);
  });

  it('drops the cache when the write completes: a read that loaded during the write is not kept', async () => {
    const gate = deferred<void>();
    repo.writeGate = gate.promise;
    const write = wrapped.put({ id: '1', name: 'uno', tags: [] });
    // While the write is pending, a read loads the old row.
    expect((await wrapped.get('1'))?.name).toBe('one');
    gate.resolve();
    await write;
    expect((await wrapped.get('1'))?.name).toBe('uno');
  });

  it('one cache shared by several wrapped repositories: a write to one drops the others’ entries', async () => {
    const otherRepo = new FakeRepo();
    await otherRepo.put({ id: 'o', name: 'other', tags: [] });
    otherRepo.calls.length = 0;
    const other = cachedRepository(otherRepo, cache, { ...fakePolicy, name: 'other' });
    await other.get('o');
    await wrapped.get('o'); // same arguments, other policy name: a distinct entry
    expect(count(otherRepo, 'get:o')).toBe(1);
    expect(count(repo, 'get:o')).toBe(1);
    await wrapped.put({ id: '3', name: 'three', tags: [] });
    await other.get('o');
    expect(count(otherRepo, 'get:o')).toBe(2);
  });

  it('with the cache disabled every read goes to the repository', async () => {
    const off = cachedRepository(repo, new ReadCache({ ttlMs: 0 }), fakePolicy);
    await off.get('1');
    await off.get('1');
    expect(count(repo, 'get:1')).toBe(2);
  });
});

describe('invalidatingRepository', () => {
  let repo: FakeRepo;
  let cache: ReadCache;
  let outside: FakeRepo;
  let onWrite: Mock<() => void>;
  let inside: FakeRepo;
  beforeEach(async () => {
    repo = new FakeRepo();
    cache = new ReadCache({ ttlMs: 60_000 });
    outside = cachedRepository(repo, cache, fakePolicy);
    onWrite = vi.fn<() => void>();
    inside = invalidatingRepository(repo, cache, fakePolicy, onWrite);
    await repo.put({ id: '1', name: 'one', tags: ['x'] });
    repo.calls.length = 0;
  });

  it('never reads from the cache', async () => {
    await outside.get('1'); // cached now
    await repo.put({ id: '1', name: 'uncommitted', tags: [] }); // behind the cache's back, like a tx write
    expect((await inside.get('1'))?.name).toBe('uncommitted');
    expect((await inside.get('1'))?.name).toBe('uncommitted');
    expect((await inside.getByName('uncommitted'))?.id).toBe('1');
    expect(count(repo, 'get:1')).toBe(3);
    // Reads do not count as writes.
    expect(onWrite).not.toHaveBeenCalled();
  });

  it('never stores into the cache either', async () => {
    await inside.get('1');
    await outside.get('1');
    expect(count(repo, 'get:1')).toBe(2);
  });

  it('does not freeze what it returns', async () => {
    const row = await inside.get('1');
    expect(Object.isFrozen(row)).toBe(false);
  });

  it('pass-through methods neither invalidate nor call onWrite', async () => {
    await outside.get('1');
    await inside.list();
    await outside.get('1');
    expect(count(repo, 'get:1')).toBe(1);
    expect(onWrite).not.toHaveBeenCalled();
  });

  it('a write drops the cache and calls onWrite', async () => {
    await outside.get('1');
    await inside.put({ id: '1', name: 'uno', tags: [] });
    expect(onWrite).toHaveBeenCalledTimes(1);
    expect((await outside.get('1'))?.name).toBe('uno');
    expect(count(repo, 'get:1')).toBe(2);
    await inside.remove('1');
    await inside.clear();
    expect(onWrite).toHaveBeenCalledTimes(3);
  });

  it('a write that throws still drops the cache and calls onWrite', async () => {
    await outside.get('1');
    const boom = new Error('constraint');
    repo.failNextWrite = boom;
    await expect(inside.put({ id: '1', name: 'x', tags: [] })).rejects.toBe(boom);
    expect(onWrite).toHaveBeenCalledTimes(1);
    await outside.get('1');
    expect(count(repo, 'get:1')).toBe(2);
  });

  it('calls onWrite only once the write has finished', async () => {
    const gate = deferred<void>();
    repo.writeGate = gate.promise;
    const write = inside.put({ id: '2', name: 'two', tags: [] });
    await Promise.resolve();
    expect(onWrite).not.toHaveBeenCalled();
    gate.resolve();
    await write;
    expect(onWrite).toHaveBeenCalledTimes(1);
  });
});
