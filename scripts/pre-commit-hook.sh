#!/usr/bin/env bash
# pre-commit entry point (.pre-commit-hooks.yaml): builds meshmend from the
# hook's checkout once (cargo reuses the build afterwards; CARGO_TARGET_DIR
# is honoured) and runs `meshmend analyze` on the arguments, in the
# repository being committed to. A `meshmend` on PATH is used when
# MESHMEND_USE_PATH=1.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${MESHMEND_USE_PATH:-}" = 1 ]; then
  exec meshmend analyze "$@"
fi
cargo build --quiet --release --locked --manifest-path "$here/Cargo.toml" -p meshmend_cli >&2
target="${CARGO_TARGET_DIR:-$here/target}"
exec "$target/release/meshmend" analyze "$@"
