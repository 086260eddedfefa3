#!/usr/bin/env bash
# Runs the hook in .pre-commit-hooks.yaml the way a user's pre-commit does:
# `pre-commit try-repo` clones this repository (with uncommitted changes),
# installs the hook and runs it in a scratch git repository. The hook builds
# meshmend in release mode (CARGO_TARGET_DIR, default ./target, is reused).
# Usage: bash tests/ci/check_pre_commit.sh PRE_COMMIT_BINARY
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pre_commit="$1"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$root/$CARGO_TARGET_DIR" ;; esac
# The hook builds in release mode; LTO off keeps the test build quick.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export PRE_COMMIT_HOME="$CARGO_TARGET_DIR/pre-commit-home"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=0
fail() { echo "FAIL $*" >&2; failed=$((failed + 1)); }

git -C "$scratch" init -q
git -C "$scratch" config user.email test@example.com
git -C "$scratch" config user.name test
mkdir -p "$scratch/deploy"
cp "$root/crates/meshmend_cli/tests/fixtures/clean/shop-gateway.yaml" "$scratch/deploy/gateway.yaml"
echo "notes" > "$scratch/README.md"
git -C "$scratch" add -A

# Clean manifests: the hook passes.
if ! (cd "$scratch" && "$pre_commit" try-repo "$root" meshmend --all-files) > "$scratch.out" 2>&1; then
  fail "clean manifests: the hook failed"; cat "$scratch.out" >&2
fi
grep -q "meshmend (Istio ingress conflicts).*Passed" "$scratch.out" || { fail "clean: no Passed line"; cat "$scratch.out" >&2; }

# A conflicting manifest: the hook fails and prints meshmend's finding.
cp "$root/examples/seed-conflict.yaml" "$scratch/deploy/ingress.yaml"
git -C "$scratch" add -A
if (cd "$scratch" && "$pre_commit" try-repo "$root" meshmend --all-files) > "$scratch.out" 2>&1; then
  fail "conflict: the hook passed"
fi
grep -q "meshmend (Istio ingress conflicts).*Failed" "$scratch.out" || fail "conflict: no Failed line"
grep -q "error\[MM102\]\|MM102" "$scratch.out" || fail "conflict: MM102 not reported"
grep -q "deploy/ingress.yaml" "$scratch.out" || fail "conflict: the file is not named"
[ "$failed" = 0 ] || cat "$scratch.out" >&2

# Only non-manifest files changed: the hook is skipped (files: filter).
if ! (cd "$scratch" && "$pre_commit" try-repo "$root" meshmend --files README.md) > "$scratch.out" 2>&1; then
  fail "README only: the hook ran"; cat "$scratch.out" >&2
fi
grep -q "Skipped" "$scratch.out" || fail "README only: not skipped"
rm -f "$scratch.out"
echo "pre-commit hook: $failed failed"
[ "$failed" = 0 ]
