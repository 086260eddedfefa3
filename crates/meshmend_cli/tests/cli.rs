//! End-to-end tests of the `meshmend` binary: formats, inputs, exit codes.
//!
//! Findings beyond `yaml-syntax` depend on which rules are registered, so
//! those assertions ask `meshmend rules --format json` first and check each
//! rule only once it exists.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_meshmend");

/// Runs `meshmend` from the crate directory (fixture paths are relative).
fn meshmend(args: &[&str]) -> Output {
    meshmend_with_stdin(args, None)
}

fn meshmend_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[], stdin)
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("meshmend exits normally")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("stdout is not JSON ({e}):\n{}", stdout(output));
    })
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn registered_rules() -> Vec<String> {
    let output = meshmend(&["rules", "--format", "json"]);
    assert_eq!(code(&output), 0);
    json(&output)["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

const BROKEN: &str = "tests/fixtures/broken.yaml";
const CLEAN: &str = "tests/fixtures/clean";
const SEED: &str = "../../examples/seed-conflict.yaml";

// ---------------------------------------------------------------- text

#[test]
fn text_shows_the_source_line_a_caret_and_a_summary() {
    let output = meshmend(&["analyze", BROKEN]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("error[MM001]: YAML syntax error"), "{text}");
    assert!(
        text.contains(&format!("--> {BROKEN}:21:7")),
        "names file:line:col\n{text}"
    );
    assert!(text.contains("21 |   http:"), "{text}");
    assert!(text.contains('^'), "{text}");
    assert!(text.contains("rule `yaml-syntax`"), "{text}");
    assert!(
        text.trim_end().ends_with("1 error in 1 file (3 documents)"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour when piped:\n{text}");
}

#[test]
fn colour_can_be_forced_and_is_off_by_default() {
    let output = Command::new(BIN)
        .args(["analyze", BROKEN])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(stdout(&output).contains('\u{1b}'));
}

#[test]
fn clean_manifests_pass_in_every_format() {
    for format in ["text", "json", "sarif", "github", "gitlab", "junit"] {
        let output = meshmend(&["analyze", CLEAN, "--format", format]);
        assert_eq!(
            code(&output),
            0,
            "{format}: a consistent gateway/service/deployment/virtualservice set\n{}",
            stdout(&output)
        );
    }
    let text = stdout(&meshmend(&["analyze", CLEAN]));
    assert_eq!(text.trim_end(), "no problems in 4 files (4 documents)");
}

// ---------------------------------------------------------------- json

#[test]
fn json_has_every_contract_field() {
    let output = meshmend(&["analyze", "--format", "json", BROKEN, SEED]);
    assert_eq!(code(&output), 1);
    let report = json(&output);
    assert_eq!(report["version"], 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    let keys = [
        "code",
        "name",
        "istio_code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "resource",
        "related",
        "fix_available",
    ];
    for d in diagnostics {
        let object = d.as_object().unwrap();
        let mut found: Vec<&str> = object.keys().map(String::as_str).collect();
        found.sort_unstable();
        let mut expected = keys.to_vec();
        expected.sort_unstable();
        assert_eq!(found, expected, "exactly the contract's fields");
        assert!(d["code"].as_str().unwrap().len() >= 5);
        assert!(d["istio_code"].is_null() || d["istio_code"].is_string());
        assert!(["error", "warning", "info"].contains(&d["severity"].as_str().unwrap()));
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(d[key].as_u64().unwrap() >= 1, "{key} is 1-based");
        }
        assert!(
            (d["end_line"].as_u64(), d["end_column"].as_u64())
                >= (d["line"].as_u64(), d["column"].as_u64())
        );
        match &d["resource"] {
            Value::Null => {}
            Value::Object(r) => {
                for key in ["kind", "namespace", "name"] {
                    assert!(r[key].is_string(), "resource.{key}");
                }
            }
            other => panic!("resource is {other}"),
        }
        for r in d["related"].as_array().unwrap() {
            assert!(r["file"].is_string() && r["message"].is_string());
            assert!(r["line"].as_u64().unwrap() >= 1 && r["column"].as_u64().unwrap() >= 1);
        }
        assert!(d["fix_available"].is_boolean());
    }
    let syntax = diagnostics
        .iter()
        .find(|d| d["name"] == "yaml-syntax")
        .unwrap();
    assert_eq!(syntax["code"], "MM001");
    assert_eq!(syntax["file"], BROKEN);
    assert_eq!(syntax["line"], 21);
    assert_eq!(syntax["resource"], Value::Null);

    let summary = &report["summary"];
    let count = |severity: &str| {
        diagnostics
            .iter()
            .filter(|d| d["severity"] == severity)
            .count() as u64
    };
    assert_eq!(summary["errors"], count("error"));
    assert_eq!(summary["warnings"], count("warning"));
    assert_eq!(summary["infos"], count("info"));
    assert_eq!(summary["files"], 2);
    assert_eq!(summary["documents"].as_u64().unwrap(), 3 + 6);
}

#[test]
fn columns_count_characters_after_a_bom_with_crlf() {
    let report = json(&meshmend(&[
        "analyze",
        "--format",
        "json",
        "tests/fixtures/bom-crlf.yaml",
    ]));
    let d = &report["diagnostics"][0];
    assert_eq!(d["name"], "yaml-syntax");
    // `  mode: "strict` — the unclosed quote is character 9 of line 6.
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(9))
    );
}

// ---------------------------------------------------------------- sarif

#[test]
fn sarif_has_the_shape_code_scanning_requires() {
    let output = meshmend(&["analyze", "--format", "sarif", BROKEN, SEED]);
    assert_eq!(code(&output), 1);
    let log = json(&output);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "meshmend");
    let rules = driver["rules"].as_array().unwrap();
    let registered = registered_rules();
    assert!(rules.len() >= registered.len());
    for rule in rules {
        assert!(rule["id"].is_string());
        assert!(rule["name"].is_string());
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(
            ["error", "warning", "note"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at ruleId"
        );
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let related = result
            .get("relatedLocations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for location in locations.iter().chain(&related) {
            let physical = &location["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
            assert!(
                !uri.starts_with('/') && !uri.contains(':'),
                "relative URI: {uri}"
            );
            let region = &physical["region"];
            for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(region[key].as_u64().unwrap() >= 1, "{key}");
            }
        }
        for location in &related {
            assert!(location["id"].is_u64());
            assert!(location["message"]["text"].is_string());
        }
    }
    let syntax = results.iter().find(|r| r["ruleId"] == "MM001").unwrap();
    assert_eq!(
        syntax["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        BROKEN
    );
    assert_eq!(
        syntax["locations"][0]["physicalLocation"]["region"]["startLine"],
        21
    );
}

// ---------------------------------------------------------------- inputs

#[test]
fn stdin_is_read_with_a_dash_and_by_default() {
    let broken = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(BROKEN)).unwrap();
    for args in [
        &["analyze", "--format", "json", "-"][..],
        &["analyze", "--format", "json"],
    ] {
        let output = meshmend_with_stdin(args, Some(&broken));
        assert_eq!(code(&output), 1, "{args:?}");
        let report = json(&output);
        assert_eq!(report["diagnostics"][0]["file"], "-");
        assert_eq!(report["diagnostics"][0]["line"], 21);
        assert_eq!(report["summary"]["documents"], 3);
    }
}

#[test]
fn directories_are_walked_for_yaml_only_skipping_hidden_entries() {
    let report = json(&meshmend(&[
        "analyze",
        "--format",
        "json",
        "tests/fixtures/walk",
    ]));
    assert_eq!(report["summary"]["files"], 2, "a.yaml and sub/b.yml");
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["tests/fixtures/walk/sub/b.yml"]);
}

#[cfg(unix)]
#[test]
fn symlinked_files_are_read_and_symlinked_directories_are_not_entered() {
    let dir = scratch("symlinks");
    let manifests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::os::unix::fs::symlink(manifests.join("broken.yaml"), dir.join("linked.yaml")).unwrap();
    // A cycle: walking must not loop.
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    let report = json(&meshmend(&[
        "analyze",
        "--format",
        "json",
        dir.to_str().unwrap(),
    ]));
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["diagnostics"][0]["code"], "MM001");
}

