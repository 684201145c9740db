#!/usr/bin/env bash
# Installs what Plotwright needs on a fresh Debian/Ubuntu machine, then the npm packages and the build.
#   bash scripts/setup.sh           what the CLI and the demo need
#   bash scripts/setup.sh --tests   also what the tests need: a real VS Code (code-server) for the
#                                   end-to-end tests, and nbconvert for the benchmark's baseline
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TESTS=0
[ "${1:-}" = "--tests" ] && WITH_TESTS=1

APT_PACKAGES=(
  python3 python3-pandas python3-matplotlib python3-seaborn python3-plotly
  python3-ipykernel python3-jupyter-client
  chromium
)
if [ "$WITH_TESTS" -eq 1 ]; then
  # code-server builds native modules (g++, make, Kerberos headers) and uses Debian's ripgrep.
  APT_PACKAGES+=(ripgrep libkrb5-dev g++ make python3-nbconvert)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

npm run build --silent
if [ "$WITH_TESTS" -eq 1 ]; then
  bash scripts/e2e/install-code-server.sh >/dev/null
fi
echo "setup: done"
