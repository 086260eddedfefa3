//! The redaction fixture harness: every `tests/redact/<rule-id>.yaml` is
//! redacted and a Markdown snapshot is written next to it (input, findings,
//! redacted text; review with `cargo insta review`).
//!
//! Invariants, checked here as well:
//! - every fixture is named after a rule (table or structural) and makes
//!   that rule fire;
//! - every rule has a fixture;
//! - the vault restores the input byte for byte, and redacting the output
//!   again finds nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use meshmend_core::redact::{RULES, STRUCTURAL_RULES};
use meshmend_core::{LineIndex, SourceFile, redact};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/redact")
}

fn rule_ids() -> Vec<&'static str> {
    RULES
        .iter()
        .map(|r| r.id)
        .chain(STRUCTURAL_RULES.iter().copied())
        .collect()
}

fn snapshot_body(file: &SourceFile) -> String {
    let files = [file.clone()];
    let redaction = redact(&files);
    let redacted = redaction.apply(&files).remove(0);
    let index = LineIndex::new(&file.text);
    let mut out = String::new();
    let newline = |t: &str| if t.ends_with('\n') { "" } else { "\n" };
    let _ = write!(
        out,
        "# Input\n\n```yaml\n{}{}```\n\n# Findings\n\n",
        file.text,
        newline(&file.text)
    );
    if redaction.findings.is_empty() {
        out.push_str("No findings.\n");
    }
    for f in &redaction.findings {
        let at = index.line_col(&file.text, f.span.start);
        let _ = writeln!(
            out,
            "- {}:{} `{}` {} → `{}`{}",
            at.line,
            at.column,
            f.rule,
            f.family,
            f.placeholder,
            f.note.map(|n| format!(" ({n})")).unwrap_or_default()
        );
    }
    let _ = write!(
        out,
        "\n# Redacted\n\n```yaml\n{redacted}{}```\n",
        newline(&redacted)
    );
    out
}

fn load(path: &Path) -> SourceFile {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    SourceFile::new(name, std::fs::read_to_string(path).unwrap())
}

#[test]
fn fixtures() {
    insta::glob!("redact/*.yaml", |path| {
        let file = load(path);
        insta::with_settings!({
            snapshot_path => path.parent().unwrap(),
            snapshot_suffix => "",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(file.name.clone(), snapshot_body(&file));
        });
    });
}

#[test]
fn every_fixture_fires_its_rule_and_round_trips() {
    let ids = rule_ids();
    for entry in std::fs::read_dir(fixtures_root()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let file = load(&path);
        let id = file.name.trim_end_matches(".yaml");
        assert!(ids.contains(&id), "{}: not a rule id", file.name);
        let files = [file.clone()];
        let redaction = redact(&files);
        assert!(
            redaction.findings.iter().any(|f| f.rule == id),
            "{}: rule {id} does not fire",
            file.name
        );
        let redacted = redaction.apply(&files);
        assert_eq!(redaction.vault.rehydrate(&redacted[0]), file.text, "{id}");
        let again = redact(&[SourceFile::new("again", redacted[0].clone())]);
        assert!(again.findings.is_empty(), "{id}: not idempotent");
    }
}

#[test]
fn every_rule_has_a_fixture() {
    for id in rule_ids() {
        assert!(
            fixtures_root().join(format!("{id}.yaml")).exists(),
            "rule {id} has no fixture tests/redact/{id}.yaml"
        );
    }
}
