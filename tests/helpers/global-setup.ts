import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup: installs Debian's Chromium (the browser tests, tests/e2e) and SpamAssassin
 * (tests/unit/spamassassin.test.ts, about a minute) on a clean machine before any test runs, so
 * nothing is installed by hand. Quiet and instant when they are there. A failed install does not
 * stop the other tests: the script says why, and the browser tests fail (the spam check is skipped).
 */
export default function setup(project: TestProject): void {
  // A fresh recording of AWS calls for each run of the suite; the iam project alone keeps the last one.
  const callLog = process.env.PRESSROOM_AWS_CALL_LOG ?? project.config.env?.PRESSROOM_AWS_CALL_LOG;
  if (project.name === 'suite' && callLog) rmSync(callLog, { recursive: true, force: true });

  if (project.name !== 'suite') return;
  const script = resolve(import.meta.dirname, '../../scripts/ensure-chromium.sh');
  const result = spawnSync('bash', [script], { stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    console.error(`ensure-chromium.sh failed (${result.error?.message ?? `exit ${result.status}`}); browser tests will fail.`);
  }
  const spam = spawnSync('bash', [resolve(import.meta.dirname, '../../scripts/ensure-debian-package.sh'), 'spamassassin', 'spamassassin', 'the spam score test'], { stdio: 'inherit' });
  if (spam.error || spam.status !== 0) console.error('SpamAssassin is not installed; tests/unit/spamassassin.test.ts is skipped.');
}
