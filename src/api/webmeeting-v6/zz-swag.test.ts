import { it, expect } from 'vitest';
import { harness } from '../../../test/support/app.js';
it('swagger', async () => {
  const h = await harness();
  const r = await h.app.inject({ method: 'GET', url: '/docs/json' });
  expect(r.statusCode).toBe(200);
  const paths = Object.entries(r.json().paths as Record<string, Record<string, { operationId?: string }>>).flatMap(([p, ms]) => Object.entries(ms).map(([m, o]) => `${m.toUpperCase()} ${p} ${o.operationId}`));
  console.log(paths.join('\n'));
  await h.close();
});
