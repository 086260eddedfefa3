//! One listener's status (Istio's `buildListener`), the kinds of route it
//! takes, and the conflicts between a Gateway's listeners and those of
//! its ListenerSets (`ComputeGatewayListenerConflicts`).

use super::class::Controller;
use super::refs;
use super::{Condition, ListenerStatus};
use crate::gateway_api::model::{AllowedNamespaces, Listener};
use crate::gateway_api::{FrontendValidation, GROUP, Inventory};
use crate::model::Labels;
use crate::span::Span;

/// Route kinds a listener takes (`GenerateGatewaySupportedKinds`), and
/// whether every kind it names in `allowedRoutes.kinds` is one of them.
pub fn supported_kinds(listener: &Listener) -> (Vec<(String, String)>, bool) {
    let kind = |k: &str| (GROUP.to_string(), k.to_string());
    let mut supported = match listener.protocol.value.as_str() {
        "HTTP" | "HTTPS" => vec![kind("HTTPRoute"), kind("GRPCRoute")],
        "TCP" => vec![kind("TCPRoute")],
        "TLS" => {
            let mut kinds = vec![kind("TLSRoute")];
            let terminate = listener
                .tls
                .as_ref()
                .and_then(|t| t.mode.as_ref())
                .is_some_and(|m| m.value == "Terminate");
            if terminate {
                kinds.push(kind("TCPRoute"));
            }
            kinds
        }
        _ => Vec::new(),
    };
    if listener.allowed_kinds.is_empty() {
        return (supported, true);
    }
    supported.retain(|(g, k)| {
        listener
            .allowed_kinds
            .iter()
            .any(|a| &a.group == g && &a.kind == k)
    });
    let valid = supported.len() == listener.allowed_kinds.len();
    (supported, valid)
}

/// What [`build`] found for one listener.
pub struct Built {
    /// Its status entry.
    pub status: ListenerStatus,
    /// Istio makes a server for it (routes may attach).
    pub has_server: bool,
    /// Counted as a valid listener (`programmed` in Istio's code).
    pub ok: bool,
    /// Hostname match entries, `namespace/host` (Istio's `buildHostnameMatch`).
    pub hosts: Vec<String>,
}

/// A listener's owner and where it lives, for [`build`].
pub struct Owner<'a> {
    /// `Gateway` or `ListenerSet`.
    pub kind: &'a str,
    /// Owner namespace.
    pub namespace: &'a str,
    /// The controller of the (parent) Gateway's class.
    pub controller: Controller,
}

