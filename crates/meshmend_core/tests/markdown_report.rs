//! The Markdown incident report (`meshmend analyze|fix --format markdown`,
//! the page's report button): its text on the seed example, and that it
//! never carries a secret of the secret-heavy fixture.

use std::path::Path;

use meshmend_core::markdown_report::{ReportFix, markdown_report};
use meshmend_core::refactor::{FixOptions, fix};
use meshmend_core::{AnalyzeOptions, Bundle, LoadOptions, SourceFile, Vault, analyze};

fn repo_file(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(path)).unwrap()
}

/// The report with the fix (`meshmend fix --format markdown`), or without.
fn report(files: Vec<SourceFile>, with_fix: bool, include_warnings: bool) -> String {
    let bundle = Bundle::load(files, LoadOptions::default()).unwrap();
    let analyze_options = AnalyzeOptions::default();
    let diagnostics = analyze(&bundle, &analyze_options);
    let options = FixOptions {
        include_warnings,
        ..FixOptions::default()
    };
    let outcome = fix(&bundle, &options);
    let part = with_fix.then_some(ReportFix {
        options: &options,
        outcome: &outcome,
    });
    markdown_report(
        &bundle,
        &diagnostics,
        &analyze_options,
        part,
        Vault::default(),
    )
    .0
}

#[test]
fn seed_report_with_the_fix() {
    let seed = repo_file("examples/seed-conflict.yaml");
    let text = report(
        vec![SourceFile::new("seed-conflict.yaml", seed)],
        true,
        false,
    );
    insta::assert_snapshot!(text);
}

#[test]
fn analyze_only_report_says_where_the_fix_is() {
    let seed = repo_file("examples/seed-conflict.yaml");
    let text = report(
        vec![SourceFile::new("seed-conflict.yaml", seed)],
        false,
        false,
    );
    assert!(text.contains("## What breaks"), "{text}");
    assert!(text.contains("`meshmend fix --format markdown`"), "{text}");
    assert!(!text.contains("```diff"), "{text}");
}

#[test]
fn a_clean_input_says_nothing_breaks() {
    let text = report(
        vec![SourceFile::new(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        )],
        true,
        false,
    );
    assert!(
        text.contains("Nothing: meshmend found no conflict."),
        "{text}"
    );
    assert!(text.contains("Nothing to change."), "{text}");
}

/// A Gateway on 9443 for `ledger.example.com`; the fixture gets a newer
/// one right after the Secret whose last lines hold secrets and an older one
/// at the end. The fix removes the newer one, so the real diff's context
/// lines are those secrets.
fn ledger_gateway(name: &str, created: &str) -> String {
    format!(
        "---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: {name}
  namespace: istio-system
  creationTimestamp: \"{created}\"
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: {{number: 9443, name: https-{name}, protocol: HTTPS}}
      hosts: [ledger.example.com]
      tls: {{mode: SIMPLE, credentialName: ledger-tls}}
"
    )
}

/// Every synthetic secret of `tests/llm/secret-heavy.yaml` (listed in its
/// `.secrets.json`): none may appear in the report, with or without the fix.
/// The input is the fixture with a conflicting Gateway inserted after a
/// Secret, and the real diff of its fix does carry secrets (checked), so
/// only the redaction keeps them out of the report.
#[test]
fn the_report_holds_no_secret_of_the_secret_heavy_fixture() {
    let fixture = repo_file("tests/llm/secret-heavy.yaml");
    let at = fixture
        .find("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: payments-tls")
        .unwrap();
    let yaml = format!(
        "{}{}{}{}",
        &fixture[..at],
        ledger_gateway("ledger-copy", "2025-01-01T00:00:00Z"),
        &fixture[at..],
        ledger_gateway("ledger", "2024-01-01T00:00:00Z"),
    );
    let secrets: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&repo_file("tests/llm/secret-heavy.secrets.json")).unwrap();
    assert!(secrets.len() > 10);
    let values: Vec<&str> = secrets.values().map(|v| v.as_str().unwrap()).collect();

    let files = vec![SourceFile::new("secret-heavy.yaml", yaml.clone())];
    let bundle = Bundle::load(files.clone(), LoadOptions::default()).unwrap();
    let real = fix(&bundle, &FixOptions::default());
    assert!(
        values.iter().any(|v| real.diff.contains(v)),
        "the real diff must carry a secret for this test to mean anything:\n{}",
        real.diff
    );
    for (with_fix, warnings) in [(false, false), (true, false), (true, true)] {
        let text = report(files.clone(), with_fix, warnings);
        assert!(text.contains("duplicate-tls-host"), "{text}");
        if with_fix {
            assert!(text.contains("```diff\n"), "{text}");
            assert!(text.contains("__REDACTED_"), "{text}");
        }
        for (name, value) in &secrets {
            let value = value.as_str().unwrap();
            assert!(
                !text.contains(value),
                "{name} leaked into the report:\n{text}"
            );
        }
    }
}

#[test]
fn the_scrub_replaces_a_secret_quoted_outside_the_diff() {
    let files = [SourceFile::new(
        "s.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: Hunter2-Very-Secret-77\n",
    )];
    let vault = meshmend_core::redact(&files).vault;
    let scrubbed =
        vault.scrub("the message says Hunter2-Very-Secret-77 twice: Hunter2-Very-Secret-77");
    assert!(!scrubbed.contains("Hunter2"), "{scrubbed}");
    assert_eq!(scrubbed.matches("__REDACTED_").count(), 2, "{scrubbed}");
}
