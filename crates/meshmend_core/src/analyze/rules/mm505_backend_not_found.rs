//! MM505: a route's backendRef names a Service (or other backend) that the
//! input does not define.

use super::gateway_api::backend_findings;
use crate::analyze::{Context, Rule};
use crate::diagnostic::{Category, Diagnostic, RuleMeta, Severity};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Only when the input defines Services at all: a routes-only repository
    // deploys its backends elsewhere.
    if cx.bundle.model.services.is_empty() {
        return;
    }
    backend_findings(&RULE, cx, "BackendNotFound", out);
}

/// See `mm505_backend_not_found.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM505",
        name: "backend-not-found",
        severity: Severity::Warning,
        istio_code: None,
        category: Category::GatewayApi,
        summary: "A route's backendRef names a Service the input does not define: its share of requests gets HTTP 500.",
        docs: rule_docs!("mm505_backend_not_found.md"),
        fixable: false,
    },
    check,
};
