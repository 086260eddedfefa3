#!/usr/bin/env bash
# meshmend side by side with what a user would script instead, on the same
# inputs: a Python loop over PyYAML's C loader and the same in Node with the
# `yaml` and `js-yaml` packages, each listing the Gateways that claim the same
# port on the same selector; and detect-secrets for redaction. Prints one
# Markdown table: median wall time of K runs, the ratio to meshmend, and
# whether each tool's answer agrees with meshmend's. NOT a test and not in CI
# (timings on a shared machine); see scripts/side_by_side/run.py for what is
# compared.
#
#   bash scripts/side-by-side.sh                 # generated 1 MB and 10 MB, corpus 10 MB, K=5
#   K=9 SIZES="1000000" bash scripts/side-by-side.sh
#   CORPUS=/path/to/repos bash scripts/side-by-side.sh   # default /work/corpus; skipped if absent
#   bash scripts/side-by-side.sh --smoke         # one run on a 30 KB input: does it work?
#   BUDGET=600 TIMEOUT=1800 bash scripts/side-by-side.sh   # give slow tools (detect-secrets) K runs
#
# Installs what it needs, idempotently: PyYAML and detect-secrets into
# .venv-bench (rebuilt when scripts/side_by_side/requirements.txt changes),
# the npm devDependencies (`npm ci`, like scripts/setup.sh), the release CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

K=${K:-5}
SIZES=${SIZES:-1000000 10000000}
CORPUS=${CORPUS:-/work/corpus}
REAL_MAX=${REAL_MAX:-10000000}
if [ "${1:-}" = "--smoke" ]; then
  K=1 SIZES=30000 CORPUS=
fi

REQS=scripts/side_by_side/requirements.txt
if [ ! -x .venv-bench/bin/python ] || ! cmp -s "$REQS" .venv-bench/requirements.txt; then
  log "python3 -m venv .venv-bench; pip install -r $REQS"
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install --quiet --disable-pip-version-check -r "$REQS"
  cp "$REQS" .venv-bench/requirements.txt
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi
log "building meshmend (release)"
cargo build --release -q -p meshmend_cli
MESHMEND=${CARGO_TARGET_DIR:-$ROOT/target}/release/meshmend

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
inputs=()
for size in $SIZES; do
  .venv-bench/bin/python scripts/side_by_side/gen.py "$WORK/generated-$size.yaml" "$size"
  inputs+=("generated $(numfmt --to=si --round=nearest "$size")B=$WORK/generated-$size.yaml")
done
if [ -n "$CORPUS" ] && [ -d "$CORPUS" ]; then
  log "concatenating the YAML of $CORPUS (at most $REAL_MAX bytes)"
  .venv-bench/bin/python scripts/side_by_side/real.py "$WORK/real.yaml" "$CORPUS" "$REAL_MAX"
  inputs+=("real-shaped $(numfmt --to=si --round=nearest "$(stat -c %s "$WORK/real.yaml")")B=$WORK/real.yaml")
fi
log "timing $K runs each ($(nproc) CPUs; $(.venv-bench/bin/python -c 'import yaml; print("PyYAML", yaml.__version__)'), node $(node --version), $("$MESHMEND" --version))"
.venv-bench/bin/python scripts/side_by_side/run.py "$MESHMEND" "$K" "${inputs[@]}"
