// The page's analysis and fix options: the Istio release picker changes what
// the simulation finds (as `--istio-version` does), and "Fix warnings too"
// turns a warning that is left alone by default into a fix.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { EXAMPLE, capabilities, waitAnalyzed } from "./helpers.js";

/** A plain-HTTP server on 443 after an HTTPS one: dropped only from 1.28.1 on. */
const PLAINTEXT_AFTER_TLS = readFileSync(
  new URL("../../crates/meshmend_core/tests/rules/MM101-protocol-conflict/invalid-plaintext-takes-tls-port.yaml", import.meta.url),
  "utf8",
);

/** Two Gateways serving `*` on port 80 of one ingress: a merged-http-host warning. */
const MERGED_HTTP = ["a", "b"]
  .map(
    (name, i) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default, creationTimestamp: '2024-01-0${i + 1}T00:00:00Z'}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http-${name}, protocol: HTTP}
    hosts: ['*']
`,
  )
  .join("---\n");

async function load(page, text) {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  await page.getByTestId("input").fill(text);
  await waitAnalyzed(page, text.length);
}

test("the Istio release picker changes the simulation", async ({ page }) => {
  await load(page, PLAINTEXT_AFTER_TLS);
  const picker = page.getByTestId("istio-version");
  await expect(picker.locator("option").first()).toHaveText(/\(newest\)$/);
  const conflict = page.locator('[data-testid="finding"][data-name="protocol-conflict"]');
  // Default: the newest release, which drops the newer HTTPS Gateway.
  await expect(conflict).toHaveCount(1);
  await picker.selectOption("1.28.0");
  await expect(conflict).toHaveCount(0);
  await picker.selectOption("1.28");
  await expect(conflict).toHaveCount(1);
});

test("warnings are left unless 'Fix warnings too' is ticked", async ({ page }) => {
  await load(page, MERGED_HTTP);
  test.skip(!(await capabilities(page)).has("fix"), "this build has no fix yet");
  await expect(page.locator('[data-testid="finding"][data-name="merged-http-host"]')).toHaveCount(1);
  await page.getByRole("tab", { name: "Fix" }).click();
  const verification = page.getByTestId("verification");
  await expect(verification).toContainText("1 warning(s) are left as they are");
  await expect(page.getByTestId("diff")).toHaveText("No changes needed.");
  await page.getByTestId("include-warnings").check();
  await expect(verification).toContainText(/Conflict-free/);
  await expect(page.getByTestId("diff")).toContainText("--- a/");
});

test("each toolbar label stays on the row of its picker at every width", async ({ page }) => {
  for (const width of [1366, 1024, 820, 390]) {
    await page.setViewportSize({ width, height: 860 });
    await page.goto("/");
    await waitAnalyzed(page, EXAMPLE.length);
    for (const id of ["istio-version", "example-menu"]) {
      const label = await page.locator(`label[for="${id}"]`).boundingBox();
      const select = await page.locator(`#${id}`).boundingBox();
      expect(label, `${id} label visible at ${width}px`).not.toBeNull();
      // Same row: the label's vertical centre lies within the select's box,
      // and the label sits just left of it.
      const middle = label.y + label.height / 2;
      expect(middle, `${id} label on its picker's row at ${width}px`).toBeGreaterThan(select.y);
      expect(middle, `${id} label on its picker's row at ${width}px`).toBeLessThan(select.y + select.height);
      expect(select.x - (label.x + label.width), `${id} label next to its picker at ${width}px`).toBeLessThan(20);
    }
  }
});

/** Cross-namespace references with no ReferenceGrant (MM504): a certificate and a backend. */
const CROSS_NAMESPACE = readFileSync(
  new URL("../../crates/meshmend_core/tests/fix/consolidate/gateway-api-reference-grants/all.yaml", import.meta.url),
  "utf8",
);

test("ReferenceGrants are added only when 'Add ReferenceGrants' is ticked", async ({ page }) => {
  await load(page, CROSS_NAMESPACE);
  test.skip(!(await capabilities(page)).has("fix"), "this build has no fix yet");
  await expect(page.locator('[data-testid="finding"][data-name="reference-not-permitted"]')).toHaveCount(2);
  await page.getByRole("tab", { name: "Fix" }).click();
  const diff = page.getByTestId("diff");
  await expect(diff).toHaveText("No changes needed.");
  await page.getByTestId("grant-references").check();
  await expect(diff).toContainText("kind: ReferenceGrant");
  // The narrowest grants: one per refused reference, naming the exact object.
  await expect(diff).toContainText("name: istio-ingress-httproute-to-service-api");
  await expect(diff).toContainText("name: istio-ingress-gateway-to-secret-api-tls");
  await expect(page.getByTestId("verification")).toContainText(/Conflict-free|Verified/);
  await page.getByTestId("grant-references").uncheck();
  await expect(diff).toHaveText("No changes needed.");
});
