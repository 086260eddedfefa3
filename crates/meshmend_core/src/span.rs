//! Byte spans and the line index that turns them into line/column at the edges.

use std::fmt;
use std::ops::Range;

/// A half-open byte range `start..end` into one source file.
///
/// Everything in the core carries a `Span`; line and column are computed only
/// when a finding leaves the core (CLI, JSON, wasm), from a [`LineIndex`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// An empty span at `offset` (an insertion point).
    pub const fn empty(offset: usize) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// Number of bytes covered.
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// True when `other` lies inside `self`.
    pub const fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The text this span covers.
    pub fn slice(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    /// As a `Range` for slicing.
    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written (a byte span in the resource's file).
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub const fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in the [`Columns`] asked for (characters for
    /// [`LineIndex::line_col`]).
    pub column: usize,
}

/// Start offsets of every line, for turning byte offsets into line/column.
///
/// Lines end at `\n`; a `\r` before it belongs to the line (so CRLF files
/// get the same line numbers as editors show).
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` in one pass.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// Number of lines (a trailing newline does not start a new visible line
    /// for editors, but we count it so every offset maps somewhere).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte span of 0-based `line`, without its line terminator.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.starts[line];
        let mut end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end.max(start))
    }

    /// 1-based line and column of `offset`, the column counted in `columns`.
    pub fn position(&self, text: &str, offset: usize, columns: Columns) -> LineCol {
        let offset = floor_char_boundary(text, offset);
        let line = self.line_of(offset);
        let before = &text[self.starts[line]..offset];
        let column = match columns {
            Columns::Utf8Bytes => before.len(),
            Columns::Utf16 => before.encode_utf16().count(),
            Columns::Chars => before.chars().count(),
        } + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// 1-based line and character column of `offset`.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        self.position(text, offset, Columns::Chars)
    }

    /// 1-based line and UTF-16 column of `offset`: what JS editors and
    /// `<textarea>.setSelectionRange` count in.
    pub fn line_col_utf16(&self, text: &str, offset: usize) -> LineCol {
        self.position(text, offset, Columns::Utf16)
    }
}

/// What a column counts. Each output names its own: the CLI's JSON, SARIF
/// (`columnKind: unicodeCodePoints`) and messages count characters; the page
/// counts UTF-16 code units (what JS strings and `setSelectionRange` use);
/// byte columns are for tools that slice the UTF-8 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// UTF-8 bytes.
    Utf8Bytes,
    /// UTF-16 code units.
    Utf16,
    /// Unicode scalar values (characters).
    Chars,
}

/// The largest char boundary of `text` at or before `offset` (clamped to its length).
pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == b'\n').then_some(i))
}

/// UTF-16 code-unit offset of a byte offset from the start of `text`, for JS.
pub fn utf16_offset(text: &str, offset: usize) -> usize {
    text[..floor_char_boundary(text, offset)]
        .encode_utf16()
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_lines_and_columns() {
        let text = "a: 1\r\nbb: 2\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 6), LineCol { line: 2, column: 1 });
        assert_eq!(index.line_col(text, 10), LineCol { line: 2, column: 5 });
        assert_eq!(index.line_span(text, 0).slice(text), "a: 1");
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "# 🚀 x\nk: v";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x).column, 5);
        assert_eq!(index.line_col_utf16(text, x).column, 6);
        assert_eq!(utf16_offset(text, x), 5);
    }

    #[test]
    fn offsets_inside_a_char_are_clamped() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1).column, 1);
    }
}
