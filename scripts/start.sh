#!/usr/bin/env bash
# The main job: sets up, builds everything (CLI, wasm, page, offline single
# file), shows the CLI on the bundled example, then serves the page on
# http://127.0.0.1:8080 (PORT overrides) until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -p meshmend_cli
status=0
./target/release/meshmend analyze examples/seed-conflict.yaml || status=$?
echo "(exit code $status: 1 means conflicts were found, as expected for this example)"
bash scripts/build-web.sh
echo "Offline single file: $PWD/dist/meshmend.html (open it from disk; no server needed)"
exec python3 scripts/serve.py
