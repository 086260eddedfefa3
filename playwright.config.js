// Browser tests: Debian's Chromium driven by Playwright (browser downloads do
// not work here; scripts/setup.sh installs /usr/bin/chromium with apt).
import { createServer } from "node:net";
import { defineConfig } from "@playwright/test";

/** A port the OS says is free now, so parallel test runs on one machine do not clash. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Set once in the runner; its worker processes inherit it and load this file again.
process.env.MESHMEND_TEST_PORT ??= String(await freePort());
const port = Number(process.env.MESHMEND_TEST_PORT);

export default defineConfig({
  testDir: "tests/browser",
  outputDir: "test-results/artifacts",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  // One retry: CI runs on a noisy 2-core machine, and a marker row redrawn mid-hover once failed a
  // whole landing. Playwright still lists a test that passed only on retry as "flaky".
  retries: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: "python3 scripts/serve.py",
    env: { PORT: String(port), MESHMEND_SERVE_QUIET: "1" },
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
