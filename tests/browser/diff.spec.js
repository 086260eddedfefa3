// The Fix tab's side-by-side diff, checked against the unified diff the page
// shows: removed lines on the left, added lines on the right, context on both
// sides, line numbers from the hunk headers, one header per file; the unified
// view (and what Copy diff copies) stays the same.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { COLOR_SCHEMES, EXAMPLE, VIEWPORTS, capabilities, waitAnalyzed, watchForeignTraffic } from "./helpers.js";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

/**
 * The rows a side-by-side view of `diff` must show, worked out here on its own
 * (not with the page's parser). A hunk's body is delimited by its `@@` counts,
 * so a removed `---` (a YAML document separator) is a removed line.
 */
function expectedView(diff) {
  const lines = diff.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const files = [];
  const kinds = [];
  let file = null;
  let hunk = null;
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;
  for (const line of lines) {
    if (oldLeft > 0 || newLeft > 0) {
      const sign = line[0];
      if (sign === "\\") {
        kinds.push("meta");
        continue;
      }
      const kind = { " ": "ctx", "-": "del", "+": "add" }[sign];
      hunk.lines.push({ kind, text: line.slice(1), oldNo: kind === "add" ? null : oldNo, newNo: kind === "del" ? null : newNo });
      if (kind !== "add") {
        oldNo += 1;
        oldLeft -= 1;
      }
      if (kind !== "del") {
        newNo += 1;
        newLeft -= 1;
      }
      kinds.push(kind);
      continue;
    }
    const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (line.startsWith("--- ")) {
      file = { old: line.slice(4), new: null, hunks: [] };
      files.push(file);
      kinds.push("file");
    } else if (line.startsWith("+++ ")) {
      file.new = line.slice(4);
      kinds.push("file");
    } else if (header) {
      [oldNo, oldLeft, newNo, newLeft] = [header[1], header[2] ?? 1, header[3], header[4] ?? 1].map(Number);
      hunk = { header: line, oldStart: oldNo, oldCount: oldLeft, newStart: newNo, newCount: newLeft, lines: [] };
      file.hunks.push(hunk);
      kinds.push("hunk");
    } else {
      kinds.push("meta"); // `\ No newline at end of file` right after a hunk's last line
    }
  }
  // Table rows: context on both sides; each run of removed lines beside the run of added lines after it.
  const rows = (hunk) => {
    const out = [];
    let removed = [];
    let added = [];
    const flush = () => {
      for (let i = 0; i < Math.max(removed.length, added.length); i++) out.push([removed[i] ?? null, added[i] ?? null]);
      removed = [];
      added = [];
    };
    for (const line of hunk.lines) {
      if (line.kind === "del") {
        if (added.length) flush();
        removed.push(line);
      } else if (line.kind === "add") added.push(line);
      else {
        flush();
        out.push([line, line]);
      }
    }
    flush();
    return out.map(([l, r]) => [l ? l.oldNo : null, l ? l.kind : "empty", l?.text ?? "", r ? r.newNo : null, r ? r.kind : "empty", r?.text ?? ""]);
  };
  return { files, kinds, tables: files.map((f) => ({ paths: [f.old, f.new], hunks: f.hunks.map((h) => ({ header: h.header, rows: rows(h) })) })) };
}

/** What a side-by-side container shows, per table: the header paths, and per hunk its header and rows. */
function readTables(split) {
  return Array.from(split.querySelectorAll("table"), (table) => {
    const paths = Array.from(table.querySelectorAll("thead .split-file th"), (th) => th.firstChild?.textContent ?? "");
    const hunks = [];
    for (const tr of table.querySelectorAll("tbody tr")) {
      if (tr.classList.contains("split-hunk")) {
        hunks.push({ header: tr.textContent, rows: [] });
        continue;
      }
      const cells = Array.from(tr.children);
      const side = (num, code) => {
        const kind = ["ctx", "del", "add", "empty"].find((k) => code.classList.contains(`split-${k}`));
        return [num.textContent === "" ? null : Number(num.textContent), kind, code.querySelector(".split-text")?.textContent ?? ""];
      };
      hunks.at(-1).rows.push([...side(cells[0], cells[1]), ...side(cells[2], cells[3])]);
    }
    return { paths, hunks };
  });
}

