//! `meshmend analyze|fix --format markdown`: the incident report, the same
//! text as `meshmend_core::markdown_report` (which the page's button uses).

use std::path::{Path, PathBuf};

use meshmend_core::markdown_report::{ReportFix, markdown_report};
use meshmend_core::refactor::{FixOptions, fix};
use meshmend_core::{AnalyzeOptions, Bundle, LoadOptions, SourceFile, Vault, analyze};

mod common;

const SEED: &str = "examples/seed-conflict.yaml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn meshmend(args: &[&str]) -> (Option<i32>, String) {
    let out = common::run(&root(), args, &[], None);
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// The core's report on the seed example, with the fix or without.
fn core_report(with_fix: bool) -> String {
    let text = std::fs::read_to_string(root().join(SEED)).unwrap();
    let bundle = Bundle::load(vec![SourceFile::new(SEED, text)], LoadOptions::default()).unwrap();
    let options = FixOptions::default();
    let diagnostics = analyze(&bundle, &options.analyze);
    let outcome = fix(&bundle, &options);
    let part = with_fix.then_some(ReportFix {
        options: &options,
        outcome: &outcome,
    });
    markdown_report(
        &bundle,
        &diagnostics,
        &AnalyzeOptions::default(),
        part,
        Vault::default(),
    )
    .0
}

#[test]
fn fix_markdown_is_the_core_report_with_the_fix() {
    let (code, out) = meshmend(&["fix", "--format", "markdown", SEED]);
    assert_eq!(code, Some(0), "the seed's fix verifies");
    assert_eq!(out, core_report(true));
    assert!(
        out.contains("```diff\n--- a/examples/seed-conflict.yaml"),
        "{out}"
    );
    assert!(out.contains("## Verification\n\n**Verified.**"), "{out}");
}

#[test]
fn analyze_markdown_is_the_core_report_without_the_fix() {
    let (code, out) = meshmend(&["analyze", "--format", "markdown", SEED]);
    assert_eq!(code, Some(1), "errors still fail the run");
    assert_eq!(out, core_report(false));
    assert!(
        out.contains("### 1. error MM102 `duplicate-tls-host`"),
        "{out}"
    );
}
