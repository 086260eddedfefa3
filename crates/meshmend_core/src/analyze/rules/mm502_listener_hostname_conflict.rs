//! MM502: a Gateway API listener repeats the port, protocol and hostname of
//! an earlier listener on the same Gateway or one of its ListenerSets.

use super::gateway_api::listener_conflicts;
use crate::analyze::Context;
use crate::diagnostic::Diagnostic;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    listener_conflicts(&RULE, cx, "HostnameConflict", out);
}

rule! {
    code: "MM502",
    name: "listener-hostname-conflict",
    severity: Error,
    category: GatewayApi,
    summary: "Two listeners of a Gateway (or its ListenerSets) share port and hostname: the later one is Conflicted and not programmed.",
    docs: "mm502_listener_hostname_conflict.md",
    fixable: true,
}
