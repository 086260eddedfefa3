//! One explained log line with its findings positioned: what
//! `meshmend explain-log --format json` prints for each line and what the
//! page's "Paste an error" box shows.

use serde::Serialize;

use super::{Line, link};
use crate::Diagnostic;
use crate::report::{Finding, Locator, Shape};

/// A non-blank log line, what it means and the findings that caused it.
#[derive(Debug, Serialize)]
pub struct ExplainedLine {
    /// 1-based line number in the log.
    pub number: usize,
    /// The line as given (the page passes it redacted).
    pub text: String,
    /// Pattern id; `None`: not recognised.
    pub pattern: Option<&'static str>,
    /// Who writes such a line (`istiod`, `Envoy`, …); empty when not recognised.
    pub source: &'static str,
    /// What it means; empty when not recognised.
    pub meaning: &'static str,
    /// The meshmend rules that find its cause.
    pub rules: &'static [&'static str],
    /// The findings on the manifests that explain it (empty without manifests).
    pub findings: Vec<Finding>,
}

impl ExplainedLine {
    /// `line`, linked to `diagnostics` (positioned by `locator`, with the
    /// fields `shape` carries).
    pub fn new(
        line: &Line<'_>,
        diagnostics: &[Diagnostic],
        locator: &Locator<'_>,
        shape: Shape,
    ) -> Self {
        ExplainedLine {
            number: line.number,
            text: line.text.to_string(),
            pattern: line.pattern.map(|p| p.id),
            source: line.pattern.map_or("", |p| p.source),
            meaning: line.pattern.map_or("", |p| p.meaning),
            rules: line.pattern.map_or(&[], |p| p.rules),
            findings: link(line, diagnostics)
                .into_iter()
                .map(|i| locator.finding(&diagnostics[i], shape))
                .collect(),
        }
    }
}
