// A <textarea> with a virtualised line-number gutter and severity markers.
// Only the visible line numbers are in the DOM, so a 5 MB paste stays cheap.

export class Editor {
  constructor({ textarea, gutter, inner }) {
    this.textarea = textarea;
    this.gutter = gutter;
    this.inner = inner;
    this.lineCount = 1;
    this.markers = new Map(); // 1-based line → "error" | "warning" | "info"
    this.frame = 0;
    textarea.addEventListener("scroll", () => this.schedule());
    textarea.addEventListener("input", () => {
      this.lineCount = countLines(textarea.value);
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(textarea);
  }

  get value() {
    return this.textarea.value;
  }

  /** Replaces the text (no input event) and scrolls to the top. */
  set value(text) {
    this.textarea.value = text;
    this.textarea.scrollTop = 0;
    this.textarea.scrollLeft = 0;
    this.lineCount = countLines(text);
    this.schedule();
  }

  /** Gutter markers: an iterable of [line, severity]; the worst severity per line wins. */
  setMarkers(entries) {
    const rank = { info: 1, warning: 2, error: 3 };
    this.markers = new Map();
    for (const [line, severity] of entries) {
      const current = this.markers.get(line);
      if (!current || rank[severity] > rank[current]) this.markers.set(line, severity);
    }
    this.schedule();
  }

  /** Selects 1-based `line` (the whole line), scrolls it into view and focuses the editor. */
  selectLine(line) {
    const text = this.textarea.value;
    let start = 0;
    for (let current = 1; current < line; current++) {
      const next = text.indexOf("\n", start);
      if (next < 0) break;
      start = next + 1;
    }
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end > start && text[end - 1] === "\r") end -= 1;
    this.textarea.focus({ preventScroll: true });
    this.textarea.setSelectionRange(start, end);
    const height = this.lineHeight();
    const target = (line - 1) * height - this.textarea.clientHeight / 3;
    this.textarea.scrollTop = Math.max(0, target);
    this.textarea.scrollLeft = 0;
    this.schedule();
  }

  lineHeight() {
    return parseFloat(getComputedStyle(this.textarea).lineHeight) || 20;
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render() {
    const height = this.lineHeight();
    const padding = parseFloat(getComputedStyle(this.textarea).paddingTop) || 0;
    const top = this.textarea.scrollTop;
    const first = Math.max(1, Math.floor((top - padding) / height) + 1);
    const visible = Math.ceil(this.textarea.clientHeight / height) + 2;
    const last = Math.min(this.lineCount, first + visible);
    const digits = String(this.lineCount).length;
    this.gutter.style.width = `${Math.max(3, digits) + 2}ch`;
    const rows = [];
    for (let line = first; line <= last; line++) {
      const row = document.createElement("div");
      row.className = "line-number";
      row.textContent = String(line);
      const severity = this.markers.get(line);
      if (severity) row.classList.add(`mark-${severity}`);
      rows.push(row);
    }
    this.inner.replaceChildren(...rows);
    this.inner.style.transform = `translateY(${padding + (first - 1) * height - top}px)`;
  }
}

/** Number of lines in `text` (an empty text has one line). */
export function countLines(text) {
  let count = 1;
  let index = text.indexOf("\n");
  while (index >= 0) {
    count++;
    index = text.indexOf("\n", index + 1);
  }
  return count;
}
