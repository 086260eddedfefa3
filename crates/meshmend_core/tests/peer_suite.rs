#![cfg(feature = "istio-compat")]
//! Parity with `istioctl analyze`: runs every case of Istio's own analyzer
//! test table (copied, with its licence, to `tests/peer-suite/`; see its
//! `EXPECTED.md`) through `--istio-compat` mode the way the upstream harness
//! does — the case's files plus `implicit-default-ingressgateway.yaml`, an
//! empty namespace for resources without one, only the case's analyzer —
//! and compares the multiset of (code, kind, namespace/name).
//!
//! Every case asserts: all 29 give upstream's findings when only the
//! case's analyzer runs; every message text the suite derives comes out
//! verbatim except the IST0109 ones in [`TEXT_DIFFERS`]; and with every
//! analyzer running (as the CLI does) the only extra findings with the
//! case's codes are IST0101 "Referenced selector not found" on Gateways. `cargo test --test
//! peer_suite -- --nocapture` prints one line per case and the scores.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use meshmend_core::analyze::compat;
use meshmend_core::{AnalyzeOptions, Bundle, LoadOptions, SourceFile};

#[derive(serde::Deserialize)]
struct Case {
    #[serde(rename = "case")]
    name: String,
    analyzer: String,
    files: Vec<String>,
    implicit_files: Vec<String>,
    expected: Vec<Expected>,
}

#[derive(serde::Deserialize)]
struct Expected {
    code: String,
    kind: String,
    namespace: String,
    name_of_resource: String,
    /// The suite's own rendering of the message template (upstream asserts
    /// only code and resource; some texts depend on Go map order).
    message_derived: Option<String>,
}

/// Message texts that differ from the suite's rendering, by (case, resource
/// name, how many): upstream's IST0109 text depends on Go map order (which
/// conflict group is named), or lists the namespace-scoped VirtualServices
/// before the appended export-to-all ones where the suite sorts them.
const TEXT_DIFFERS: &[(&str, &str, usize)] = &[
    ("virtualServiceConflictingMeshGatewayHosts", "ratings", 1),
    (
        "virtualServiceConflictingMeshGatewayHostsWithExportTo",
        "productpage-c",
        2,
    ),
    (
        "virtualServiceConflictingMeshGatewayHostsWithExportTo",
        "productpage-d",
        2,
    ),
];

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peer-suite")
}

type Finding = (String, String, String, String);

fn load(case: &Case) -> Bundle {
    let files = case
        .files
        .iter()
        .chain(&case.implicit_files)
        .map(|name| {
            let text = std::fs::read_to_string(suite().join(name)).expect("suite file exists");
            SourceFile::new(name.clone(), text)
        })
        .collect();
    let options = LoadOptions {
        default_namespace: String::new(),
        ..LoadOptions::default()
    };
    Bundle::load(files, options).expect("suite files are within limits")
}

fn expected(case: &Case) -> Vec<Finding> {
    let mut out: Vec<Finding> = case
        .expected
        .iter()
        .map(|e| {
            (
                e.code.clone(),
                e.kind.clone(),
                e.namespace.clone(),
                e.name_of_resource.clone(),
            )
        })
        .collect();
    out.sort();
    out
}

