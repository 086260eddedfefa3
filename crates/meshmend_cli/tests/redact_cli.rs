//! `meshmend redact` end to end: the built binary on real files and stdin.

use std::path::Path;
use std::process::Command;

mod common;

const MANIFEST: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  DATABASE_URL: postgres://app:Pr0d-Db-Pass@db:5432/app\n---\nkind: Deployment\nspec:\n  containers:\n    - env:\n        - name: DB_PASSWORD\n          value: Pr0d-Db-Pass\n        - name: PORT\n          value: \"8080\"\n";

fn meshmend() -> Command {
    Command::new(env!("CARGO_BIN_EXE_meshmend"))
}

fn run_stdin(args: &[&str], input: &str) -> std::process::Output {
    common::run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        args,
        &[],
        Some(input.as_bytes()),
    )
}

#[test]
fn text_prints_the_redacted_input() {
    let out = run_stdin(&["redact", "-"], MANIFEST);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        MANIFEST.replace("Pr0d-Db-Pass", "__REDACTED_POSTGRES_PASSWORD_1__")
    );
}

#[test]
fn json_reports_findings_without_the_secret() {
    let dir = std::env::temp_dir().join(format!("meshmend-redact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("db.yaml");
    std::fs::write(&path, MANIFEST).unwrap();
    let out = meshmend()
        .args(["redact", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("Pr0d-Db-Pass"));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["rule"], "postgres-uri-password");
    assert_eq!(findings[0]["line"], 6);
    assert_eq!(findings[0]["column"], 32);
    assert_eq!(
        findings[0]["placeholder"],
        "__REDACTED_POSTGRES_PASSWORD_1__"
    );
    assert_eq!(findings[1]["rule"], "env-secret");
    assert_eq!(findings[1]["family"], "PASSWORD");
    assert_eq!(findings[1]["file"], path.display().to_string());
    assert!(
        json["redacted"]
            .as_str()
            .unwrap()
            .contains("value: __REDACTED_POSTGRES_PASSWORD_1__")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn missing_file_is_exit_2() {
    let out = meshmend()
        .args(["redact", "/nonexistent/meshmend.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_format_is_exit_2() {
    let out = run_stdin(&["redact", "--format", "xml", "-"], "");
    assert_eq!(out.status.code(), Some(2));
}

/// Several files print as one stream that keeps them apart: each file's
/// documents stay its own (no mapping gets the keys of two files), each
/// part says which file it is, and the stream reads back as YAML with one
/// document per file document. Piped into `meshmend analyze -`, it has no
/// repeated key and no syntax error.
#[test]
fn several_files_print_as_one_stream_that_keeps_them_apart() {
    let dir = std::env::temp_dir().join(format!("meshmend-redact-many-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        // Ends without a newline, inside a top-level block scalar whose
        // content starts at column 0.
        (
            "a.yaml",
            "\u{feff}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n|\ntext at column 0",
        ),
        // A mapping with the same keys as a.yaml's first document.
        (
            "b.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
        ),
        // Starts its own document after a comment, and has a BOM.
        (
            "c.yaml",
            "\u{feff}# c\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ),
        // A directive: only valid after a document end.
        (
            "d.yaml",
            "%YAML 1.2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = meshmend()
        .arg("redact")
        .args(files.map(|(name, _)| dir.join(name)))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stream = String::from_utf8(out.stdout).unwrap();
    assert!(stream.starts_with('\u{feff}'), "{stream:?}");
    assert_eq!(stream.matches('\u{feff}').count(), 1, "{stream:?}");
    for (name, _) in files {
        let header = format!("# ==> {} <==\n", dir.join(name).display());
        assert_eq!(stream.matches(&header).count(), 1, "{header}{stream}");
    }

    let stream = stream.trim_start_matches('\u{feff}');
    let parsed = meshmend_core::parse(stream, &meshmend_core::Limits::default()).unwrap();
    assert!(parsed.errors.is_empty(), "{stream}\n{:?}", parsed.errors);
    assert_eq!(parsed.documents.len(), 5, "{stream}");
    // The block scalar ends where a.yaml does: the next file's header is a
    // comment, not text of the scalar.
    assert!(stream.contains("text at column 0\n---\n# ==> "), "{stream}");

    let analyzed = run_stdin(
        &[
            "analyze",
            "--format",
            "json",
            "--failure-threshold",
            "none",
            "-",
        ],
        stream,
    );
    let report: serde_json::Value = serde_json::from_slice(&analyzed.stdout).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"duplicate-key"), "{codes:?}\n{stream}");
    assert!(!codes.contains(&"yaml-syntax"), "{codes:?}\n{stream}");
    assert_eq!(report["summary"]["documents"], 5, "{stream}");
    std::fs::remove_dir_all(&dir).ok();
}
