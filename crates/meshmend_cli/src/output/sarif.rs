//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers.
//!
//! Built with `serde-sarif`'s typed structs (generated from the OASIS
//! schema), so field names and nesting cannot drift from the spec. Every
//! registered rule is listed in `tool.driver.rules` with its documentation as
//! help; results point at it by `ruleId` and `ruleIndex`. Columns count
//! Unicode code points (`columnKind`), matching the text and JSON output.

use std::io::Write;
use std::path::Path;

use meshmend_core::{Diagnostic, Severity};
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    Sarif, Tool, ToolComponent,
};

use super::{Findings, Locator, Range};

/// The schema URI GitHub's documentation uses for uploads.
pub(crate) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes one SARIF log with one run.
pub(crate) fn write(out: &mut dyn Write, findings: &Findings<'_>) -> std::io::Result<()> {
    let diagnostics = findings.diagnostics;
    let locator = &findings.locator();
    let mut rules: Vec<Rule> = meshmend_core::all_rules()
        .iter()
        .map(|rule| Rule {
            id: rule.meta.code,
            name: rule.meta.name,
            severity: rule.meta.severity,
            summary: rule.meta.summary,
            docs: rule.meta.docs,
        })
        .collect();
    let mut results = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        // `--istio-compat` reports IST codes: give each its own descriptor,
        // documented by the meshmend rule of the same name when there is one.
        let index = if let Some(index) = rules.iter().position(|r| r.id == d.code) {
            index
        } else {
            let known = meshmend_core::find_rule(d.name);
            rules.push(Rule {
                id: d.code,
                name: d.name,
                severity: d.severity,
                summary: known.map_or("", |r| r.meta.summary),
                docs: known.map_or("", |r| r.meta.docs),
            });
            rules.len() - 1
        };
        results.push(result(locator, d, index));
    }
    let driver = ToolComponent::builder()
        .name("meshmend")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules.iter().map(Rule::descriptor).collect::<Vec<_>>())
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .results(results)
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

struct Rule {
    id: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    docs: &'static str,
}

impl Rule {
    fn descriptor(&self) -> ReportingDescriptor {
        let summary = if self.summary.is_empty() {
            self.name
        } else {
            self.summary
        };
        let docs = if self.docs.is_empty() {
            summary
        } else {
            self.docs
        };
        ReportingDescriptor::builder()
            .id(self.id)
            .name(self.name)
            .short_description(MultiformatMessageString::builder().text(summary).build())
            .full_description(MultiformatMessageString::builder().text(summary).build())
            .help(
                MultiformatMessageString::builder()
                    .text(docs)
                    .markdown(docs)
                    .build(),
            )
            .default_configuration(
                ReportingConfiguration::builder()
                    .level(serde_json::Value::from(level_name(self.severity)))
                    .build(),
            )
            .properties(
                PropertyBag::builder()
                    .tags(vec!["istio".to_string(), "kubernetes".to_string()])
                    .build(),
            )
            .build()
    }
}

fn result(locator: &Locator<'_>, d: &Diagnostic, rule_index: usize) -> SarifResult {
    let mut text = d.message.clone();
    for (label, extra) in [("note", &d.note), ("help", &d.help)] {
        if let Some(extra) = extra {
            text.push_str(&format!("\n{label}: {extra}"));
        }
    }
    let related: Vec<Location> = d
        .related
        .iter()
        .zip(1_i64..)
        .map(|(r, id)| {
            Location::builder()
                .id(id)
                .physical_location(physical(
                    locator.name(r.file),
                    locator.range(r.file, r.span),
                ))
                .message(Message::builder().text(r.message.clone()).build())
                .build()
        })
        .collect();
    let primary = Location::builder()
        .physical_location(physical(
            locator.name(d.file),
            locator.range(d.file, d.span),
        ))
        .build();
    let builder = SarifResult::builder()
        .rule_id(d.code)
        .rule_index(i64::try_from(rule_index).unwrap_or(i64::MAX))
        .level(level(d.severity))
        .message(Message::builder().text(text).build())
        .locations(vec![primary]);
    if related.is_empty() {
        builder.build()
    } else {
        builder.related_locations(related).build()
    }
}

fn physical(name: &str, range: Range) -> PhysicalLocation {
    let number = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    // A point (a parser error position) is shown as its one character:
    // viewers render empty regions poorly.
    let end_column = if (range.end_line, range.end_column) == (range.line, range.column) {
        range.column + 1
    } else {
        range.end_column
    };
    PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(artifact_uri(name)).build())
        .region(
            Region::builder()
                .start_line(number(range.line))
                .start_column(number(range.column))
                .end_line(number(range.end_line))
                .end_column(number(end_column))
                .build(),
        )
        .build()
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A URI reference for a display name: relative paths stay relative (code
/// scanning resolves them against the repository root), absolute paths under
/// the current directory are made relative, other absolute paths become
/// `file://` URIs. Stdin is `stdin`.
fn artifact_uri(name: &str) -> String {
    if name == "-" {
        return "stdin".to_string();
    }
    let path = Path::new(name);
    if path.is_absolute() {
        let relative = std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
        return match relative {
            Some(relative) => encode(&relative.to_string_lossy().replace('\\', "/")),
            None => format!("file://{}", encode(&name.replace('\\', "/"))),
        };
    }
    encode(name)
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_relative_and_are_encoded() {
        assert_eq!(artifact_uri("k8s/gw.yaml"), "k8s/gw.yaml");
        assert_eq!(
            artifact_uri("my dir/gw ä.yaml"),
            "my%20dir/gw%20%C3%A4.yaml"
        );
        assert_eq!(artifact_uri("-"), "stdin");
    }

    #[test]
    fn absolute_paths_outside_cwd_become_file_uris() {
        assert_eq!(
            artifact_uri("/nonexistent-root/x.yaml"),
            "file:///nonexistent-root/x.yaml"
        );
    }
}
