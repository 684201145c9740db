#!/usr/bin/env bash
# Installs code-server into .e2e/code-server/ (outside the repo's node_modules, so `npm ci` stays clean)
# for the end-to-end tests. Idempotent: a finished install is recognised by a stamp file and skipped.
#
# The plain `npm install code-server` fails here: its postinstall.sh stops when run as root, and the
# install scripts of its dependencies download binaries from GitHub, which is not reachable. So the
# steps are done one by one, building native modules from source:
#   1. install the package without install scripts;
#   2. rebuild argon2 (the password hasher code-server loads even with --auth none);
#   3. install VS Code's own runtime dependencies in lib/vscode, again without scripts;
#   4. use Debian's ripgrep instead of the one @vscode/ripgrep would download;
#   5. rebuild VS Code's native modules (node-pty, spdlog, kerberos, ...) against the running Node;
#   6. make the links code-server's own postinstall.sh would have made. The built-in extensions'
#      shared dependencies (TypeScript for the TS language features) are not installed: no test
#      needs them.
#
# Needs: node 20 with its headers (node-gyp must not download them: /usr/include/node is used when
# npm has no nodedir), npm, a C++ toolchain, rg (apt ripgrep) and apt libkrb5-dev (kerberos module).
# Prints the path of the code-server entry point on success.
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E_DIR="${E2E_DIR:-$ROOT/.e2e}"
DEST="$E2E_DIR/code-server"
STAMP="$DEST/.installed-$VERSION"
ENTRY="$DEST/node_modules/code-server/out/node/entry.js"

log() { printf '[install-code-server] %s\n' "$*" >&2; }

export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# node-gyp would fetch Node's headers from nodejs.org; use the installed ones.
if [[ -z "${npm_config_nodedir:-}" && -z "$(npm config get nodedir 2>/dev/null | grep -v '^undefined$' || true)" ]]; then
  node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  [[ -f "$node_prefix/include/node/node.h" ]] && export npm_config_nodedir="$node_prefix"
fi

mkdir -p "$E2E_DIR"
# Keep the whole folder out of git without touching the repository's .gitignore.
[[ -f "$E2E_DIR/.gitignore" ]] || echo '*' > "$E2E_DIR/.gitignore"

if [[ -f "$STAMP" && -f "$ENTRY" ]]; then
  log "code-server $VERSION already installed"
  echo "$ENTRY"
  exit 0
fi

RG="$(command -v rg || true)"
if [[ -z "$RG" ]]; then
  log "ripgrep is missing: apt-get install ripgrep"
  exit 1
fi

started=$(date +%s)
mkdir -p "$DEST"
cd "$DEST"
rm -f .installed-*
# A private package.json keeps npm from walking up into the repository's.
[[ -f package.json ]] || echo '{"name":"plotwright-e2e-code-server","private":true}' > package.json

log "1/6 npm install --ignore-scripts code-server@$VERSION"
npm install --no-save --ignore-scripts --loglevel=error "code-server@$VERSION" >&2

log "2/6 npm rebuild argon2"
npm rebuild --foreground-scripts argon2 >&2

log "3/6 VS Code runtime dependencies (lib/vscode)"
(cd node_modules/code-server/lib/vscode && npm install --omit=dev --ignore-scripts --loglevel=error >&2)

log "4/6 Debian ripgrep -> @vscode/ripgrep/bin/rg"
for dir in node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep node_modules/@vscode/ripgrep; do
  if [[ -d "$dir" ]]; then
    mkdir -p "$dir/bin"
    ln -sf "$RG" "$dir/bin/rg"
  fi
done

log "5/6 npm rebuild (VS Code's native modules)"
(cd node_modules/code-server/lib/vscode && npm rebuild --foreground-scripts >&2)

log "6/6 links from code-server's postinstall.sh"
(
  cd node_modules/code-server/lib/vscode
  ln -sfn node_modules node_modules.asar
  ln -sf code-linux.sh bin/remote-cli/code-server
  ln -sf browser-linux.sh bin/helpers/browser.sh
)

# Smoke test: the binary starts and knows its version. code-server writes a config file and logs
# under XDG folders on every start; keep those out of the user's home.
smoke="$(mktemp -d)"
XDG_CONFIG_HOME="$smoke" XDG_DATA_HOME="$smoke" node "$ENTRY" --version >&2
rm -rf "$smoke"

touch "$STAMP"
log "installed in $(( $(date +%s) - started )) s"
echo "$ENTRY"
