// The windowed editor for large inputs (over 512 KB the textarea holds a
// 2,000-line window of the text): what is typed lands where it is seen, and
// moving the window neither loses nor repeats a line.
import { expect, test } from "@playwright/test";
import { EXAMPLE, largeManifest, waitAnalyzed } from "./helpers.js";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

const WINDOW_LINES = 2000;

/** Pastes `text` over the whole editor, as a user would. */
async function paste(page, text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.getByTestId("input").focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
}

/** The whole text as the core saw it, read back from the Redacted tab (no secrets in the added lines). */
async function wholeText(page, mustContain) {
  await page.getByRole("tab", { name: "Redacted" }).click();
  const redacted = page.getByTestId("redacted");
  await expect(redacted).toContainText(mustContain, { timeout: 60_000 });
  return redacted.textContent();
}

test("typing at the end of the window extends the last line shown, not the hidden next line", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const big = largeManifest(700 * 1024);
  const lines = big.split("\n");
  expect(lines.length).toBeGreaterThan(2 * WINDOW_LINES);
  await paste(page, big);
  await expect(page.locator("#window-bar")).toContainText(`editing lines 1–${WINDOW_LINES.toLocaleString("en")}`);

  // The textarea shows exactly lines 1–2000, with no empty row after the last one.
  const shown = await page.getByTestId("input").inputValue();
  expect(shown.split("\n")).toEqual(lines.slice(0, WINDOW_LINES));

  const marker = "  # typed at the end of the window";
  await page.getByTestId("input").press("ControlOrMeta+End");
  await page.keyboard.type(marker);
  await waitAnalyzed(page, big.length + marker.length, 60_000);

  const after = (await wholeText(page, marker.trim())).split("\n");
  expect(after.length).toBe(lines.length);
  expect(after[WINDOW_LINES - 1]).toBe(lines[WINDOW_LINES - 1] + marker);
  expect(after[WINDOW_LINES]).toBe(lines[WINDOW_LINES]);
});

test("next and previous lines move the window without losing or repeating a line", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const big = largeManifest(700 * 1024);
  const lines = big.split("\n");
  await paste(page, big);
  await expect(page.locator("#window-bar")).toContainText("editing lines 1–");

  await page.locator("#window-next").click();
  const second = (await page.getByTestId("input").inputValue()).split("\n");
  expect(second[0]).toBe(lines[WINDOW_LINES]);
  expect(second).toEqual(lines.slice(WINDOW_LINES, 2 * WINDOW_LINES));
  await expect(page.locator("#window-bar")).toContainText(
    `editing lines ${(WINDOW_LINES + 1).toLocaleString("en")}–${(2 * WINDOW_LINES).toLocaleString("en")}`,
  );
  await expect(page.locator(".line-number").first()).toHaveText(String(WINDOW_LINES + 1));

  // A newline typed at the window's start stays a line of its own, before line 2001.
  await page.getByTestId("input").press("ControlOrMeta+Home");
  await page.keyboard.type("# inserted\n");
  await waitAnalyzed(page, big.length + "# inserted\n".length, 60_000);
  const after = (await wholeText(page, "# inserted")).split("\n");
  expect(after.length).toBe(lines.length + 1);
  expect(after.slice(WINDOW_LINES - 1, WINDOW_LINES + 2)).toEqual([
    lines[WINDOW_LINES - 1],
    "# inserted",
    lines[WINDOW_LINES],
  ]);

  await page.locator("#window-previous").click();
  expect((await page.getByTestId("input").inputValue()).split("\n")).toEqual(lines.slice(0, WINDOW_LINES));
});
