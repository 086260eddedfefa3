#!/usr/bin/env python3
"""Serves web/ on http://127.0.0.1:$PORT (default 8080) and prints the URL.

A plain static server: the page has no backend. It only makes sure `.wasm`
is served as `application/wasm` (needed for streaming compilation) and
`.js` as JavaScript, and binds to loopback so nothing outside this machine
can reach it.
"""

import functools
import http.server
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "web"


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".svg": "image/svg+xml",
        ".css": "text/css",
    }

    def end_headers(self):
        # Always revalidate: a rebuilt wasm must not be mixed with stale JS glue.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format, *args):
        if os.environ.get("MESHMEND_SERVE_QUIET") != "1":
            super().log_message(format, *args)


def main():
    port = int(os.environ.get("PORT", "8080"))
    if not (ROOT / "pkg" / "meshmend_analysis_bg.wasm").exists():
        sys.exit("web/pkg is missing: run `bash scripts/build-web.sh` first")
    handler = functools.partial(Handler, directory=str(ROOT))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"meshmend is being served on http://127.0.0.1:{port}/ (Ctrl+C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
