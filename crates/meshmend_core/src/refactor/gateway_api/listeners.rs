//! Moving a listener to a free port: the Conflicted (losing) listener of a
//! Gateway and its ListenerSets (MM501, MM502), and a Gateway API listener
//! that istiod drops next to an Istio Gateway server on shared pods (MM510).
//!
//! Why a free port of the same Gateway rather than a new Gateway: the
//! listener keeps its address (DNS, certificates, firewall rules stay), and
//! nothing new is deployed. Which ports are free depends on the deployment:
//!
//! - automated deployment (no `spec.addresses`): Istio adds every listener
//!   port to the generated `<name>-<class>` Service, so any port no other
//!   listener of the Gateway (or its ListenerSets) uses is free: 8443, 9443
//!   for TLS, 8080, 8081 for HTTP, else the next ports up;
//! - manual deployment (`spec.addresses` names a Service): a listener port
//!   that the Service does not expose is `AddressNotUsable`, so only the
//!   Service's own ports are candidates, minus those any listener of the
//!   family or any Istio Gateway server uses (the shared pods' other
//!   servers: taking one would be MM510). When none is left, the unit is
//!   refused: give the Gateway its own deployment (drop `spec.addresses`).
//!
//! Routes that reach the listener through `port` follow it in the same unit.

use super::{Cx, Found, listener_at, replace, unit};
use crate::diagnostic::Diagnostic;
use crate::gateway_api::model::{Gateway, Listener};
use crate::gateway_api::status::address::is_managed;
use crate::gateway_api::status::routes::reference_allowed;
use crate::model::Bundle;

use super::super::Unit;
use super::super::yaml::Scalar;

/// Ports the plan already gave to a listener, per Gateway (`namespace/name`).
#[derive(Default)]
pub(super) struct Taken(Vec<(String, u32)>);

/// MM501/MM502: the Conflicted listener moves to a free port.
pub(super) fn conflict(cx: &Cx<'_>, d: &Diagnostic, taken: &mut Taken) -> Result<Unit, String> {
    let found = listener_at(cx, d.file, d.span)
        .ok_or("the Conflicted listener was not found in the input")?;
    move_listener(cx, d, &found, taken, "it came later and lost the port")
}

/// MM510: the Gateway API listener that istiod drops leaves the shared port.
pub(super) fn cross_api(cx: &Cx<'_>, d: &Diagnostic, taken: &mut Taken) -> Result<Unit, String> {
    let Some(found) = listener_at(cx, d.file, d.span) else {
        return Err(
            "the Istio Gateway server is the one dropped: the Gateway API listener keeps the port, and moving it would move the traffic it serves; give the Istio Gateway server another port (or move it with `--strategy isolate` once MM1xx applies)"
                .into(),
        );
    };
    move_listener(
        cx,
        d,
        &found,
        taken,
        "istiod drops it next to an Istio Gateway server on the same pods",
    )
}