const shownView = (page) => page.getByTestId("diff-split").evaluate(readTables);

async function openFix(page) {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length); // the example is preloaded
  test.skip(!(await capabilities(page)).has("fix"), "this build has no fix yet");
  await page.getByRole("tab", { name: "Fix" }).click();
  await expect(page.getByTestId("diff")).not.toBeEmpty();
}

test("side by side: removed lines left, added right, numbered from the hunk headers; unified comes back", async ({
  page,
  context,
  baseURL,
}) => {
  const traffic = await watchForeignTraffic(context, new URL(baseURL).origin);
  await openFix(page);
  const unified = page.getByTestId("diff");
  const split = page.getByTestId("diff-split");
  const layout = page.getByRole("group", { name: "Diff layout" });
  await expect(layout.getByRole("radio", { name: "Unified" })).toBeChecked();
  await expect(unified).toBeVisible();
  await expect(split).toBeHidden();

  const diff = await unified.textContent();
  const expected = expectedView(diff);
  expect(expected.files.length).toBeGreaterThan(0);
  // The unified view colours each line by what it is, `----` (a removed `---`) included.
  expect(await unified.locator("span").evaluateAll((spans) => spans.map((s) => s.className))).toEqual(
    expected.kinds.map((k) => `diff-${k}`),
  );

  await layout.getByRole("radio", { name: "Side by side" }).check();
  await expect(split).toBeVisible();
  await expect(unified).toBeHidden();
  expect(await unified.textContent()).toBe(diff); // still the unified text, for copy and the other specs

  // Left column: exactly the removed lines; right column: exactly the added lines, in order.
  const removed = diff.split("\n").filter((_, i) => expected.kinds[i] === "del").map((l) => l.slice(1));
  const added = diff.split("\n").filter((_, i) => expected.kinds[i] === "add").map((l) => l.slice(1));
  expect(removed.length + added.length).toBeGreaterThan(0);
  await expect(split.locator("td.split-code.split-old.split-del .split-text")).toHaveText(removed);
  await expect(split.locator("td.split-code.split-new.split-add .split-text")).toHaveText(added);
  await expect(split.locator(".split-old.split-add, .split-new.split-del")).toHaveCount(0);

  // Every file header, hunk header, row, pairing and line number.
  const shown = await shownView(page);
  expect(shown).toEqual(expected.tables);

  // Spelled out for the first hunk: its numbers run from the header's starts, with no gaps.
  const [first] = expected.files[0].hunks;
  const rows = shown[0].hunks[0].rows;
  expect(rows.map((r) => r[0]).filter((n) => n !== null)).toEqual(Array.from({ length: first.oldCount }, (_, i) => first.oldStart + i));
  expect(rows.map((r) => r[3]).filter((n) => n !== null)).toEqual(Array.from({ length: first.newCount }, (_, i) => first.newStart + i));

  // The renumbered nodePort: old value on the left beside the new value on the right, in one row.
  const nodePort = shown.flatMap((t) => t.hunks.flatMap((h) => h.rows)).find((r) => r[1] === "del" && /nodePort: \d+/.test(r[2]));
  if (nodePort) {
    expect(nodePort[4]).toBe("add");
    expect(nodePort[5]).toMatch(/nodePort: \d+/);
    expect(nodePort[5]).not.toBe(nodePort[2]);
  }

  // Copy diff copies the unified text whichever view is shown.
  await page.getByTestId("copy-diff").click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(diff);

  // The choice survives a new fix (another strategy) and shows the new diff.
  const strategies = await page.getByTestId("strategy").locator("option").evaluateAll((o) => o.map((x) => x.value));
  let previous = diff;
  for (const strategy of strategies.slice(1)) {
    await page.getByTestId("strategy").selectOption(strategy);
    // Wait for this strategy's diff, not just any change (the last one's may still be shown).
    await expect(unified).not.toHaveText(previous);
    previous = await unified.textContent();
    await expect(split).toBeVisible();
    const next = expectedView(previous);
    expect(await shownView(page)).toEqual(next.tables);
  }
  await page.getByTestId("strategy").selectOption(strategies[0]);
  await expect(unified).toHaveText(diff);
  expect(await shownView(page)).toEqual(expected.tables);

  // Back to unified, with the keyboard: the unified diff is shown again, unchanged.
  await layout.getByRole("radio", { name: "Side by side" }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(layout.getByRole("radio", { name: "Unified" })).toBeChecked();
  await expect(unified).toBeVisible();
  await expect(split).toBeHidden();
  expect(await unified.textContent()).toBe(diff);

  expect(traffic.requests, "no request left the origin").toEqual([]);
  expect(traffic.responses).toEqual([]);
  expect(traffic.routed).toEqual([]);
});

test("side by side: an added file has /dev/null on the left and all its lines on the right", async ({ page }) => {
  await openFix(page);
  const strategies = await page.getByTestId("strategy").locator("option").evaluateAll((o) => o.map((x) => x.value));
  test.skip(!strategies.includes("isolate"), "this build has no isolate strategy");
  await page.getByTestId("strategy").selectOption("isolate");
  await expect(page.getByTestId("diff")).toContainText("--- /dev/null");
  await page.getByRole("radio", { name: "Side by side" }).check();
  const table = page.getByTestId("diff-split").locator('table[data-status="added"]');
  await expect(table).toHaveCount(1);
  await expect(table.locator(".split-file th").first()).toHaveText("/dev/null");
  await expect(table.locator(".split-file th").nth(1)).toContainText("new file");
  await expect(table.locator("td.split-old:not(.split-empty)")).toHaveCount(0);
  const count = Number(/^@@ -0,0 \+1,(\d+) @@/.exec(await table.locator(".split-hunk").textContent())[1]);
  await expect(table.locator("td.split-num.split-new")).toHaveText(Array.from({ length: count }, (_, i) => String(i + 1)));
});

test("screenshots: side by side in light and dark; on a phone it scrolls inside its box", async ({ browser }, testInfo) => {
  mkdirSync(join("test-results", "screenshots"), { recursive: true });
  for (const colorScheme of COLOR_SCHEMES) {
    for (const [device, viewport] of VIEWPORTS) {
      const context = await browser.newContext({ colorScheme, viewport, baseURL: testInfo.project.use.baseURL });
      const page = await context.newPage();
      await openFix(page);
      await page.getByRole("radio", { name: "Side by side" }).check();
      const split = page.getByTestId("diff-split");
      await expect(split.locator("tbody tr").first()).toBeVisible();
      await split.scrollIntoViewIfNeeded();
      const { box, pageWidth } = await split.evaluate((s) => ({
        box: { client: s.clientWidth, scroll: s.scrollWidth },
        pageWidth: document.documentElement.scrollWidth,
      }));
      expect(pageWidth, "the page itself never scrolls sideways").toBeLessThanOrEqual(viewport.width);
      if (device === "phone") expect(box.scroll, "narrow: the table keeps its width and scrolls").toBeGreaterThan(box.client);
      else expect(box.scroll, "laptop: both sides fit").toBeLessThanOrEqual(box.client);
      const path = join("test-results", "screenshots", `diff-split-${device}-${colorScheme}.png`);
      await page.screenshot({ path });
      await testInfo.attach(`diff-split-${device}-${colorScheme}`, { path, contentType: "image/png" });
      await context.close();
    }
  }
});

test("side by side of a hand-written diff view: runs paired, a deleted file, no newline at end", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  const diff = [
    "--- a/app.yaml",
    "+++ b/app.yaml",
    "@@ -1,6 +1,6 @@",
    " a",
    "-b",
    "-c",
    "+B",
    "+C",
    "+D",
    " d",
    "-e",
    " f",
    "\\ No newline at end of file",
    "@@ -10 +10 @@",
    "----",
    "++++",
    "--- a/gone.yaml",
    "+++ /dev/null",
    "@@ -1,2 +0,0 @@",
    "-x",
    "-y",
    "",
  ].join("\n");
  // The structure the core returns for that text (crates/meshmend_core/src/diff.rs `files`).
  const line = (kind, text, no_newline = false) => ({ kind, text, no_newline });
  const diff_files = [
    {
      old: "a/app.yaml",
      new: "b/app.yaml",
      status: "modified",
      hunks: [
        {
          header: "@@ -1,6 +1,6 @@",
          old_start: 1,
          old_len: 6,
          new_start: 1,
          new_len: 6,
          lines: [
            line("ctx", "a"),
            line("del", "b"),
            line("del", "c"),
            line("add", "B"),
            line("add", "C"),
            line("add", "D"),
            line("ctx", "d"),
            line("del", "e"),
            line("ctx", "f", true),
          ],
        },
        { header: "@@ -10 +10 @@", old_start: 10, old_len: 1, new_start: 10, new_len: 1, lines: [line("del", "---"), line("add", "+++")] },
      ],
    },
    {
      old: "a/gone.yaml",
      new: "/dev/null",
      status: "deleted",
      hunks: [{ header: "@@ -1,2 +0,0 @@", old_start: 1, old_len: 2, new_start: 0, new_len: 0, lines: [line("del", "x"), line("del", "y")] }],
    },
  ];
  await page.evaluate(async (view) => {
    const { renderDiff, renderSplitDiff } = await import("./render.js");
    const split = document.createElement("div");
    split.id = "unit-split";
    renderSplitDiff(split, view);
    const pre = document.createElement("pre");
    pre.id = "unit-unified";
    renderDiff(pre, view);
    document.body.append(split, pre);
  }, { diff, diff_files });
  expect(await page.locator("#unit-split").evaluate(readTables)).toEqual([
    {
      paths: ["a/app.yaml", "b/app.yaml"],
      hunks: [
        {
          header: "@@ -1,6 +1,6 @@",
          rows: [
            [1, "ctx", "a", 1, "ctx", "a"],
            [2, "del", "b", 2, "add", "B"],
            [3, "del", "c", 3, "add", "C"],
            [null, "empty", "", 4, "add", "D"],
            [4, "ctx", "d", 5, "ctx", "d"],
            [5, "del", "e", null, "empty", ""],
            [6, "ctx", "f", 6, "ctx", "f"],
          ],
        },
        { header: "@@ -10 +10 @@", rows: [[10, "del", "---", 10, "add", "+++"]] },
      ],
    },
    { paths: ["a/gone.yaml", "/dev/null"], hunks: [{ header: "@@ -1,2 +0,0 @@", rows: [[1, "del", "x", null, "empty", ""], [2, "del", "y", null, "empty", ""]] }] },
  ]);
  const split = page.locator("#unit-split");
  await expect(split.locator("table").nth(1)).toHaveAttribute("data-status", "deleted");
  await expect(split.locator("table").nth(1).locator(".split-status")).toHaveText("deleted");
  await expect(split.locator(".split-nonl")).toHaveText(["\\ No newline at end of file", "\\ No newline at end of file"]);
  // The unified renderer reads the same structure: `----`/`++++` inside a hunk are a removed and an added line.
  expect(await page.locator("#unit-unified span").evaluateAll((spans) => spans.map((s) => s.className.slice(5)))).toEqual(
    ["file", "file", "hunk", "ctx", "del", "del", "add", "add", "add", "ctx", "del", "ctx", "meta", "hunk", "del", "add", "file", "file", "hunk", "del", "del"],
  );
  expect(await page.locator("#unit-unified").textContent()).toBe(diff);
});