#[test]
fn a_file_named_twice_is_analyzed_once() {
    let report = json(&meshmend(&[
        "analyze",
        "--format",
        "json",
        SEED,
        "tests/fixtures/../../../../examples/seed-conflict.yaml",
        CLEAN,
        "tests/fixtures/clean/shop-gateway.yaml",
    ]));
    assert_eq!(
        report["summary"]["files"], 5,
        "the seed and the four clean files"
    );
    let once = json(&meshmend(&["analyze", "--format", "json", SEED]));
    let count = |r: &Value| {
        r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "MM201")
            .count()
    };
    assert_eq!(
        count(&report),
        count(&once),
        "no nodePort collision with itself"
    );
}

#[test]
fn a_missing_file_is_an_error_that_names_it() {
    let output = meshmend(&["analyze", "tests/fixtures/does-not-exist.yaml", CLEAN]);
    assert_eq!(code(&output), 2);
    assert!(output.stdout.is_empty());
    let message = stderr(&output);
    assert!(
        message.contains("tests/fixtures/does-not-exist.yaml: cannot read"),
        "{message}"
    );
}

#[test]
fn a_directory_without_yaml_is_an_error() {
    let dir = scratch("no-yaml");
    std::fs::write(dir.join("README.md"), "# nothing here\n").unwrap();
    let output = meshmend(&["analyze", dir.to_str().unwrap()]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("directory contains no *.yaml, *.yml or Kubernetes *.json files"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn binary_junk_is_refused_with_line_and_column() {
    let dir = scratch("binary");
    let path = dir.join("image.yaml");
    let mut junk = b"apiVersion: v1\nkind: ConfigMap\ndata:\n  logo: ".to_vec();
    junk.extend([
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe,
    ]);
    std::fs::write(&path, junk).unwrap();
    let output = meshmend(&["analyze", path.to_str().unwrap()]);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(
        message.contains("image.yaml:4:9: input is not valid UTF-8"),
        "{message}"
    );
}

#[test]
fn binary_on_stdin_is_refused_with_line_and_column() {
    let output = meshmend_with_stdin(&["analyze", "-"], Some(b"kind: Service\nx: \xc3\x28\n"));
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("-:2:4: input is not valid UTF-8"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn valid_utf8_junk_is_a_syntax_finding_not_a_crash() {
    let junk = "\u{0}\u{1}kind: [\u{7f}\t{{ .Values.x }}\n---\n\u{0}: :\n";
    let output = meshmend_with_stdin(&["analyze", "--format", "json"], Some(junk.as_bytes()));
    // The `{{ .Values.x }}` makes it an unrendered template: one warning
    // (MM002) instead of its YAML errors, so the exit code is 0.
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json(&output);
    let codes: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["MM002"]);
    let junk = junk.replace("{{ .Values.x }}", "x");
    let output = meshmend_with_stdin(&["analyze", "--format", "json"], Some(junk.as_bytes()));
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        json(&output)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] == "MM001")
    );
}

#[test]
fn input_over_the_size_limit_is_refused_without_reading_it() {
    let dir = scratch("too-large");
    let path = dir.join("dump.yaml");
    // Sparse: 65 MiB on paper, nothing on disk; refused from metadata alone.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let output = meshmend(&["analyze", path.to_str().unwrap()]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("dump.yaml: input too large"),
        "{}",
        stderr(&output)
    );
}

