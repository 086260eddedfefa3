//! `fix` and `strategies`: the fix on the real input and its redacted twin,
//! and the strategy picker's entries (from `Strategy::ALL`).

use meshmend_core::refactor::{self, Change, FixOptions, FixOutcome, NodePortMode, Strategy};
use meshmend_core::report::{FixView, Shape, VerificationReport};
use meshmend_core::{Bundle, LoadOptions};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::input::{COLUMNS, InputFile, PageOptions, input_files, source_files, to_js};
use crate::redact::VAULT;

/// Page-side fix settings (all optional), for `fix` and `incident_report`.
/// A JS class, as [`PageOptions`]: `new PageFixOptions(page, strategy,
/// nodeport, include_warnings, grant_references)`.
#[wasm_bindgen]
#[derive(Clone, Debug, Default)]
pub struct PageFixOptions {
    /// A [`Strategy`] id (default `consolidate`).
    #[wasm_bindgen(skip)]
    pub strategy: Option<String>,
    /// `pick` (default) or `auto`.
    #[wasm_bindgen(skip)]
    pub nodeport: Option<String>,
    /// Fix warnings too (`meshmend fix --include warnings`); errors only by default.
    #[wasm_bindgen(skip)]
    pub include_warnings: bool,
    /// Add missing ReferenceGrants (`meshmend fix --grant-references`); off by default.
    #[wasm_bindgen(skip)]
    pub grant_references: bool,
    /// Analysis settings.
    #[wasm_bindgen(skip)]
    pub page: PageOptions,
}

#[wasm_bindgen]
impl PageFixOptions {
    /// `page`: the analysis settings; `strategy`: a `StrategyDoc` id
    /// (`strategies()`; default `consolidate`); `nodeport`: `pick` (default)
    /// or `auto`; `include_warnings`: fix warning-level conflicts too
    /// (default: errors only); `grant_references`: add the ReferenceGrant a
    /// refused cross-namespace reference needs (default: off, it widens
    /// access). Names are checked when the fix runs.
    #[wasm_bindgen(constructor)]
    pub fn new(
        page: PageOptions,
        strategy: Option<String>,
        nodeport: Option<String>,
        include_warnings: Option<bool>,
        grant_references: Option<bool>,
    ) -> PageFixOptions {
        PageFixOptions {
            strategy,
            nodeport,
            include_warnings: include_warnings.unwrap_or(false),
            grant_references: grant_references.unwrap_or(false),
            page,
        }
    }
}

/// A strategy, for the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StrategyDoc {
    /// Value passed back in `strategy`.
    pub id: &'static str,
    /// Label.
    pub title: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// The fix strategies, default first. Native twin of [`strategies`].
pub fn strategy_docs() -> Vec<StrategyDoc> {
    Strategy::ALL
        .iter()
        .map(|s| {
            let about = s.about();
            StrategyDoc {
                id: about.id,
                title: about.title,
                description: about.description,
            }
        })
        .collect()
}

/// Result of [`fix`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FixReport {
    /// Strategy used.
    pub strategy: &'static str,
    /// The fix of the real input.
    pub real: FixView,
    /// The same fix with every secret replaced by its placeholder (what may
    /// be shared).
    pub redacted: FixView,
    /// What changed.
    pub changes: Vec<Change>,
    /// The check of the output, positioned in the patched texts.
    pub verification: VerificationReport,
}

/// One sentence on the two facts the page shows: every change made was
/// verified, and whether a conflict the fix targets (an error; the page
/// fixes errors only, like `meshmend fix` without `--include warnings`)
/// remains. Warnings left as they are are said to be left, not "unfixable".
fn verification_message(outcome: &FixOutcome, options: &FixOptions) -> String {
    let remaining = &outcome.verification.remaining;
    let targeted = remaining.iter().filter(|d| options.targets(d)).count();
    let warnings = remaining.len() - targeted;
    let rejected = outcome.verification.rejected.len();
    let left = if warnings > 0 {
        format!(
            " {warnings} warning(s) are left as they are: tick \"Fix warnings too\" to fix them as well."
        )
    } else {
        String::new()
    };
    let verdict = match (outcome.has_edits(), outcome.conflict_free(), rejected) {
        (false, true, 0) if warnings == 0 => "Conflict-free: nothing to fix.".to_string(),
        (false, true, 0) => "No error to fix.".to_string(),
        (true, true, 0) => "Conflict-free: the patched manifests were re-parsed and re-analyzed; no targeted conflict remains, and every host is still served by the same workload with the same TLS settings and VirtualServices.".to_string(),
        (_, true, _) => format!("No targeted conflict remains, but {rejected} planned change(s) could not be verified and were left out (listed below)."),
        _ => format!(
            "{targeted} conflict(s) remain that this strategy cannot fix mechanically{}.",
            if rejected > 0 {
                format!("; {rejected} planned change(s) could not be verified or were refused (listed below)")
            } else {
                String::new()
            }
        ),
    };
    verdict + &left
}