fn move_listener(
    cx: &Cx<'_>,
    d: &Diagnostic,
    found: &Found<'_>,
    taken: &mut Taken,
    why: &str,
) -> Result<Unit, String> {
    let listener = found.listener;
    let port = listener
        .port
        .as_ref()
        .ok_or("the listener writes no port (a ListenerSet default): write one, then run `meshmend fix` again")?;
    let gateway = found
        .gateway
        .ok_or("its ListenerSet names no Gateway in the input")?;
    super::copies_refusal(cx, found.meta)?;
    super::copies_refusal(cx, &gateway.meta)?;
    let family = family_ports(cx, gateway);
    let key = gateway.meta.full_name();
    let used = |p: u32| family.contains(&p) || taken.0.contains(&(key.clone(), p));
    let new = if is_managed(gateway) {
        candidates(&listener.protocol.value, port.value)
            .into_iter()
            .find(|&p| !used(p))
    } else {
        let istio = istio_server_ports(cx.bundle);
        let mut exposed = manual_service_ports(cx.bundle, gateway, &listener.protocol.value);
        crate::sort::ascending(&mut exposed);
        match exposed
            .into_iter()
            .find(|&p| !used(p) && !istio.contains(&p))
        {
            Some(p) => Some(p),
            None if found.kind == "Gateway" => {
                let stranded = super::split::Stranded {
                    d,
                    found,
                    gateway,
                    why,
                };
                return super::split::to_own_gateway(cx, &stranded);
            }
            None => {
                return Err(format!(
                    "Gateway {key} is deployed by hand (spec.addresses), and its Service exposes no {} port that no other listener or Istio Gateway server uses; expose one on that Service (with a name that says its protocol: `https-…`, `http-…`, `tcp-…`), or move the listener to a Gateway of its own",
                    listener.protocol.value
                ));
            }
        }
    };
    let new = new.ok_or("no free port was found")?;
    taken.0.push((key.clone(), new));
    let owner = format!("{} {}", found.kind, found.meta.full_name());
    let name = &listener.name.value;
    let mut u = unit(
        cx,
        d.name,
        format!("{owner}: listener `{name}` port {} → {new}", port.value),
        format!(
            "{}; {why}. Port {new} is free on {}: clients must use port {new} for it{}.",
            d.message,
            if is_managed(gateway) {
                format!("Gateway {key} (Istio adds it to the Gateway's generated Service)")
            } else {
                format!("the Service that Gateway {key} names in spec.addresses")
            },
            if is_managed(gateway) {
                ""
            } else {
                " (the Service already exposes it)"
            }
        ),
        found.meta.resource,
    );
    u.edits.push((
        found.meta.file,
        replace(cx, found.meta.file, port.span, Scalar::Int(i64::from(new))),
    ));
    repoint_routes(cx, found, listener, port.value, new, &mut u);
    Ok(u)
}

/// Routes whose parentRef reaches the moved listener through `port`: their
/// `port` follows it. A parentRef that also names the listener's section
/// would otherwise match nothing; one with `port` alone is repointed only
/// when no other listener on that port takes the route (else it already
/// reaches the listener that keeps the port, and keeps it).
fn repoint_routes(
    cx: &Cx<'_>,
    found: &Found<'_>,
    listener: &Listener,
    old: u32,
    new: u32,
    u: &mut Unit,
) {
    for route in &cx.prediction.inventory.routes {
        for parent_ref in &route.parent_refs {
            let Some(port) = parent_ref.port.as_ref().filter(|p| p.value == old) else {
                continue;
            };
            let names_owner = parent_ref.kind() == found.kind
                || (found.kind == "ListenerSet" && parent_ref.kind() == "XListenerSet");
            if !names_owner
                || parent_ref.target.name.value != found.meta.name.value
                || parent_ref.namespace_or(&route.meta.namespace) != found.meta.namespace
            {
                continue;
            }
            // `port` alone: it follows unless another listener of the owner
            // on the old port takes the route (then it keeps that one).
            let follows = match &parent_ref.section_name {
                Some(section) => section.value == listener.name.value,
                None => !cx.parents.iter().any(|p| {
                    p.kind == found.kind
                        && p.namespace == found.meta.namespace
                        && p.name == found.meta.name.value
                        && p.port == old
                        && reference_allowed(p, parent_ref, route).is_none()
                }),
            };
            if !follows {
                continue;
            }
            u.edits.push((
                route.meta.file,
                replace(cx, route.meta.file, port.span, Scalar::Int(i64::from(new))),
            ));
            u.resources.push(route.meta.resource);
            if super::accepted_before(cx, route, parent_ref) {
                u.accepted.push(super::accepted(cx, route, parent_ref));
            }
            if let Some(change) = u.changes.first_mut() {
                change.detail.push_str(&format!(
                    " {} {} follows it: its parentRef port {old} → {new}.",
                    route.kind.as_str(),
                    route.meta.full_name()
                ));
            }
        }
    }
}