// ---------------------------------------------------------------- exit codes

#[test]
fn failure_threshold_decides_the_exit_code() {
    for (threshold, expected) in [("error", 1), ("warning", 1), ("info", 1), ("none", 0)] {
        let output = meshmend(&["analyze", BROKEN, "--failure-threshold", threshold]);
        assert_eq!(code(&output), expected, "--failure-threshold {threshold}");
    }
    for threshold in ["error", "warning", "info", "none"] {
        let output = meshmend(&["analyze", CLEAN, "--failure-threshold", threshold]);
        assert_eq!(
            code(&output),
            0,
            "clean with --failure-threshold {threshold}"
        );
    }
}

#[test]
fn a_warning_fails_the_run_only_at_warning_or_info() {
    let fixture = "tests/fixtures/warning-only.yaml";
    let report = json(&meshmend(&["analyze", "--format", "json", fixture]));
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(
        report["diagnostics"][0]["name"],
        "gateway-selector-no-workload"
    );
    assert_eq!(report["diagnostics"][0]["severity"], "warning");
    for (threshold, expected) in [("error", 0), ("warning", 1), ("info", 1), ("none", 0)] {
        let output = meshmend(&["analyze", fixture, "--failure-threshold", threshold]);
        assert_eq!(code(&output), expected, "--failure-threshold {threshold}");
    }
    let text = stdout(&meshmend(&["analyze", fixture]));
    assert!(text.starts_with("warning[MM302]:"), "{text}");
    assert!(
        text.trim_end()
            .ends_with("1 warning in 1 file (3 documents)"),
        "{text}"
    );
}

