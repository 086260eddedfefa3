//! End-to-end tests of reading inputs: every source is read through a bound
//! (files, stdin, FIFOs, devices), walks skip what is not a manifest
//! (special files, `node_modules`, non-Kubernetes JSON) and read
//! `kubectl get -o json` dumps.
//!
//! `MESHMEND_MAX_INPUT_BYTES` lowers the 64 MiB limit so these tests cross
//! it with a few kilobytes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;

const LIMIT: &str = "4096";

fn meshmend(args: &[&str], limit: Option<&str>, stdin: Option<&[u8]>) -> Output {
    let env: Vec<_> = limit
        .map(|limit| ("MESHMEND_MAX_INPUT_BYTES", limit))
        .into_iter()
        .collect();
    common::run(Path::new(env!("CARGO_MANIFEST_DIR")), args, &env, stdin)
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("meshmend exits normally")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(output)
        )
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("inputs-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn assert_too_large(output: &Output, name: &str) {
    assert_eq!(code(output), 2, "{}", stderr(output));
    let message = stderr(output);
    assert!(
        message.contains(&format!(
            "{name}: input too large: over the 4096-byte limit"
        )),
        "{message}"
    );
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// Two NodePort Services pinning 30080, as `kubectl get svc -o json` prints
/// them (a `List`, tab-free but indented like kubectl).
const KUBECTL_LIST: &str = r#"{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "shop", "namespace": "shop"},
            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "shop-copy", "namespace": "shop"},
            "spec": {"type": "NodePort", "ports": [{"port": 81, "nodePort": 30080}]}
        }
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
"#;

#[test]
#[cfg(target_os = "linux")]
fn dev_zero_is_read_only_up_to_the_limit() {
    let output = meshmend(&["analyze", "/dev/zero"], Some(LIMIT), None);
    assert_too_large(&output, "/dev/zero");
}

#[test]
#[cfg(target_os = "linux")]
fn a_proc_file_reporting_size_zero_is_bounded_by_reading() {
    // `/proc` files report a size of 0 whatever they hold.
    let output = meshmend(&["analyze", "/proc/self/status"], Some("64"), None);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("/proc/self/status: input too large: over the 64-byte limit"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn stdin_is_read_only_up_to_the_limit() {
    let endless = vec![b'#'; 64 * 1024];
    let output = meshmend(&["analyze", "-"], Some(LIMIT), Some(&endless));
    assert_too_large(&output, "-");
    // Exactly at the limit is allowed.
    let at_limit = vec![b'#'; 4096];
    let output = meshmend(&["analyze", "-"], Some(LIMIT), Some(&at_limit));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

#[test]
#[cfg(unix)]
fn a_named_fifo_is_read_only_up_to_the_limit() {
    let dir = scratch("fifo");
    let fifo = dir.join("feed.yaml");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
            let chunk = [b'#'; 1024];
            // Far more than the limit; stops when meshmend closes its end.
            for _ in 0..1024 {
                if pipe.write_all(&chunk).is_err() {
                    return;
                }
            }
        })
    };
    let output = meshmend(&["analyze", fifo.to_str().unwrap()], Some(LIMIT), None);
    writer.join().unwrap();
    assert_too_large(&output, &fifo.to_string_lossy());
}

