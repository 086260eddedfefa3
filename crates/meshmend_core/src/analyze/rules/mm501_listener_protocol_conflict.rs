//! MM501: a Gateway API listener loses its port to an earlier listener of
//! another protocol, on the same Gateway or one of its ListenerSets.

use super::gateway_api::listener_conflicts;
use crate::analyze::Context;
use crate::diagnostic::Diagnostic;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    listener_conflicts(&RULE, cx, "ProtocolConflict", out);
}

rule! {
    code: "MM501",
    name: "listener-protocol-conflict",
    severity: Error,
    category: GatewayApi,
    summary: "Two listeners of a Gateway (or its ListenerSets) use one port with different protocols: the later one is Conflicted and not programmed.",
    docs: "mm501_listener_protocol_conflict.md",
    fixable: true,
}