#[test]
fn warnings_fail_only_at_a_warning_threshold() {
    let output = meshmend(&[
        "analyze",
        "--format",
        "json",
        SEED,
        "--failure-threshold",
        "none",
    ]);
    let report = json(&output);
    let (errors, warnings) = (
        report["summary"]["errors"].as_u64().unwrap(),
        report["summary"]["warnings"].as_u64().unwrap(),
    );
    let at = |threshold| {
        code(&meshmend(&[
            "analyze",
            SEED,
            "--failure-threshold",
            threshold,
        ]))
    };
    assert_eq!(at("error"), i32::from(errors > 0));
    assert_eq!(at("warning"), i32::from(errors + warnings > 0));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["analyze", "--format", "xml", CLEAN][..],
        &["analyze", "--nodeport-range", "32767-30000", CLEAN],
        &["analyze", "--failure-threshold", "sometimes", CLEAN],
        &["frobnicate"],
    ] {
        let output = meshmend(args);
        assert_eq!(code(&output), 2, "{args:?}");
        assert!(!stderr(&output).is_empty());
    }
    assert_eq!(code(&meshmend(&["--help"])), 0);
}

#[test]
fn options_are_accepted() {
    let output = meshmend(&[
        "analyze",
        CLEAN,
        "--istio-compat",
        "--namespace",
        "shop",
        "--nodeport-range",
        "30000-32767",
    ]);
    assert!([0, 1].contains(&code(&output)), "{}", stderr(&output));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // Thousands of findings, and a reader that leaves after a few bytes.
    let broken = "kind: ConfigMap\ndata: [\n---\n".repeat(5_000);
    let mut child = Command::new(BIN)
        .args(["analyze", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(broken.as_bytes()).unwrap();
    drop(stdin);
    let mut first = [0_u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the next write gets EPIPE.
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 1, "findings still fail the run");
    assert_eq!(stderr(&output), "", "no error message for a closed pipe");
}

// ---------------------------------------------------------------- rules/explain

#[test]
fn rules_lists_every_rule_as_a_table_and_as_json() {
    let text = stdout(&meshmend(&["rules"]));
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    for column in ["CODE", "NAME", "SEVERITY", "ISTIO", "SUMMARY"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(text.contains("MM001  yaml-syntax"), "{text}");
    let registered = registered_rules();
    assert_eq!(
        lines.by_ref().take_while(|l| !l.is_empty()).count(),
        registered.len()
    );
    // Then one line on the Istio releases the rules hold for.
    let footer: Vec<&str> = lines.collect();
    assert_eq!(footer.len(), 1, "{text}");
    assert!(
        footer[0].starts_with("Istio releases modelled: 1.22 to "),
        "{text}"
    );
    let report = json(&meshmend(&["rules", "--format", "json"]));
    assert_eq!(report["version"], 1);
    for rule in report["rules"].as_array().unwrap() {
        for key in ["code", "name", "severity", "summary"] {
            assert!(rule[key].is_string(), "{key}");
        }
        assert!(rule["istio_code"].is_null() || rule["istio_code"].is_string());
        assert!(rule["fix_available"].is_boolean());
        assert!(
            rule["istio_versions"]
                .as_str()
                .is_some_and(|v| v.starts_with("1.22 to "))
        );
    }
}

#[test]
fn explain_takes_a_name_or_a_code() {
    let by_code = meshmend(&["explain", "mm001"]);
    let by_name = meshmend(&["explain", "yaml-syntax"]);
    assert_eq!(code(&by_code), 0);
    assert_eq!(by_code.stdout, by_name.stdout);
    let text = stdout(&by_code);
    assert!(text.starts_with("# MM001 `yaml-syntax`"), "{text}");
    assert!(text.contains("## What it does"), "{text}");
    let unknown = meshmend(&["explain", "yaml"]);
    assert_eq!(code(&unknown), 2);
    assert!(stderr(&unknown).contains("did you mean: MM001 yaml-syntax"));
}

#[test]
fn explain_an_istioctl_code_names_the_meshmend_rules_for_it() {
    let run = meshmend(&["explain", "ist0145"]);
    assert_eq!(code(&run), 2);
    let text = stderr(&run);
    assert!(
        text.contains("`ist0145` is an istioctl analyze code"),
        "{text}"
    );
    assert!(text.contains("MM102 duplicate-tls-host"), "{text}");
    assert!(text.contains("`meshmend explain MM"), "{text}");
    let none = meshmend(&["explain", "IST9999"]);
    assert!(stderr(&none).contains("no rule named or coded `IST9999`"));
}

// ---------------------------------------------------------------- seed scenario

#[test]
fn the_seed_incident_is_reported_by_the_conflict_rules() {
    let report = json(&meshmend(&["analyze", "--format", "json", SEED]));
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["name"].as_str().unwrap()))
        .collect();
    assert!(
        found.contains(&("MM102", "duplicate-tls-host")),
        "{found:?}"
    );
    assert!(
        found.contains(&("MM201", "nodeport-collision")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(code, _)| *code == "MM001"),
        "the seed parses"
    );
    let tls = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "MM102")
        .unwrap();
    assert_eq!(tls["resource"]["name"], "staging-gateway");
    assert_eq!(tls["line"], 40, "the copied `prod.example.com` host");
    assert_eq!(tls["related"][0]["line"], 18, "the original host");

    let text = stdout(&meshmend(&["analyze", SEED]));
    for expected in [
        "error[MM102]: host `prod.example.com`",
        "--> ../../examples/seed-conflict.yaml:40:11",
        "^^^^^^^^^^^^^^^^ Gateway istio-system/staging-gateway",
        "::: ../../examples/seed-conflict.yaml:18:11",
        "= note: ",
        "= help: ",
        "rule `duplicate-tls-host`; `meshmend explain MM102` documents it",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn istio_compat_reports_ist_codes_in_every_format() {
    let report = json(&meshmend(&[
        "analyze",
        "--format",
        "json",
        "--istio-compat",
        SEED,
    ]));
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"IST0145"), "{codes:?}");
    assert!(codes.iter().all(|c| c.starts_with("IST")), "{codes:?}");
    let log = json(&meshmend(&[
        "analyze",
        "--format",
        "sarif",
        "--istio-compat",
        SEED,
    ]));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let text = stdout(&meshmend(&["analyze", "--istio-compat", SEED]));
    assert!(text.contains("error[IST0145]"), "{text}");
    assert!(!text.contains("meshmend explain IST"), "{text}");
}

