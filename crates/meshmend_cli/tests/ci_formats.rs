//! `--format github|gitlab|junit` end to end. The formats are also checked
//! against their ecosystems' own tools (`@actions/core`, the GitLab Code
//! Quality schema, `junitparser`) by `tests/ci/run.sh` at the repository root.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;

const SEED: &str = "../../examples/seed-conflict.yaml";
const BROKEN: &str = "tests/fixtures/broken.yaml";

fn meshmend_in(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args, &[], None)
}

fn meshmend(args: &[&str]) -> Output {
    meshmend_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn text(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn report(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["analyze", "--format", "json"];
    all.extend(args);
    let json: Value = serde_json::from_slice(&meshmend(&all).stdout).unwrap();
    json["diagnostics"].as_array().unwrap().clone()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ci-formats-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn github_prints_one_annotation_per_finding_with_its_location() {
    let output = meshmend(&["analyze", "--format", "github", SEED, BROKEN]);
    assert_eq!(output.status.code(), Some(1));
    let out = text(&output);
    let commands: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    let findings = report(&[SEED, BROKEN]);
    assert_eq!(commands.len(), findings.len());
    for (command, d) in commands.iter().zip(&findings) {
        let level = match d["severity"].as_str().unwrap() {
            "info" => "notice",
            other => other,
        };
        let expected = format!(
            "::{level} title={} {},file={},line={},endLine={},",
            d["code"].as_str().unwrap(),
            d["name"].as_str().unwrap(),
            d["file"].as_str().unwrap().trim_start_matches("./"),
            d["line"],
            d["end_line"]
        );
        assert!(command.starts_with(&expected), "{command}\nwant {expected}");
        assert!(!command.contains('\n'));
    }
    assert!(out.ends_with("meshmend: 3 error(s), 0 warning(s), 0 info(s) in 2 file(s)\n"));
}

#[test]
fn github_escapes_property_separators_in_file_names() {
    let dir = scratch("github-escape");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED),
        dir.join("a,b:c%.yaml"),
    )
    .unwrap();
    let out = text(&meshmend_in(
        &dir,
        &["analyze", "--format", "github", "a,b:c%.yaml"],
    ));
    assert!(out.contains(",file=a%2Cb%3Ac%25.yaml,line="), "{out}");
}

#[test]
fn gitlab_fingerprints_are_unique_and_survive_moved_lines() {
    let dir = scratch("gitlab");
    let seed = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)).unwrap();
    std::fs::write(dir.join("gw.yaml"), &seed).unwrap();
    let run = || -> Vec<Value> {
        let out = meshmend_in(&dir, &["analyze", "--format", "gitlab", "gw.yaml"]);
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let before = run();
    assert!(!before.is_empty());
    for issue in &before {
        assert_eq!(issue["location"]["path"], "gw.yaml");
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert_eq!(issue["fingerprint"].as_str().unwrap().len(), 32);
    }
    let prints: Vec<&Value> = before.iter().map(|i| &i["fingerprint"]).collect();
    let mut unique = prints.clone();
    unique.dedup();
    assert_eq!(prints.len(), unique.len());
    std::fs::write(dir.join("gw.yaml"), format!("# moved\n{seed}")).unwrap();
    let after = run();
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b["fingerprint"], a["fingerprint"]);
        assert_eq!(
            b["location"]["lines"]["begin"].as_u64().unwrap() + 1,
            a["location"]["lines"]["begin"].as_u64().unwrap()
        );
    }
    // A different finding (another nodePort) gets a different fingerprint.
    std::fs::write(dir.join("gw.yaml"), seed.replace("31390", "31391")).unwrap();
    let changed = run();
    let nodeport = |issues: &[Value]| {
        issues.iter().find(|i| i["check_name"] == "MM201").unwrap()["fingerprint"].clone()
    };
    assert_ne!(nodeport(&before), nodeport(&changed));
}

#[test]
fn junit_failures_follow_the_failure_threshold() {
    for (threshold, failures) in [("error", 3), ("none", 0)] {
        let out = text(&meshmend(&[
            "analyze",
            "--format",
            "junit",
            "--failure-threshold",
            threshold,
            SEED,
            BROKEN,
        ]));
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"meshmend\" tests=\"3\""), "{out}");
        assert_eq!(out.matches("<failure ").count(), failures, "{threshold}");
        assert_eq!(out.matches("<testcase ").count(), 3);
        assert_eq!(out.matches("<testsuite ").count(), 2);
    }
}