#[test]
#[cfg(unix)]
fn special_files_in_a_walked_directory_are_skipped_with_a_note() {
    let dir = scratch("walk-special");
    std::fs::write(dir.join("ok.yaml"), "a: 1\n").unwrap();
    // Nobody writes to it: reading it would block forever.
    mkfifo(&dir.join("pipe.yaml"));
    // A link loop and a directory link cycle must not hang either.
    std::os::unix::fs::symlink("loop.yaml", dir.join("loop.yaml")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("again")).unwrap();
    let output = meshmend(
        &["analyze", dir.to_str().unwrap(), "--format", "json"],
        None,
        None,
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(json(&output)["summary"]["files"], 1);
    let message = stderr(&output);
    assert!(
        message.contains("pipe.yaml: skipped: not a regular file"),
        "{message}"
    );
    assert!(message.contains("loop.yaml: skipped"), "{message}");
}

#[test]
fn kubectl_json_dumps_are_walked_and_other_json_is_not_noise() {
    let dir = scratch("walk-json");
    std::fs::write(dir.join("services.json"), KUBECTL_LIST).unwrap();
    // Not Kubernetes: `tsconfig.json` has comments (a YAML syntax error if
    // parsed), a dashboard has `kind`-less panels, package.json neither key.
    std::fs::write(
        dir.join("tsconfig.json"),
        "{\n  // strict mode\n  \"compilerOptions\": {\"strict\": true,},\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("dashboard.json"),
        r#"{"title": "ingress", "panels": [{"type": "graph", "targets": [{"expr": "up"}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("package.json"),
        r#"{"name": "web", "version": "1.0.0"}"#,
    )
    .unwrap();
    // Vendored packages are never entered, whatever they hold.
    std::fs::create_dir_all(dir.join("node_modules/pkg")).unwrap();
    std::fs::write(dir.join("node_modules/pkg/broken.yaml"), "a: [1\n").unwrap();
    let output = meshmend(
        &[
            "analyze",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--failure-threshold",
            "none",
        ],
        None,
        None,
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    let findings: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    let services = format!("{}/services.json", dir.display());
    assert_eq!(findings, [("MM201", services.as_str())]);
}

#[test]
fn a_directory_of_non_kubernetes_json_has_no_manifests() {
    let dir = scratch("walk-json-only");
    std::fs::write(dir.join("package.json"), r#"{"name": "web"}"#).unwrap();
    let output = meshmend(&["analyze", dir.to_str().unwrap()], None, None);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("directory contains no *.yaml, *.yml or Kubernetes *.json files"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_large_non_kubernetes_json_does_not_count_against_the_limit() {
    let dir = scratch("walk-json-large");
    std::fs::write(dir.join("gw.yaml"), "a: 1\n").unwrap();
    let lock = format!(
        "{{\"name\": \"web\", \"packages\": {{{}}}}}",
        (0..500)
            .map(|i| format!("\"p{i}\": {{\"version\": \"1.0.{i}\"}}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(lock.len() > 4096);
    std::fs::write(dir.join("package-lock.json"), &lock).unwrap();
    let output = meshmend(&["analyze", dir.to_str().unwrap()], Some(LIMIT), None);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // The same bytes as a manifest are refused.
    std::fs::write(
        dir.join("package-lock.json"),
        format!(
            "{{\"apiVersion\": \"v1\", \"kind\": \"List\", {}",
            &lock[1..]
        ),
    )
    .unwrap();
    let output = meshmend(&["analyze", dir.to_str().unwrap()], Some(LIMIT), None);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("package-lock.json: input too large"));
}

#[test]
fn redact_reads_through_the_same_bound() {
    let endless = vec![b'#'; 64 * 1024];
    let output = meshmend(&["redact", "-"], Some(LIMIT), Some(&endless));
    assert_too_large(&output, "-");
}

#[test]
fn istio_compat_keeps_the_syntax_errors_of_every_file() {
    let dir = scratch("compat-syntax");
    for name in ["a.yaml", "b.yaml", "c.yaml"] {
        std::fs::write(dir.join(name), "kind: Gateway\nspec: {servers: [\n").unwrap();
    }
    let output = meshmend(
        &[
            "analyze",
            dir.to_str().unwrap(),
            "--istio-compat",
            "--format",
            "json",
            "--failure-threshold",
            "none",
        ],
        None,
        None,
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let mut files: Vec<String> = json(&output)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["name"] == "yaml-syntax")
        .map(|d| {
            d["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    files.sort();
    assert_eq!(files, ["a.yaml", "b.yaml", "c.yaml"]);
}