#[test]
fn istio_version_picks_the_merge_semantics_and_refuses_garbage() {
    let path = scratch("istio-version").join("plaintext-after-tls.yaml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../meshmend_core/tests/rules/MM101-protocol-conflict/invalid-plaintext-takes-tls-port.yaml"),
        &path,
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let codes = |version: &str| -> Vec<String> {
        let out = meshmend(&[
            "analyze",
            file,
            "--format",
            "json",
            "--istio-version",
            version,
        ]);
        json(&out)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes("1.28.1"), ["MM101"]);
    assert_eq!(codes("1.28.0"), Vec::<String>::new());
    let default = meshmend(&["analyze", file, "--format", "json"]);
    assert_eq!(code(&default), 1, "the default is the newest release");
    for (command, bad) in [("analyze", "latest"), ("fix", "1.x"), ("analyze", "1.21.6")] {
        let out = meshmend(&[command, file, "--istio-version", bad]);
        assert_eq!(code(&out), 2, "{command} {bad}");
        assert!(stderr(&out).contains("--istio-version"), "{}", stderr(&out));
    }
    // `fix` at 1.28.0 sees nothing to fix.
    let out = meshmend(&["fix", file, "--istio-version", "1.28.0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_chart_in_a_repository_walk_is_one_warning_per_template_and_does_not_fail_ci() {
    let dir = scratch("chart-walk");
    std::fs::create_dir_all(dir.join("chart/templates")).unwrap();
    let template = "{{- if .Values.gateway.enabled }}\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n";
    std::fs::write(dir.join("chart/templates/gateway.yaml"), template).unwrap();
    std::fs::write(
        dir.join("chart/templates/service.yaml"),
        template.replace("Gateway", "Service"),
    )
    .unwrap();
    let path = dir.to_string_lossy().to_string();
    let output = meshmend(&["analyze", &path, "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let report = json(&output);
    let codes: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["MM002", "MM002"]);
    let strict = meshmend(&["analyze", &path, "--failure-threshold", "warning"]);
    assert_eq!(code(&strict), 1);
    assert!(
        stdout(&strict).contains("helm template"),
        "{}",
        stdout(&strict)
    );
}
