//! Refactors that resolve conflicts: plans of edits across files, applied
//! once, shown as one diff, and verified before they are offered.
//!
//! A strategy turns the findings of [`analyze`](crate::analyze()) into
//! *units*: one conflict group (or one nodePort) each, a set of [`Edit`](crate::Edit)s on
//! the original texts plus new and deleted files. Units never re-serialise
//! YAML they do not change, so comments, key order, quoting and indentation
//! survive by construction, and what they write is encoded in one place
//! (see `yaml/` for the editing API and its quoting rules).
//!
//! Every result is verified (`verify.rs`): the output is re-parsed and
//! re-analyzed, no conflict may remain that a unit claimed to fix, nothing
//! new may break, and fixing the output again must change nothing. A unit
//! that fails is withdrawn and reported with the reason; the others stay.
//!
//! ```
//! use meshmend_core::Bundle;
//! use meshmend_core::refactor::{FixOptions, Strategy, fix};
//!
//! let text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports:\n  - {port: 80, nodePort: 31380}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: NodePort\n  ports:\n  - {port: 80, nodePort: 31380}\n";
//! let bundle = Bundle::from_text("svc.yaml", text).unwrap();
//! let outcome = fix(&bundle, &FixOptions { strategy: Strategy::Renumber, ..FixOptions::default() });
//! assert!(outcome.diff.contains("+  - {port: 80, nodePort: 30000}"));
//! ```

mod consolidate;
#[cfg(feature = "gateway-api")]
mod gateway_api;
mod groups;
mod isolate;
mod kustomize;
mod nodeport;
mod patch;
mod plan;
mod strategy;
mod unit;
mod verify;
mod yaml;

use crate::analyze::AnalyzeOptions;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Bundle, ResourceRef, SourceFile};
use crate::redact::Vault;
use crate::sort;

pub use plan::{FileOutcome, FileStatus};
pub use strategy::{About, Strategy, UnknownStrategy};
pub(crate) use unit::Unit;

/// How a nodePort that must change is changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NodePortMode {
    /// Pin a free port, from the static band first (default).
    #[default]
    Pick,
    /// Remove the pinned `nodePort` and let Kubernetes allocate one.
    Auto,
}

/// Settings for [`fix`].
#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    /// Strategy for Gateway conflicts.
    pub strategy: Strategy,
    /// What to do with nodePorts that must change.
    pub nodeport: NodePortMode,
    /// Analysis settings (nodePort range, …) used before and after.
    pub analyze: AnalyzeOptions,
    /// Also fix conflicts that are warnings (`merged-http-host`,
    /// `duplicate-certificate`, …). Off by default: a warning is behaviour
    /// that may be intended (shared Gateways that several apps name), and
    /// its fix rewrites resources other configuration depends on.
    pub include_warnings: bool,
    /// Add the ReferenceGrant a refused cross-namespace reference needs
    /// (`reference-not-permitted`, MM504). Off by default: a grant widens
    /// access, so it is made only when asked (`--grant-references`).
    pub grant_references: bool,
}

impl FixOptions {
    /// True when a fix is planned for `diagnostic` under these options.
    pub fn targets(&self, diagnostic: &Diagnostic) -> bool {
        is_conflict(diagnostic)
            && (diagnostic.code != "MM504" || self.grant_references)
            && (diagnostic.severity == Severity::Error
                || (self.include_warnings && diagnostic.severity == Severity::Warning))
    }
}

/// One thing the fix changes, for humans and JSON.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Change {
    /// Name of the rule whose finding this resolves (`duplicate-tls-host`, …).
    pub rule: &'static str,
    /// One line: what changes.
    pub title: String,
    /// Why, and anything a reviewer must know (dropped hosts, Secrets to copy, …).
    pub detail: String,
    /// The resource changed.
    pub resource: Option<ResourceRef>,
}

/// A planned change that was not applied, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rejected {
    /// The change, as it would have been titled.
    pub title: String,
    /// Why it was not applied.
    pub reason: String,
}

/// The result of checking the patched output. Two separate facts: every
/// planned change verified ([`ok`](Self::ok)), and no conflict the fix
/// targets is left ([`conflict_free`](Self::conflict_free)). A renumber run
/// can verify every change and still leave Gateway conflicts.
#[derive(Clone, Debug)]
pub struct Verification {
    /// True when every planned change verified and was applied (nothing
    /// was withdrawn).
    pub ok: bool,
    /// True when no conflict finding that the options target (errors; and
    /// warnings with [`FixOptions::include_warnings`]) is left in the output.
    pub conflict_free: bool,
    /// Conflict findings (`MM1xx`, `MM2xx`) left in the output, targeted or
    /// not. Their `file` is an index into [`FixOutcome::files`].
    pub remaining: Vec<Diagnostic>,
    /// Changes withdrawn, with the reason.
    pub rejected: Vec<Rejected>,
}

