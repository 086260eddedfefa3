#!/usr/bin/env bash
# Builds the browser product: the page's two wasm modules (web/pkg/) and the
# offline single file (dist/meshmend.html). Assumes scripts/setup.sh has run.
#
#   for each module, one cargo feature set of crates/meshmend_wasm:
#     analysis  (features `analysis`): load, analyze, the example; what the
#               first findings need, downloaded with the page (rule summaries
#               only: the core's `rule-docs` feature is off in it)
#     engines   (features `analysis,engines,explain-log,status`): redaction
#               and its vault, fix, incident report, explain-log, the LLM
#               guard, and the Gateway API (MM5xx rules, status); fetched by
#               the worker on the first call that needs it (web/engines.js),
#               which includes analyzing input that names a Gateway API group
#   cargo (profile `wasm`: opt z, lto, panic abort) → wasm-bindgen --target web
#   → wasm-opt -Oz (npm binaryen; Debian's 108 breaks externref)
#   → web/pkg/meshmend_<module>{.js,_bg.wasm}
#   → node scripts/bundle-single.mjs → dist/meshmend.html (both inlined)
# MESHMEND_WASM_FEATURES adds features to both (e.g. panic-hook).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

target=wasm32-unknown-unknown
crate=meshmend_wasm
out=web/pkg

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
if [ -z "$wasm_opt" ]; then
  echo "warning: no usable wasm-opt (run scripts/setup.sh, which runs npm ci); shipping unoptimised modules" >&2
fi

rm -rf "$out"
# build_module NAME FEATURES: web/pkg/meshmend_NAME.js and meshmend_NAME_bg.wasm.
build_module() {
  local name=$1 features=$2${MESHMEND_WASM_FEATURES:+,$MESHMEND_WASM_FEATURES}
  log "cargo build -p $crate --profile wasm --target $target --no-default-features --features $features"
  cargo build -p "$crate" --profile wasm --target "$target" --no-default-features --features "$features"
  log "wasm-bindgen --target web --out-dir $out --out-name meshmend_$name"
  wasm-bindgen --target web --out-dir "$out" --out-name "meshmend_$name" \
    "${CARGO_TARGET_DIR:-target}/$target/wasm/$crate.wasm"
  if [ -n "$wasm_opt" ]; then
    log "wasm-opt -Oz meshmend_${name}_bg.wasm ($wasm_opt)"
    # --converge: repeat until no pass shrinks it further (-1.5 KB gz for ~6 s).
    # --zero-filled-memory: the module defines its memory, so it starts zeroed
    # and zero bytes of data segments need not be written; --low-memory-unused:
    # Rust puts the stack first (1 MB growing down from 1 MB) and its data
    # above it, so addresses below 1024 are reached only by a stack about to
    # overflow, and constant offsets fold into loads and stores. Together -2.0 KB gz.
    # --strip-producers --strip-target-features (run last, after the passes
    # have read the features): two custom sections no browser reads, -0.2 KB gz.
    "$wasm_opt" -Oz --converge --zero-filled-memory --low-memory-unused --strip-producers --strip-target-features \
      "$out/meshmend_${name}_bg.wasm" -o "$out/meshmend_${name}_bg.wasm"
  fi
}
build_module analysis analysis
build_module engines analysis,engines,explain-log,status

# The sizes the gate (tests/browser/size.spec.js) checks: gzip -9 of each.
sizes() {
  local name=$1 raw gz
  raw=$(stat -c %s "$out/meshmend_${name}_bg.wasm")
  gz=$(gzip -9 -c "$out/meshmend_${name}_bg.wasm" | wc -c)
  printf '%s %s\n' "$raw" "$gz"
}
read -r a_raw a_gz < <(sizes analysis)
read -r e_raw e_gz < <(sizes engines)
log "wasm analysis (initial): $a_raw bytes raw, $a_gz bytes gzip -9"
log "wasm engines (lazy):     $e_raw bytes raw, $e_gz bytes gzip -9"
log "wasm total:              $((a_raw + e_raw)) bytes raw, $((a_gz + e_gz)) bytes gzip -9"

if [ -x node_modules/.bin/esbuild ]; then
  log "dist/meshmend.html (offline single file)"
  node scripts/bundle-single.mjs
else
  echo "warning: node_modules missing (npm ci); skipping dist/meshmend.html" >&2
fi
