//! MM502: a Gateway API listener repeats the port, protocol and hostname of
//! an earlier listener on the same Gateway or one of its ListenerSets.

use super::gateway_api::listener_conflicts;
use crate::analyze::{Context, Rule};
use crate::diagnostic::{Category, Diagnostic, RuleMeta, Severity};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    listener_conflicts(&RULE, cx, "HostnameConflict", out);
}

/// See `mm502_listener_hostname_conflict.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM502",
        name: "listener-hostname-conflict",
        severity: Severity::Error,
        istio_code: None,
        category: Category::GatewayApi,
        summary: "Two listeners of a Gateway (or its ListenerSets) share port and hostname: the later one is Conflicted and not programmed.",
        docs: rule_docs!("mm502_listener_hostname_conflict.md"),
        fixable: true,
    },
    check,
};
