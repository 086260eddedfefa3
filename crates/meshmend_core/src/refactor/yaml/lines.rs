//! Where things are in YAML text: lines, columns, line ends and the layout
//! of block sequence items, read from the text so edits match its style.

use crate::span::Span;

/// `"\r\n"` when the text's first line ends in CRLF, else `"\n"`.
pub(crate) fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Start of the line containing `at`.
pub(crate) fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Start of the line after the one containing `at` (or the end of the text).
pub(crate) fn next_line_start(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Byte column of `at` in its line (indentation is ASCII, so bytes = columns).
pub(crate) fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// True when only spaces precede `at` on its line.
pub(crate) fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at].bytes().all(|b| b == b' ')
}

/// Where a line-oriented edit after `span` goes: just past the newline that
/// ends the span's last line (block scalars already include it).
pub(crate) fn after_node_line(text: &str, span: Span) -> usize {
    if span.end > span.start && text.as_bytes()[span.end - 1] == b'\n' {
        span.end
    } else {
        next_line_start(text, span.end)
    }
}

/// How a block sequence writes its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ItemLayout {
    /// Column of the `-`.
    pub dash: usize,
    /// Column the item's content starts at.
    pub content: usize,
    /// Content starts on the line after the dash (`-\n  port: …`).
    pub own_line: bool,
    /// Offset of the `-`.
    pub dash_at: usize,
}

/// The layout of one block sequence item, found by scanning back from its
/// content to the `-`.
pub(crate) fn item_layout(text: &str, item: Span) -> Option<ItemLayout> {
    let bytes = text.as_bytes();
    let mut i = item.start;
    let mut crossed_line = false;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b' ' | b'\t' | b'\r' => {}
            b'\n' => crossed_line = true,
            b'-' => {
                let dash_at = i;
                return Some(ItemLayout {
                    dash: column(text, dash_at),
                    content: column(text, item.start),
                    own_line: crossed_line,
                    dash_at,
                });
            }
            _ => return None,
        }
    }
    None
}
