#!/usr/bin/env bash
# The main job: builds meshmend and analyzes the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -p meshmend_cli
status=0
./target/release/meshmend analyze examples/seed-conflict.yaml || status=$?
echo "(exit code $status: 1 means conflicts were found, as expected for this example)"
