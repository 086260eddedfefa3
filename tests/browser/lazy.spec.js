// The engines module (redaction, fix, status, explain-log, rule docs) is
// downloaded on first need only (web/main.js wantEngines, web/engines.js): a
// visit that reads the findings of Istio input never requests it, and the
// first need (here the Fix tab) does.
import { expect, test } from "@playwright/test";
import { EXAMPLE, waitAnalyzed, waitEngines } from "./helpers.js";

/** The path of every .wasm the page and its worker request, in order. */
function watchWasm(page) {
  const requested = [];
  page.context().on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.endsWith(".wasm")) requested.push(pathname.split("/").pop());
  });
  return requested;
}

test("a findings-only visit never requests the engines module; opening the Fix tab does", async ({ page }) => {
  const requested = watchWasm(page);
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  await expect(page.getByTestId("finding").first()).toBeVisible();
  // Read the findings as a user would: select one, edit the text, see it re-analyzed.
  await page.getByTestId("finding").first().locator(".finding-main").click();
  const edited = `${EXAMPLE}# reviewed\n`;
  await page.getByTestId("input").fill(edited);
  await waitAnalyzed(page, edited.length);
  await page.waitForLoadState("networkidle");
  expect(requested).toEqual(["meshmend_analysis_bg.wasm"]);
  expect(await page.locator("html").getAttribute("data-engines")).toBeNull();

  await page.getByRole("tab", { name: "Fix" }).click();
  await waitEngines(page, edited.length);
  await expect(page.getByTestId("diff")).toContainText("--- a/seed-conflict.yaml");
  expect(requested).toEqual(["meshmend_analysis_bg.wasm", "meshmend_engines_bg.wasm"]);
  // From then on each analysis redacts and fixes too, with no second download.
  await page.getByTestId("input").fill(EXAMPLE);
  await waitAnalyzed(page, EXAMPLE.length);
  await waitEngines(page, EXAMPLE.length);
  expect(requested).toEqual(["meshmend_analysis_bg.wasm", "meshmend_engines_bg.wasm"]);
});

test("Ctrl+S before any fix fetches the engines module and saves the patched file", async ({ page }) => {
  const requested = watchWasm(page);
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  const download = page.waitForEvent("download");
  await page.keyboard.press("ControlOrMeta+s");
  const saved = await download;
  expect(saved.suggestedFilename()).toBe("seed-conflict.yaml");
  // The patched file, not the text as typed: the fix ran before the save.
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(await saved.path(), "utf8");
  expect(text).not.toBe(EXAMPLE);
  expect(requested).toContain("meshmend_engines_bg.wasm");
});
