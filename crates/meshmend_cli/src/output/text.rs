//! `--format text`: compiler-style diagnostics with the source lines and
//! carets, rendered by `annotate-snippets` (rustc's and cargo's renderer).
//!
//! Each finding shows its primary span (the losing side) labelled with the
//! resource, one snippet per related span (the other side), then the note and
//! help. Colour is used only when stdout is a terminal (`NO_COLOR`,
//! `CLICOLOR_FORCE` are honoured); piped output is plain text.

use std::io::Write;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use meshmend_core::{Bundle, LineIndex, Severity, Span};

use super::{Findings, Summary};

/// True when stdout should get ANSI colours.
pub(crate) fn stdout_wants_colour() -> bool {
    !matches!(
        anstream::AutoStream::choice(&std::io::stdout()),
        anstream::ColorChoice::Never
    )
}

/// Writes every finding, then the summary line.
pub(crate) fn write(
    out: &mut dyn Write,
    findings: &Findings<'_>,
    colour: bool,
) -> std::io::Result<()> {
    let bundle = findings.bundle;
    let diagnostics = findings.diagnostics;
    let summary = findings.summary;
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let indexes: Vec<LineIndex> = bundle
        .files
        .iter()
        .map(|f| LineIndex::new(&f.text))
        .collect();
    let excerpt = |file: usize, span: Span| Excerpt::new(bundle, &indexes[file], file, span);
    for d in diagnostics {
        let primary = excerpt(d.file, d.span);
        let related: Vec<(Excerpt<'_>, &str)> = d
            .related
            .iter()
            .map(|r| (excerpt(r.file, r.span), r.message.as_str()))
            .collect();
        let label = d
            .resource
            .as_ref()
            .map(|r| format!("{} {}/{}", r.kind, r.namespace, r.name));
        let mut group = level(d.severity)
            .primary_title(d.message.as_str())
            .id(d.code)
            .element(primary.snippet(AnnotationKind::Primary, label.as_deref()));
        for (excerpt, message) in &related {
            group = group.element(excerpt.snippet(AnnotationKind::Context, Some(message)));
        }
        if let Some(note) = &d.note {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        // `--istio-compat` findings carry IST codes: point at the meshmend
        // rule of the same name when there is one.
        if let Some(rule) =
            meshmend_core::find_rule(d.code).or_else(|| meshmend_core::find_rule(d.name))
        {
            let about = format!(
                "rule `{}`; `meshmend explain {}` documents it",
                rule.meta.name, rule.meta.code
            );
            group = group.element(Level::NOTE.message(about));
        }
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    writeln!(out, "{}", summary_line(&summary))
}

/// `2 errors, 1 warning in 3 files (12 documents)` or `no problems in …`.
pub(crate) fn summary_line(summary: &Summary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut counts = Vec::new();
    if summary.errors > 0 {
        counts.push(plural(summary.errors, "error", "errors"));
    }
    if summary.warnings > 0 {
        counts.push(plural(summary.warnings, "warning", "warnings"));
    }
    if summary.infos > 0 {
        counts.push(plural(summary.infos, "info", "infos"));
    }
    let found = if counts.is_empty() {
        "no problems".to_string()
    } else {
        counts.join(", ")
    };
    format!(
        "{found} in {} ({})",
        plural(summary.files, "file", "files"),
        plural(summary.documents, "document", "documents")
    )
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// Just the lines a span touches, so rendering cost does not grow with the
/// file: the renderer gets the excerpt, its first line number and the span
/// relative to it.
struct Excerpt<'a> {
    path: &'a str,
    source: &'a str,
    first_line: usize,
    span: std::ops::Range<usize>,
}

impl<'a> Excerpt<'a> {
    fn new(bundle: &'a Bundle, index: &LineIndex, file: usize, span: Span) -> Self {
        let text = bundle.text(file);
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let first = index.line_of(start);
        let last = index.line_of(end);
        let from = index.line_span(text, first).start;
        let to = index.line_span(text, last).end.max(from);
        let end = end.min(to).max(start);
        Self {
            path: &bundle.files[file].name,
            source: &text[from..to],
            first_line: first + 1,
            span: start - from..end - from,
        }
    }

    fn snippet<'b>(
        &'b self,
        kind: AnnotationKind,
        label: Option<&'b str>,
    ) -> Snippet<'b, annotate_snippets::Annotation<'b>> {
        Snippet::source(self.source)
            .path(self.path)
            .line_start(self.first_line)
            .fold(true)
            .annotation(kind.span(self.span.clone()).label(label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_pluralises_and_skips_zero_counts() {
        let summary = Summary {
            errors: 2,
            warnings: 1,
            infos: 0,
            files: 1,
            documents: 3,
        };
        assert_eq!(
            summary_line(&summary),
            "2 errors, 1 warning in 1 file (3 documents)"
        );
        assert_eq!(
            summary_line(&Summary::default()),
            "no problems in 0 files (0 documents)"
        );
    }
}
