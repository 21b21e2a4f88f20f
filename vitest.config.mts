import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Integration tests start their own emulators on ephemeral ports, so files can run in parallel;
    // two workers match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Handlers log through Powertools; keep test output to errors.
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
  },
});
