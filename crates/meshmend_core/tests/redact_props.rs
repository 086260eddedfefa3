//! Property tests of redaction (proptest: shrinking turns a failure into the
//! smallest manifest that shows it; it is already the workspace's property
//! test tool, see `robustness.rs`).
//!
//! Inputs mix realistic secret-bearing lines (keyed passwords, env pairs,
//! URIs, Secret data, PEM blocks, vendor tokens) with look-alikes, our own
//! placeholders, quotes, escapes and arbitrary Unicode noise. Properties:
//! - round trip: `rehydrate(apply(redact(x))) == x`, byte for byte, for any text;
//! - structure: when `x` parses, the output parses to the same shape;
//! - no placeholder (as written) occurs in the input;
//! - idempotent: redacting the output finds nothing;
//! - findings point inside the text, on character boundaries.
//!
//! `PROPTEST_CASES=5000 cargo test --release -p meshmend_core --test redact_props` hunts longer.

use base64::Engine as _;
use meshmend_core::model::tree::{NodeKind, NodeRef};
use meshmend_core::{Limits, SourceFile, parse, redact};
use proptest::prelude::*;

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9_.!%-]{7,24}"
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        secret().prop_map(|s| format!("password: {s}")),
        secret().prop_map(|s| format!("  dbPassword: \"{s}\"")),
        secret().prop_map(|s| format!("token: '{s}'")),
        secret().prop_map(|s| format!("- name: DB_PASSWORD\n  value: {s}")),
        secret().prop_map(|s| format!("url: postgres://app:{s}@db:5432/app")),
        secret().prop_map(|s| format!("redis: redis://:{s}@cache:6379")),
        secret().prop_map(|s| format!("kind: Secret\ndata:\n  password: {}", b64(&s))),
        secret().prop_map(|s| format!("kind: Secret\nstringData:\n  api-key: {s}")),
        secret().prop_map(|s| format!(
            "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIE{s}\n  {s}==\n  -----END RSA PRIVATE KEY-----"
        )),
        secret().prop_map(|s| format!("props: |\n  db.password={s}\n  port=8080")),
        secret().prop_map(|s| format!("args: [\"--requirepass\", \"{s}\"]")),
        secret().prop_map(|s| format!("# old password: {s}")),
        secret().prop_map(|s| format!("auth: \"Bearer {s}9\"")),
        "AKIA[A-Z2-7]{16}".prop_map(|s| format!("id: {s}")),
        "[0-9]{12}".prop_map(|s| format!("role: arn:aws:iam::{s}:role/app")),
        "[a-f0-9]{64}".prop_map(|s| format!("image: nginx@sha256:{s}")),
        Just("password: ${DB_PASSWORD}".to_string()),
        Just("password: \"{{ .Values.password }}\"".to_string()),
        Just("password: changeme".to_string()),
        Just("x: __REDACTED_PASSWORD_1__".to_string()),
        Just("y: X19SRURBQ1RFRF9QQVNTV09SRF8xX18=".to_string()),
        Just("p: \"pa\\\"ss\\\\\"".to_string()),
        Just("---".to_string()),
        Just("{{- if .Values.enabled }}".to_string()),
        "[ -~]{0,30}",
        "\\PC{0,20}",
    ]
}

fn manifest() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..16).prop_map(|lines| lines.join("\n"))
}

fn shape(node: NodeRef<'_>, out: &mut String) {
    match node.kind() {
        NodeKind::Mapping { .. } => {
            out.push('{');
            for (k, v) in node.entries() {
                out.push_str(k.as_str().unwrap_or("?"));
                out.push(':');
                shape(v, out);
            }
            out.push('}');
        }
        NodeKind::Sequence { .. } => {
            out.push('[');
            for item in node.items() {
                shape(item, out);
                out.push(',');
            }
            out.push(']');
        }
        NodeKind::Scalar { .. } => out.push('s'),
        NodeKind::Alias(_) => out.push('*'),
    }
}

/// `None` when the text does not parse cleanly.
fn shapes(text: &str) -> Option<Vec<String>> {
    let stream = parse(text, &Limits::default()).ok()?;
    if !stream.errors.is_empty() {
        return None;
    }
    Some(
        stream
            .documents
            .iter()
            .map(|d| {
                let mut out = String::new();
                if let Some(root) = d.root() {
                    shape(root, &mut out);
                }
                out
            })
            .collect(),
    )
}

fn check(texts: &[String]) {
    let files: Vec<SourceFile> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| SourceFile::new(format!("f{i}.yaml"), t.clone()))
        .collect();
    let redaction = redact(&files);
    let redacted = redaction.apply(&files);
    for (file, out) in files.iter().zip(&redacted) {
        prop_assert_eq_str(&redaction.vault.rehydrate(out), &file.text, "round trip");
        if let Some(before) = shapes(&file.text) {
            assert_eq!(shapes(out), Some(before), "structure changed:\n{out}");
        }
        for placeholder in redaction.vault.placeholders() {
            assert!(
                !file.text.contains(placeholder),
                "placeholder {placeholder} collides with the input"
            );
        }
    }
    for f in &redaction.findings {
        let text = &files[f.file].text;
        assert!(f.span.end <= text.len());
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
    }
    let again_files: Vec<SourceFile> = redacted
        .iter()
        .map(|t| SourceFile::new("again.yaml", t.clone()))
        .collect();
    let again = redact(&again_files);
    assert!(
        again.findings.is_empty(),
        "not idempotent: {:?}\n{}",
        again.findings,
        redacted.join("\n---\n")
    );
}

fn prop_assert_eq_str(a: &str, b: &str, what: &str) {
    assert!(a == b, "{what}:\n{a:?}\n!=\n{b:?}");
}

proptest! {
    #[test]
    fn manifests_round_trip_keep_structure_and_are_idempotent(text in manifest()) {
        check(&[text]);
    }

    #[test]
    fn placeholders_are_stable_across_files(a in manifest(), b in manifest()) {
        check(&[a, b]);
    }

    #[test]
    fn any_text_round_trips(text in "\\PC{0,200}") {
        check(&[text]);
    }
}

#[test]
fn same_secret_in_two_files_gets_one_placeholder() {
    let files = [
        SourceFile::new("a.yaml", "password: Orchid-Maple-2294!\n"),
        SourceFile::new(
            "b.yaml",
            "url: postgres://app:Orchid-Maple-2294!@db:5432/app\n",
        ),
    ];
    let redaction = redact(&files);
    let placeholders: Vec<&str> = redaction
        .findings
        .iter()
        .map(|f| f.placeholder.as_str())
        .collect();
    assert_eq!(
        placeholders,
        ["__REDACTED_PASSWORD_1__", "__REDACTED_PASSWORD_1__"]
    );
}
