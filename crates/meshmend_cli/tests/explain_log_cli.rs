//! `meshmend explain-log`: a realistic incident (a log from istiod, Envoy,
//! kubectl and istioctl, manifests in several files) is linked line by line
//! to the findings and resources that caused it.

use std::path::Path;
use std::process::Output;

mod common;

const LOG: &str = "tests/fixtures/explain-log/incident.log";
const MANIFESTS: &str = "tests/fixtures/explain-log/manifests";

fn meshmend(args: &[&str], stdin: &str) -> Output {
    common::run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        args,
        &[],
        Some(stdin.as_bytes()),
    )
}

/// The report block of input line `n` (up to the blank line after it).
fn block(stdout: &str, n: usize) -> String {
    let start = stdout
        .find(&format!("line {n}: "))
        .unwrap_or_else(|| panic!("no block for line {n}:\n{stdout}"));
    let rest = &stdout[start..];
    rest[..rest.find("\n\n").unwrap_or(rest.len())].to_string()
}

fn causes(block: &str) -> Vec<&str> {
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("cause: "))
        .collect()
}

#[test]
fn every_line_of_the_incident_points_at_the_resource_responsible() {
    let out = meshmend(&["explain-log", LOG, MANIFESTS], "");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let staging = format!("{MANIFESTS}/gateways/staging.yaml");
    let expect = [
        (
            1,
            "duplicate-host",
            "MM102",
            format!("{staging}:18:11: error[MM102]"),
        ),
        (
            2,
            "protocol-conflict",
            "MM101",
            format!("{staging}:25:19: error[MM101]"),
        ),
        (
            4,
            "nodeport-allocated",
            "MM201",
            format!("{MANIFESTS}/legacy/service.yaml:15:17: error[MM201]"),
        ),
        (
            5,
            "filter-chain-not-found",
            "MM102",
            format!("{staging}:18:11: error[MM102]"),
        ),
        (
            6,
            "IST0145",
            "MM102",
            format!("{staging}:18:11: error[MM102]"),
        ),
        (
            7,
            "gateway-not-found",
            "MM401",
            format!("{MANIFESTS}/apps/staging-vs.yaml:10:7: warning[MM401]"),
        ),
    ];
    for (line, pattern, rule, cause) in &expect {
        let block = block(&stdout, *line);
        assert!(
            block.starts_with(&format!("line {line}: {pattern} (")),
            "{block}"
        );
        assert!(block.contains(&format!("rule: {rule} ")), "{block}");
        assert_eq!(causes(&block).len(), 1, "exactly one cause:\n{block}");
        assert!(causes(&block)[0].starts_with(cause.as_str()), "{block}");
    }
    assert!(block(&stdout, 1).contains("help: remove `prod.example.com`"));
    assert!(block(&stdout, 1).contains("fix: `meshmend fix"));
    assert!(block(&stdout, 3).starts_with("line 3: not recognised"));
    assert!(stdout.contains("7 line(s): 6 recognised, 1 not recognised, 6 linked to findings"));
}

/// `--format json` on the same incident logged as JSON (istiod's
/// `--log_as_json`, Envoy's `accessLogEncoding: JSON`) links every line to
/// the same finding, at the same place, as the text report of the plain log.
#[test]
fn json_logs_and_json_output_link_the_same_causes() {
    let text = meshmend(&["explain-log", LOG, MANIFESTS], "");
    let text = String::from_utf8(text.stdout).unwrap();
    let json_log = "tests/fixtures/explain-log/incident-json.log";
    let out = meshmend(
        &["explain-log", json_log, MANIFESTS, "--format", "json"],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["version"], 1);
    let lines = report["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 7);
    for line in lines {
        let n = usize::try_from(line["number"].as_u64().unwrap()).unwrap();
        let block = block(&text, n);
        match line["pattern"].as_str() {
            None => assert!(
                block.starts_with(&format!("line {n}: not recognised")),
                "{block}"
            ),
            Some(pattern) => assert!(
                block.starts_with(&format!("line {n}: {pattern} (")),
                "{block}"
            ),
        }
        let linked: Vec<String> = line["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}:{}:{}: {}[{}]",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["column"],
                    f["severity"].as_str().unwrap(),
                    f["code"].as_str().unwrap()
                )
            })
            .collect();
        let expected: Vec<&str> = causes(&block);
        assert_eq!(
            linked.len(),
            expected.len(),
            "line {n}: {linked:?} vs\n{block}"
        );
        for (json, text) in linked.iter().zip(&expected) {
            assert!(
                text.starts_with(json.as_str()),
                "line {n}: {json} vs {text}"
            );
        }
    }
    assert_eq!(lines[0]["names"]["gateway"], "istio-system/staging-gateway");
    assert_eq!(lines[4]["names"]["hosts"][0], "staging.example.com");
    assert_eq!(report["summary"]["recognised"], 6);
    assert_eq!(report["summary"]["linked"], 6);
}

#[test]
fn without_manifests_the_json_report_links_nothing() {
    let out = meshmend(
        &["explain-log", "-", "--format", "json"],
        "listener '[::]_443' failed to bind or apply socket options\nhello\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["lines"][0]["pattern"], "bind-failed");
    assert_eq!(report["lines"][0]["names"]["port"], 443);
    assert!(report["lines"][1]["pattern"].is_null());
    assert!(
        report["summary"]["linked"].is_null(),
        "no manifests: linked is null"
    );
    assert_eq!(report["summary"]["not_recognised"], 1);
}

#[test]
fn a_line_naming_another_gateway_is_not_linked() {
    let log = "skipping server on gateway istio-system/other-gateway, duplicate host names: [prod.example.com]\n\
               skipping server on gateway istio-system/staging-gateway, duplicate host names: [elsewhere.example.org]\n";
    let out = meshmend(&["explain-log", "-", MANIFESTS], log);
    let stdout = String::from_utf8(out.stdout).unwrap();
    for n in [1, 2] {
        let block = block(&stdout, n);
        assert!(
            causes(&block)[0].starts_with("no finding of MM102"),
            "{block}"
        );
    }
}

#[test]
fn without_manifests_it_explains_and_asks_for_them() {
    let out = meshmend(
        &["explain-log"],
        "Error from server: nothing we know\nThe Service \"x\" is invalid: spec.ports[0].nodePort: Invalid value: 31390: provided port is already allocated\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(block(&stdout, 1).starts_with("line 1: not recognised"));
    let second = block(&stdout, 2);
    assert!(
        second.contains("rule: MM201 nodeport-collision"),
        "{second}"
    );
    assert!(second.contains("names: Service x, port 31390"), "{second}");
    assert!(
        second.contains("give the manifests after the log"),
        "{second}"
    );
}

#[test]
fn a_missing_log_is_an_error() {
    let out = meshmend(&["explain-log", "no-such.log"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no-such.log")
    );
}
