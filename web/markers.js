// Finding markers in the editor, as code playgrounds show them: each
// finding's span underlined in its severity's colour, related spans (the side
// that wins) underlined differently, the message on hover and whenever the
// caret is inside a span, and F8 / Shift+F8 to jump to the next / previous
// finding (across files).
//
// The underlines live in a layer *behind* the transparent <textarea>, holding
// only the visible lines (as the gutter does), so a 5 MB paste costs what a
// screenful costs. Positions are the wasm's 1-based lines and UTF-16 columns,
// which are JS string indices.

import { el } from "./render.js";

export class Markers {
  /**
   * @param editor the Editor (editor.js)
   * @param {{layer: HTMLElement, tooltip: HTMLElement, status: HTMLElement,
   *          reveal: (finding, location) => void}} parts
   */
  constructor(editor, { layer, tooltip, status, reveal }) {
    this.editor = editor;
    this.layer = layer;
    this.tooltip = tooltip;
    this.status = status;
    this.reveal = reveal;
    this.findings = []; // every finding of the report, in report order
    this.file = 0; // the file shown in the editor
    this.byLine = new Map(); // 1-based line → [{from, to, kind, finding, related}]
    this.charWidth = 0;
    this.lastCaret = -1;
    const area = editor.textarea;
    area.addEventListener("mousemove", (event) => this.hover(event));
    area.addEventListener("mouseleave", () => this.hideTooltip());
    for (const type of ["keyup", "click", "focus", "select"]) area.addEventListener(type, () => this.caret());
    area.addEventListener("blur", () => this.hideTooltip());
    document.addEventListener("keydown", (event) => {
      if (event.key !== "F8" || event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      this.jump(event.shiftKey ? -1 : 1);
    });
    editor.onRender = (first, last, offset) => this.render(first, last, offset);
  }

  /** New findings (a whole report) or another file in the editor. */
  set(findings, file) {
    this.findings = findings;
    this.file = file;
    this.byLine = new Map();
    const add = (location, entry) => {
      for (let line = location.line; line <= location.end_line; line++) {
        const from = line === location.line ? location.column - 1 : 0;
        const to = line === location.end_line ? location.end_column - 1 : Infinity;
        if (!this.byLine.has(line)) this.byLine.set(line, []);
        this.byLine.get(line).push({ ...entry, from, to: Math.max(to, from + 1) });
      }
    };
    for (const finding of findings) {
      if (finding.file_index === file) add(finding, { kind: finding.severity, finding, related: null });
      for (const related of finding.related) {
        if (related.file_index === file) add(related, { kind: "related", finding, related });
      }
    }
    this.lastCaret = -1;
    this.editor.schedule();
    this.caret();
  }

  /** Draws the underlines of lines first…last (1-based in the textarea; `offset` lines precede it). */
  render(first, last, offset) {
    const area = this.editor.textarea;
    const style = getComputedStyle(area);
    const height = this.editor.lineHeight();
    const padding = parseFloat(style.paddingTop) || 0;
    this.layer.style.left = `${area.offsetLeft}px`;
    this.layer.style.width = `${area.clientWidth}px`;
    const rows = [];
    if (this.byLine.size) {
      const text = area.value;
      let start = lineStart(text, first);
      for (let line = first; line <= last && start >= 0; line++) {
        const end = text.indexOf("\n", start);
        const marks = this.byLine.get(line + offset);
        if (marks) rows.push(this.row(text.slice(start, end < 0 ? text.length : end), marks, line));
        start = end < 0 ? -1 : end + 1;
      }
    }
    this.layer.replaceChildren(...rows);
    this.layer.style.transform = `translate(${-area.scrollLeft}px, ${padding - area.scrollTop}px)`;
    this.layer.style.setProperty("--line-height", `${height}px`);
  }

  /** One line: its text (transparent) with the marked ranges wrapped. */
  row(text, marks, line) {
    // Related spans first, so a finding's own mark on the same range is drawn on top.
    const sorted = [...marks].sort((a, b) => a.from - b.from || (a.kind === "related") - (b.kind === "related"));
    const parts = [];
    let at = 0;
    for (const mark of sorted) {
      const from = Math.max(mark.from, at);
      const to = Math.min(mark.to, Math.max(text.length, from + 1));
      if (to <= from) continue;
      if (from > at) parts.push(text.slice(at, from));
      const label = text.slice(from, to) || " ";
      parts.push(el("span", { class: `mk mk-${mark.kind}`, dataset: { testid: "marker", code: mark.finding.code, kind: mark.kind } }, label));
      at = to;
    }
    const row = el("div", { class: "mk-line" }, ...parts);
    row.style.top = `${(line - 1) * this.editor.lineHeight()}px`;
    return row;
  }

  /** The marks (finding's own first) under the 0-based (line, column) of the whole text. */
  at(line, column) {
    const marks = (this.byLine.get(line) ?? []).filter((m) => column >= m.from && column < m.to);
    return marks.sort((a, b) => (a.kind === "related") - (b.kind === "related"));
  }

  hover(event) {
    const area = this.editor.textarea;
    const style = getComputedStyle(area);
    const lineHeight = this.editor.lineHeight();
    const y = event.offsetY - (parseFloat(style.paddingTop) || 0) + area.scrollTop;
    const x = event.offsetX - (parseFloat(style.paddingLeft) || 0) + area.scrollLeft;
    const line = Math.floor(y / lineHeight) + this.editor.firstLine;
    const column = Math.floor(x / this.measure());
    const marks = y >= 0 && x >= 0 ? this.at(line, column) : [];
    if (!marks.length) return this.hideTooltip();
    this.tooltip.replaceChildren(...marks.map(describe));
    this.tooltip.hidden = false;
    const box = this.editor.textarea.parentElement.getBoundingClientRect();
    this.tooltip.style.left = `${Math.min(event.clientX - box.left + 12, box.width - 260)}px`;
    // Below the pointer, or above it when it would not fit in the editor.
    const below = event.clientY - box.top + 18;
    const height = this.tooltip.offsetHeight;
    this.tooltip.style.top = `${below + height > box.height ? Math.max(0, below - height - 30) : below}px`;
  }

  hideTooltip() {
    this.tooltip.hidden = true;
  }

  /** Says the message of the span under the caret (keyboard users read it in the status line). */
  caret() {
    const area = this.editor.textarea;
    const caret = area.selectionStart;
    if (caret === this.lastCaret && document.activeElement === area) return;
    this.lastCaret = caret;
    const before = area.value.slice(Math.max(0, area.value.lastIndexOf("\n", caret - 1) + 1), caret);
    const line = this.editor.firstLine + countNewlines(area.value, caret);
    const marks = this.at(line, before.length);
    // Always in the page (a live region that appears is not announced); empty hides it in CSS.
    this.status.replaceChildren(...marks.map(describe));
  }

  /** Moves to the next (+1) or previous (-1) finding after the caret, across files, wrapping. */
  jump(direction) {
    const list = this.findings;
    if (!list.length) return;
    const area = this.editor.textarea;
    const caretLine = this.editor.firstLine + countNewlines(area.value, area.selectionStart);
    const before = area.value.slice(area.value.lastIndexOf("\n", area.selectionStart - 1) + 1, area.selectionStart);
    const here = [this.file, caretLine, before.length + 1];
    const key = (f) => [f.file_index, f.line, f.column];
    const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    const order = [...list].sort((a, b) => compare(key(a), key(b)));
    let target;
    if (direction > 0) target = order.find((f) => compare(key(f), here) > 0) ?? order[0];
    else target = [...order].reverse().find((f) => compare(key(f), here) < 0) ?? order[order.length - 1];
    this.reveal(target);
  }

  /** Width of one character of the editor's monospace font. */
  measure() {
    if (this.charWidth) return this.charWidth;
    const probe = el("span", { class: "mk-probe" }, "0".repeat(100));
    this.layer.append(probe);
    this.charWidth = probe.getBoundingClientRect().width / 100 || 7.8;
    probe.remove();
    return this.charWidth;
  }
}

/** One message: severity, code, name and text; a related span says whose side it is. */
function describe(mark) {
  const f = mark.finding;
  if (mark.related) {
    return el("p", { class: "mk-msg mk-msg-related" }, el("strong", {}, `Related to ${f.code} ${f.name}: `), mark.related.message);
  }
  return el("p", { class: `mk-msg mk-msg-${f.severity}` }, el("strong", {}, `${f.severity} ${f.code} ${f.name}: `), f.message);
}

/** Offset where 1-based `line` starts in `text`, or -1 past the end. */
function lineStart(text, line) {
  let at = 0;
  for (let n = 1; n < line; n++) {
    at = text.indexOf("\n", at);
    if (at < 0) return -1;
    at += 1;
  }
  return at;
}

function countNewlines(text, end) {
  let count = 0;
  for (let at = text.indexOf("\n"); at >= 0 && at < end; at = text.indexOf("\n", at + 1)) count++;
  return count;
}
