#!/usr/bin/env bash
# The CI-integration tests (issue 13): report formats against their
# ecosystems, the composite Action under an offline runner, the pre-commit
# hook under pre-commit. scripts/setup.sh installs what they need
# (.venv-ci, node_modules). Run from anywhere; scripts/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --quiet -p meshmend_cli
bin="$target/debug/meshmend"
python=.venv-ci/bin/python
"$python" tests/ci/check_formats.py "$bin"
"$python" tests/ci/check_action.py "$bin"
bash tests/ci/check_pre_commit.sh "$PWD/.venv-ci/bin/pre-commit"
