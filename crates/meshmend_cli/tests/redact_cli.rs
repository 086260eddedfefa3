//! `meshmend redact` end to end: the built binary on real files and stdin.

use std::io::Write;
use std::process::{Command, Stdio};

const MANIFEST: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  DATABASE_URL: postgres://app:Pr0d-Db-Pass@db:5432/app\n---\nkind: Deployment\nspec:\n  containers:\n    - env:\n        - name: DB_PASSWORD\n          value: Pr0d-Db-Pass\n        - name: PORT\n          value: \"8080\"\n";

fn meshmend() -> Command {
    Command::new(env!("CARGO_BIN_EXE_meshmend"))
}

fn run_stdin(args: &[&str], input: &str) -> std::process::Output {
    let mut child = meshmend()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
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
