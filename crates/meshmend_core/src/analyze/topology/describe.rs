//! Words for findings, shared by the `MM1xx` rules and the fix engine.

use super::{GatewayWorkload, Listener, ListenerServer, Match, ServerRef, normalize_host};
use crate::model::{Bundle, Server, labels_to_string};
use crate::span::{Span, Spanned};

/// "server 2 (port 443 `https`, HTTPS) of Gateway istio-system/prod".
pub fn server(bundle: &Bundle, server: ServerRef) -> String {
    let gateway = server.gateway(bundle);
    let spec = server.resolve(bundle);
    let port = spec.port.as_ref();
    let number = spec
        .port_number()
        .map_or_else(|| "?".to_string(), |n| n.to_string());
    let name = port
        .and_then(|p| p.name.as_ref())
        .map(|n| format!(" `{}`", n.value))
        .unwrap_or_default();
    let protocol = port
        .and_then(|p| p.protocol.as_ref())
        .map_or("HTTP", |p| p.value.as_str());
    format!(
        "server {} (port {number}{name}, {protocol}) of Gateway {}",
        server.server + 1,
        gateway.full_name()
    )
}

/// Why `winner` is merged before `loser` (istiod's creation-time order).
pub fn precedence(bundle: &Bundle, winner: ServerRef, loser: ServerRef) -> String {
    let (w, l) = (winner.gateway(bundle), loser.gateway(bundle));
    if winner.gateway == loser.gateway {
        return "it comes first in the same Gateway".to_string();
    }
    match (&w.creation_timestamp, &l.creation_timestamp) {
        (Some(a), Some(b)) if a != b => {
            format!("Gateway {} is older ({a} < {b})", w.full_name())
        }
        (Some(_), None) | (None, Some(_)) => format!(
            "Gateway {} sorts first (Gateways without a creationTimestamp tie at apply \
             time; the order then depends on when they are created)",
            w.full_name()
        ),
        _ if w.name.value != l.name.value => format!(
            "both Gateways have the same creation time, and `{}` sorts before `{}`",
            w.name.value, l.name.value
        ),
        _ => format!(
            "both Gateways have the same creation time and name, and namespace `{}` \
             sorts before `{}`",
            w.namespace, l.namespace
        ),
    }
}

/// "listener 0.0.0.0_8443 of workload istio-system/ingress (Deployment)",
/// saying "probably" when the grouping rests on a selector subset.
pub fn listener(
    bundle: &Bundle,
    workload: &GatewayWorkload,
    listener: &Listener,
    servers: &[&ListenerServer],
) -> String {
    let mut out = format!(
        "listener {} of {}",
        listener.name(),
        workload.describe(bundle)
    );
    if servers.iter().any(|s| s.membership == Match::ProbablySame) {
        let selectors: Vec<String> = servers
            .iter()
            .map(|s| {
                s.server
                    .gateway(bundle)
                    .selector
                    .as_ref()
                    .map_or_else(|| "(none)".to_string(), labels_to_string)
            })
            .collect();
        out.push_str(&format!(
            " (probably the same workload: no workload in the input, and selector `{}` is \
             a subset of `{}`)",
            selectors
                .iter()
                .min_by_key(|s| s.len())
                .map_or("", String::as_str),
            labels_to_string(&workload.labels)
        ));
    }
    out
}

/// The first host of `server` that satisfies `wanted` (given the host
/// normalised for `namespace`), as written.
pub fn host<'a>(
    server: &'a Server,
    namespace: &str,
    wanted: impl Fn(&str) -> bool,
) -> Option<&'a Spanned<String>> {
    server
        .hosts
        .iter()
        .find(|h| wanted(&normalize_host(&h.value, namespace)))
}

/// Span of the first host of `server` satisfying `wanted`, else of its port.
pub fn host_span(bundle: &Bundle, server: ServerRef, wanted: impl Fn(&str) -> bool) -> Span {
    let spec = server.resolve(bundle);
    host(spec, &server.gateway(bundle).namespace, wanted)
        .map_or_else(|| spec.anchor_span(), |h| h.span)
}

/// Span of the server's `protocol` (else its port number, else the server).
pub fn protocol_span(spec: &Server) -> Span {
    spec.port
        .as_ref()
        .and_then(|p| p.protocol.as_ref())
        .map_or_else(|| spec.anchor_span(), |p| p.span)
}

/// Back-quoted items, at most five, then "and N more": "`a`, `b`".
pub fn list(items: &[impl AsRef<str>]) -> String {
    const SHOWN: usize = 5;
    let mut out = items
        .iter()
        .take(SHOWN)
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        out.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    out
}
