//! Parity with `istioctl analyze`: runs every case of Istio's own analyzer
//! test table (copied, with its licence, to `tests/peer-suite/`; see its
//! `EXPECTED.md`) through `--istio-compat` mode the way the upstream harness
//! does — the case's files plus `implicit-default-ingressgateway.yaml`, an
//! empty namespace for resources without one, only the case's analyzer —
//! and compares the multiset of (code, kind, namespace/name).
//!
//! Prints `N/29 cases` and one line per case (`cargo test --test peer_suite
//! -- --nocapture`). The Gateway-port, conflict, certificate/credential and
//! VirtualService→Gateway cases must pass; IST0161/0109/0140/0149/0166 are
//! optional.
//!
//! It also counts the suite's derived message texts that come out verbatim.
//! Required cases must match them all; some IST0109 texts differ because
//! upstream's depends on Go map order, or lists the namespace-scoped
//! VirtualServices before the appended export-to-all ones where the suite
//! sorts them.

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

/// Cases that must pass (the rest exercise optional analyzers).
const REQUIRED: &[&str] = &[
    // Gateway ports: gateway.IngressGatewayPortAnalyzer
    "gatewayNoWorkload",
    "gatewayBadPort",
    "gatewayCorrectPort",
    "gatewayCustomIngressGateway",
    "gatewayCustomIngressGatewayBadPort",
    "gatewayCustomIngressGatewayBadPortWithoutTarget",
    "gatewayCustomIngressGatewayTranslation",
    "gatewayServiceMatchPod",
    // Conflicts: gateway.ConflictingGatewayAnalyzer
    "conflicting gateways detect",
    "gateways with different port are non-conflicting",
    "conflicting gateways with multiple port declarations",
    "conflicting gateways detect by sub selector",
    "conflicting gateways detect: no port",
    "Analyze conflicting gateway with list type",
    // Certificates and credentials: gateway.CertificateAnalyzer, gateway.SecretAnalyzer (IST0101)
    "certificate duplication in Gateway",
    "gatewaySecret",
    // VirtualService → Gateway: virtualservice.GatewayAnalyzer
    "virtualServiceGateways",
    "virtualServiceKubernetesGateways",
    "virtualServiceInternalGatewayRef",
    "host defined in virtualservice not found in the gateway",
    "host defined in virtualservice not found in the gateway(beta version)",
    "host defined in virtualservice not found in the gateway with ns",
    "host defined in virtualservice not found in the gateway with ns(beta version)",
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
    let mut failed_required = Vec::new();
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
                if REQUIRED.contains(&case.name.as_str()) {
                    failed_required.push(format!("{} (message text)", case.name));
                }
            }
        }
        passed += usize::from(ok);
        passed_all_analyzers += usize::from(got_all == want);
        let status = if ok { "pass" } else { "FAIL" };
        let required = REQUIRED.contains(&case.name.as_str());
        println!(
            "{status} {} [{}]{}",
            case.name,
            case.analyzer,
            if required { "" } else { " (optional)" }
        );
        if !ok {
            println!("     expected {want:?}\n     got      {got:?}");
            if required {
                failed_required.push(case.name.clone());
            }
        }
    }
    println!("{passed}/{} cases", cases.len());
    println!("{texts_matched}/{texts} derived message texts reproduced exactly");
    println!(
        "{passed_all_analyzers}/{} cases with every analyzer running (as the CLI does)",
        cases.len()
    );
    for name in REQUIRED {
        assert!(
            cases.iter().any(|c| c.name == *name),
            "required case {name:?} is not in expected.json"
        );
    }
    assert!(
        failed_required.is_empty(),
        "required peer-suite cases failed: {failed_required:?}"
    );
}
