#!/usr/bin/env bash
# Runs every test: formatting, lints, Rust unit/fixture/CLI tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

log "cargo fmt --check"
cargo fmt --all --check
log "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
log "cargo test"
CI=true cargo test --workspace
