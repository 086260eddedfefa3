//! MM506: a Terminate listener's certificateRef (or the Gateway's frontend
//! CA reference) is missing, of the wrong kind or not a certificate.

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Category, Diagnostic, RuleMeta, Severity};

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
    for object in &prediction.status.objects {
        for listener in &object.listeners {
            let Some(bad) = listener.conditions.iter().find(|c| {
                c.kind == "ResolvedRefs" && !c.status && REASONS.contains(&c.reason.as_str())
            }) else {
                continue;
            };
            let message = format!(
                "listener `{}` of {} {}/{} has no usable certificate: Istio writes ResolvedRefs=False ({}) and Programmed=False (Invalid) on it: {}; TLS handshakes on it fail",
                listener.name,
                object.kind,
                object.namespace.as_deref().unwrap_or_default(),
                object.name,
                bad.reason,
                bad.message
            );
            out.push(
                cx.diagnostic(&RULE, object.resource, listener.span, message)
                    .help("reference an existing kubernetes.io/tls Secret (tls.crt and tls.key) in the listener's namespace"),
            );
        }
    }
}

/// See `mm506_certificate_ref_invalid.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM506",
        name: "certificate-ref-invalid",
        severity: Severity::Error,
        istio_code: None,
        category: Category::GatewayApi,
        summary: "A Terminate listener's certificateRef names a missing, malformed or non-Secret object: the listener is not programmed.",
        docs: rule_docs!("mm506_certificate_ref_invalid.md"),
        fixable: false,
    },
    check,
};
