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

/**
 * A fix view's unified diff, one span per line, coloured by what the line is.
 * `view.diff_files` is the core's reading of `view.diff` (files, hunks,
 * numbered lines; crates/meshmend_core/src/diff.rs), so nothing is parsed
 * here; the text shown is `view.diff`, line for line.
 */
export function renderDiff(pre, view) {
  if (!view.diff_files.length) {
    pre.textContent = view.diff; // not a diff the core wrote; shown as is
    return;
  }
  const line = (kind, text) => el("span", { class: `diff-${kind}` }, `${text}\n`);
  const SIGN = { ctx: " ", del: "-", add: "+" };
  pre.replaceChildren(
    ...view.diff_files.flatMap((file) => [
      line("file", `--- ${file.old}`),
      line("file", `+++ ${file.new}`),
      ...file.hunks.flatMap((hunk) => [
        line("hunk", hunk.header),
        ...hunk.lines.flatMap((l) => [
          line(l.kind, `${SIGN[l.kind]}${l.text}`),
          l.no_newline ? line("meta", "\\ No newline at end of file") : [],
        ]),
      ]),
    ]),
  );
}

/**
 * The same diff side by side: per file a table with the old text on the left
 * and the new on the right, line numbers on both sides, and within each hunk
 * every run of removed lines paired with the run of added lines after it.
 */
export function renderSplitDiff(container, view) {
  const files = view.diff_files;
  if (!files.length) {
    container.replaceChildren(el("p", { class: "split-none" }, view.diff.trim() ? view.diff : "No changes needed."));
    return;
  }
  let widest = 1;
  for (const file of files) {
    for (const hunk of file.hunks) widest = Math.max(widest, hunk.old_start + hunk.old_len, hunk.new_start + hunk.new_len);
  }
  const digits = Math.min(7, Math.max(3, String(widest).length));
  container.replaceChildren(...files.map((file) => splitFile(file, digits)));
}

const STATUS = { added: "new file", deleted: "deleted" };

function splitFile(file, digits) {
  const status = STATUS[file.status];
  const head = [
    el(
      "tr",
      { class: "split-file" },
      el("th", { scope: "colgroup", colspan: "2" }, file.old),
      el(
        "th",
        { scope: "colgroup", colspan: "2" },
        file.new,
        status ? el("span", { class: `split-status split-${file.status}` }, status) : null,
      ),
    ),
  ];
  const body = file.hunks.flatMap((hunk) => [
    el("tr", { class: "split-hunk" }, el("td", { colspan: "4" }, hunk.header)),
    ...pairLines(numbered(hunk)).map(([left, right]) => el("tr", {}, splitCells(left, "old"), splitCells(right, "new"))),
  ]);
  return el(
    "table",
    { class: `split-table digits-${digits}`, dataset: { status: file.status } },
    ["old", "new"].map(() => el("colgroup", {}, el("col", { class: "split-col-num" }), el("col", { class: "split-col-code" }))),
    el("thead", {}, head),
    el("tbody", {}, body),
  );
}

/** The hunk's lines with their old and new line numbers, counted from its starts. */
function numbered(hunk) {
  let oldNo = hunk.old_start;
  let newNo = hunk.new_start;
  return hunk.lines.map((line) => ({
    ...line,
    oldNo: line.kind === "add" ? null : oldNo++,
    newNo: line.kind === "del" ? null : newNo++,
  }));
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
      line.no_newline ? el("span", { class: "split-nonl" }, "\\ No newline at end of file") : null,
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
