//! MM504: a cross-namespace reference without the ReferenceGrant that
//! permits it: a route's backendRef, or a listener's certificateRef.

use super::gateway_api::backend_findings;
use crate::analyze::{Context, Rule};
use crate::diagnostic::{Category, Diagnostic, RuleMeta, Severity};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    backend_findings(&RULE, cx, "RefNotPermitted", out);
    let prediction = cx.gateway_api();
    for object in &prediction.status.objects {
        for listener in &object.listeners {
            let Some(refused) = listener
                .conditions
                .iter()
                .find(|c| c.kind == "ResolvedRefs" && !c.status && c.reason == "RefNotPermitted")
            else {
                continue;
            };
            let message = format!(
                "listener `{}` of {} {}/{} refers to a Secret in another namespace that no ReferenceGrant shares: Istio writes ResolvedRefs=False (RefNotPermitted) and Programmed=False on it: {}; TLS handshakes on it fail",
                listener.name,
                object.kind,
                object.namespace.as_deref().unwrap_or_default(),
                object.name,
                refused.message
            );
            out.push(
                cx.diagnostic(&RULE, object.resource, listener.span, message)
                    .help("add a ReferenceGrant in the Secret's namespace from this Gateway's namespace (`meshmend fix --grant-references` adds the narrowest one), or copy the Secret next to the Gateway"),
            );
        }
    }
}

/// See `mm504_reference_not_permitted.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM504",
        name: "reference-not-permitted",
        severity: Severity::Error,
        istio_code: None,
        category: Category::GatewayApi,
        summary: "A backendRef or certificateRef names another namespace and no ReferenceGrant there permits it.",
        docs: include_str!("mm504_reference_not_permitted.md"),
        fixable: true,
    },
    check,
};