impl PageFixOptions {
    /// The load and fix options these settings name (shared by `fix` and the
    /// incident report, so both read the settings one way).
    pub(crate) fn resolve(&self) -> Result<(LoadOptions, FixOptions), String> {
        let strategy = match self.strategy.as_deref() {
            None => Strategy::default(),
            Some(name) => name.parse().map_err(|e| format!("{e}"))?,
        };
        let nodeport = match self.nodeport.as_deref() {
            None | Some("pick") => NodePortMode::Pick,
            Some("auto") => NodePortMode::Auto,
            Some(other) => return Err(format!("unknown nodeport mode `{other}` (pick or auto)")),
        };
        let (load, analyze) = self.page.resolve();
        let fix_options = FixOptions {
            strategy,
            nodeport,
            analyze,
            include_warnings: self.include_warnings,
            grant_references: self.grant_references,
        };
        Ok((load, fix_options))
    }
}

/// Fixes `files` with `options`, and shows the fix redacted too. Native twin of [`fix`].
pub fn fix_report(files: Vec<InputFile>, options: &PageFixOptions) -> Result<FixReport, String> {
    let (load, fix_options) = options.resolve()?;
    let strategy = fix_options.strategy;
    let bundle = Bundle::load(source_files(files), load).map_err(|e| e.to_string())?;
    let outcome = refactor::fix(&bundle, &fix_options);
    // The same fix with the session's placeholders (see FixOutcome::redacted).
    let redacted = VAULT.with_borrow_mut(|vault| {
        let (files, diff, grown) = outcome.redacted(std::mem::take(vault));
        *vault = grown;
        FixView::new(diff, &files).with_hunks()
    });
    let mut verification = VerificationReport::new(&outcome, COLUMNS, Shape::Page);
    verification.message = Some(verification_message(&outcome, &fix_options));
    Ok(FixReport {
        strategy: strategy.id(),
        real: FixView::of(&outcome).with_hunks(),
        redacted,
        changes: outcome.changes.clone(),
        verification,
    })
}

/// Plans, applies and verifies a fix (`FixReport`) of the files (`names[i]`,
/// `texts[i]`) with `options`, on the real input and on its redacted twin.
/// Settings cross as a class, not an object to deserialize: serde's
/// deserializer would cost ~17 KB gz of the module.
#[wasm_bindgen(unchecked_return_type = "FixReport")]
#[expect(clippy::needless_pass_by_value, reason = "takes the JS settings over")]
pub fn fix(
    names: Vec<String>,
    texts: Vec<String>,
    options: PageFixOptions,
) -> Result<JsValue, JsError> {
    let files = input_files(names, texts)?;
    to_js(&fix_report(files, &options).map_err(|e| JsError::new(&e))?)
}

