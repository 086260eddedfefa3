//! Checking a patched output before it is offered.
//!
//! 1. Every output file parses, with no broken document that was not broken
//!    before.
//! 2. Re-analysis finds no new finding (of any rule) that the input did not
//!    have, and none of the conflicts a unit set out to fix.
//! 3. Fixing the output again plans nothing (`fix(fix(x))` is a no-op).

use std::collections::HashMap;

use super::plan::FileOutcome;
use super::{FixOptions, Unit, is_conflict};
use crate::analyze::analyze;
use crate::diagnostic::Diagnostic;
use crate::model::{Bundle, ResourceRef, SourceFile};

/// A reason the output cannot be offered, attributed to a unit when possible.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    /// Index of the unit at fault, or `None` for "all of them".
    pub unit: Option<usize>,
    /// Human-readable reason.
    pub reason: String,
}

/// Result of [`verify`].
pub(crate) struct Check {
    pub failures: Vec<Failure>,
    /// Conflict findings left, with `file` indexing the outcome's files.
    pub remaining: Vec<Diagnostic>,
}

/// Verifies `files` (the result of applying `units` to `bundle`).
pub(crate) fn verify(
    bundle: &Bundle,
    before: &[Diagnostic],
    files: &[FileOutcome],
    units: &[Unit],
    options: &FixOptions,
) -> Check {
    let mut failures = Vec::new();
    // Outcome file index for each file of the patched bundle.
    let mut outcome_index = Vec::new();
    let mut sources = Vec::new();
    for (index, file) in files.iter().enumerate() {
        if let Some(text) = &file.patched {
            outcome_index.push(index);
            sources.push(SourceFile::new(file.path.clone(), text.clone()));
        }
    }
    let after = match Bundle::load(sources, bundle.options.clone()) {
        Ok(after) => after,
        Err(error) => {
            return Check {
                failures: vec![Failure {
                    unit: None,
                    reason: format!("the output does not load: {error}"),
                }],
                remaining: Vec::new(),
            };
        }
    };
    let diagnostics = analyze(&after, &options.analyze);
    if units.is_empty() {
        return Check {
            failures,
            remaining: remaining(&diagnostics, &outcome_index),
        };
    }
    let owner = owners(bundle, units);
    let unit_of = |resource: Option<&ResourceRef>| resource.and_then(|r| owner.get(r).copied());

    // 1. Syntax: no broken document that was not broken before.
    let broken_before: HashMap<&str, usize> =
        bundle
            .document_errors()
            .fold(HashMap::new(), |mut m, (file, _)| {
                *m.entry(bundle.files[file].name.as_str()).or_default() += 1;
                m
            });
    for (file, error) in after.document_errors() {
        let name = after.files[file].name.as_str();
        if after.document_errors().filter(|(f, _)| *f == file).count()
            > broken_before.get(name).copied().unwrap_or(0)
        {
            failures.push(Failure {
                unit: None,
                reason: format!("{name}: the output does not parse: {}", error.message),
            });
            break;
        }
    }

    // 2. No new finding; no targeted conflict left.
    let key = |d: &Diagnostic| (d.code, d.resource.clone(), d.message.clone());
    let mut old: HashMap<_, usize> = HashMap::new();
    for d in before {
        *old.entry(key(d)).or_default() += 1;
    }
    for d in &diagnostics {
        if d.code == "MM001" {
            continue; // reported above, per file
        }
        let slot = old.entry(key(d)).or_default();
        if *slot > 0 {
            *slot -= 1;
            if is_conflict(d)
                && d.fix_available
                && let Some(unit) = unit_of(d.resource.as_ref())
            {
                failures.push(Failure {
                    unit: Some(unit),
                    reason: format!("{} [{}] remains: {}", d.name, d.code, d.message),
                });
            }
            continue;
        }
        failures.push(Failure {
            unit: unit_of(d.resource.as_ref()),
            reason: format!(
                "the output has a new finding: {} [{}] {}",
                d.name, d.code, d.message
            ),
        });
    }

    // 3. Idempotence.
    if failures.is_empty() {
        let again = super::plan(&after, &diagnostics, options);
        for unit in again.units {
            failures.push(Failure {
                unit: None,
                reason: format!(
                    "fixing the output again would still change it ({})",
                    unit.title
                ),
            });
        }
    }
    Check {
        failures,
        remaining: remaining(&diagnostics, &outcome_index),
    }
}

/// Which unit owns each resource it is about.
fn owners(bundle: &Bundle, units: &[Unit]) -> HashMap<ResourceRef, usize> {
    let mut owner = HashMap::new();
    for (index, unit) in units.iter().enumerate() {
        for &resource in &unit.resources {
            owner
                .entry(bundle.resources[resource].reference())
                .or_insert(index);
        }
    }
    owner
}

fn remaining(diagnostics: &[Diagnostic], outcome_index: &[usize]) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| is_conflict(d))
        .map(|d| {
            let mut d = d.clone();
            d.file = outcome_index[d.file];
            for related in &mut d.related {
                related.file = outcome_index[related.file];
            }
            d
        })
        .collect()
}
