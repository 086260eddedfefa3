// The example menu: a fresh page still preloads the Istio Gateway incident
// (examples/seed-conflict.yaml), and the menu loads the Gateway API incident
// (examples/gateway-api-incident.yaml, text in web/examples.js) in its place.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { EXAMPLE, waitAnalyzed } from "./helpers.js";

const GATEWAY_API = readFileSync(new URL("../../examples/gateway-api-incident.yaml", import.meta.url), "utf8");

test("the menu switches between the Istio and the Gateway API incident", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const menu = page.getByTestId("example-menu");
  await expect(menu).toHaveValue("istio");
  await expect(page.locator("#editor-input")).toHaveValue(EXAMPLE);

  await menu.selectOption("gateway-api");
  await waitAnalyzed(page, GATEWAY_API.length);
  await expect(page.locator("#editor-input")).toHaveValue(GATEWAY_API);
  await expect(page.locator(".file-tab").first()).toContainText("gateway-api-incident.yaml");
  // The worker analyzes Gateway API input with the engines module, which has
  // the Gateway API rules: the page reports what the CLI reports.
  for (const code of ["MM510", "MM501", "MM503"]) {
    await expect(page.locator(`[data-testid="finding"][data-code="${code}"]`)).toHaveCount(1);
  }
  await expect(page.locator('[data-testid="finding"][data-code="MM102"]')).toHaveCount(0);

  // "Load example" loads what the menu names; back to the Istio incident.
  await menu.selectOption("istio");
  await waitAnalyzed(page, EXAMPLE.length);
  await expect(page.locator("#editor-input")).toHaveValue(EXAMPLE);
  await expect(page.locator('[data-testid="finding"][data-code="MM102"]')).toHaveCount(1);
  await page.locator("#editor-input").fill("");
  await menu.selectOption("gateway-api");
  await page.locator("#load-example").click();
  await waitAnalyzed(page, GATEWAY_API.length);
  await expect(page.locator("#editor-input")).toHaveValue(GATEWAY_API);
});