/// Ports of every listener of `gateway` and of the ListenerSets that name it.
fn family_ports(cx: &Cx<'_>, gateway: &Gateway) -> Vec<u32> {
    let inventory = &cx.prediction.inventory;
    let mut ports: Vec<u32> = gateway
        .listeners
        .iter()
        .filter_map(|l| l.port.as_ref().map(|p| p.value))
        .collect();
    for set in &inventory.listener_sets {
        let Some(parent) = &set.parent_ref else {
            continue;
        };
        if parent.target.name.value == gateway.meta.name.value
            && parent.namespace_or(&set.meta.namespace) == gateway.meta.namespace
        {
            ports.extend(
                set.listeners
                    .iter()
                    .filter_map(|l| l.port.as_ref().map(|p| p.value)),
            );
        }
    }
    ports
}

/// Ports to try for an automated Gateway's listener, most conventional first.
fn candidates(protocol: &str, old: u32) -> Vec<u32> {
    let mut out: Vec<u32> = match protocol.to_ascii_uppercase().as_str() {
        "HTTPS" | "TLS" => vec![8443, 9443, 10443],
        "HTTP" | "GRPC" => vec![8080, 8081, 8000, 9080],
        _ => Vec::new(),
    };
    out.extend(
        (1..=1000)
            .filter_map(|step| old.checked_add(step))
            .filter(|&p| p <= 65535),
    );
    out
}

/// `port` numbers of every Istio Gateway server of the input.
fn istio_server_ports(bundle: &Bundle) -> Vec<u32> {
    bundle
        .model
        .gateways
        .iter()
        .flat_map(|g| g.servers.iter())
        .filter_map(|s| s.port.as_ref()?.number.as_ref().map(|n| n.value))
        .collect()
}

/// The ports of the Services a manually deployed Gateway names in
/// `spec.addresses` (`name`, `name.namespace`, `name.namespace.svc…`) that
/// can carry `protocol`: the Service port's name says the same protocol
/// family (Istio's port-name convention: `http*`, `https*`/`tls*`, `tcp*`),
/// and neither it nor its target port is one of the proxy's own ports
/// (15000-15099: `status-port` 15021, the multi-cluster `tls` 15443, …).
fn manual_service_ports(bundle: &Bundle, gateway: &Gateway, protocol: &str) -> Vec<u32> {
    let family = family_of(protocol);
    let own = |p: u32| (15000..=15099).contains(&p);
    let mut out = Vec::new();
    for address in &gateway.addresses {
        let mut parts = address.value.value.split('.');
        let name = parts.next().unwrap_or_default();
        let namespace = parts.next().unwrap_or(&gateway.meta.namespace);
        for service in &bundle.model.services {
            if service.name.value != name || service.namespace != namespace {
                continue;
            }
            for port in &service.ports {
                let (Some(number), Some(port_name)) = (&port.port, &port.name) else {
                    continue;
                };
                let target_own = port.target_port.as_ref().is_some_and(
                    |t| matches!(t.value, crate::model::TargetPort::Number(n) if own(n)),
                );
                if own(number.value) || target_own || family.is_none() {
                    continue;
                }
                if family_of_name(&port_name.value) == family {
                    out.push(number.value);
                }
            }
        }
    }
    out
}

/// Protocol family of a listener protocol: TLS-bearing, plain HTTP, or TCP.
fn family_of(protocol: &str) -> Option<&'static str> {
    match protocol.to_ascii_uppercase().as_str() {
        "HTTPS" | "TLS" => Some("tls"),
        "HTTP" => Some("http"),
        "TCP" => Some("tcp"),
        _ => None,
    }
}

/// Protocol family a Service port name declares (`https-x`, `tls`, `http2`, `tcp-y`).
fn family_of_name(name: &str) -> Option<&'static str> {
    let prefix = name
        .split('-')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match prefix.as_str() {
        "https" | "tls" => Some("tls"),
        "http" | "http2" => Some("http"),
        "tcp" => Some("tcp"),
        _ => None,
    }
}