/// Everything [`fix`] produces.
#[derive(Clone, Debug)]
pub struct FixOutcome {
    /// Every input file (modified, deleted or unchanged), then added files.
    pub files: Vec<FileOutcome>,
    /// One git-style unified diff over all files.
    pub diff: String,
    /// What changed, in plan order.
    pub changes: Vec<Change>,
    /// The check of the output.
    pub verification: Verification,
}

impl FixOutcome {
    /// True when the output has no targeted conflict finding left (see
    /// [`Verification::conflict_free`]).
    pub fn conflict_free(&self) -> bool {
        self.verification.conflict_free
    }

    /// True when at least one file changes.
    pub fn has_edits(&self) -> bool {
        self.files.iter().any(|f| f.status != FileStatus::Unchanged)
    }

    /// This fix with secrets hidden: every file's text before and after
    /// redacted with `vault` (so a secret gets the same placeholder on both
    /// sides), and the diff recomputed over the redacted texts. Returns the
    /// files, their diff and the vault, grown by any new secret.
    ///
    /// Why not fix the redacted input instead: that costs a second fix (two
    /// more parses of the whole input), and a plan made over placeholders
    /// could differ from the real one; this is the real fix, shown redacted.
    pub fn redacted(&self, vault: Vault) -> (Vec<FileOutcome>, String, Vault) {
        // Each file's original and patched text, in that order, when present.
        let mut sources = Vec::new();
        for file in &self.files {
            for text in [&file.original, &file.patched].into_iter().flatten() {
                sources.push(SourceFile::new(file.path.clone(), text.clone()));
            }
        }
        let redaction = crate::redact::redact_with(vault, &sources);
        let mut texts = redaction.apply(&sources).into_iter();
        let files: Vec<FileOutcome> = self
            .files
            .iter()
            .map(|file| FileOutcome {
                path: file.path.clone(),
                status: file.status,
                original: file.original.as_ref().and_then(|_| texts.next()),
                patched: file.patched.as_ref().and_then(|_| texts.next()),
                edits: Vec::new(),
            })
            .collect();
        let diff = plan::whole_file_diff(&files);
        (files, diff, redaction.vault)
    }
}

/// True for findings a fix strategy exists to remove: those of rules whose
/// category is a conflict (Gateway merging, node ports), and the Gateway
/// API rules `fix` handles (`fixable`; MM505 and MM506 have no safe
/// automatic fix and stay analysis findings).
pub fn is_conflict(diagnostic: &Diagnostic) -> bool {
    crate::analyze::all_rules()
        .iter()
        .find(|rule| rule.meta.code == diagnostic.code)
        .is_some_and(|rule| {
            rule.meta.category.is_conflict()
                || (rule.meta.category == crate::diagnostic::Category::GatewayApi
                    && rule.meta.fixable)
        })
}

/// Plans, applies and verifies a fix for every conflict the strategy can
/// resolve. Pure: no I/O.
pub fn fix(bundle: &Bundle, options: &FixOptions) -> FixOutcome {
    let before = crate::analyze::analyze(bundle, &options.analyze);
    let planned = plan(bundle, &before, options);
    let mut rejected = planned.rejected;
    let mut units = planned.units;
    loop {
        let applied = match plan::apply(bundle, &units) {
            Ok(applied) => applied,
            Err(clashing) => {
                for index in clashing.into_iter().rev() {
                    let unit = units.remove(index);
                    rejected.push(Rejected {
                        title: unit.title,
                        reason: "its edits overlap another change; run `meshmend fix` again on the output".into(),
                    });
                }
                continue;
            }
        };
        match kustomize::unlist(bundle, &applied, &mut units) {
            kustomize::Unlisted::Done => {}
            kustomize::Unlisted::Edited => continue,
            kustomize::Unlisted::Refused(index, reason) => {
                let unit = units.remove(index);
                rejected.push(Rejected {
                    title: unit.title,
                    reason,
                });
                continue;
            }
        }
        let diff = plan::diff(&applied);
        let mut check = verify::verify(bundle, &before, &applied, &units, options);
        if let Err((path, reason)) = plan::check_diff(&applied, &diff) {
            check.failures.push(verify::Failure {
                unit: path.and_then(|p| unit_writing(bundle, &units, &p)),
                reason: format!("the printed diff does not apply: {reason}"),
            });
        }
        if check.failures.is_empty() || units.is_empty() {
            let changes = units.into_iter().flat_map(|u| u.changes).collect();
            let ok = rejected.is_empty() && check.failures.is_empty();
            return FixOutcome {
                diff,
                files: applied,
                changes,
                verification: Verification {
                    ok,
                    conflict_free: !check.remaining.iter().any(|d| options.targets(d)),
                    remaining: check.remaining,
                    rejected,
                },
            };
        }
        let mut withdrawn = vec![false; units.len()];
        for failure in &check.failures {
            match failure.unit {
                Some(index) => withdrawn[index] = true,
                None => withdrawn.iter_mut().for_each(|w| *w = true),
            }
        }
        let mut kept = Vec::new();
        for (index, unit) in units.into_iter().enumerate() {
            if withdrawn[index]
                && let Some(fallback) = unit.fallback
            {
                kept.push(*fallback);
                continue;
            }
            if withdrawn[index] {
                let reasons: Vec<&str> = check
                    .failures
                    .iter()
                    .filter(|f| f.unit.is_none_or(|u| u == index))
                    .map(|f| f.reason.as_str())
                    .collect();
                rejected.push(Rejected {
                    title: unit.title,
                    reason: format!("could not be verified: {}", reasons.join("; ")),
                });
            } else {
                kept.push(unit);
            }
        }
        units = kept;
    }
}

