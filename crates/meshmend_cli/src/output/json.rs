//! `--format json`: the stable, versioned report (version 1).
//!
//! The shape is a public contract: fields are only ever added in a new
//! `version`. Lines and columns are 1-based and count characters;
//! `end_line`/`end_column` point just past the finding.

use std::io::Write;

use meshmend_core::{Diagnostic, Severity};
use serde::Serialize;

use super::{Locator, Summary};

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    istio_code: Option<&'a str>,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    resource: Option<Resource<'a>>,
    related: Vec<Related<'a>>,
    fix_available: bool,
}

#[derive(Serialize)]
struct Resource<'a> {
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

/// Writes the report as pretty-printed JSON followed by a newline.
pub(crate) fn write(
    out: &mut dyn Write,
    locator: &Locator<'_>,
    diagnostics: &[Diagnostic],
    summary: Summary,
) -> std::io::Result<()> {
    let report = Report {
        version: 1,
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let range = locator.range(d.file, d.span);
                JsonDiagnostic {
                    code: d.code,
                    name: d.name,
                    istio_code: d.istio_code,
                    severity: d.severity,
                    message: &d.message,
                    file: locator.name(d.file),
                    line: range.line,
                    column: range.column,
                    end_line: range.end_line,
                    end_column: range.end_column,
                    resource: d.resource.as_ref().map(|r| Resource {
                        kind: &r.kind,
                        namespace: &r.namespace,
                        name: &r.name,
                    }),
                    related: d
                        .related
                        .iter()
                        .map(|r| {
                            let range = locator.range(r.file, r.span);
                            Related {
                                file: locator.name(r.file),
                                line: range.line,
                                column: range.column,
                                message: &r.message,
                            }
                        })
                        .collect(),
                    fix_available: d.fix_available,
                }
            })
            .collect(),
        summary,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
