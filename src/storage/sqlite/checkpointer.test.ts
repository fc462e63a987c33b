/**
 * The background WAL checkpointer: the server's connection no longer checkpoints at ~1000 pages (its backstop
 * is 10,000), yet the database file receives the committed pages, because the worker copies them.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../index.js';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, startCheckpointer } from './checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'convene-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes about `pages` 4 KiB pages of rows through the store's own connection, in small transactions. */
async function fill(store: Awaited<ReturnType<typeof createStore>>, pages: number): Promise<void> {
  await sql`create table if not exists filler (id integer primary key, body text)`.execute(store.db);
  const body = 'x'.repeat(3500);
  for (let i = 0; i < pages; i++) await sql`insert into filler (body) values (${body})`.execute(store.db);
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('background WAL checkpoints', () => {
  it('copies committed pages into the database file while the server connection only keeps the backstop', async () => {
    const file = join(dir, 'bg.db');
    const store = await createStore({ url: file, backgroundCheckpoint: true });
    try {
      const pragma = async (q: string) => Object.values((await sql.raw(`pragma ${q}`).execute(store.db)).rows[0] as object)[0];
      expect(await pragma('wal_autocheckpoint')).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
      const before = statSync(file).size;
      await fill(store, 1500);
      // 1,500 pages are past SQLite's default 1,000 but below the backstop: only the worker can have copied them.
      expect(await until(() => statSync(file).size > before + 1000 * 4096, 5000)).toBe(true);
      expect(await pragma('integrity_check')).toBe('ok');
    } finally {
      await store.close();
    }
  });

  it('without it (the CLI, tests) the connection checkpoints itself, as SQLite does by default', async () => {
    const store = await createStore({ url: join(dir, 'plain.db') });
    try {
      const rows = (await sql.raw('pragma wal_autocheckpoint').execute(store.db)).rows[0] as object;
      expect(Object.values(rows)[0]).toBe(1000);
    } finally {
      await store.close();
    }
  });

  it('stop() ends the worker and can be called twice; a missing file is reported, not thrown', async () => {
    const errors: Error[] = [];
    const c = startCheckpointer({ file: join(dir, 'no-such-dir', 'x.db'), intervalMs: 10, onError: (e) => errors.push(e) });
    expect(await until(() => errors.length > 0, 5000)).toBe(true);
    expect(errors[0]?.message).toMatch(/exited|unable to open|directory/i);
    await c.stop();
    await c.stop();
  });
});
