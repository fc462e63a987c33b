import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type SqlStore } from '../index.js';
import { makeAccount } from '../contract/fixtures.js';
import { precompiled } from './precompiled.js';

describe('precompiled queries', () => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await createStore({ url: ':memory:' });
    await store.accounts.insert(makeAccount({ id: 'a'.repeat(24), name: 'Alpha' }));
    await store.accounts.insert(makeAccount({ id: 'b'.repeat(24), name: 'Beta' }));
  });
  afterAll(() => store.close());

  const byIdAndName = precompiled((db, id: string, name: string) =>
    db.selectFrom('accounts').select(['id', 'name']).where('id', '=', id).where('name', '=', name).limit(5),
  );

  it('replays the plan with each call\u2019s arguments, constants kept', async () => {
    expect(await byIdAndName(store.db, 'a'.repeat(24), 'Alpha')).toEqual([{ id: 'a'.repeat(24), name: 'Alpha' }]);
    expect(await byIdAndName(store.db, 'b'.repeat(24), 'Beta')).toEqual([{ id: 'b'.repeat(24), name: 'Beta' }]);
    expect(await byIdAndName(store.db, 'b'.repeat(24), 'Alpha')).toEqual([]);
  });

  it('compiles inside a transaction too, and the plan serves the database afterwards', async () => {
    const byName = precompiled((db, name: string) => db.selectFrom('accounts').select('id').where('name', '=', name));
    expect(await store.db.transaction().execute((trx) => byName(trx, 'Alpha'))).toEqual([{ id: 'a'.repeat(24) }]);
    expect(await byName(store.db, 'Beta')).toEqual([{ id: 'b'.repeat(24) }]);
  });

  it('refuses a builder that uses an argument for anything but a bound parameter', async () => {
    const branching = precompiled((db, id: string) => db.selectFrom('accounts').select('id').$if(id === 'x', (q) => q.where('id', '=', id)));
    await expect(branching(store.db, 'x')).rejects.toThrow(/uses 0 of its 1 arguments/);
  });
});
