// DOM builders. Everything user-controlled goes in through textContent; no
// innerHTML anywhere on the page.

/** `el("li", {class: "x", dataset: {name: "y"}}, child, "text")` */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A unified diff, one span per line, coloured by what the line is. */
export function renderDiff(pre, diff) {
  const { lines, kinds } = parseDiff(diff);
  pre.replaceChildren(...lines.map((line, i) => el("span", { class: `diff-${kinds[i]}` }, `${line}\n`)));
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const SIGNS = { " ": "ctx", "-": "del", "+": "add" };

/**
 * Reads a git-style unified diff: `{lines, kinds, files}`. `kinds[i]` is what
 * `lines[i]` is (`file`, `hunk`, `ctx`, `del`, `add` or `meta`); `files` holds
 * `{oldPath, newPath, status, headers, hunks}`, each hunk its numbered lines
 * `{kind, text, oldNo, newNo, noNewline}`. A hunk's body ends where its `@@`
 * counts say, so a removed `---` (a YAML document separator) stays a removed line.
 */
export function parseDiff(diff) {
  const lines = diff.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const kinds = [];
  const files = [];
  let file = null;
  let hunk = null;
  let last = null; // the body line a `\ No newline at end of file` refers to
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;
  const startFile = () => {
    file = { oldPath: null, newPath: null, status: "modified", headers: [], hunks: [] };
    files.push(file);
    hunk = null;
    last = null;
  };
  for (const line of lines) {
    if (line.startsWith("\\")) {
      if (last) last.noNewline = true;
      kinds.push("meta");
      continue;
    }
    // Inside a hunk's counts. An empty line is a context line whose trailing space was stripped.
    const kind = SIGNS[line[0] ?? " "];
    const fits = kind === "del" ? oldLeft > 0 : kind === "add" ? newLeft > 0 : kind === "ctx" && oldLeft > 0 && newLeft > 0;
    if (hunk && fits) {
      last = { kind, text: line.slice(1), oldNo: null, newNo: null, noNewline: false };
      if (kind !== "add") {
        last.oldNo = oldNo++;
        oldLeft--;
      }
      if (kind !== "del") {
        last.newNo = newNo++;
        newLeft--;
      }
      hunk.lines.push(last);
      kinds.push(kind);
      continue;
    }
    oldLeft = newLeft = 0;
    last = null;
    const header = HUNK.exec(line);
    if (header) {
      if (!file) startFile();
      const [oldStart, oldCount, newStart, newCount] = [header[1], header[2] ?? "1", header[3], header[4] ?? "1"].map(Number);
      hunk = { header: line, oldStart, oldCount, newStart, newCount, lines: [] };
      file.hunks.push(hunk);
      [oldNo, oldLeft, newNo, newLeft] = [oldStart, oldCount, newStart, newCount];
      kinds.push("hunk");
    } else if (line.startsWith("--- ") || line.startsWith("+++ ") || line.startsWith("diff ")) {
      if (line.startsWith("diff ")) {
        startFile();
        file.headers.push(line);
      } else {
        const side = line.startsWith("--- ") ? "oldPath" : "newPath";
        // `---` opens the next file unless `diff --git` just did; `+++` follows its `---`.
        if (!file || file[side] !== null || file.hunks.length || (side === "oldPath" && file.newPath !== null)) startFile();
        file[side] = line.slice(4).split("\t")[0]; // drop a `\t<timestamp>`
      }
      kinds.push("file");
    } else if (file && !file.hunks.length) {
      file.headers.push(line); // git's extended headers: index, new file mode, rename from, …
      if (/^new file mode /.test(line)) file.status = "added";
      if (/^deleted file mode /.test(line)) file.status = "deleted";
      if (/^rename from /.test(line)) file.status = "renamed";
      kinds.push("file");
    } else {
      kinds.push("meta");
    }
  }
  for (const f of files) {
    if (f.oldPath === "/dev/null") f.status = "added";
    else if (f.newPath === "/dev/null") f.status = "deleted";
    else if (f.oldPath && f.newPath && f.oldPath.replace(/^a\//, "") !== f.newPath.replace(/^b\//, "")) f.status = "renamed";
  }
  return { lines, kinds, files };
}

/**
 * The same diff side by side: per file a table with the old text on the left
 * and the new on the right, line numbers on both sides, and within each hunk
 * every run of removed lines paired with the run of added lines after it.
 */
export function renderSplitDiff(container, diff) {
  const { files } = parseDiff(diff);
  if (!files.length) {
    container.replaceChildren(el("p", { class: "split-none" }, diff.trim() ? diff : "No changes needed."));
    return;
  }
  let widest = 1;
  for (const file of files) {
    for (const hunk of file.hunks) widest = Math.max(widest, hunk.oldStart + hunk.oldCount, hunk.newStart + hunk.newCount);
  }
  const digits = Math.min(7, Math.max(3, String(widest).length));
  container.replaceChildren(...files.map((file) => splitFile(file, digits)));
}

const STATUS = { added: "new file", deleted: "deleted", renamed: "renamed" };

function splitFile(file, digits) {
  const status = STATUS[file.status];
  const head = [
    el(
      "tr",
      { class: "split-file" },
      el("th", { scope: "colgroup", colspan: "2" }, file.oldPath ?? ""),
      el(
        "th",
        { scope: "colgroup", colspan: "2" },
        file.newPath ?? "",
        status ? el("span", { class: `split-status split-${file.status}` }, status) : null,
      ),
    ),
    ...file.headers.map((line) => el("tr", { class: "split-extra" }, el("td", { colspan: "4" }, line))),
  ];
  const body = file.hunks.flatMap((hunk) => [
    el("tr", { class: "split-hunk" }, el("td", { colspan: "4" }, hunk.header)),
    ...pairLines(hunk.lines).map(([left, right]) => el("tr", {}, splitCells(left, "old"), splitCells(right, "new"))),
  ]);
  return el(
    "table",
    { class: `split-table digits-${digits}`, dataset: { status: file.status } },
    ["old", "new"].map(() => el("colgroup", {}, el("col", { class: "split-col-num" }), el("col", { class: "split-col-code" }))),
    el("thead", {}, head),
    el("tbody", {}, body),
  );
}

/** Rows of [old line, new line]: context on both sides, removed runs paired with the added runs that follow. */
function pairLines(lines) {
  const rows = [];
  let removed = [];
  let added = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) rows.push([removed[i] ?? null, added[i] ?? null]);
    removed = [];
    added = [];
  };
  for (const line of lines) {
    if (line.kind === "del") {
      if (added.length) flush();
      removed.push(line);
    } else if (line.kind === "add") {
      added.push(line);
    } else {
      flush();
      rows.push([line, line]);
    }
  }
  flush();
  return rows;
}

function splitCells(line, side) {
  if (!line) {
    return [el("td", { class: `split-num split-${side} split-empty` }), el("td", { class: `split-code split-${side} split-empty` })];
  }
  const number = side === "old" ? line.oldNo : line.newNo;
  return [
    el("td", { class: `split-num split-${side} split-${line.kind}` }, String(number)),
    el(
      "td",
      { class: `split-code split-${side} split-${line.kind}` },
      el("span", { class: "split-text" }, line.text),
      line.noNewline ? el("span", { class: "split-nonl" }, "\\ No newline at end of file") : null,
    ),
  ];
}

/**
 * The small Markdown subset our rule docs use: `## headings`, ``` fences,
 * paragraphs, `- ` lists and `inline code`. Built as DOM nodes.
 */
export function renderDocs(container, markdown) {
  const out = [];
  const lines = markdown.split("\n");
  let paragraph = [];
  let list = null;
  const flush = () => {
    if (paragraph.length) out.push(el("p", {}, ...inline(paragraph.join(" "))));
    paragraph = [];
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("```")) {
      flush();
      const code = [];
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) code.push(lines[i]);
      out.push(el("pre", { class: "code small" }, code.join("\n")));
    } else if (/^#{1,6} /.test(line)) {
      flush();
      out.push(el("h3", {}, line.replace(/^#+ /, "")));
    } else if (/^\s*[-*] /.test(line)) {
      if (paragraph.length) flush();
      if (!list) {
        list = el("ul");
        out.push(list);
      }
      list.append(el("li", {}, ...inline(line.replace(/^\s*[-*] /, ""))));
    } else if (line.trim() === "") {
      flush();
    } else {
      paragraph.push(line.trim());
    }
  }
  flush();
  container.replaceChildren(...out);
}

/** Text with `backtick` spans as <code> elements (as DOM nodes, never HTML). */
export function inline(text) {
  return text.split(/(`[^`]+`)/).map((part) =>
    part.startsWith("`") && part.endsWith("`") && part.length > 1 ? el("code", {}, part.slice(1, -1)) : part,
  );
}

/** Triggers a download of `text` as `filename` (a same-origin blob: URL). */
export function download(filename, text, type = "text/plain") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: filename, class: "visually-hidden" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies `text`; falls back to a hidden textarea where the Clipboard API is unavailable. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}
