#!/usr/bin/env bash
# Builds the browser product: the wasm module (web/pkg/) and the offline
# single file (dist/meshmend.html). Assumes scripts/setup.sh has run.
#
#   cargo (profile `wasm`: opt z, lto, panic abort) → wasm-bindgen --target web
#   → wasm-opt -Oz (npm binaryen; Debian's 108 breaks externref) → web/pkg/
#   → node scripts/bundle-single.mjs → dist/meshmend.html
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

target=wasm32-unknown-unknown
crate=meshmend_wasm
out=web/pkg

log "cargo build -p $crate --profile wasm --target $target"
cargo build -p "$crate" --profile wasm --target "$target" ${MESHMEND_WASM_FEATURES:+--features "$MESHMEND_WASM_FEATURES"}

log "wasm-bindgen --target web --out-dir $out"
rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" "${CARGO_TARGET_DIR:-target}/$target/wasm/$crate.wasm"

# wasm-opt: npm `binaryen` (pinned in package.json) first. A system wasm-opt
# is used only when it is version 116 or newer: Debian bookworm's binaryen 108
# remaps the `__wbindgen_externrefs` export onto the funcref table, and the
# page then dies with "WebAssembly.Table.set(): Argument 1 is invalid"
# (measured with wasm-bindgen 0.2.130).
wasm_opt=
if [ -x node_modules/.bin/wasm-opt ]; then
  wasm_opt=node_modules/.bin/wasm-opt
elif command -v wasm-opt >/dev/null; then
  version=$(wasm-opt --version | grep -oE '[0-9]+' | head -1)
  if [ "${version:-0}" -ge 116 ]; then wasm_opt=$(command -v wasm-opt); fi
fi
if [ -n "$wasm_opt" ]; then
  log "wasm-opt -Oz ($wasm_opt)"
  # --converge: repeat until no pass shrinks it further (-1.5 KB gz for ~6 s).
  # --zero-filled-memory: the module defines its memory, so it starts zeroed
  # and zero bytes of data segments need not be written; --low-memory-unused:
  # Rust puts the stack first (1 MB growing down from 1 MB) and its data
  # above it, so addresses below 1024 are reached only by a stack about to
  # overflow, and constant offsets fold into loads and stores. Together -2.0 KB gz.
  # --strip-producers --strip-target-features (run last, after the passes
  # have read the features): two custom sections no browser reads, -0.2 KB gz.
  "$wasm_opt" -Oz --converge --zero-filled-memory --low-memory-unused --strip-producers --strip-target-features \
    "$out/${crate}_bg.wasm" -o "$out/${crate}_bg.wasm"
else
  echo "warning: no usable wasm-opt (run scripts/setup.sh, which runs npm ci); shipping the unoptimised module" >&2
fi

raw=$(stat -c %s "$out/${crate}_bg.wasm")
gz=$(gzip -9 -c "$out/${crate}_bg.wasm" | wc -c)
log "wasm: $raw bytes raw, $gz bytes gzip -9"

if [ -x node_modules/.bin/esbuild ]; then
  log "dist/meshmend.html (offline single file)"
  node scripts/bundle-single.mjs
else
  echo "warning: node_modules missing (npm ci); skipping dist/meshmend.html" >&2
fi
