//! Which Service a Gateway's listeners land on, and whether every listener
//! port is one of its ports (Istio's `extractGatewayServices` and
//! `ResolveGatewayInstances`): this decides `Programmed`.

use super::Condition;
use super::class::Controller;
use super::refs::service_host;
use crate::gateway_api::{Gateway, Inventory};
use crate::model::Bundle;
use crate::model::tree::NodeRef;

/// The domain suffix written in service host names.
pub const DOMAIN_SUFFIX: &str = "cluster.local";

/// Automated deployment: no address, or one untyped/`IPAddress` address.
/// Istio then deploys `<name>-<class>` itself.
pub fn is_managed(gateway: &Gateway) -> bool {
    match gateway.addresses.as_slice() {
        [] => true,
        [only] => only
            .address_type
            .as_deref()
            .is_none_or(|t| t == "IPAddress"),
        _ => false,
    }
}

/// The Service host names the Gateway's listeners are served by, and the
/// soft error Istio reports (`UnsupportedAddress`) for addresses it skips.
pub fn gateway_services(
    gateway: &Gateway,
    controller: Controller,
) -> (Vec<String>, Option<(&'static str, String)>) {
    let ns = &gateway.meta.namespace;
    if is_managed(gateway) {
        let name = gateway
            .annotations
            .get("gateway.istio.io/name-override")
            .cloned()
            .unwrap_or_else(|| {
                if controller.disables_name_suffix() {
                    gateway.meta.name.value.clone()
                } else {
                    format!("{}-{}", gateway.meta.name.value, gateway.class_name.value)
                }
            });
        return (vec![format!("{name}.{ns}.svc.{DOMAIN_SUFFIX}")], None);
    }
    let mut services = Vec::new();
    let mut skipped = Vec::new();
    for address in &gateway.addresses {
        if address
            .address_type
            .as_deref()
            .is_some_and(|t| t != "Hostname")
        {
            skipped.push(address.value.value.clone());
            continue;
        }
        let value = &address.value.value;
        if value.contains('.') {
            services.push(value.clone());
        } else {
            services.push(format!("{value}.{ns}.svc.{DOMAIN_SUFFIX}"));
        }
    }
    let error = (!skipped.is_empty()).then(|| {
        (
            "UnsupportedAddress",
            format!(
                "only Hostname is supported, ignoring [{}]",
                skipped.join(" ")
            ),
        )
    });
    (services, error)
}

/// The `Programmed` condition for listeners on `ports`, served by `services`
/// (looked up in `namespace`, as Istio's service index is).
pub fn programmed(
    bundle: &Bundle,
    inventory: &Inventory,
    namespace: &str,
    services: &[String],
    ports: &[u32],
) -> Condition {
    let mut internal: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut unusable = false;
    for host in services {
        let Some(found) = lookup(bundle, inventory, host, namespace) else {
            warnings.push(format!("hostname {host:?} not found"));
            unusable = true;
            continue;
        };
        for &port in ports {
            if found.ports.iter().any(|(p, _)| *p == port) {
                internal.push(format!("{host}:{port}"));
                if found.load_balancer && !found.has_external_address {
                    let warning = format!("address pending for hostname {host:?}");
                    if !warnings.contains(&warning) {
                        warnings.push(warning);
                    }
                }
            } else {
                let hints: Vec<String> = found
                    .ports
                    .iter()
                    .filter(|(_, target)| *target == Some(port))
                    .map(|(p, _)| p.to_string())
                    .collect();
                if hints.is_empty() {
                    warnings.push(format!("port {port} not found for hostname {host:?}"));
                } else {
                    warnings.push(format!(
                        "port {port} not found for hostname {host:?} (hint: the service port should be specified, not the workload port. Did you mean one of these ports: [{}]?)",
                        hints.join(" ")
                    ));
                }
                unusable = true;
            }
        }
    }
    crate::sort::ascending(&mut internal);
    internal.dedup();
    crate::sort::ascending(&mut warnings);
    let joined = human_join(&internal);
    if services.is_empty() {
        return Condition::new(
            "Programmed",
            false,
            "UnsupportedAddress",
            "Failed to assign to any requested addresses",
        );
    }
    if !warnings.is_empty() {
        let message = if internal.is_empty() {
            format!(
                "Failed to assign to any requested addresses: {}",
                warnings.join("; ")
            )
        } else {
            format!(
                "Assigned to service(s) {joined}, but failed to assign to all requested addresses: {}",
                warnings.join("; ")
            )
        };
        let reason = if unusable {
            "AddressNotUsable"
        } else {
            "AddressNotAssigned"
        };
        return Condition::new("Programmed", false, reason, message);
    }
    let message = if internal.is_empty() {
        "Resource programmed".to_string()
    } else {
        format!("Resource programmed, assigned to service(s) {joined}")
    };
    Condition::new("Programmed", true, "Programmed", message)
}

/// A Service (or ServiceEntry) found for a gateway host.
struct Found {
    /// (port, targetPort when numeric).
    ports: Vec<(u32, Option<u32>)>,
    load_balancer: bool,
    has_external_address: bool,
}

fn lookup(bundle: &Bundle, inventory: &Inventory, host: &str, namespace: &str) -> Option<Found> {
    if let Some((name, ns)) = service_host(host) {
        if ns != namespace {
            return None;
        }
        let service = bundle
            .model
            .services
            .iter()
            .find(|s| s.name.value == name && s.namespace == ns)?;
        let node = bundle.node(&bundle.resources[service.resource]);
        let has_external_address = node
            .path(&["status", "loadBalancer", "ingress"])
            .is_some_and(|n| n.items().next().is_some())
            || service_external_ips(node);
        return Some(Found {
            ports: service
                .ports
                .iter()
                .filter_map(|p| Some((p.port.as_ref()?.value, p.resolved_target())))
                .collect(),
            load_balancer: service.service_type() == "LoadBalancer",
            has_external_address,
        });
    }
    let entry = inventory
        .service_entries
        .iter()
        .find(|e| e.namespace == namespace && e.hosts.iter().any(|h| h == host))?;
    Some(Found {
        ports: entry.ports.iter().map(|p| (*p, None)).collect(),
        load_balancer: false,
        has_external_address: false,
    })
}

fn service_external_ips(node: NodeRef<'_>) -> bool {
    node.path(&["spec", "externalIPs"])
        .is_some_and(|n| n.items().next().is_some())
}

/// `a`, `a and b`, `a, b, and c` (Istio's `HumanReadableJoin`).
fn human_join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}
