#!/usr/bin/env bash
# Runs every test: formatting, lints, Rust unit/fixture/CLI tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# A full disk fails the build with "No space left on device" deep in a
# dependency; say up front how much room there is (a run needs about 5 GB).
avail_kb=$(df -Pk . | awk 'NR == 2 { print $4 }')
log "free disk space: $((avail_kb / 1024 / 1024)) GiB"
if [ "${avail_kb:-0}" -lt $((5 * 1024 * 1024)) ]; then
  echo "warning: less than 5 GiB free; the build may fail with os error 28" >&2
fi

log "cargo fmt --check"
cargo fmt --all --check
log "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
log "cargo clippy -p meshmend_core --no-default-features (the core without istio-compat and gateway-api)"
cargo clippy -p meshmend_core --no-default-features --all-targets -- -D warnings
log "cargo test"
CI=true cargo test --workspace
log "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace
log "CI integrations: github/gitlab/junit formats, action.yml, pre-commit hook"
bash tests/ci/run.sh

# --- browser product
log "cargo clippy -p meshmend_wasm --target wasm32-unknown-unknown -- -D warnings"
cargo clippy -p meshmend_wasm --all-targets --target wasm32-unknown-unknown -- -D warnings
# The page's two modules are other feature sets of the crate (scripts/build-web.sh).
for features in analysis analysis,engines,explain-log,status; do
  log "cargo clippy -p meshmend_wasm --target wasm32-unknown-unknown --no-default-features --features $features"
  cargo clippy -p meshmend_wasm --target wasm32-unknown-unknown --no-default-features --features "$features" -- -D warnings
done
# The wasm API under Node (wasm-bindgen-test). No -q: the runner rejects --quiet.
log "wasm tests (wasm-bindgen-test, Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown -p meshmend_wasm --test web
log "build the page (wasm, web/pkg, dist/meshmend.html)"
bash scripts/build-web.sh
log "browser tests (Playwright + Debian chromium)"
npx playwright test
