// Whole folders in: a picked (`webkitdirectory`) or dropped folder is walked
// as `meshmend analyze DIR` walks it, and the files are shown as a tree with
// their finding counts. The files are read in this tab; nothing is uploaded.
//
// The walk (the CLI's, crates/meshmend_cli/src/input.rs): *.yaml, *.yml and
// *.json; hidden entries below the folder and `node_modules` are skipped; a
// JSON file is kept only if it mentions both "apiVersion" and "kind"; files
// are named by their path from the folder (`repo/base/gw.yaml`), which is
// what the core's kustomize resolution reads; order is the walk's
// (component by component, by name).

import { el } from "./render.js";

const MANIFEST = /\.(ya?ml|json)$/i;

/** True when a file at `path` (`folder/sub/name`) is one the CLI's walk reads. */
export function walkable(path) {
  const parts = path.split("/");
  if (!MANIFEST.test(parts[parts.length - 1])) return false;
  // parts[0] is the folder itself (named by the user, walked even if hidden).
  return parts.slice(1).every((part) => !part.startsWith(".") && part !== "node_modules");
}

/** Compares paths component by component (`a/x` before `a-b/x`, as the walk visits them). */
export function comparePaths(a, b) {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * The manifests of a walk, sorted: `entries` are `{file, path}`; returns
 * `{file, name}` for main.js to read. JSON without a Kubernetes object is left out.
 */
export async function walk(entries) {
  const kept = [];
  for (const { file, path } of entries) {
    if (!walkable(path)) continue;
    if (/\.json$/i.test(path)) {
      const text = await file.text();
      if (!(text.includes('"apiVersion"') && text.includes('"kind"'))) continue;
    }
    kept.push({ file, name: path });
  }
  return kept.sort((a, b) => comparePaths(a.name, b.name));
}

/** Files of an `<input webkitdirectory>`, each with its path from the picked folder. */
export function picked(fileList) {
  return Array.from(fileList, (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * What a drop holds: `{folders, files}`; `folders` are every file under the
 * dropped folders as `{file, path}`, `files` the loose files (read as named,
 * as the CLI reads a file named on its command line).
 */
export async function dropped(dataTransfer) {
  const entries = Array.from(dataTransfer.items ?? [], (item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.some((e) => e.isDirectory)) return { folders: [], files: Array.from(dataTransfer.files) };
  const folders = [];
  const files = [];
  for (const entry of entries) {
    if (entry.isDirectory) await collect(entry, entry.name, folders);
    else files.push(await asFile(entry));
  }
  return { folders, files };
}

async function collect(directory, path, out) {
  const reader = directory.createReader();
  for (;;) {
    // readEntries returns at most ~100 entries per call: read until empty.
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return;
    for (const entry of batch) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory) {
        if (!entry.name.startsWith(".") && entry.name !== "node_modules") await collect(entry, child, out);
      } else {
        out.push({ file: await asFile(entry), path: child });
      }
    }
  }
}

const asFile = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));

/**
 * The file tree: directories as open <details>, files as buttons with their
 * finding counts. `counts[i]` is `{error, warning, info}` of file i.
 */
export function renderTree(container, files, counts, active, select) {
  if (files.length < 2) {
    container.hidden = true;
    container.replaceChildren();
    return;
  }
  const root = { dirs: new Map(), files: [] };
  files.forEach((file, index) => {
    const parts = file.name.split("/");
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      if (!node.dirs.has(dir)) node.dirs.set(dir, { dirs: new Map(), files: [] });
      node = node.dirs.get(dir);
    }
    node.files.push({ name: parts[parts.length - 1], index });
  });
  const list = (node) =>
    el(
      "ul",
      { class: "tree-list" },
      ...[...node.dirs].map(([name, child]) => {
        const total = sum(child, counts);
        return el(
          "li",
          {},
          el("details", { open: "" }, el("summary", {}, `${name}/`, badge(total, "in this folder")), list(child)),
        );
      }),
      ...node.files.map(({ name, index }) =>
        el(
          "li",
          {},
          el(
            "button",
            {
              type: "button",
              class: "tree-file",
              dataset: { testid: "tree-file", path: files[index].name },
              "aria-current": index === active ? "true" : "false",
              onclick: () => select(index),
            },
            name,
            badge(counts[index], "in this file"),
          ),
        ),
      ),
    );
  container.replaceChildren(list(root));
  container.hidden = false;
}

function sum(node, counts) {
  const total = { error: 0, warning: 0, info: 0 };
  for (const { index } of node.files) for (const k in total) total[k] += counts[index]?.[k] ?? 0;
  for (const child of node.dirs.values()) {
    const inner = sum(child, counts);
    for (const k in total) total[k] += inner[k];
  }
  return total;
}

/** "2" with a severity class (the worst present), and the breakdown for screen readers and hover. */
function badge(count = { error: 0, warning: 0, info: 0 }, where) {
  const n = count.error + count.warning + count.info;
  const worst = count.error ? "error" : count.warning ? "warning" : count.info ? "info" : "none";
  const words = `${count.error} errors, ${count.warning} warnings, ${count.info} info ${where}`;
  return el("span", { class: `tree-count count-${worst}`, dataset: { testid: "tree-count" }, title: words }, String(n), el("span", { class: "visually-hidden" }, ` findings: ${words}`));
}