/// The first unit that edits or adds the file at `path`.
fn unit_writing(bundle: &Bundle, units: &[Unit], path: &str) -> Option<usize> {
    units.iter().position(|unit| {
        unit.edits
            .iter()
            .any(|(file, _)| bundle.files[*file].name == path)
            || unit.added.iter().any(|(added, _)| added == path)
    })
}

/// Why `unit` must not be applied, if it edits what it cannot see whole:
///
/// - a document that writes a key twice (MM005): what it means depends on
///   the tool that applies it (`kubectl apply -f` keeps the last value,
///   kustomize refuses the file), and two files glued together without `---`
///   look exactly like that; deleting or rewriting it would lose text the
///   user may rely on;
/// - a value shared through a YAML anchor with an alias outside the edit:
///   changing it changes every alias (another Service's nodePort, another
///   Gateway's server), and deleting it leaves the alias dangling.
fn unsafe_edit(bundle: &Bundle, unit: &Unit) -> Option<String> {
    let overlaps = |a: crate::span::Span, b: crate::span::Span| {
        a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
    };
    unit.edits.iter().find_map(|(file, edit)| {
        let text = &bundle.files[*file].text;
        let line = |at: usize| text[..at].bytes().filter(|&b| b == b'\n').count() + 1;
        // Documents are in text order and disjoint: skip to the first that
        // can reach the edit instead of scanning from the top per edit.
        let documents = &bundle.streams[*file].documents;
        let first = documents
            .partition_point(|doc| doc.span.end.max(doc.span.start + 1) <= edit.span.start);
        let document = documents[first..]
            .iter()
            .find(|doc| overlaps(edit.span, doc.span))?;
        if !document.duplicate_keys().is_empty() {
            return Some(format!(
                "it edits the document at {}:{}, which writes a key twice \
                 (duplicate-key [MM005]); fix that first, then run `meshmend fix` again",
                bundle.files[*file].name,
                line(document.span.start)
            ));
        }
        document.nodes().find_map(|node| {
            let crate::parse::tree::NodeKind::Alias(target) = node.own_kind() else {
                return None;
            };
            let shared = document.node(target).span();
            let alias = node.span();
            let alias_inside = edit.span.start <= alias.start && alias.end <= edit.span.end;
            (overlaps(edit.span, shared) && !alias_inside).then(|| {
                format!(
                    "it edits a value at {}:{} that a YAML alias at line {} shares; \
                     changing it would change the alias too: write the value out \
                     in place of the alias, then run `meshmend fix` again",
                    bundle.files[*file].name,
                    line(shared.start),
                    line(alias.start)
                )
            })
        })
    })
}

/// Units planned for a bundle, and groups that have no mechanical fix.
pub(crate) struct Planned {
    pub units: Vec<Unit>,
    pub rejected: Vec<Rejected>,
}

/// What a strategy's planner (its row in [`Strategy::about`]) reads and adds
/// to. Every strategy renumbers nodePorts, so `units` already holds those and
/// `pool` the ports they took when the planner runs.
pub(crate) struct Planning<'a> {
    pub bundle: &'a Bundle,
    /// The targeted findings only.
    pub before: &'a [Diagnostic],
    pub options: &'a FixOptions,
    pub pool: nodeport::Pool,
    pub units: Vec<Unit>,
    pub rejected: Vec<Rejected>,
}

/// Plans units for `options.strategy` (no application, no verification).
pub(crate) fn plan(bundle: &Bundle, before: &[Diagnostic], options: &FixOptions) -> Planned {
    // Only targeted findings start a unit; the others stay as they are.
    let targeted: Vec<Diagnostic> = before
        .iter()
        .filter(|d| options.targets(d))
        .cloned()
        .collect();
    let before = targeted.as_slice();
    let mut pool = nodeport::Pool::new(bundle, &options.analyze);
    let units = nodeport::plan(bundle, before, options, &mut pool);
    let mut planning = Planning {
        bundle,
        before,
        options,
        pool,
        units,
        rejected: Vec::new(),
    };
    (options.strategy.about().plan)(&mut planning);
    let Planning {
        mut units,
        mut rejected,
        ..
    } = planning;
    units.retain(|u| !u.edits.is_empty() || !u.added.is_empty());
    units.retain(|unit| match unsafe_edit(bundle, unit) {
        None => true,
        Some(reason) => {
            rejected.push(Rejected {
                title: unit.title.clone(),
                reason,
            });
            false
        }
    });
    sort::by_key(&mut units, |u| u.resources.first().copied());
    Planned { units, rejected }
}
