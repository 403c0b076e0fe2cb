#!/usr/bin/env bash
# Install the Debian packages docclean needs to build and test, if missing.
# Run by `make run`, `make check` and `make bench`.  Needs root (or sudo) only
# when something is actually missing.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libinih-dev libpcre2-dev zlib1g-dev libzstd-dev libxxhash-dev
  liblmdb-dev libsqlite3-dev libjansson-dev libcmocka-dev
  unicode-data python3-jieba opencc zstd python3 jq
)
# Hyperscan (boilerplate cue vocabulary) is x86-64 only; Vectorscan is the
# same API (hs/hs.h, libhs) on other architectures.
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then PKGS+=(libhyperscan-dev); else PKGS+=(libvectorscan-dev); fi
# Extra packages can be requested by the caller (e.g. the Slurm tests).
PKGS+=(${DOCCLEAN_EXTRA_PKGS:-})
# --test: also what only the tests use.  chromium opens the HTML run report
# in tests/e2e/report_chromium.sh (measured: 124 MB, about 20 s to install
# on the development machine; the test skips visibly without it).
[ "${1:-}" = "--test" ] && PKGS+=(chromium)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "setup: ERROR: these packages are missing and I am not root (and have no passwordless sudo):" >&2
  echo "         ${missing[*]}" >&2
  echo "       install them with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq || echo "setup: warning: apt-get update failed; trying the install anyway" >&2
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
