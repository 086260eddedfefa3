//! Output formats. Findings stay spans until here; this module turns them
//! into 1-based line/character-column positions, once per file.

pub(crate) mod json;
pub(crate) mod sarif;
pub(crate) mod text;

use std::cell::OnceCell;

use meshmend_core::{Bundle, Diagnostic, LineIndex, Severity, Span};

/// A 1-based range in characters; the end is exclusive (the position just
/// after the last character), as in LSP and SARIF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Range {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) end_line: usize,
    pub(crate) end_column: usize,
}

/// Turns spans into positions, building each file's line index at most once.
pub(crate) struct Locator<'a> {
    bundle: &'a Bundle,
    indexes: Vec<OnceCell<LineIndex>>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(bundle: &'a Bundle) -> Self {
        Self {
            bundle,
            indexes: (0..bundle.files.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    /// Display name of a file (`-` for stdin).
    pub(crate) fn name(&self, file: usize) -> &'a str {
        &self.bundle.files[file].name
    }

    pub(crate) fn range(&self, file: usize, span: Span) -> Range {
        let text = self.bundle.text(file);
        let index = self.indexes[file].get_or_init(|| LineIndex::new(text));
        let start = index.line_col(text, span.start);
        let end = index.line_col(text, span.end.max(span.start));
        Range {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Summary {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) infos: usize,
    pub(crate) files: usize,
    pub(crate) documents: usize,
}

impl Summary {
    pub(crate) fn new(bundle: &Bundle, diagnostics: &[Diagnostic]) -> Self {
        let count = |severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        Self {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            files: bundle.files.len(),
            documents: bundle.document_count(),
        }
    }
}
