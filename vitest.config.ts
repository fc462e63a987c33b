import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests run with TZ=UTC so that nothing depends on the machine's zone; recurrence code is zone-explicit anyway.
    env: { TZ: 'UTC' },
    pool: 'forks',
  },
});
