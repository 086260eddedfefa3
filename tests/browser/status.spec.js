// The "Istio status" tab: the status Istio will write on each Gateway API
// object of the page's files, computed in the worker (wasm `status`, in the
// engines module).
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { EXAMPLE, waitAnalyzed } from "./helpers.js";

const GATEWAY_API = readFileSync(new URL("../../examples/gateway-api-incident.yaml", import.meta.url), "utf8");

test("the status tab lists the predicted conditions per object and listener", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  await page.getByRole("tab", { name: "Istio status" }).click();
  const summary = page.getByTestId("status-summary");
  await expect(summary).not.toBeEmpty();
  // The page's engines module is always built with the `status` feature.
  await expect(summary).not.toContainText("without the `status` feature");
  // The Istio incident has no Gateway API object.
  await expect(summary).toContainText("No Gateway API object");
  await expect(page.getByTestId("status-list").locator(".status-card")).toHaveCount(0);

  await page.getByTestId("example-menu").selectOption("gateway-api");
  await waitAnalyzed(page, GATEWAY_API.length);
  await expect(summary).toContainText("Gateway API objects Istio handles");
  const card = (kind, name) => page.locator(`.status-card[data-kind="${kind}"][data-name="${name}"]`);
  await expect(card("Gateway", "istio-system/public")).toHaveCount(1);
  // The ListenerSet's TCP listener on the Gateway's HTTP port: Conflicted, as Istio writes it.
  const set = card("ListenerSet", "payments/payments");
  await expect(set.locator('tr[data-type="Conflicted"][data-status="True"]')).toHaveCount(1);
  await expect(set.locator('tr[data-type="Conflicted"][data-status="True"] td').nth(2)).toHaveText("ProtocolConflict");
  // The route from a namespace the listener does not admit: not accepted.
  const route = card("HTTPRoute", "shop/shop");
  await expect(route.locator('tr[data-type="Accepted"][data-status="False"] td').nth(2)).toHaveText("NotAllowedByListeners");
  // The listener that istiod drops (MM510) still says Programmed.
  const gateway = card("Gateway", "istio-system/public");
  const shop = gateway.locator(".status-entry").filter({ hasText: /^shop/ });
  await expect(shop.locator('tr[data-type="Programmed"]')).toHaveAttribute("data-status", "True");
  // A line link selects the object in the editor.
  await gateway.locator(".status-object button").click();
  const selected = await page.locator("#editor-input").evaluate((t) => t.value.slice(t.selectionStart, t.selectionEnd));
  expect(selected).toContain("apiVersion: gateway.networking.k8s.io/v1");
});
