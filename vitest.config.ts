import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real servers (Dovecot, Fail2Ban, loopback registries) start per file; two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