/// Istio's `buildListener` for one listener that is not in conflict.
pub fn build(
    inventory: &Inventory,
    namespaces: &[(String, Labels)],
    owner: &Owner<'_>,
    listener: &Listener,
    port: u32,
    port_error: Option<String>,
    frontend: Option<&FrontendValidation>,
) -> Built {
    let controller = owner.controller;
    let mut accepted = Condition::new("Accepted", true, "Accepted", "No errors found");
    let mut programmed = Condition::new("Programmed", true, "Programmed", "No errors found");
    let conflicted = Condition::new("Conflicted", false, "NoConflicts", "No errors found");
    let mut resolved = Condition::new("ResolvedRefs", true, "ResolvedRefs", "No errors found");
    let mut ok = true;
    if let Err(e) =
        refs::check_listener_tls(inventory, owner.kind, owner.namespace, listener, frontend)
    {
        resolved = Condition::new("ResolvedRefs", false, e.reason, e.message.clone());
        programmed = Condition::new("Programmed", false, "Invalid", "Bad TLS configuration");
        if matches!(
            e.reason,
            "InvalidCACertificateRef" | "InvalidCACertificateKind" | "RefNotPermitted"
        ) {
            accepted = Condition::new("Accepted", false, "NoValidCACertificate", e.message);
        }
        ok = false;
    }
    let hosts = hostname_match(namespaces, owner.namespace, listener);
    if let Some(message) = port_error {
        accepted = Condition::new("Accepted", false, "UnsupportedProtocol", message);
        ok = false;
    }
    let protocol = listener.protocol.value.as_str();
    if let Some(message) = protocol_error(controller, protocol) {
        accepted = Condition::new("Accepted", false, "UnsupportedProtocol", message);
        ok = false;
    }
    if controller == Controller::Mesh && (port != 15008 || protocol != "HBONE") {
        accepted = Condition::new(
            "Accepted",
            false,
            "UnsupportedProtocol",
            "Expected a single listener on port 15008 with protocol \"HBONE\"",
        );
    }
    if controller == Controller::EastWest && !east_west_listener_ok(listener, port) {
        accepted = Condition::new(
            "Accepted",
            false,
            "UnsupportedProtocol",
            "East-west gateway listeners must be either port 15008 with protocol \"HBONE\" and TLS.Mode == Terminate, or TLS with TLS.Mode == Passthrough",
        );
    }
    let mut has_server = true;
    if listener.tls.is_none() && matches!(protocol, "HTTPS" | "TLS") {
        has_server = false;
        if owner.kind == "ListenerSet" {
            ok = false;
            accepted = Condition::new(
                "Accepted",
                false,
                "UnsupportedProtocol",
                format!("protocol is {protocol} but no TLS section is defined"),
            );
            programmed = Condition::new("Programmed", false, "Invalid", "Bad TLS configuration");
        }
    }
    let (supported, kinds_valid) = supported_kinds(listener);
    if !kinds_valid {
        resolved = Condition::new(
            "ResolvedRefs",
            false,
            "InvalidRouteKinds",
            "Invalid route kinds",
        );
    }
    Built {
        status: ListenerStatus {
            name: listener.name.value.clone(),
            span: listener.anchor_span(),
            conflicts_with: None,
            attached_routes: 0,
            supported_kinds: supported,
            conditions: vec![accepted, conflicted, programmed, resolved],
        },
        has_server,
        ok,
        hosts,
    }
}

/// The status of a listener that lost a conflict (`ReportListenerConflict`).
pub fn conflicted(listener: &Listener, reason: &str, winner: (usize, Span)) -> ListenerStatus {
    let message = "Listener has a conflict with another listener attached to the same Gateway";
    let mut conditions = vec![
        Condition::new("Accepted", false, reason, message),
        Condition::new("Conflicted", true, reason, message),
        Condition::new("Programmed", false, reason, message),
    ];
    let (supported, valid) = supported_kinds(listener);
    if !valid {
        conditions.push(Condition::new(
            "ResolvedRefs",
            false,
            "InvalidRouteKinds",
            "Invalid route kinds",
        ));
    }
    ListenerStatus {
        name: listener.name.value.clone(),
        span: listener.anchor_span(),
        conflicts_with: Some(winner),
        attached_routes: 0,
        supported_kinds: supported,
        conditions,
    }
}

/// East-west listeners: HBONE on 15008 terminating TLS, or TLS passthrough.
fn east_west_listener_ok(listener: &Listener, port: u32) -> bool {
    let mode = listener.tls.as_ref().map(|t| {
        if t.is_passthrough() {
            "Passthrough"
        } else {
            "Terminate"
        }
    });
    let protocol = listener.protocol.value.as_str();
    if port == 15008 {
        return protocol == "HBONE" && mode == Some("Terminate");
    }
    protocol == "TLS" && mode == Some("Passthrough")
}

fn protocol_error(controller: Controller, protocol: &str) -> Option<String> {
    match protocol {
        "HTTP" | "HTTPS" | "TLS" | "TCP" => None,
        "HBONE" => (!matches!(controller, Controller::Mesh | Controller::EastWest))
            .then(|| format!("protocol {protocol:?} is only supported for waypoint proxies")),
        _ => {
            let upper = protocol.to_ascii_uppercase();
            if matches!(upper.as_str(), "HTTP" | "HTTPS" | "TLS" | "TCP" | "HBONE") {
                Some(format!(
                    "protocol {protocol:?} is unsupported. hint: {upper:?} (uppercase) may be supported"
                ))
            } else {
                Some(format!("protocol {protocol:?} is unsupported"))
            }
        }
    }
}