/// (code, kind, namespace, name) of compat findings whose code is in `codes`.
fn actual(diagnostics: &[meshmend_core::Diagnostic], codes: &BTreeSet<String>) -> Vec<Finding> {
    let mut out: Vec<Finding> = diagnostics
        .iter()
        .filter(|d| codes.contains(d.code))
        .filter_map(|d| {
            let r = d.resource.as_ref()?;
            Some((
                d.code.to_string(),
                r.kind.clone(),
                r.namespace.clone(),
                r.name.clone(),
            ))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn istio_analyzer_suite() {
    let text = std::fs::read_to_string(suite().join("expected.json")).expect("expected.json");
    let cases: Vec<Case> = serde_json::from_str(&text).expect("expected.json parses");
    assert_eq!(cases.len(), 29, "the suite has 29 cases");
    let compat_options = AnalyzeOptions {
        istio_compat: true,
        ..AnalyzeOptions::default()
    };
    let mut passed = 0;
    let mut passed_all_analyzers = 0;
    let mut failed = Vec::new();
    let mut text_differs: Vec<(&str, &str)> = Vec::new();
    let (mut texts, mut texts_matched) = (0, 0);
    for case in &cases {
        let bundle = load(case);
        let want = expected(case);
        let reproduced = compat::analyzers()
            .iter()
            .find(|a| a.name() == case.analyzer);
        let mut codes: BTreeSet<String> = want.iter().map(|f| f.0.clone()).collect();
        codes.extend(
            reproduced
                .iter()
                .flat_map(|a| a.codes())
                .map(ToString::to_string),
        );
        // Like the upstream harness: only the case's analyzer runs.
        let only = compat::analyze_only(&bundle, &compat_options, |a| a.name() == case.analyzer);
        let got = actual(&only, &codes);
        // Like `istioctl analyze --istio-compat` on the same files: every analyzer.
        let all = meshmend_core::analyze(&bundle, &compat_options);
        let got_all = actual(&all, &codes);
        let ok = got == want;
        // Message text, where the suite derived one: some finding on the same
        // resource with the same code must read exactly like it.
        for e in &case.expected {
            let Some(text) = &e.message_derived else {
                continue;
            };
            texts += 1;
            let matched = only.iter().any(|d| {
                d.code == e.code
                    && d.resource.as_ref().is_some_and(|r| {
                        r.kind == e.kind
                            && r.namespace == e.namespace
                            && r.name == e.name_of_resource
                    })
                    && d.message == *text
            });
            if matched {
                texts_matched += 1;
            } else {
                println!(
                    "     text differs for {} {}: want {text:?}",
                    e.code, e.name_of_resource
                );
                text_differs.push((case.name.as_str(), e.name_of_resource.as_str()));
            }
        }
        // Every analyzer: upstream's findings, plus (among the case's codes)
        // only the Gateway selector check of analyzers the harness skips.
        let extra: Vec<String> = all
            .iter()
            .filter(|d| {
                d.resource.as_ref().is_some_and(|r| {
                    !want.contains(&(
                        d.code.to_string(),
                        r.kind.clone(),
                        r.namespace.clone(),
                        r.name.clone(),
                    ))
                })
            })
            .filter(|d| codes.contains(d.code))
            .filter(|d| {
                !(d.code == "IST0101"
                    && d.message.starts_with("Referenced selector not found")
                    && d.resource.as_ref().is_some_and(|r| r.kind == "Gateway"))
            })
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        let all_ok = want.iter().all(|w| got_all.contains(w)) && extra.is_empty();
        passed += usize::from(ok);
        passed_all_analyzers += usize::from(got_all == want);
        println!(
            "{} {} [{}]",
            if ok { "pass" } else { "FAIL" },
            case.name,
            case.analyzer
        );
        if !ok {
            println!("     expected {want:?}\n     got      {got:?}");
            failed.push(case.name.clone());
        }
        if !all_ok {
            println!("     with every analyzer: {got_all:?}, unexpected {extra:?}");
            failed.push(format!("{} (every analyzer)", case.name));
        }
    }
    println!("{passed}/{} cases", cases.len());
    println!("{texts_matched}/{texts} derived message texts reproduced exactly");
    println!(
        "{passed_all_analyzers}/{} cases with every analyzer running (as the CLI does) give \
         exactly upstream's findings; the rest add only IST0101 selector findings",
        cases.len()
    );
    assert!(failed.is_empty(), "peer-suite cases failed: {failed:?}");
    assert_eq!(passed, cases.len());
    let mut known: Vec<(&str, &str)> = TEXT_DIFFERS
        .iter()
        .flat_map(|&(case, name, n)| std::iter::repeat_n((case, name), n))
        .collect();
    known.sort_unstable();
    text_differs.sort_unstable();
    assert_eq!(
        text_differs, known,
        "message texts that differ from the suite's (update TEXT_DIFFERS only with a reason)"
    );
    assert_eq!(texts_matched + known.len(), texts);
}
