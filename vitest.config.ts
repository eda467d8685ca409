import { defineConfig } from 'vitest/config';

/**
 * Three projects: the server (node), the panel's component tests (ui/vitest.config.ts, jsdom),
 * and the end-to-end tests in headless Chromium (test/e2e, one file at a time: each starts a
 * whole demo plant and a browser).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          // Tests that spawn bin/jsscada.js run dist/: rebuilt first when src/ is newer.
          globalSetup: ['test/support/dist-fresh.ts'],
          exclude: ['test/e2e/**'],
          // Integration tests bind loopback ports and spawn workers: room on a 2-core machine.
          testTimeout: 20_000,
          hookTimeout: 20_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
      'ui/vitest.config.ts',
    ],
  },
});
