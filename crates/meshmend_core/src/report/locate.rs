//! Span → line/column, in the column encoding each output names.

use std::cell::OnceCell;

use serde::Serialize;

use super::Shape;
use crate::model::Bundle;
use crate::refactor::FixOutcome;
use crate::span::{Columns, LineCol, LineIndex, Span};

/// A 1-based range; the end is exclusive (the position just after the last
/// character), as in LSP and SARIF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// Line of the start.
    pub line: usize,
    /// Column of the start.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column of the end (exclusive).
    pub end_column: usize,
}

/// Where a finding is, as an output prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    /// File name.
    pub file: String,
    /// Index of the file in the input list (page only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub file_index: Option<usize>,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start.
    pub column: usize,
    /// 1-based line of the end (absent from version 1 JSON's related
    /// locations).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub end_line: Option<usize>,
    /// 1-based column of the end, exclusive (absent where `end_line` is).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub end_column: Option<usize>,
}

/// Turns spans of a set of texts into positions, building each text's line
/// index at most once.
pub struct Locator<'a> {
    files: Vec<(&'a str, &'a str)>,
    indexes: Vec<OnceCell<LineIndex>>,
    columns: Columns,
}

impl<'a> Locator<'a> {
    /// `(name, text)` pairs, indexed as the spans' `file` fields are.
    pub fn new(files: impl IntoIterator<Item = (&'a str, &'a str)>, columns: Columns) -> Self {
        let files: Vec<_> = files.into_iter().collect();
        let indexes = files.iter().map(|_| OnceCell::new()).collect();
        Self {
            files,
            indexes,
            columns,
        }
    }

    /// The bundle's input files.
    pub fn of_bundle(bundle: &'a Bundle, columns: Columns) -> Self {
        Self::new(
            bundle
                .files
                .iter()
                .map(|f| (f.name.as_str(), f.text.as_str())),
            columns,
        )
    }

    /// A fix's patched texts (where its remaining findings are); a deleted
    /// file is empty.
    pub fn of_patched(outcome: &'a FixOutcome, columns: Columns) -> Self {
        Self::new(
            outcome
                .files
                .iter()
                .map(|f| (f.path.as_str(), f.patched.as_deref().unwrap_or_default())),
            columns,
        )
    }

    /// Display name of a file (`-` for stdin).
    pub fn name(&self, file: usize) -> &'a str {
        self.files[file].0
    }

    /// Line and column of one offset.
    pub fn point(&self, file: usize, offset: usize) -> LineCol {
        let text = self.files[file].1;
        let index = self.indexes[file].get_or_init(|| LineIndex::new(text));
        index.position(text, offset, self.columns)
    }

    /// Start and end of a span.
    pub fn range(&self, file: usize, span: Span) -> Range {
        let start = self.point(file, span.start);
        let end = self.point(file, span.end.max(span.start));
        Range {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }

    /// A span as `shape` prints it (the file index on the page only).
    pub fn location(&self, file: usize, span: Span, shape: Shape) -> Location {
        let range = self.range(file, span);
        Location {
            file: self.name(file).to_string(),
            file_index: (shape == Shape::Page).then_some(file),
            line: range.line,
            column: range.column,
            end_line: Some(range.end_line),
            end_column: Some(range.end_column),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_counted_in_the_encoding_asked_for() {
        // `a: "` then a rocket (4 UTF-8 bytes, 2 UTF-16 units, 1 character).
        let text = "x: 1\na: \"🚀\" b\n";
        let after = text.find("\" b").unwrap();
        let column = |columns| {
            let locator = Locator::new([("t.yaml", text)], columns);
            let range = locator.range(0, Span::new(after, after + 1));
            (range.line, range.column, range.end_column)
        };
        assert_eq!(column(Columns::Chars), (2, 6, 7));
        assert_eq!(column(Columns::Utf16), (2, 7, 8));
        assert_eq!(column(Columns::Utf8Bytes), (2, 9, 10));
    }

    #[test]
    fn only_the_page_gets_the_file_index() {
        let locator = Locator::new([("a", "ab\n"), ("b", "cd\n")], Columns::Chars);
        let span = Span::new(1, 2);
        let v1 = locator.location(1, span, Shape::JsonV1);
        assert_eq!((v1.file.as_str(), v1.file_index), ("b", None));
        let page = locator.location(1, span, Shape::Page);
        assert_eq!(page.file_index, Some(1));
        assert_eq!((v1.end_line, v1.end_column), (Some(1), Some(3)));
    }
}
