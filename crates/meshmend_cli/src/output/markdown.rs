//! `--format markdown`: the incident report of `meshmend_core::markdown_report`,
//! the same text the page's "Incident report" button produces.

use std::io::Write;

use meshmend_core::markdown_report::{ReportFix, markdown_report};
use meshmend_core::refactor::{FixOptions, FixOutcome};
use meshmend_core::{AnalyzeOptions, Bundle, Diagnostic, Vault};

/// Writes the report; `fix` adds the fix (as its redacted diff) and its verification.
pub(crate) fn write(
    out: &mut impl Write,
    bundle: &Bundle,
    diagnostics: &[Diagnostic],
    analyze: &AnalyzeOptions,
    fix: Option<(&FixOptions, &FixOutcome)>,
) -> std::io::Result<()> {
    let fix = fix.map(|(options, outcome)| ReportFix { options, outcome });
    let (text, _) = markdown_report(bundle, diagnostics, analyze, fix, Vault::default());
    out.write_all(text.as_bytes())
}
