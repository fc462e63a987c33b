/**
 * Child process of durability.test.ts: opens the SQLite store at argv[2] and inserts argv[3] accounts one by
 * one, printing each id on its own line only after its insert resolved. The parent kills it with SIGKILL.
 * Writes to a pipe are synchronous on Linux, so a printed id has left this process before the next insert.
 */
import { createStore } from '../index.js';
import { makeAccount } from './fixtures.js';

const [file, count] = process.argv.slice(2);
if (!file || !count) throw new Error('usage: durability-child.ts <file> <count>');
const store = await createStore({ url: file });
for (let i = 0; i < Number(count); i++) {
  const a = makeAccount();
  await store.accounts.insert(a);
  process.stdout.write(`${a.id}\n`);
}
await store.close();
