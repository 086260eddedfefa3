//! The incident report: what breaks, where, the fix and how it was checked,
//! as Markdown to paste into a ticket, a pull request or a postmortem.
//!
//! One text for every front-end (`meshmend analyze|fix --format markdown`,
//! the page's "Incident report" button), written here once. It is built
//! from redacted material only: the diff is the fix's redacted view
//! ([`FixOutcome::redacted`]), no source line is quoted, and the finished
//! text goes through [`Vault::scrub`] so a secret quoted by a message or a
//! change detail still comes out as its placeholder.
//!
//! Plain `String` pushing on purpose: the wasm module carries this, and
//! every formatting generic costs it bytes.

use crate::analyze::AnalyzeOptions;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Bundle, ResourceRef};
use crate::redact::{Vault, redact_with};
use crate::refactor::{FileStatus, FixOptions, FixOutcome};
use crate::span::LineIndex;

/// The fix part of a report: the options it ran with and what it produced.
#[derive(Clone, Copy, Debug)]
pub struct ReportFix<'a> {
    /// The options the fix ran with (strategy, warnings or not).
    pub options: &'a FixOptions,
    /// What the fix produced (the real outcome; the report shows it redacted).
    pub outcome: &'a FixOutcome,
}

/// The Markdown incident report for `diagnostics` found in `bundle` (and the
/// fix, when given). Continues `vault` (so placeholders match the ones the
/// page already shows) and returns it grown by any secret found on the way.
pub fn markdown_report(
    bundle: &Bundle,
    diagnostics: &[Diagnostic],
    analyze: &AnalyzeOptions,
    fix: Option<ReportFix<'_>>,
    vault: Vault,
) -> (String, Vault) {
    // The vault must know every secret of the input before the scrub.
    let (redacted_diff, vault) = match fix {
        Some(fix) => {
            let (_, diff, vault) = fix.outcome.redacted(vault);
            (Some(diff), vault)
        }
        None => (None, redact_with(vault, &bundle.files).vault),
    };
    let mut out = String::new();
    out.push_str("# Incident report: Istio ingress conflicts\n\n");
    out.push_str(
        "Written by meshmend from the manifests, with every secret replaced by a placeholder \
         (`__REDACTED_…__`). Simulated istiod: Istio ",
    );
    out.push_str(&analyze.istio_version.to_string());
    out.push_str(".\n\n");
    summary(&mut out, bundle, diagnostics);
    findings(&mut out, bundle, diagnostics);
    match (fix, redacted_diff) {
        (Some(fix), Some(diff)) => fix_section(&mut out, fix, &diff),
        _ => out.push_str(
            "## The fix\n\nNot computed: `meshmend fix --format markdown` adds the fix as a diff \
             and its verification.\n",
        ),
    }
    (vault.scrub(&out), vault)
}

fn summary(out: &mut String, bundle: &Bundle, diagnostics: &[Diagnostic]) {
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    out.push_str("**Summary:** ");
    counted(out, count(Severity::Error), "error", "errors");
    out.push_str(", ");
    counted(out, count(Severity::Warning), "warning", "warnings");
    out.push_str(", ");
    counted(out, count(Severity::Info), "info", "info");
    out.push_str(" in ");
    counted(out, bundle.document_count(), "document", "documents");
    out.push_str(" from ");
    counted(out, bundle.files.len(), "file", "files");
    out.push_str(".\n\n");
}

fn counted(out: &mut String, n: usize, one: &str, many: &str) {
    out.push_str(&n.to_string());
    out.push(' ');
    out.push_str(if n == 1 { one } else { many });
}

/// Line numbers of positions in a set of texts, each file indexed once.
struct Lines<'a> {
    texts: Vec<&'a str>,
    indexes: Vec<Option<LineIndex>>,
}

impl<'a> Lines<'a> {
    fn new(texts: Vec<&'a str>) -> Self {
        let indexes = texts.iter().map(|_| None).collect();
        Self { texts, indexes }
    }

    fn line(&mut self, file: usize, offset: usize) -> usize {
        let Some(text) = self.texts.get(file).copied() else {
            return 0;
        };
        self.indexes[file]
            .get_or_insert_with(|| LineIndex::new(text))
            .line_col(text, offset)
            .line
    }
}

fn findings(out: &mut String, bundle: &Bundle, diagnostics: &[Diagnostic]) {
    out.push_str("## What breaks\n\n");
    if diagnostics.is_empty() {
        out.push_str("Nothing: meshmend found no conflict.\n\n");
        return;
    }
    let names: Vec<&str> = bundle.files.iter().map(|f| f.name.as_str()).collect();
    let mut lines = Lines::new(bundle.files.iter().map(|f| f.text.as_str()).collect());
    for (n, d) in diagnostics.iter().enumerate() {
        out.push_str("### ");
        out.push_str(&(n + 1).to_string());
        out.push_str(". ");
        push_rule(out, d);
        if let Some(resource) = &d.resource {
            out.push_str(": ");
            resource_name(out, resource);
        }
        out.push_str("\n\n- **Where:** ");
        let line = lines.line(d.file, d.span.start);
        place(out, names.get(d.file).copied().unwrap_or("?"), line);
        out.push_str("\n- **What happens:** ");
        push_flat(out, &d.message);
        if let Some(traffic) = traffic(d.code) {
            out.push_str("\n- **What traffic sees:** ");
            out.push_str(&traffic);
        }
        for related in &d.related {
            out.push_str("\n- **Also involved:** ");
            let line = lines.line(related.file, related.span.start);
            place(out, names.get(related.file).copied().unwrap_or("?"), line);
            out.push_str(": ");
            push_flat(out, &related.message);
        }
        if let Some(note) = &d.note {
            out.push_str("\n- **Why:** ");
            push_flat(out, note);
        }
        if let Some(help) = &d.help {
            out.push_str("\n- **By hand:** ");
            push_flat(out, help);
        }
        out.push_str("\n\n");
    }
}

