/** The benches measure what `npm start` runs: the node arguments in package.json and bench/serverArgs.ts agree. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONVENE_NODE_ARGS } from '../../bench/serverArgs.js';

describe('npm start', () => {
  it('builds, then runs node with the arguments the benches use', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node scripts/build.mjs && node ${CONVENE_NODE_ARGS.join(' ')}`);
  });

  it('the systemd unit in docs/operations.md runs the same command', () => {
    const ops = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    expect(ops).toContain(`ExecStart=/usr/bin/node ${CONVENE_NODE_ARGS.join(' ')}`);
  });
});
