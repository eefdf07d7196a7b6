import { defineConfig } from 'vitest/config';

// Every wait in a test is bounded: these are the outer bounds, tests set tighter ones.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // 2-core machines: e2e suites start nats-server and engines; keep parallelism modest.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
