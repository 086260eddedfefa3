//! `--format junit`: JUnit XML as Jenkins (JUnit plugin), Azure DevOps
//! (`PublishTestResults@2`, `testResultsFormat: JUnit`) and CircleCI
//! (`store_test_results`) read it.
//!
//! There is no single JUnit standard; this follows the subset all three
//! accept (Jenkins' `junit-4.xsd` shape): `<testsuites>` of one
//! `<testsuite>` per input file, one `<testcase>` per finding, and one
//! passing `<testcase>` for a file without findings so a clean run still
//! reports tests. A finding at or above `--failure-threshold` is a
//! `<failure>` (so the test report and the exit code agree); one below it
//! passes with its message in `<system-out>`. Characters XML 1.0 forbids
//! (NUL and other C0 controls from binary input) become U+FFFD.

use std::io::Write;

use meshmend_core::{Diagnostic, Severity};

use super::Findings;
use super::github::{message, repo_path};

/// Writes the report. `threshold` is the failure threshold (`None`: never fail).
pub(crate) fn write(
    out: &mut dyn Write,
    findings: &Findings<'_>,
    threshold: Option<Severity>,
) -> std::io::Result<()> {
    let diagnostics = findings.diagnostics;
    let locator = &findings.locator();
    let files = findings.bundle.files.len();
    let fails = |d: &Diagnostic| threshold.is_some_and(|t| d.severity >= t);
    let per_file: Vec<Vec<&Diagnostic>> = (0..files)
        .map(|file| diagnostics.iter().filter(|d| d.file == file).collect())
        .collect();
    let tests: usize = per_file.iter().map(|f| f.len().max(1)).sum();
    let failures = diagnostics.iter().filter(|d| fails(d)).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="meshmend" tests="{tests}" failures="{failures}" errors="0" skipped="0" time="0">"#
    )?;
    for (file, found) in per_file.iter().enumerate() {
        let path = repo_path(locator.name(file));
        let suite_failures = found.iter().filter(|d| fails(d)).count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{suite_failures}" errors="0" skipped="0" time="0">"#,
            xml(&path),
            found.len().max(1)
        )?;
        if found.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="no findings" classname="meshmend" file="{}" time="0"/>"#,
                xml(&path)
            )?;
        }
        for d in found {
            let range = locator.range(d.file, d.span);
            let resource = d
                .resource
                .as_ref()
                .map(|r| format!(" {}/{}/{}", r.kind, r.namespace, r.name))
                .unwrap_or_default();
            writeln!(
                out,
                r#"    <testcase name="{}" classname="meshmend.{}" file="{}" line="{}" time="0">"#,
                xml(&format!("{}:{}{resource}", path, range.line)),
                xml(d.name),
                xml(&path),
                range.line
            )?;
            let body = format!(
                "{}:{}:{}: {} {} [{}]\n{}",
                path,
                range.line,
                range.column,
                d.severity,
                d.code,
                d.name,
                message(locator, d)
            );
            if fails(d) {
                writeln!(
                    out,
                    r#"      <failure message="{}" type="{}">{}</failure>"#,
                    xml(&d.message),
                    xml(d.code),
                    xml(&body)
                )?;
            } else {
                writeln!(out, "      <system-out>{}</system-out>", xml(&body))?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Escapes text for an attribute or element; replaces what XML 1.0 forbids.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept in attributes as character references, not normalised away.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(
            xml("a<b>&\"c'\0\u{1b}é\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}\u{fffd}é&#10;"
        );
    }
}
