// Finding markers in the editor (web/markers.js): spans underlined per
// severity, related spans marked differently, the message on hover and
// under the caret, F8 / Shift+F8 to walk the findings, and a 5 MB paste that
// keeps only a screenful of markers in the page.
import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { EXAMPLE, largeManifest, waitAnalyzed } from "./helpers.js";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

async function paste(page, text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.getByTestId("input").focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
}

/**
 * Moves the mouse onto `locator` (the layer takes no pointer events: the textarea underneath gets them).
 * The layer redraws its rows after a scroll, so the marker is awaited and the move retried until its
 * box is stable instead of reading a row that is being replaced.
 */
async function pointAt(page, locator) {
  await expect(locator).toBeVisible();
  await expect(async () => {
    const box = await locator.boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect(page.getByTestId("marker-tooltip")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 10_000 });
}

/** Scrolls the editor so that 1-based `line` is the first one shown. */
async function scrollTo(page, line) {
  await page.getByTestId("input").evaluate((e, top) => (e.scrollTop = top), (line - 1) * 20);
}

/** 1-based line of the first occurrence of `needle` in the example. */
const lineOf = (needle) => EXAMPLE.slice(0, EXAMPLE.indexOf(needle)).split("\n").length;

test("each finding's span is underlined in its severity, the winning side marked as related", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 860 });
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const own = page.locator('[data-testid="marker"][data-kind="error"]');
  const related = page.locator('[data-testid="marker"][data-kind="related"]');
  // MM102's span is the repeated host (line 40); MM201's the nodePort (line 95, below the fold).
  // Each side scrolled near the top (the editor's height depends on the layout around it).
  await scrollTo(page, 15);
  await expect(related.filter({ hasText: "prod.example.com" })).toHaveCount(1);
  await expect(related.first()).toHaveCSS("text-decoration-style", "dashed");
  await scrollTo(page, 35);
  await expect(own.filter({ hasText: "prod.example.com" })).toHaveCount(1);
  await expect(own.first()).toHaveCSS("text-decoration-style", "wavy");
  // The underline sits on the text: same row as the line in the textarea.
  const area = await page.getByTestId("input").boundingBox();
  const mark = await own.first().boundingBox();
  const lineHeight = 20;
  const expectedTop = area.y + 8 + (lineOf("- prod.example.com   #") - 35) * lineHeight;
  expect(Math.abs(mark.y - expectedTop)).toBeLessThan(lineHeight);

  // The gutter marks the line with the severity.
  await expect(page.locator(".line-number.mark-error").filter({ hasText: String(lineOf("- prod.example.com   #")) })).toHaveCount(1);

  mkdirSync("test-results/screenshots", { recursive: true });
  await pointAt(page, own.first());
  await expect(page.getByTestId("marker-tooltip")).toContainText("MM102 duplicate-tls-host");
  await page.locator(".input-pane").screenshot({ path: "test-results/screenshots/markers.png" });
});

test("hovering a related span says whose side it is", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 860 });
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  await scrollTo(page, 14);
  const related = page.locator('[data-testid="marker"][data-kind="related"]').first();
  await pointAt(page, related);
  await expect(page.getByTestId("marker-tooltip")).toContainText("Related to MM102 duplicate-tls-host");
  await expect(page.getByTestId("marker-tooltip")).toContainText("is kept here");
});

test("F8 and Shift+F8 walk the findings and say each message under the editor", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const input = page.getByTestId("input");
  await input.focus();
  await page.keyboard.press("ControlOrMeta+Home");
  await expect(page.getByTestId("marker-status")).toBeEmpty();

  await page.keyboard.press("F8");
  const selected = () => input.evaluate((e) => e.value.slice(e.selectionStart, e.selectionEnd));
  expect(await selected()).toBe("prod.example.com");
  await expect(page.getByTestId("marker-status")).toContainText("error MM102 duplicate-tls-host");

  await page.keyboard.press("F8");
  expect(await selected()).toBe("31390");
  await expect(page.getByTestId("marker-status")).toContainText("MM201 nodeport-collision");
  // The nodePort line was scrolled into view: its underline is in the layer now.
  await expect(page.locator('[data-testid="marker"][data-code="MM201"]')).toHaveCount(1);

  await page.keyboard.press("F8"); // wraps to the first
  expect(await selected()).toBe("prod.example.com");
  await page.keyboard.press("Shift+F8"); // and back to the last
  expect(await selected()).toBe("31390");

  // Moving the caret out of every span clears the message.
  await page.keyboard.press("ControlOrMeta+Home");
  await expect(page.getByTestId("marker-status")).toBeEmpty();
});

test("a 5 MB paste keeps markers to the visible lines and F8 still reaches every finding", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const big = largeManifest(5 * 1024 * 1024);
  await paste(page, big);
  await waitAnalyzed(page, big.length, 120_000);
  // Only the rows on screen are in the DOM (a screenful, not 200,000 lines).
  const input = page.getByTestId("input");
  await input.focus();
  await page.keyboard.press("ControlOrMeta+Home");
  await page.keyboard.press("F8");
  await expect(page.locator('[data-testid="marker"][data-kind="error"]')).toHaveCount(1);
  await expect(page.getByTestId("marker-status")).toContainText("MM102");
  const rows = await page.locator("#marker-layer .mk-line").count();
  expect(rows).toBeGreaterThan(0);
  expect(rows).toBeLessThan(60);
  await page.keyboard.press("F8");
  await expect(page.getByTestId("marker-status")).toContainText("MM201");
  expect(await input.evaluate((e) => e.value.slice(e.selectionStart, e.selectionEnd))).toBe("31390");
});
