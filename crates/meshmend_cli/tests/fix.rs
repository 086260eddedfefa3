//! End-to-end tests of `meshmend fix`: the diff applies with `git apply` and
//! `patch -p1`, `--write` is atomic and idempotent, formats and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;

const SEED: &str = include_str!("../../../examples/seed-conflict.yaml");
/// Two NodePort Services pinning the same port, CRLF line ends, comments.
const CRLF_SERVICES: &str = "# ingress for the legacy shop\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: shop\r\n  namespace: shop\r\nspec:\r\n  type: NodePort\r\n  selector: {app: shop}\r\n  ports:\r\n  - {name: http, port: 80, targetPort: 8080, nodePort: 30080}\r\n---\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: shop-copy   # copied from shop\r\n  namespace: shop\r\nspec:\r\n  type: NodePort\r\n  selector: {app: shop}\r\n  ports:\r\n  - name: http\r\n    port: 80\r\n    nodePort: 30080   # pinned by hand\r\n";

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    common::run(dir, args, &[], stdin.map(str::as_bytes))
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("meshmend exits normally")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fix-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("deploy")).unwrap();
    std::fs::write(dir.join("deploy/seed.yaml"), SEED).unwrap();
    std::fs::write(dir.join("deploy/services.yaml"), CRLF_SERVICES).unwrap();
    dir
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

