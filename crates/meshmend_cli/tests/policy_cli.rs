//! `meshmend policy`: the binary prints the generated admission policies
//! (their content is proved in `meshmend_core/tests/policy.rs`).

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_meshmend");

fn policy(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(BIN)
        .arg("policy")
        .args(args)
        .output()
        .expect("meshmend runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[test]
fn gatekeeper_is_the_default_and_carries_the_node_port_range() {
    let (code, out, _) = policy(&["--nodeport-range", "30100-30200"]);
    assert_eq!(code, 0);
    assert!(out.contains("kind: ConstraintTemplate"), "{out}");
    assert!(out.contains("kind: MeshmendGatewayConflicts"));
    assert!(out.contains("kind: Config"));
    assert!(out.contains("nodePortMin: 30100") && out.contains("nodePortMax: 30200"));
    assert!(out.contains("package meshmendgatewayconflicts"));
}

#[test]
fn vap_prints_policies_and_bindings() {
    let (code, out, _) = policy(&["--format", "vap", "--nodeport-range", "30100-30200"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.matches("kind: ValidatingAdmissionPolicy\n").count(),
        3,
        "{out}"
    );
    assert_eq!(
        out.matches("kind: ValidatingAdmissionPolicyBinding\n")
            .count(),
        3
    );
    assert!(out.contains("resources: [\"gateways\"]") && out.contains("gateway.networking.k8s.io"));
    assert!(out.contains("p.nodePort <= 30200"));
}

#[test]
fn unknown_format_is_a_usage_error() {
    let (code, _, err) = policy(&["--format", "kyverno"]);
    assert_eq!(code, 2);
    assert!(err.contains("kyverno"), "{err}");
}
