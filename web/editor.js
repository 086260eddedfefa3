// A <textarea> with a virtualised line-number gutter and severity markers.
// Only the visible line numbers are in the DOM.
//
// Large inputs: browsers re-lay out a whole <textarea> on every keystroke
// (measured here: ~10 s to show 6 MB, ~2 s per key), so above LARGE_INPUT the
// textarea holds a window of WINDOW_LINES lines and the rest is kept as plain
// strings before and after it. `value` is always the whole text; the whole
// text is analyzed; clicking a finding outside the window moves the window.

const LARGE_INPUT = 512 * 1024;
const WINDOW_LINES = 2000;

export class Editor {
  constructor({ textarea, gutter, inner, bar, barText, previous, next }) {
    this.textarea = textarea;
    this.gutter = gutter;
    this.inner = inner;
    this.bar = bar;
    this.barText = barText;
    this.before = "";
    this.after = "";
    this.firstLine = 1; // line number of the textarea's first line
    this.totalLines = 1;
    this.windowed = false;
    this.afterNewlines = 0;
    this.lineCount = 1;
    this.markers = new Map(); // 1-based line → "error" | "warning" | "info"
    this.frame = 0;
    textarea.addEventListener("scroll", () => this.schedule());
    textarea.addEventListener("input", () => {
      this.lineCount = countLines(textarea.value);
      this.totalLines = this.windowed ? this.firstLine - 1 + this.lineCount + this.afterNewlines : this.lineCount;
      this.schedule();
    });
    textarea.addEventListener("paste", (event) => this.paste(event));
    previous.addEventListener("click", () => this.openWindow(this.value, Math.max(1, this.firstLine - WINDOW_LINES)));
    next.addEventListener("click", () => this.openWindow(this.value, this.firstLine + this.lineCount));
    new ResizeObserver(() => this.schedule()).observe(textarea);
  }

  /** The whole text (including what lies outside the window). */
  get value() {
    return this.windowed ? this.before + this.textarea.value + this.after : this.textarea.value;
  }

  /** Replaces the text (no input event) and scrolls to the top. */
  set value(text) {
    if (text.length > LARGE_INPUT) {
      this.openWindow(text, 1);
      return;
    }
    this.windowed = false;
    this.before = this.after = "";
    this.firstLine = 1;
    this.bar.hidden = true;
    this.textarea.value = text;
    this.textarea.scrollTop = 0;
    this.textarea.scrollLeft = 0;
    this.lineCount = this.totalLines = countLines(text);
    this.schedule();
  }

  /** Shows lines `first`… of `text` (WINDOW_LINES of them) in the textarea. */
  openWindow(text, first) {
    this.totalLines = countLines(text);
    const start = Math.max(1, Math.min(first, this.totalLines - WINDOW_LINES + 1));
    const from = lineOffset(text, start);
    // The window ends at the end of its last line; the newline before the
    // next line stays outside, in `after`. (Ending after that newline left an
    // empty last row in the textarea that was really the start of the next,
    // hidden line: text typed there joined that line unseen.)
    let to = lineOffset(text, start + WINDOW_LINES, from);
    if (to < text.length) {
      to -= 1; // before the "\n"
      if (to > from && text[to - 1] === "\r") to -= 1;
    }
    this.windowed = true;
    this.before = text.slice(0, from);
    this.after = text.slice(to);
    this.afterNewlines = countLines(this.after) - 1;
    this.firstLine = start;
    this.textarea.value = text.slice(from, to);
    this.textarea.scrollTop = 0;
    this.lineCount = countLines(this.textarea.value);
    const last = start + this.lineCount - 1;
    this.bar.hidden = false;
    this.barText.textContent =
      `Large input (${(text.length / 1048576).toFixed(1)} MB, ${this.totalLines.toLocaleString("en")} lines): ` +
      `editing lines ${start.toLocaleString("en")}–${last.toLocaleString("en")}. All of it is analyzed.`;
    this.schedule();
  }

  /** Pastes of large text replace the selection in the whole text, then open a window. */
  paste(event) {
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (text.length <= LARGE_INPUT) return;
    event.preventDefault();
    const whole = this.value;
    const from = this.before.length + this.textarea.selectionStart;
    const to = this.before.length + this.textarea.selectionEnd;
    const next = whole.slice(0, from) + text + whole.slice(to);
    this.openWindow(next, countLines(whole.slice(0, from)));
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
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
    if (this.windowed && (line < this.firstLine || line >= this.firstLine + this.lineCount)) {
      this.openWindow(this.value, line - Math.floor(WINDOW_LINES / 3));
    }
    line -= this.firstLine - 1;
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

  /**
   * Selects a finding's span (1-based line, UTF-16 column; end exclusive),
   * scrolls it into view and focuses the editor.
   */
  selectSpan({ line, column, end_line: endLine, end_column: endColumn }) {
    this.selectLine(line);
    const text = this.textarea.value;
    const offset = (l, c) => {
      let at = 0;
      for (let n = this.firstLine; n < l; n++) {
        const next = text.indexOf("\n", at);
        if (next < 0) return text.length;
        at = next + 1;
      }
      return Math.min(at + c - 1, text.length);
    };
    const start = offset(line, column);
    const end = Math.max(start, offset(endLine ?? line, endColumn ?? column + 1));
    this.textarea.setSelectionRange(start, end);
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
    const offset = this.firstLine - 1;
    const digits = String(this.totalLines).length;
    this.gutter.style.width = `${Math.max(3, digits) + 2}ch`;
    const rows = [];
    for (let line = first; line <= last; line++) {
      const row = document.createElement("div");
      row.className = "line-number";
      row.textContent = String(line + offset);
      const severity = this.markers.get(line + offset);
      if (severity) row.classList.add(`mark-${severity}`);
      rows.push(row);
    }
    this.inner.replaceChildren(...rows);
    this.inner.style.transform = `translateY(${padding + (first - 1) * height - top}px)`;
    this.onRender?.(first, last, offset); // the finding markers (markers.js)
  }
}

/** Offset where 1-based `line` starts (text.length past the end), searching from `from`. */
function lineOffset(text, line, from = 0) {
  let offset = from;
  let current = from === 0 ? 1 : countLines(text.slice(0, from));
  while (current < line) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
    current++;
  }
  return offset;
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
