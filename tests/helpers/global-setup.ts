import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Vitest global setup: installs Debian's Chromium on a clean machine before any test runs, so the
 * browser tests (tests/e2e) need nothing installed by hand. Quiet and instant when it is there.
 * A failed install does not stop the other tests: the script says why, and the browser tests fail.
 */
export default function setup(): void {
  const script = resolve(import.meta.dirname, '../../scripts/ensure-chromium.sh');
  const result = spawnSync('bash', [script], { stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    console.error(`ensure-chromium.sh failed (${result.error?.message ?? `exit ${result.status}`}); browser tests will fail.`);
  }
}
