import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Where the local runner records every AWS call a handler makes (functions/local/aws-call-recorder.ts);
 * the `iam` project reads it once every other test has run. Inside the checkout, so that two
 * checkouts testing at once do not mix their recordings; cleared by the global setup.
 */
const awsCallLog = resolve(import.meta.dirname, '.cache/aws-calls');

export default defineConfig({
  test: {
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Integration tests start their own emulators on ephemeral ports, so files can run in parallel;
    // two workers match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    // A missing golden file (toMatchFileSnapshot) fails the run instead of being written, on every
    // machine and not only where CI=true; write new ones on purpose with \`npx vitest run -u\`.
    update: 'none',
    hookTimeout: 60_000,
    // Handlers log through Powertools; keep test output to errors.
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR', PRESSROOM_AWS_CALL_LOG: awsCallLog },
    projects: [
      { extends: true, test: { name: 'suite', include: ['tests/**/*.test.ts'], exclude: ['tests/iam/**'] } },
      // Runs after the suite (a higher group order), when every call has been recorded.
      { extends: true, test: { name: 'iam', include: ['tests/iam/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
