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

/** A unified diff, one span per line, coloured by its first character. */
export function renderDiff(pre, diff) {
  const lines = diff.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const nodes = lines.map((line) => {
    let kind = "ctx";
    if (line.startsWith("+++") || line.startsWith("---")) kind = "file";
    else if (line.startsWith("@@")) kind = "hunk";
    else if (line.startsWith("+")) kind = "add";
    else if (line.startsWith("-")) kind = "del";
    else if (line.startsWith("\\")) kind = "meta";
    return el("span", { class: `diff-${kind}` }, `${line}\n`);
  });
  pre.replaceChildren(...nodes);
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
