//! Pieces the Gateway API rules (`MM5xx`) share: they read the status
//! Istio is predicted to write (`gateway_api::status`) and report the
//! entries that mean traffic will not flow.

use super::{Context, Rule};
use crate::diagnostic::Diagnostic;
use crate::gateway_api::model::{BackendRef, Route};
use crate::gateway_api::status::{Condition, ObjectStatus, refs};

/// Listeners that lost a conflict with `reason` (`ProtocolConflict` or
/// `HostnameConflict`), pointing at the listener's port and at the winner.
pub(super) fn listener_conflicts(
    rule: &Rule,
    cx: &Context<'_>,
    reason: &str,
    out: &mut Vec<Diagnostic>,
) {
    for object in &cx.gateway_api().status.objects {
        for listener in &object.listeners {
            let lost = listener
                .conditions
                .iter()
                .any(|c| c.kind == "Conflicted" && c.status && c.reason == reason);
            if !lost {
                continue;
            }
            let what = if reason == "ProtocolConflict" {
                "a listener with another protocol"
            } else {
                "a listener with the same hostname"
            };
            let message = format!(
                "listener `{}` of {} {}/{} conflicts with {what} on the same port, which came first: Istio writes Conflicted=True ({reason}), Accepted=False and Programmed=False on it and programs no server for it; requests meant for it are answered by the other listener or get no route",
                listener.name,
                object.kind,
                object.namespace.as_deref().unwrap_or_default(),
                object.name
            );
            let mut d = cx.diagnostic(rule, object.resource, listener.span, message);
            if let Some((file, span)) = listener.conflicts_with {
                d = d.related(file, span, "the listener that keeps the port");
            }
            out.push(d.help("give the listener its own port, or (HostnameConflict) a distinct hostname, or move it to its own Gateway"));
        }
    }
}

/// Every backendRef of every route Istio handles whose check fails with
/// `reason` (gateway parents enforce ReferenceGrants). `refine` sees each
/// finding with the route and backend it is about, to grade or annotate it.
pub(super) fn backend_findings(
    rule: &Rule,
    cx: &Context<'_>,
    reason: &str,
    refine: fn(&Context<'_>, &Route, &BackendRef, Diagnostic) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let prediction = cx.gateway_api();
    for route in &prediction.inventory.routes {
        let Some(status) = prediction.status_of(route.meta.resource) else {
            continue;
        };
        if !handled_by_istio(status) {
            continue;
        }
        for backend in &route.backend_refs {
            let Some(error) =
                refs::backend_error(cx.bundle, &prediction.inventory, route, backend, true)
            else {
                continue;
            };
            if error.reason != reason {
                continue;
            }
            let message = format!(
                "{} {} cannot use backend `{}`: Istio writes ResolvedRefs=False ({reason}) on the route: {}; the share of requests sent to this backend gets HTTP 500 (or the connection is closed for TCP/TLS routes)",
                route.kind.as_str(),
                route.meta.full_name(),
                backend.target.name.value,
                error.message
            );
            let target = &backend.target;
            let help = if reason == "RefNotPermitted" {
                format!(
                    "add a ReferenceGrant in namespace {} from {} objects in {} to {} {} (`meshmend fix --grant-references` adds exactly that one)",
                    target.namespace_or(&route.meta.namespace),
                    route.kind.as_str(),
                    route.meta.namespace,
                    target.kind_or("Service"),
                    target.name.value
                )
            } else {
                format!(
                    "create {} {} in namespace {} (no automatic fix: meshmend cannot know what it should select), or point the backendRef at one that exists",
                    target.kind_or("Service"),
                    target.name.value,
                    target.namespace_or(&route.meta.namespace)
                )
            };
            let found = cx
                .diagnostic(rule, route.meta.resource, backend.target.span, message)
                .help(help);
            out.push(refine(cx, route, backend, found));
        }
    }
}

/// Every listener whose ResolvedRefs condition Istio writes False with one
/// of `reasons`, reported with the message `says` builds from the condition
/// after the listener's name and owner ("listener `x` of Gateway ns/name").
pub(super) fn refused_listeners(
    rule: &Rule,
    cx: &Context<'_>,
    reasons: &[&str],
    says: fn(&Condition) -> String,
    help: &'static str,
    out: &mut Vec<Diagnostic>,
) {
    for object in &cx.gateway_api().status.objects {
        for listener in &object.listeners {
            let Some(refused) = listener.conditions.iter().find(|c| {
                c.kind == "ResolvedRefs" && !c.status && reasons.contains(&c.reason.as_str())
            }) else {
                continue;
            };
            let message = format!(
                "listener `{}` of {} {}/{} {}",
                listener.name,
                object.kind,
                object.namespace.as_deref().unwrap_or_default(),
                object.name,
                says(refused)
            );
            out.push(
                cx.diagnostic(rule, object.resource, listener.span, message)
                    .help(help),
            );
        }
    }
}

/// Istio writes at least one parent entry of its own on this route.
pub(super) fn handled_by_istio(status: &ObjectStatus) -> bool {
    status
        .parents
        .iter()
        .any(|p| p.controller_name == crate::gateway_api::status::routes::CONTROLLER_NAME)
}
