// Accessibility: axe-core (npm dev-dependency) finds no violation on any
// result tab, in the light and the dark scheme, with the folder tree, the
// editor markers and the report dialog on screen; and a keyboard-only walk
// goes paste → findings → fix → copy diff.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, test } from "@playwright/test";
import { COLOR_SCHEMES, EXAMPLE, waitAnalyzed, waitEngines } from "./helpers.js";

// The page's CSP allows no injected script; axe is injected by the test only.
test.use({ bypassCSP: true, permissions: ["clipboard-read", "clipboard-write"] });

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe's violations on the page as it is, as `rule: target` lines (empty when clean). */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}`));
}

const TABS = ["Findings", "Redacted", "Fix", "Verify it yourself"];

for (const scheme of COLOR_SCHEMES) {
  test(`axe finds no violation on any tab (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/");
    await waitAnalyzed(page, EXAMPLE.length);
    // A second file, so the folder tree is on screen too.
    await page.locator("#new-file").click();
    await expect(page.getByTestId("file-tree")).toBeVisible();
    await page.getByTestId("tree-file").first().click();
    for (const tab of TABS) {
      await page.getByRole("tab", { name: tab }).click();
      await expect(page.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
      // The redaction and fix are computed when their tab is first opened: check them on screen.
      if (tab === "Redacted" || tab === "Fix") await waitEngines(page, EXAMPLE.length);
      expect(await violations(page), `${tab} tab, ${scheme}`).toEqual([]);
    }
    // The caret on a finding (its message under the editor) and the report dialog.
    await page.getByTestId("input").focus();
    await page.keyboard.press("F8");
    await expect(page.getByTestId("marker-status")).not.toBeEmpty();
    expect(await violations(page), `marker message, ${scheme}`).toEqual([]);
    await page.getByTestId("report-button").click();
    await expect(page.getByTestId("report")).toContainText("# Incident report");
    expect(await violations(page), `report dialog, ${scheme}`).toEqual([]);
  });
}

test("keyboard only: paste, read the findings, open the fix, copy the diff", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  // Paste: the skip link leads to the editor.
  await page.keyboard.press("Tab");
  await expect(page.locator(".skip")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("input")).toBeFocused();
  await page.evaluate((t) => navigator.clipboard.writeText(t), EXAMPLE.replace("staging-gateway", "stage-gateway"));
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
  await expect(page.locator('[data-testid="finding"][data-code="MM102"]')).toContainText("stage-gateway");

  // Findings: F8 reads the first one out under the editor.
  await page.keyboard.press("F8");
  await expect(page.getByTestId("marker-status")).toContainText("MM102 duplicate-tls-host");

  // Tab out of the editor to the result tabs, then move with the arrow keys.
  const findingsTab = page.getByRole("tab", { name: "Findings" });
  for (let i = 0; i < 60 && !(await findingsTab.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(findingsTab).toBeFocused();
  // Findings → Istio status → Redacted → Fix.
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  const fixTab = page.getByRole("tab", { name: "Fix" });
  await expect(fixTab).toBeFocused();
  await expect(fixTab).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("verification")).toContainText("Verified");

  // Tab to "Copy diff" and press it.
  const copy = page.getByTestId("copy-diff");
  for (let i = 0; i < 30 && !(await copy.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(copy).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(copy).toHaveText("Copied ✓");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain("--- a/");
  expect(copied).toContain("-        - prod.example.com");
});
