//! MM504: a cross-namespace reference without the ReferenceGrant that
//! permits it: a route's backendRef, or a listener's certificateRef.

use super::gateway_api::{backend_findings, refused_listeners};
use crate::analyze::Context;
use crate::diagnostic::Diagnostic;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    backend_findings(&RULE, cx, "RefNotPermitted", |_, _, _, found| found, out);
    refused_listeners(
        &RULE,
        cx,
        &["RefNotPermitted"],
        |refused| {
            format!(
                "refers to a Secret in another namespace that no ReferenceGrant shares: Istio writes ResolvedRefs=False (RefNotPermitted) and Programmed=False on it: {}; TLS handshakes on it fail",
                refused.message
            )
        },
        "add a ReferenceGrant in the Secret's namespace from this Gateway's namespace (`meshmend fix --grant-references` adds the narrowest one), or copy the Secret next to the Gateway",
        out,
    );
}

rule! {
    code: "MM504",
    name: "reference-not-permitted",
    severity: Error,
    category: GatewayApi,
    summary: "A backendRef or certificateRef names another namespace and no ReferenceGrant there permits it.",
    docs: "mm504_reference_not_permitted.md",
    fixable: true,
}
