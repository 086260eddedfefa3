// The "Paste an error" box: log lines are explained, linked to the finding
// on the preloaded example, unknown lines said to be unknown, and a secret
// in the paste is never shown.
import { expect, test } from "@playwright/test";
import { EXAMPLE, waitAnalyzed } from "./helpers.js";

const LOG = [
  "2024-01-15T03:41:02.118204Z\twarn\tmodel\tskipping server on gateway istio-system/staging-gateway, duplicate host names: [prod.example.com]",
  'The Service "legacy-https" is invalid: spec.ports[0].nodePort: Invalid value: 31390: provided port is already allocated',
  "curl: (35) https://admin:Sup3rS3cret-Pg@prod.example.com/ TLS handshake failed",
].join("\n");

test("a pasted log is explained line by line and linked to the example's findings", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length); // the example is preloaded
  await page.getByTestId("explain-panel").locator("summary").click();
  await page.getByTestId("explain-input").fill(LOG);
  await page.getByTestId("explain-run").click();
  const items = page.getByTestId("explain-output").locator(":scope > li");
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toHaveAttribute("data-pattern", "duplicate-host");
  await expect(items.nth(0)).toContainText("Covered by MM102");
  await expect(items.nth(0).locator(".explain-finding")).toHaveCount(1);
  await expect(items.nth(0).locator(".explain-finding")).toContainText("seed-conflict.yaml:40:11 MM102");
  await expect(items.nth(1)).toHaveAttribute("data-pattern", "nodeport-allocated");
  await expect(items.nth(1).locator(".explain-finding")).toContainText("MM201");
  await expect(items.nth(2)).toContainText("not recognised");
  await expect(page.getByTestId("explain-output")).not.toContainText("Sup3rS3cret-Pg");
  await expect(items.nth(2)).toContainText("__REDACTED_");
});
