//! `--format json`: the stable, versioned report (version 1).
//!
//! The shape is a public contract: fields are only ever added in a new
//! `version`. Lines and columns are 1-based and count characters;
//! `end_line`/`end_column` point just past the finding.

use std::io::Write;

use meshmend_core::report::{Finding, Shape};
use serde::Serialize;

use super::{Findings, Summary};

#[derive(Serialize)]
struct Report {
    version: u32,
    diagnostics: Vec<Finding>,
    summary: Summary,
}

/// Writes the report as pretty-printed JSON followed by a newline.
pub(crate) fn write(out: &mut dyn Write, findings: &Findings<'_>) -> std::io::Result<()> {
    let locator = findings.locator();
    let report = Report {
        version: 1,
        diagnostics: findings
            .diagnostics
            .iter()
            .map(|d| locator.finding(d, Shape::JsonV1))
            .collect(),
        summary: findings.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
