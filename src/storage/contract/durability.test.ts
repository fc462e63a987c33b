/**
 * SQLite durability under a hard kill: every account a writer reported as inserted is present after the writer
 * is killed with SIGKILL mid-stream (WAL + synchronous=NORMAL, see sqlite-dialect.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_ACCOUNTS } from '../../domain/ports.js';
import { createStore } from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'convene-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const child = fileURLToPath(new URL('./durability-child.ts', import.meta.url));
/** Ids to see before the kill; the child would write far more. */
const KILL_AFTER = 40;

describe('sqlite durability', () => {
  it('every id printed before SIGKILL is present after reopening the file', async () => {
    const file = join(dir, 'killed.db');
    // 1. Start the writer; it would insert 100 000 accounts, so it is still busy when killed.
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, '100000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const printed = await new Promise<string[]>((resolve, reject) => {
      proc.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        // 2. Kill as soon as enough complete lines arrived; a partial last line is not a report.
        if (out.split('\n').length - 1 >= KILL_AFTER && !proc.killed) proc.kill('SIGKILL');
      });
      proc.on('error', reject);
      proc.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve(out.split('\n').slice(0, -1));
        else reject(new Error(`writer exited by itself (code ${code}): ${err}`));
      });
    });
    expect(printed.length).toBeGreaterThanOrEqual(KILL_AFTER);

    // 3. Reopen the file (WAL recovery runs here) and look for every reported id.
    const store = await createStore({ url: file });
    try {
      const missing: string[] = [];
      for (const id of printed) if ((await store.accounts.get(ALL_ACCOUNTS, id)) === undefined) missing.push(id);
      expect(missing).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
