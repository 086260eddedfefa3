// Page performance benchmark (not a CI test): loads the built page in
// headless Chromium and prints a table of
//   - time from navigation to the first findings of the preloaded example
//     (cold cache: a fresh context per load; median of 5),
//   - analyze / redact / fix latency in the worker for a 300-line paste and a 1 MB paste
//     (median of 7 runs after a warm-up; "in worker" is the wasm call alone,
//     "round trip" adds postMessage both ways),
//   - time from opening the Fix tab (right after the first findings) to the
//     example's redaction and fix on screen: the engines module is fetched
//     then, on first need (web/main.js wantEngines), and whether any page
//     fetched it before that click (it must not),
//   - the size of each wasm module, raw and gzip -9.
//
// Usage: bash scripts/build-web.sh && node scripts/perf.mjs   (PORT overrides 8790)

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8790);
const example = readFileSync(join(root, "examples", "seed-conflict.yaml"), "utf8");

function manifest(minLines, minBytes = 0) {
  const parts = [example];
  let lines = example.split("\n").length;
  let bytes = example.length;
  for (let i = 0; lines < minLines || bytes < minBytes; i++) {
    const doc = `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: team-${i % 20}\nspec:\n  selector:\n    app: svc-${i}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n`;
    parts.push(doc);
    lines += 13;
    bytes += doc.length;
  }
  return parts.join("");
}

const server = spawn("python3", [join(root, "scripts", "serve.py")], {
  env: { ...process.env, PORT: String(port), MESHMEND_SERVE_QUIET: "1" },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise((ok) => server.stdout.once("data", ok));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  // Navigation on a cold cache: a fresh browser context each time, median of 5.
  const loads = [];
  let enginesBeforeClick = 0;
  let page;
  for (let i = 0; i < 5; i++) {
    await page?.context().close();
    page = await (await browser.newContext()).newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!window.__firstFindings && document.querySelector('[data-testid="finding"]')) window.__firstFindings = performance.now();
        // main.js sets data-engines once the redaction and fix of the input are on screen.
        if (document.documentElement.dataset.engines) {
          window.__allResults = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true, attributes: true });
    });
    const engines = [];
    page.context().on("request", (r) => r.url().endsWith("meshmend_engines_bg.wasm") && engines.push(r.url()));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.documentElement.dataset.analyzed);
    await page.waitForLoadState("networkidle");
    enginesBeforeClick += engines.length;
    const click = await page.evaluate(() => {
      document.getElementById("tab-fix").click();
      return performance.now();
    });
    await page.waitForFunction(() => window.__allResults);
    loads.push(await page.evaluate(() => [window.__firstFindings, window.__allResults]).then(([first, all]) => [first, all - click]));
  }
  const middle = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const spread = (xs) => `median of ${xs.length} cold loads (${xs.map((x) => x.toFixed(0)).join(", ")})`;
  const firstFindings = loads.map(([first]) => first);
  const allResults = loads.map(([, all]) => all);

  const rows = [
    ["navigation → first findings (example)", `${middle(firstFindings).toFixed(0)} ms`, spread(firstFindings)],
    ["Fix tab opened → redaction and fix shown (example)", `${middle(allResults).toFixed(0)} ms`, `${spread(allResults)}; engines module fetched before the click in ${enginesBeforeClick} of ${loads.length}`],
  ];
  for (const [label, text] of [
    ["300 lines", manifest(300)],
    ["1 MB", manifest(0, 1024 * 1024)],
  ]) {
    const results = await page.evaluate(async (text) => {
      const { call } = await import("/core.js");
      const files = [{ name: "input.yaml", text }];
      const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const out = {};
      for (const [op, args] of [
        ["analyze", [files]],
        ["redact", [files]],
        ["fix", [files, { strategy: "consolidate" }]],
      ]) {
        await call(op, ...args); // warm-up
        const inner = [];
        const trip = [];
        for (let i = 0; i < 7; i++) {
          const start = performance.now();
          const { ms } = await call(op, ...args);
          trip.push(performance.now() - start);
          inner.push(ms);
        }
        out[op] = [median(inner), median(trip)];
      }
      return out;
    }, text);
    for (const [op, [inner, trip]] of Object.entries(results)) {
      rows.push([`${op}, ${label} (${text.split("\n").length} lines, ${(text.length / 1024).toFixed(0)} KB)`, `${inner.toFixed(1)} ms in worker`, `${trip.toFixed(1)} ms round trip`]);
    }
  }
  // Each module web/pkg holds (analysis: initial; engines: on first use).
  for (const file of readdirSync(join(root, "web", "pkg")).filter((f) => f.endsWith("_bg.wasm")).sort()) {
    const wasm = readFileSync(join(root, "web", "pkg", file));
    rows.push([`wasm ${file}`, `${wasm.length} B raw`, `${gzipSync(wasm, { level: 9 }).length} B gzip -9`]);
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${"measurement".padEnd(width)} | value | detail`);
  console.log(`${"-".repeat(width)}-|-------|-------`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(width)} | ${b} | ${c}`);
} finally {
  await browser.close();
  server.kill();
}