/// The patched texts the JSON output promises, by path.
fn promised(dir: &Path, args: &[&str]) -> Vec<(String, Option<String>)> {
    let mut all = vec!["fix", "--format", "json"];
    all.extend(args);
    let report = json(&run_in(dir, &all, None));
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["patched"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn assert_tree_matches(dir: &Path, files: &[(String, Option<String>)]) {
    for (path, patched) in files {
        match patched {
            Some(text) => assert_eq!(&read(dir, path), text, "{path}"),
            None => assert!(!dir.join(path).exists(), "{path} should be deleted"),
        }
    }
}

#[test]
fn diff_applies_with_git_apply_and_patch() {
    let dir = scratch("apply");
    git(&dir, &["init", "-q"]);
    git(&dir, &["config", "core.autocrlf", "false"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-qm", "input"]);
    let paths = ["deploy/seed.yaml", "deploy/services.yaml"];
    let output = run_in(&dir, &["fix", paths[0], paths[1]], None);
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let diff = stdout(&output);
    assert!(diff.contains("--- a/deploy/services.yaml\n+++ b/deploy/services.yaml\n"));
    assert!(diff.contains("nodePort: 30001   # pinned by hand\r\n"));
    let expected = promised(&dir, &paths);
    std::fs::write(dir.join("fix.patch"), &diff).unwrap();

    git(&dir, &["apply", "--check", "fix.patch"]);
    git(&dir, &["apply", "fix.patch"]);
    assert_tree_matches(&dir, &expected);
    // Fixing the fixed tree changes nothing.
    let again = run_in(&dir, &["fix", paths[0], paths[1]], None);
    assert_eq!((code(&again), stdout(&again)), (0, String::new()));

    git(&dir, &["checkout", "-q", "--", "."]);
    let status = Command::new("patch")
        .args(["-p1", "-s", "-i", "fix.patch"])
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    assert_tree_matches(&dir, &expected);
}

#[test]
fn write_is_atomic_and_idempotent() {
    let dir = scratch("write");
    let paths = ["deploy/seed.yaml", "deploy/services.yaml"];
    let expected = promised(&dir, &paths);
    let output = run_in(&dir, &["fix", "--write", paths[0], paths[1]], None);
    assert_eq!(code(&output), 0);
    assert_tree_matches(&dir, &expected);
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("deploy"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("meshmend"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
    let before = read(&dir, paths[1]);
    let again = run_in(&dir, &["fix", "--write", paths[0], paths[1]], None);
    assert_eq!(code(&again), 0);
    assert_eq!(read(&dir, paths[1]), before);
}

#[test]
fn nodeport_auto_removes_the_pinned_line() {
    let dir = scratch("auto");
    let output = run_in(
        &dir,
        &["fix", "--nodeport", "auto", "--format", "manifest", "-"],
        Some(CRLF_SERVICES),
    );
    assert_eq!(code(&output), 0);
    assert_eq!(
        stdout(&output),
        CRLF_SERVICES.replace("    nodePort: 30080   # pinned by hand\r\n", "")
    );
}

#[test]
fn manifest_needs_exactly_one_input() {
    let dir = scratch("manifest");
    let output = run_in(
        &dir,
        &[
            "fix",
            "--format",
            "manifest",
            "deploy/seed.yaml",
            "deploy/services.yaml",
        ],
        None,
    );
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format diff, json or --write"));
}

#[test]
fn write_refuses_stdin() {
    let dir = scratch("stdin");
    let output = run_in(&dir, &["fix", "--write", "-"], Some(SEED));
    assert_eq!(code(&output), 2);
}

#[test]
fn json_v1_reports_files_changes_and_verification() {
    let dir = scratch("json");
    let report = json(&run_in(
        &dir,
        &["fix", "--format", "json", "deploy/services.yaml"],
        None,
    ));
    assert_eq!(report["version"], 1);
    assert_eq!(report["files"][0]["status"], "modified");
    assert_eq!(report["changes"][0]["rule"], "nodeport-collision");
    assert_eq!(report["changes"][0]["resource"]["name"], "shop-copy");
    assert_eq!(report["verification"]["ok"], true);
    assert_eq!(report["verification"]["remaining"], Value::Array(vec![]));
    assert!(
        report["diff"]
            .as_str()
            .unwrap()
            .starts_with("--- a/deploy/services.yaml")
    );
}

#[test]
fn exit_1_when_a_conflict_has_no_fix() {
    let dir = scratch("full");
    // A two-port range: the third Service cannot get a free port.
    let text = (0..3)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec:\n  type: NodePort\n  ports:\n  - {{port: 80, nodePort: 30000}}\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n");
    let output = run_in(
        &dir,
        &[
            "fix",
            "--nodeport-range",
            "30000-30001",
            "--format",
            "json",
            "-",
        ],
        Some(&text),
    );
    assert_eq!(code(&output), 1);
    let report = json(&output);
    assert_eq!(report["changes"].as_array().unwrap().len(), 1);
    let remaining = report["verification"]["remaining"].as_array().unwrap();
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0]["name"], "nodeport-collision");
    assert_eq!(remaining[0]["line"], 23);
}

#[test]
fn isolate_writes_new_values_and_manifest_refuses_extra_files() {
    let dir = scratch("isolate");
    let output = run_in(
        &dir,
        &[
            "fix",
            "--strategy",
            "isolate",
            "--format",
            "manifest",
            "deploy/seed.yaml",
        ],
        None,
    );
    assert_eq!(code(&output), 2);
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("deploy/istio-ingressgateway-staging-values.yaml")
    );

    let output = run_in(
        &dir,
        &[
            "fix",
            "--strategy",
            "isolate",
            "--write",
            "deploy/seed.yaml",
        ],
        None,
    );
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let values = read(&dir, "deploy/istio-ingressgateway-staging-values.yaml");
    assert!(values.contains(
        "name: istio-ingressgateway-staging\nlabels:\n  istio: ingressgateway-staging\n"
    ));
    assert!(
        values.contains(
            "TLS Secret(s) that must exist in namespace istio-system: staging-example-tls"
        )
    );
    assert!(read(&dir, "deploy/seed.yaml").contains("    istio: ingressgateway-staging\n"));
    // Fixed: a second run changes nothing and does not touch the new file.
    let again = run_in(
        &dir,
        &[
            "fix",
            "--strategy",
            "isolate",
            "deploy/seed.yaml",
            "deploy/istio-ingressgateway-staging-values.yaml",
        ],
        None,
    );
    assert_eq!((code(&again), stdout(&again)), (0, String::new()));
}

#[test]
fn consolidate_keeps_staging_certificate_and_exits_0() {
    let dir = scratch("seed");
    let output = run_in(&dir, &["fix", "--format", "json", "deploy/seed.yaml"], None);
    assert_eq!(code(&output), 0);
    let report = json(&output);
    let patched = report["files"][0]["patched"].as_str().unwrap();
    assert!(patched.contains("credentialName: staging-example-tls"));
    assert!(patched.contains("credentialName: prod-example-tls"));
    // The least destructive fix: only the repeated host leaves staging's
    // server; both Gateways and every reference stay.
    assert!(patched.contains("name: staging-gateway"));
    assert!(patched.contains("    - istio-system/staging-gateway\n"));
    assert_eq!(patched.matches("- prod.example.com").count(), 1);
    let rules: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"duplicate-tls-host") && rules.contains(&"nodeport-collision"));
}

/// Warnings are fixed only with `--include warnings`; JSON states the two
/// verification facts separately.
#[test]
fn warnings_need_include_warnings_and_json_has_both_facts() {
    const MERGED_HOST: &str =
        include_str!("../../meshmend_core/tests/fix/consolidate/merged-http-host/gateways.yaml");
    let dir = scratch("warnings");
    std::fs::write(dir.join("deploy/gateways.yaml"), MERGED_HOST).unwrap();
    let default = run_in(
        &dir,
        &["fix", "--format", "json", "deploy/gateways.yaml"],
        None,
    );
    assert_eq!(code(&default), 0);
    let report = json(&default);
    assert_eq!(report["diff"], "");
    let verification = &report["verification"];
    assert_eq!(verification["changes_verified"], true);
    assert_eq!(verification["conflict_free"], true);
    assert_eq!(verification["ok"], true);
    assert_eq!(verification["remaining"][0]["name"], "merged-http-host");
    let asked = run_in(
        &dir,
        &["fix", "deploy/gateways.yaml", "--include", "warnings"],
        None,
    );
    assert_eq!(code(&asked), 0);
    assert!(
        stdout(&asked).contains("-  name: blog\n"),
        "{}",
        stdout(&asked)
    );
    // Renumber verifies its nodePort change and leaves the seed's Gateway
    // conflict: changes verified, not conflict-free, exit 1.
    let renumber = run_in(
        &dir,
        &[
            "fix",
            "--strategy",
            "renumber",
            "--format",
            "json",
            "deploy/seed.yaml",
        ],
        None,
    );
    assert_eq!(code(&renumber), 1);
    let verification = &json(&renumber)["verification"];
    assert_eq!(verification["changes_verified"], true);
    assert_eq!(verification["conflict_free"], false);
    assert_eq!(verification["ok"], false);
}