/// `namespace/hostname` entries for the namespaces whose routes may
/// attach; `~/hostname` (nobody) when a selector matches none.
pub fn hostname_match(
    namespaces: &[(String, Labels)],
    local: &str,
    listener: &Listener,
) -> Vec<String> {
    let hostname = listener.hostname.as_ref().map_or("*", |h| h.value.as_str());
    let allowed = allowed_route_namespaces(namespaces, local, &listener.allowed_namespaces);
    if allowed.is_empty() {
        return vec![format!("~/{hostname}")];
    }
    allowed
        .into_iter()
        .map(|ns| format!("{ns}/{hostname}"))
        .collect()
}

/// Istio's `namespacesFromSelector`: `Same` (or nothing) → the local
/// namespace, `All` → `*`, a selector → the matching namespaces. `None`
/// without a selector reads as `*`, as in Istio's code.
fn allowed_route_namespaces(
    namespaces: &[(String, Labels)],
    local: &str,
    allowed: &AllowedNamespaces,
) -> Vec<String> {
    match allowed.from.as_ref().map(|f| f.value.as_str()) {
        None | Some("Same") => vec![local.to_string()],
        Some("All") => vec!["*".to_string()],
        _ => match &allowed.selector {
            None => vec!["*".to_string()],
            Some(selector) => {
                let mut out: Vec<String> = namespaces
                    .iter()
                    .filter(|(name, labels)| selector.matches_namespace(name, Some(labels)))
                    .map(|(name, _)| name.clone())
                    .collect();
                crate::sort::ascending(&mut out);
                out
            }
        },
    }
}

/// A listener of the merged list conflicts are computed on.
pub struct Merged<'a> {
    /// 0 for the Gateway, 1 + index for its ListenerSets.
    pub owner: usize,
    /// The listener.
    pub listener: &'a Listener,
    /// Port (defaulted for ListenerSet entries).
    pub port: u32,
    /// File of the owner.
    pub file: usize,
}

/// A listener that loses to an earlier one.
pub struct Conflict {
    /// Owner number of the loser (see [`Merged::owner`]).
    pub owner: usize,
    /// The loser's index in its owner's listeners.
    pub index: usize,
    /// `ProtocolConflict` or `HostnameConflict`.
    pub reason: &'static str,
    /// The winner: file and span (its port).
    pub winner: (usize, Span),
}

/// Listeners that lose to an earlier one. The Gateway's listeners come
/// first, then its ListenerSets oldest first.
pub fn conflicts(merged: &[Merged<'_>]) -> Vec<Conflict> {
    let mut accepted: Vec<&Merged<'_>> = Vec::new();
    let mut out = Vec::new();
    for entry in merged {
        if let Some(prior) = accepted.iter().find(|p| !distinct(entry, p)) {
            out.push(Conflict {
                owner: entry.owner,
                index: entry.listener.index,
                reason: reason(entry, prior),
                winner: (prior.file, prior.listener.anchor_span()),
            });
            continue;
        }
        accepted.push(entry);
    }
    out
}

fn hostname(l: &Listener) -> &str {
    l.hostname
        .as_ref()
        .map(|h| h.value.as_str())
        .filter(|h| !h.is_empty())
        .unwrap_or("*")
}

fn tcp_udp(p: &str) -> bool {
    p == "TCP" || p == "UDP"
}

fn http_like(p: &str) -> bool {
    matches!(p, "HTTP" | "HTTPS" | "TLS")
}

fn distinct(a: &Merged<'_>, b: &Merged<'_>) -> bool {
    if a.port != b.port {
        return true;
    }
    let (pa, pb) = (
        a.listener.protocol.value.as_str(),
        b.listener.protocol.value.as_str(),
    );
    if (tcp_udp(pa) && http_like(pb))
        || (http_like(pa) && tcp_udp(pb))
        || (tcp_udp(pa) && tcp_udp(pb))
    {
        return false;
    }
    if http_like(pa) && http_like(pb) {
        return hostname(a.listener) != hostname(b.listener);
    }
    pa != pb
}

fn reason(a: &Merged<'_>, b: &Merged<'_>) -> &'static str {
    let (pa, pb) = (
        a.listener.protocol.value.as_str(),
        b.listener.protocol.value.as_str(),
    );
    if (tcp_udp(pa) && tcp_udp(pb)) || pa != pb {
        "ProtocolConflict"
    } else {
        "HostnameConflict"
    }
}
