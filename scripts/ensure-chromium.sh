#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (tests/e2e), so a clean
# machine needs nothing installed by hand (about 15 s). Playwright's own browser download (`npx
# playwright install`) is never used: it fetches from outside the package registries.
set -euo pipefail
exec "$(dirname "$0")/ensure-debian-package.sh" /usr/bin/chromium chromium "the browser tests in tests/e2e"
