/**
 * Queries built and compiled once, then executed with new values. Kysely builds an immutable node tree and
 * compiles it on every call; for the reads every request makes (a meeting by id) that was a tenth of the
 * request under load. A precompiled query must have one shape whatever its arguments: no `$if` or other
 * branching on them (a builder that branches needs one precompiled query per branch).
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

const SLOT = Symbol('precompiled argument');

interface Slot {
  readonly [SLOT]: number;
}

function isSlot(v: unknown): v is Slot {
  return typeof v === 'object' && v !== null && SLOT in v;
}

interface Plan<O> {
  compiled: CompiledQuery<O>;
  /** Per compiled parameter: the argument index it takes, or a constant the builder wrote. */
  sources: ({ arg: number } | { value: unknown })[];
}

/**
 * Returns `run(db, ...args)`, which executes `build(db, ...args)` and resolves to its rows. The first run on a
 * database compiles `build` with stand-ins for the arguments (compiled SQL differs per dialect, so plans are
 * kept per dialect adapter; a transaction shares its database's). Throws on that first run when an argument
 * did not become a bound parameter (the builder used it for something else, which a plan cannot replay).
 */
export function precompiled<A extends readonly unknown[], O>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<O>,
): (db: Kysely<Database>, ...args: A) => Promise<O[]> {
  const plans = new WeakMap<object, Plan<O>>();
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let plan = plans.get(adapter);
    if (!plan) {
      const stand = args.map((_, i): Slot => ({ [SLOT]: i }));
      const compiled = build(db, ...(stand as unknown as A)).compile();
      const sources = compiled.parameters.map((p) => (isSlot(p) ? { arg: p[SLOT] } : { value: p }));
      const used = new Set(sources.flatMap((s) => ('arg' in s ? [s.arg] : [])));
      if (used.size !== args.length) throw new Error(`precompiled query uses ${used.size} of its ${args.length} arguments as parameters: ${compiled.sql}`);
      plan = { compiled, sources };
      plans.set(adapter, plan);
    }
    const parameters = plan.sources.map((s) => ('arg' in s ? args[s.arg] : s.value));
    const result = await db.executeQuery<O>({ ...plan.compiled, parameters });
    return result.rows;
  };
}
