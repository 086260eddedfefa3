// Opened files arrive exactly as they are on disk, or not at all: a file that
// is not UTF-8 is refused with the line and column of its first bad byte
// (decoding it would silently replace bytes), and a byte order mark is kept.
import { expect, test } from "@playwright/test";
import { EXAMPLE, waitAnalyzed } from "./helpers.js";

const GATEWAY = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: shop
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["shop.example.com"]
`;

test("a file that is not UTF-8 is refused with the line and column of the bad byte; the others open", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  // Latin-1 "é" (0xE9) on the third line, column 12: invalid as UTF-8.
  const latin1 = Buffer.concat([
    Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata: {"),
    Buffer.from([0xe9]),
    Buffer.from("}\n"),
  ]);
  await page.getByTestId("file-input").setInputFiles([
    { name: "latin1.yaml", mimeType: "application/yaml", buffer: latin1 },
    { name: "gateway.yaml", mimeType: "application/yaml", buffer: Buffer.from(GATEWAY) },
  ]);
  await expect(page.getByTestId("input-error")).toBeVisible();
  await expect(page.getByTestId("input-error")).toContainText("latin1.yaml: not UTF-8 text (invalid byte at line 3, column 12)");
  await waitAnalyzed(page, GATEWAY.length);
  await expect(page.locator(".file-tab")).toHaveText(["gateway.yaml"]);
  expect(await page.getByTestId("input").inputValue()).toBe(GATEWAY);

  // Opening only good files again clears the message.
  await page.getByTestId("file-input").setInputFiles([
    { name: "again.yaml", mimeType: "application/yaml", buffer: Buffer.from(GATEWAY) },
  ]);
  await expect(page.getByTestId("input-error")).toBeHidden();
});

test("a UTF-8 byte order mark is kept, and the file is analyzed", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const withBom = `\uFEFF${EXAMPLE}`;
  await page.getByTestId("file-input").setInputFiles([
    { name: "bom.yaml", mimeType: "application/yaml", buffer: Buffer.from(withBom, "utf8") },
  ]);
  await waitAnalyzed(page, withBom.length);
  expect(await page.getByTestId("input").inputValue()).toBe(withBom);
  await expect(page.getByTestId("input-error")).toBeHidden();
  await expect(page.locator('[data-testid="finding"][data-name="duplicate-tls-host"]')).toHaveCount(1);
});

test("text with a lone UTF-16 surrogate is refused with its position, not altered", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  // Set in the page: text sent over the DevTools protocol cannot carry a lone surrogate.
  await page.getByTestId("input").evaluate((textarea) => {
    textarea.value = "kind: ConfigMap\ndata:\n  a: x\uD800y\n";
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await expect(page.locator("#findings-summary")).toContainText(
    "seed-conflict.yaml:3:7: a lone UTF-16 surrogate (U+D800) cannot be analyzed without altering the text",
  );
  expect(await page.getByTestId("input").evaluate((t) => t.value.includes("x\uD800y"))).toBe(true);
});

test("after a trap in the wasm the page starts a fresh worker, says so, and analyzes again", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const [first] = page.workers();
  // A real trap needs a bug to trigger it, so the worker's trap report is sent
  // by hand: the message worker.js posts when an op throws WebAssembly.RuntimeError.
  const replaced = page.waitForEvent("worker");
  await first.evaluate(() => self.postMessage({ id: -1, ok: false, error: "RuntimeError: unreachable", trapped: true }));
  const second = await replaced;
  expect(second).not.toBe(first);
  await expect(page.getByTestId("input-error")).toContainText("The analyzer stopped on an internal error (RuntimeError: unreachable) and was restarted");
  // The fresh worker answers: a new analysis of new text, and redaction with a new vault.
  const text = `${EXAMPLE}\n# after the restart\n`;
  await page.getByTestId("input").fill(text);
  await waitAnalyzed(page, text.length);
  await expect(page.locator('[data-testid="finding"][data-name="duplicate-tls-host"]')).toHaveCount(1);
  await page.getByRole("tab", { name: "Redacted" }).click();
  await expect(page.getByTestId("redacted")).toContainText("# after the restart");
});
