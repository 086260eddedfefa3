#!/usr/bin/env bash
# Serves web/ on http://127.0.0.1:8080 (PORT overrides). Build first: scripts/build-web.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/serve.py
