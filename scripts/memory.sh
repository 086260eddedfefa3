#!/usr/bin/env bash
# Peak memory (RSS) of the release CLI per input shape, against the input
# size: `bash scripts/memory.sh [--quick]`. Not a test: it prints a table.
# Goals (issue 15): analyze ≤ 6× the input, fix ≤ 10×.
#
# The shapes are the benches' generators (crates/meshmend_core/benches/
# support/shapes.rs), printed by `examples/shapes.rs`; nothing is stored in
# the repository. Needs GNU time (`/usr/bin/time -v`; scripts/setup.sh
# installs it). Uses $CARGO_TARGET_DIR when set.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! /usr/bin/time -v true >/dev/null 2>&1; then
  echo "GNU time is missing: run scripts/setup.sh (or apt-get install time)" >&2
  exit 2
fi
quick=false
[ "${1:-}" = "--quick" ] && quick=true

# Two builds: `--example` alone would select only the example's target.
cargo build --release -q -p meshmend_cli
cargo build --release -q -p meshmend_core --example shapes
target="${CARGO_TARGET_DIR:-target}/release"
cli="$target/meshmend"
shapes="$target/examples/shapes"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if $quick; then
  list="cluster:10000 pathological:500 one-group:1000 tiny:100000 helm:10000000"
else
  # cluster:160000 is about 60 MiB, tiny:1000000 a million tiny documents.
  list="cluster:1000 cluster:10000 cluster:100000 cluster:160000 pathological:500 one-group:1000 one-group:10000 tiny:1000000 helm:10000000 helm:60000000"
fi

# Peak RSS of `command` on `file`, in KiB; CPU seconds in $work/cpu.txt.
measure() {
  local command="$1" file="$2"
  local args=("$command" "$file")
  [ "$command" = analyze ] && args+=(--failure-threshold none --format json)
  /usr/bin/time -v -o "$work/time.txt" "$cli" "${args[@]}" >/dev/null 2>&1 || true
  # CPU seconds (user + system): the machine may be shared.
  awk -F': ' '/User time|System time/ {t += $2} END {printf "%.2f", t}' "$work/time.txt" >"$work/cpu.txt"
  awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt"
}

# The process itself (binary, allocator, stdio) on a one-object input: about
# 5 MB, which is 8-12x of the sub-megabyte shapes on its own. `net` is the
# ratio without it: what the input costs.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' >"$work/one.yaml"
declare -A base
for command in analyze fix; do
  base[$command]=$(measure "$command" "$work/one.yaml")
done
echo "process baseline (one object): analyze ${base[analyze]} KiB, fix ${base[fix]} KiB"

printf '%-22s %-8s %12s %12s %8s %8s %9s\n' shape command input_bytes peak_rss ratio net cpu_s
for entry in $list; do
  shape="${entry%%:*}"
  n="${entry##*:}"
  file="$work/$shape-$n.yaml"
  "$shapes" "$shape" "$n" >"$file"
  bytes=$(stat -c %s "$file")
  for command in analyze fix; do
    kb=$(measure "$command" "$file")
    awk -v s="$shape:$n" -v c="$command" -v b="$bytes" -v k="$kb" -v z="${base[$command]}" \
      -v w="$(cat "$work/cpu.txt")" \
      'BEGIN { printf "%-22s %-8s %12d %12d %7.1fx %7.1fx %9s\n", s, c, b, k * 1024, k * 1024 / b, (k - z) * 1024 / b, w }'
  done
  rm -f "$file"
done
