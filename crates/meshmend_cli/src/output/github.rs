//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding (`::error file=…,line=…::message`), shown on the pull request diff.
//!
//! Format and escaping follow GitHub's "Workflow commands" documentation
//! (<https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#setting-an-error-message>)
//! and the runner's reference encoder in `@actions/core` (`command.ts`):
//! data escapes `%`, CR and LF; property values also escape `:` and `,`.
//! Properties come in `@actions/core`'s order (title, file, line, endLine,
//! col, endColumn) so its output and ours can be compared byte for byte.

use std::io::Write;
use std::path::Path;

use meshmend_core::{Diagnostic, Severity};

use super::{Findings, Locator};

/// Writes one workflow command per finding, then a plain summary line.
pub(crate) fn write(out: &mut dyn Write, findings: &Findings<'_>) -> std::io::Result<()> {
    let locator = &findings.locator();
    for d in findings.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let range = locator.range(d.file, d.span);
        let mut properties = vec![("title", format!("{} {}", d.code, d.name))];
        let name = locator.name(d.file);
        // Stdin has no file to annotate: the annotation goes on the run.
        if name != "-" {
            properties.push(("file", repo_path(name)));
            properties.push(("line", range.line.to_string()));
            properties.push(("endLine", range.end_line.to_string()));
            // GitHub refuses columns on an annotation that spans lines.
            if range.line == range.end_line {
                let end = range.end_column.max(range.column + 1);
                properties.push(("col", range.column.to_string()));
                properties.push(("endColumn", end.to_string()));
            }
        }
        write!(out, "::{command} ")?;
        for (i, (key, value)) in properties.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            write!(out, "{comma}{key}={}", escape_property(value))?;
        }
        writeln!(out, "::{}", escape_data(&message(locator, d)))?;
    }
    let summary = findings.summary;
    writeln!(
        out,
        "meshmend: {} error(s), {} warning(s), {} info(s) in {} file(s)",
        summary.errors, summary.warnings, summary.infos, summary.files
    )
}

/// The finding's message with its note, help and the other side of the
/// conflict, as the annotation body (multi-line).
pub(crate) fn message(locator: &Locator<'_>, d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    for r in &d.related {
        let range = locator.range(r.file, r.span);
        text.push_str(&format!(
            "\n{}:{}:{}: {}",
            locator.name(r.file),
            range.line,
            range.column,
            r.message
        ));
    }
    for (label, extra) in [("note", &d.note), ("help", &d.help)] {
        if let Some(extra) = extra {
            text.push_str(&format!("\n{label}: {extra}"));
        }
    }
    text
}

/// `@actions/core` `escapeData`.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `@actions/core` `escapeProperty`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A path as CI tools expect it: relative to the working directory (the
/// repository root in CI) when it lies under it, `/` separated.
pub(crate) fn repo_path(name: &str) -> String {
    let path = Path::new(name);
    let relative = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
    } else {
        None
    };
    let text = relative.map_or_else(|| name.to_string(), |p| p.to_string_lossy().into_owned());
    let text = text.replace('\\', "/");
    text.strip_prefix("./").map_or(text.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_escape_separators_and_data_escapes_newlines() {
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(escape_data("a:b,c%d\r\ne"), "a:b,c%25d%0D%0Ae");
    }

    #[test]
    fn paths_are_relative_and_slash_separated() {
        assert_eq!(repo_path("./k8s/gw.yaml"), "k8s/gw.yaml");
        assert_eq!(repo_path("k8s\\gw.yaml"), "k8s/gw.yaml");
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("dir/x.yaml");
        assert_eq!(repo_path(&inside.to_string_lossy()), "dir/x.yaml");
        assert_eq!(
            repo_path("/nonexistent-root/x.yaml"),
            "/nonexistent-root/x.yaml"
        );
    }
}