/// The fix strategies (`StrategyDoc[]`), default first.
#[wasm_bindgen(unchecked_return_type = "StrategyDoc[]")]
pub fn strategies() -> Result<JsValue, JsError> {
    to_js(&strategy_docs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::about::EXAMPLE;
    use crate::input::file;
    use crate::redact::{SECRETS, rehydrate_text};

    fn message(v: &VerificationReport) -> &str {
        v.message.as_deref().unwrap_or_default()
    }

    #[test]
    fn both_views_of_the_example_fix_carry_their_diff_as_files() {
        let input = file(EXAMPLE.0, EXAMPLE.1);
        let report = fix_report(vec![input], &PageFixOptions::default()).unwrap();
        for view in [&report.real, &report.redacted] {
            let files = view
                .diff_files
                .as_ref()
                .expect("the page's views carry hunks");
            assert!(!files.is_empty());
            assert_eq!(files[0].old, "a/seed-conflict.yaml");
            assert_eq!(Some(files), meshmend_core::diff::files(&view.diff).as_ref());
        }
    }

    /// Two Gateways merging host `*` on port 80 (a warning the page does not
    /// fix) next to a TCP/HTTP clash (an error no strategy but isolate can
    /// fix): the page must say which is which, and not call the second
    /// "verified".
    #[test]
    fn fix_verification_separates_untargeted_warnings_from_remaining_errors() {
        let gateway = |name: &str, port: u32, protocol: &str, stamp: &str| {
            format!(
                "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}, namespace: default, creationTimestamp: '{stamp}'}}\nspec:\n  selector: {{istio: ingressgateway}}\n  servers:\n  - port: {{number: {port}, name: p-{name}, protocol: {protocol}}}\n    hosts: ['*']\n"
            )
        };
        let merged = format!(
            "{}---\n{}",
            gateway("a", 80, "HTTP", "2024-01-01T00:00:00Z"),
            gateway("b", 80, "HTTP", "2024-01-02T00:00:00Z")
        );
        let verify = |name: &str, text: &str| {
            fix_report(vec![file(name, text)], &PageFixOptions::default())
                .unwrap()
                .verification
        };
        let v = &verify("m.yaml", &merged);
        assert!(
            v.ok && v.conflict_free && v.has_edits == Some(false),
            "{v:?}"
        );
        assert_eq!(v.remaining.len(), 1, "{v:?}");
        assert!(
            message(v).contains("1 warning(s) are left as they are"),
            "{}",
            message(v)
        );
        assert!(!message(v).contains("cannot fix"), "{}", message(v));

        let clash = format!(
            "{}---\n{}",
            gateway("a", 80, "TCP", "2024-01-01T00:00:00Z"),
            gateway("b", 80, "HTTP", "2024-01-02T00:00:00Z")
        );
        let v = &verify("c.yaml", &clash);
        assert!(!v.ok && !v.conflict_free, "{v:?}");
        assert!(
            message(v).starts_with("1 conflict(s) remain"),
            "{}",
            message(v)
        );
    }

    #[test]
    fn example_fix_is_verified_and_its_redacted_twin_rehydrates_to_it() {
        let report =
            fix_report(vec![file(EXAMPLE.0, EXAMPLE.1)], &PageFixOptions::default()).unwrap();
        assert!(
            report.verification.conflict_free,
            "{:?}",
            report.verification
        );
        assert!(message(&report.verification).starts_with("Conflict-free"));
        assert!(
            report
                .real
                .diff
                .starts_with("--- a/seed-conflict.yaml\n+++ b/seed-conflict.yaml\n@@ ")
        );
        let redacted = &report.redacted;
        for secret in SECRETS {
            assert!(!redacted.diff.contains(secret));
            assert!(
                redacted
                    .files
                    .iter()
                    .all(|f| !f.patched.as_deref().unwrap_or("").contains(secret))
            );
        }
        let real = report.real.files[0].patched.as_deref().unwrap();
        let twin = redacted.files[0].patched.as_deref().unwrap();
        assert_eq!(rehydrate_text(twin), real);
        // The same edits: the redacted diff is the real one with placeholders.
        assert_ne!(twin, real, "the example's secrets are replaced");
        assert_eq!(rehydrate_text(&redacted.diff), report.real.diff);
    }

    #[test]
    fn every_strategy_runs_and_unknown_ones_are_errors() {
        for strategy in Strategy::ALL {
            let options = PageFixOptions {
                strategy: Some(strategy.to_string()),
                ..PageFixOptions::default()
            };
            let report = fix_report(vec![file(EXAMPLE.0, EXAMPLE.1)], &options).unwrap();
            assert_eq!(report.strategy, strategy.id());
        }
        assert_eq!(strategy_docs().len(), Strategy::ALL.len());
        let bad = PageFixOptions {
            strategy: Some("yolo".into()),
            ..PageFixOptions::default()
        };
        assert!(fix_report(vec![file("a.yaml", "a: 1\n")], &bad).is_err());
    }
}
