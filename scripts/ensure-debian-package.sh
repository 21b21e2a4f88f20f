#!/usr/bin/env bash
# Makes sure a Debian package's program is installed for the tests, so a clean machine needs nothing
# installed by hand: `ensure-debian-package.sh PROGRAM PACKAGE "what needs it"`. Quiet and quick when
# the program is there. Uses Debian's packages only (never a download from outside the registries).
set -euo pipefail

PROGRAM=$1
PACKAGE=$2
NEEDED_BY=$3

command -v "$PROGRAM" >/dev/null 2>&1 && exit 0

echo "ensure-debian-package: $PROGRAM not found; installing Debian's $PACKAGE package..." >&2

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "ensure-debian-package: not root and no sudo; install it yourself: apt-get install -y --no-install-recommends $PACKAGE" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-debian-package: apt-get not found (not a Debian-based machine); install $PACKAGE yourself" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$PACKAGE"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "ensure-debian-package: installing $PACKAGE failed (see above); $NEEDED_BY cannot run" >&2
  exit 1
fi
if ! command -v "$PROGRAM" >/dev/null 2>&1; then
  echo "ensure-debian-package: the $PACKAGE package installed but $PROGRAM is missing" >&2
  exit 1
fi
echo "ensure-debian-package: installed $PACKAGE" >&2