fn resource_name(out: &mut String, resource: &ResourceRef) {
    out.push_str(&resource.kind);
    out.push_str(" `");
    out.push_str(&resource.namespace);
    out.push('/');
    out.push_str(&resource.name);
    out.push('`');
}

/// `error MM101 `port-conflict``: how a finding and a remaining one are named.
fn push_rule(out: &mut String, d: &Diagnostic) {
    out.push_str(d.severity.as_str());
    out.push(' ');
    out.push_str(d.code);
    out.push_str(" `");
    out.push_str(d.name);
    out.push('`');
}

fn place(out: &mut String, file: &str, line: usize) {
    out.push('`');
    out.push_str(file);
    out.push_str("` line ");
    out.push_str(&line.to_string());
}

/// `text` on one line (a list item must not break out of its list).
fn push_flat(out: &mut String, text: &str) {
    let mut first = true;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !first {
            out.push(' ');
        }
        out.push_str(line);
        first = false;
    }
}

/// What traffic sees, for a rule: the first paragraph of its documentation's
/// *Why is this bad?* section (the runtime effect, written once per rule).
fn traffic(code: &str) -> Option<String> {
    let docs = crate::find_rule(code)?.meta.docs;
    let start = docs.find("## Why is this bad?")? + "## Why is this bad?".len();
    let section = docs[start..].trim_start();
    let paragraph = section.split("\n\n").next()?.trim();
    if paragraph.is_empty() || paragraph.starts_with('#') {
        return None;
    }
    let mut out = String::new();
    push_flat(&mut out, paragraph);
    Some(out)
}

fn fix_section(out: &mut String, fix: ReportFix<'_>, diff: &str) {
    let outcome = fix.outcome;
    out.push_str("## The fix\n\nStrategy: **");
    out.push_str(fix.options.strategy.id());
    out.push_str(if fix.options.include_warnings {
        "**, errors and warnings.\n\n"
    } else {
        "**, errors only.\n\n"
    });
    if outcome.changes.is_empty() {
        out.push_str("No change.\n\n");
    }
    for (n, change) in outcome.changes.iter().enumerate() {
        out.push_str(&(n + 1).to_string());
        out.push_str(". **");
        push_flat(out, &change.title);
        out.push_str("**");
        if !change.detail.trim().is_empty() {
            out.push_str(": ");
            push_flat(out, &change.detail);
        }
        out.push('\n');
    }
    if !outcome.changes.is_empty() {
        out.push('\n');
    }
    if !diff.is_empty() {
        // Every diff line starts with a marker (` `, `+`, `-`, `@`, `\`) or
        // a file header, never with a backtick: a plain fence cannot be closed early.
        out.push_str("```diff\n");
        out.push_str(diff);
        if !diff.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("```\n\n");
    }
    verification(out, fix);
}

fn verification(out: &mut String, fix: ReportFix<'_>) {
    let outcome = fix.outcome;
    let checked = &outcome.verification;
    out.push_str("## Verification\n\n");
    out.push_str(if !outcome.has_edits() && checked.ok {
        "Nothing to change."
    } else if checked.ok && outcome.conflict_free() {
        "**Verified.** The patched manifests were parsed and analyzed again: no conflict the fix \
         targets remains, and every host is still served by the same workload with the same TLS \
         settings and VirtualServices."
    } else if outcome.conflict_free() {
        "**Partly verified.** No conflict the fix targets remains, but some planned changes did \
         not verify and were left out (below)."
    } else {
        "**Not verified.** Conflicts remain that this strategy cannot fix mechanically (below)."
    });
    out.push('\n');
    for rejected in &checked.rejected {
        out.push_str("\n- Left out: ");
        push_flat(out, &rejected.title);
        out.push_str(": ");
        push_flat(out, &rejected.reason);
    }
    let names: Vec<&str> = outcome.files.iter().map(|f| f.path.as_str()).collect();
    let mut lines = Lines::new(
        outcome
            .files
            .iter()
            .map(|f| f.patched.as_deref().unwrap_or_default())
            .collect(),
    );
    for d in &checked.remaining {
        out.push_str("\n- Remains");
        if !fix.options.targets(d) {
            out.push_str(" (not targeted)");
        }
        out.push_str(": ");
        let line = lines.line(d.file, d.span.start);
        place(out, names.get(d.file).copied().unwrap_or("?"), line);
        out.push_str(", ");
        push_rule(out, d);
        out.push_str(": ");
        push_flat(out, &d.message);
    }
    let deleted = outcome
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Deleted)
        .count();
    if deleted > 0 {
        out.push_str("\n- Files deleted by the fix: ");
        out.push_str(&deleted.to_string());
    }
    out.push('\n');
}
