//! MM506: a Terminate listener's certificateRef (or the Gateway's frontend
//! CA reference) is missing, of the wrong kind or not a certificate.

use super::gateway_api::refused_listeners;
use crate::analyze::Context;
use crate::diagnostic::Diagnostic;

const REASONS: &[&str] = &[
    "InvalidCertificateRef",
    "InvalidCACertificateRef",
    "InvalidCACertificateKind",
];

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Only when the input holds Secrets: certificates usually live elsewhere
    // (cert-manager, a secrets repository), and then nothing can be said.
    let prediction = cx.gateway_api();
    if prediction
        .inventory
        .cert_sources
        .iter()
        .all(|c| c.kind != "Secret")
    {
        return;
    }
    refused_listeners(
        &RULE,
        cx,
        REASONS,
        |bad| {
            format!(
                "has no usable certificate: Istio writes ResolvedRefs=False ({}) and Programmed=False (Invalid) on it: {}; TLS handshakes on it fail",
                bad.reason, bad.message
            )
        },
        "reference an existing kubernetes.io/tls Secret (tls.crt and tls.key) in the listener's namespace",
        out,
    );
}

rule! {
    code: "MM506",
    name: "certificate-ref-invalid",
    severity: Error,
    category: GatewayApi,
    summary: "A Terminate listener's certificateRef names a missing, malformed or non-Secret object: the listener is not programmed.",
    docs: "mm506_certificate_ref_invalid.md",
}
