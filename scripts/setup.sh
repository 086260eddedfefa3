#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: everything the build and tests need.
# Safe to run repeatedly; each step checks before installing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust with rustup first" >&2
  exit 2
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    log "rustup component add $component"
    rustup component add "$component"
  fi
done

# --- browser product: wasm target, wasm-bindgen CLI, Node tooling, Chromium
apt_install() {
  # Root on this machine; refresh the package lists only when an install fails.
  apt-get install -y "$@" || { apt-get update && apt-get install -y "$@"; }
}
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
# The CLI must be exactly the wasm-bindgen crate's version (Cargo.toml pins =0.2.130).
# No --locked: its lockfile pins a webpki-roots this registry does not serve.
if ! wasm-bindgen --version 2>/dev/null | grep -q '^wasm-bindgen 0\.2\.130$'; then
  log "cargo install wasm-bindgen-cli --version 0.2.130 (about 2 minutes, once)"
  cargo install wasm-bindgen-cli --version 0.2.130
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "apt-get install nodejs npm"
  apt_install nodejs npm
fi
# npm ci when node_modules is missing or older than the lockfile. It brings
# @playwright/test, esbuild and binaryen (wasm-opt); no browser download.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi
# GNU time: scripts/memory.sh reads peak RSS from `/usr/bin/time -v`.
if ! dpkg -s time >/dev/null 2>&1; then
  log "apt-get install time (scripts/memory.sh)"
  apt_install time
fi
if [ ! -x /usr/bin/chromium ]; then
  log "apt-get install chromium (browser tests)"
  apt_install chromium
fi

# --- CI integrations (issue 13): jsonschema, junitparser, pre-commit, PyYAML
# for tests/ci, in a virtualenv; rebuilt when tests/ci/requirements.txt changes.
if [ ! -x .venv-ci/bin/python ] || ! cmp -s tests/ci/requirements.txt .venv-ci/requirements.txt; then
  log "python3 -m venv .venv-ci; pip install -r tests/ci/requirements.txt"
  python3 -m venv .venv-ci || { apt_install python3-venv && python3 -m venv .venv-ci; }
  .venv-ci/bin/pip install --quiet --disable-pip-version-check -r tests/ci/requirements.txt
  cp tests/ci/requirements.txt .venv-ci/requirements.txt
fi
