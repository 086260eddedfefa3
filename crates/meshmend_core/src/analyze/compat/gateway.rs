//! istioctl's Gateway analyzers: ports (IST0162), conflicts (IST0145),
//! duplicate certificates (IST0138) and credentials (IST0101/IST0161).

use std::collections::HashMap;

use super::{
    CONFLICTING_GATEWAYS, GATEWAY_DUPLICATE_CERTIFICATE, GATEWAY_PORT_NOT_DEFINED_ON_SERVICE,
    INVALID_GATEWAY_CREDENTIAL, REFERENCED_RESOURCE_NOT_FOUND, full_name, go_list, go_quote,
    selector_string, short_or_full_name,
};
use crate::analyze::Context;
use crate::analyze::selection::{ServiceIndex, WorkloadIndex};
use crate::diagnostic::Diagnostic;
use crate::model::{Gateway, Labels, Server, TargetPort, Tls};

pub(super) const PORT_ANALYZER: &str = "gateway.IngressGatewayPortAnalyzer";
pub(super) const CONFLICT_ANALYZER: &str = "gateway.ConflictingGatewayAnalyzer";
pub(super) const CERTIFICATE_ANALYZER: &str = "gateway.CertificateAnalyzer";
pub(super) const SECRET_ANALYZER: &str = "gateway.SecretAnalyzer";

fn gateway_full_name(gateway: &Gateway) -> String {
    full_name(&gateway.namespace, &gateway.name.value)
}

fn selector_span(gateway: &Gateway) -> crate::span::Span {
    gateway.selector_span.unwrap_or(gateway.name.span)
}

fn selector_not_found(cx: &Context<'_>, gateway: &Gateway, analyzer: &str) -> Diagnostic {
    let selector = selector_string(gateway.selector.as_ref());
    REFERENCED_RESOURCE_NOT_FOUND.on(
        cx.resource(gateway.resource),
        selector_span(gateway),
        analyzer,
        format!("Referenced selector not found: {}", go_quote(&selector)),
    )
}

/// `gateway.IngressGatewayPortAnalyzer`: IST0101 when no pod matches the
/// selector, else IST0162 per server port no selecting Service offers.
pub(super) fn ingress_gateway_port(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    let pods = WorkloadIndex::new(model);
    let service_index = ServiceIndex::new(model);
    // Services selecting each pod, in the pod's namespace (klabels: an empty
    // Service selector matches every pod).
    let services_by_pod: Vec<Vec<usize>> = model
        .workloads
        .iter()
        .map(|pod| service_index.selecting(&pod.namespace, &pod.labels, true))
        .collect();
    let empty = Labels::new();
    for gateway in &model.gateways {
        let mut accepted = std::collections::HashSet::new();
        let matching = pods.matching(gateway.selector.as_ref().unwrap_or(&empty));
        let matched = !matching.is_empty();
        for pod in matching {
            for port in services_by_pod[pod]
                .iter()
                .flat_map(|&s| &model.services[s].ports)
            {
                if port.protocol.as_ref().map(|p| p.value.as_str()) != Some("TCP") {
                    continue; // raw input: an omitted protocol is "", not TCP
                }
                let number = port.port.as_ref().map_or(0, |p| p.value);
                match port.target_port.as_ref().map(|t| &t.value) {
                    Some(TargetPort::Number(target)) if *target != 0 => {
                        accepted.insert(*target);
                        accepted.insert(number); // port → targetPort translation (1.23)
                    }
                    _ => {
                        accepted.insert(number);
                    }
                }
            }
        }
        if !matched {
            out.push(selector_not_found(cx, gateway, PORT_ANALYZER));
            continue;
        }
        let selector = selector_string(gateway.selector.as_ref());
        for server in &gateway.servers {
            let Some(port) = &server.port else {
                continue;
            };
            let number = port.number.as_ref().map_or(0, |n| n.value);
            if accepted.contains(&number) {
                continue;
            }
            out.push(GATEWAY_PORT_NOT_DEFINED_ON_SERVICE.on(
                cx.resource(gateway.resource),
                server.anchor_span(),
                PORT_ANALYZER,
                format!(
                    "The gateway is listening on a target port (port {number}) that is not \
                     defined in the Service associated with its workload instances (Pod selector \
                     {selector}). If you need to access the gateway port through the gateway \
                     Service, it will not be available."
                ),
            ));
        }
    }
}

/// One `selector~port` key of the conflict index: gateway full name → host → bind.
struct IndexEntry {
    selector: String,
    port: u32,
    gateways: Vec<(String, HashMap<String, String>)>,
}

fn server_port(server: &Server) -> u32 {
    server.port_number().unwrap_or(0)
}

/// `gateway.ConflictingGatewayAnalyzer` (Istio ≥ 1.25).
pub(super) fn conflicting_gateways(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    let pods = WorkloadIndex::new(model);
    let mut index: Vec<IndexEntry> = Vec::new();
    let mut keys: HashMap<(String, u32), usize> = HashMap::new();
    for gateway in &model.gateways {
        let selector = selector_string(gateway.selector.as_ref());
        let name = gateway_full_name(gateway);
        for server in &gateway.servers {
            let port = server_port(server);
            let slot = *keys.entry((selector.clone(), port)).or_insert_with(|| {
                index.push(IndexEntry {
                    selector: selector.clone(),
                    port,
                    gateways: Vec::new(),
                });
                index.len() - 1
            });
            let hosts: HashMap<String, String> = server
                .hosts
                .iter()
                .map(|h| (h.value.clone(), server.bind().to_string()))
                .collect();
            let gateways = &mut index[slot].gateways;
            match gateways.iter_mut().find(|(n, _)| *n == name) {
                Some(existing) => existing.1 = hosts, // a later server on the same port wins
                None => gateways.push((name.clone(), hosts)),
            }
        }
    }
    for gateway in &model.gateways {
        let selector = selector_string(gateway.selector.as_ref());
        let name = gateway_full_name(gateway);
        let group: Vec<usize> = (0..index.len())
            .filter(|&i| {
                let other = &index[i].selector;
                if *other == selector {
                    return true;
                }
                if !(other.contains(selector.as_str()) || selector.contains(other.as_str())) {
                    return false;
                }
                // Some pod matches both: the union of the two selectors.
                let mut both = parse_selector(other);
                for (key, value) in gateway.selector.iter().flatten() {
                    match both.get(key) {
                        Some(existing) if existing != value => return false,
                        _ => {
                            both.insert(key.clone(), value.clone());
                        }
                    }
                }
                !pods.matching(&both).is_empty()
            })
            .collect();
        if !selector.is_empty() && group.is_empty() {
            out.push(selector_not_found(cx, gateway, CONFLICT_ANALYZER));
            continue;
        }
        for server in &gateway.servers {
            let port = server_port(server);
            let mut conflicts = Vec::new();
            for &i in &group {
                if index[i].port != port {
                    continue;
                }
                for (other, hosts) in &mut index[i].gateways {
                    if *other != name && check_duplicates(server, hosts) {
                        conflicts.push(other.clone());
                    }
                }
            }
            if conflicts.is_empty() {
                continue;
            }
            conflicts.sort();
            let hosts = server
                .hosts
                .iter()
                .map(|h| h.value.as_str())
                .collect::<Vec<_>>()
                .join(",");
            out.push(CONFLICTING_GATEWAYS.on(
                cx.resource(gateway.resource),
                server.anchor_span(),
                CONFLICT_ANALYZER,
                format!(
                    "Conflict with gateways {} (workload selector {selector}, port {port}, hosts \
                     {hosts}).",
                    conflicts.join(",")
                ),
            ));
        }
    }
}

/// istiod's `model.CheckDuplicates`: true when a host is already known with
/// the same bind; when none is, the hosts are *added* to `known` (the shared
/// index), as upstream does.
fn check_duplicates(server: &Server, known: &mut HashMap<String, String>) -> bool {
    let bind = server.bind();
    let duplicate = server
        .hosts
        .iter()
        .any(|h| known.get(&h.value).is_some_and(|b| b == bind));
    if !duplicate {
        for host in &server.hosts {
            known.insert(host.value.clone(), bind.to_string());
        }
    }
    duplicate
}

/// `parseSelectorFromString`: `k=v` pairs split on `,`, malformed pairs dropped.
fn parse_selector(text: &str) -> Labels {
    text.split(',')
        .filter_map(|pair| {
            let mut parts = pair.split('=');
            let (key, value) = (parts.next()?, parts.next()?);
            parts
                .next()
                .is_none()
                .then(|| (key.to_string(), value.to_string()))
        })
        .collect()
}

/// `gateway.CertificateAnalyzer`: IST0138 on G for every Gateway whose
/// selector is a superset of G's (or any Gateway when G's is empty) and that
/// shares a certificate with one of G's TLS servers.
pub(super) fn duplicate_certificate(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let gateways = &cx.bundle.model.gateways;
    // Gateways by credential, so only Gateways that share one are compared.
    let mut by_credential: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
    for (i, gateway) in gateways.iter().enumerate() {
        for tls in gateway.servers.iter().filter_map(|s| s.tls.as_ref()) {
            if let Some(key) = certificate_key(tls) {
                let slot = by_credential.entry(key).or_default();
                if slot.last() != Some(&i) {
                    slot.push(i);
                }
            }
        }
    }
    let empty = Labels::new();
    for (c, current) in gateways.iter().enumerate() {
        let current_name = gateway_full_name(current);
        let selector = current.selector.as_ref().unwrap_or(&empty);
        let mut others: Vec<usize> = current
            .servers
            .iter()
            .filter_map(|s| s.tls.as_ref().and_then(certificate_key))
            .filter_map(|key| by_credential.get(&key))
            .flatten()
            .copied()
            .filter(|&o| o != c)
            .collect();
        others.sort_unstable();
        others.dedup();
        for other in others.into_iter().map(|o| &gateways[o]) {
            let other_name = gateway_full_name(other);
            if other_name == current_name {
                continue;
            }
            let other_selector = other.selector.as_ref().unwrap_or(&empty);
            if !selector.is_empty() && !selector_subset(selector, other_selector) {
                continue;
            }
            out.push(GATEWAY_DUPLICATE_CERTIFICATE.on(
                cx.resource(current.resource),
                current.name.span,
                CERTIFICATE_ANALYZER,
                format!(
                    "Duplicate certificate in multiple gateways {} may cause 404s if clients \
                     re-use HTTP2 connections.",
                    go_list([current_name.as_str(), other_name.as_str()])
                ),
            ));
        }
    }
}

/// What `haveSameCertificate` compares: the credential name, or (when there
/// is none) the certificate and key paths; `None` when it never matches.
fn certificate_key(tls: &Tls) -> Option<(String, String, String)> {
    let value = |s: &Option<crate::span::Spanned<String>>| {
        s.as_ref().map_or(String::new(), |s| s.value.clone())
    };
    let credential = value(&tls.credential_name);
    if !credential.is_empty() {
        return Some((credential, String::new(), String::new()));
    }
    let (certificate, key) = (value(&tls.server_certificate), value(&tls.private_key));
    (!certificate.is_empty() && !key.is_empty()).then(|| (String::new(), certificate, key))
}

/// `selectorSubset`: every pair of `x` is in `y`.
fn selector_subset(x: &Labels, y: &Labels) -> bool {
    x.iter().all(|(k, v)| y.get(k) == Some(v))
}

/// `gateway.SecretAnalyzer`: the credential must exist in the namespace of
/// the first pod the selector matches.
pub(super) fn secrets(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    let pods = WorkloadIndex::new(model);
    let empty = Labels::new();
    for gateway in &model.gateways {
        let namespace = pods
            .matching(gateway.selector.as_ref().unwrap_or(&empty))
            .first()
            .map_or("", |&pod| model.workloads[pod].namespace.as_str());
        if namespace.is_empty() {
            out.push(selector_not_found(cx, gateway, SECRET_ANALYZER));
            continue;
        }
        for server in &gateway.servers {
            let Some(credential) = server.tls.as_ref().and_then(|t| t.credential_name.as_ref())
            else {
                continue;
            };
            if credential.value.is_empty() {
                continue;
            }
            let (ns, name) = short_or_full_name(namespace, &credential.value);
            let secret = model
                .secrets
                .iter()
                .find(|s| s.namespace == ns && s.name.value == name);
            match secret {
                None => out.push(REFERENCED_RESOURCE_NOT_FOUND.on(
                    cx.resource(gateway.resource),
                    credential.span,
                    SECRET_ANALYZER,
                    format!(
                        "Referenced credentialName not found: {}",
                        go_quote(&credential.value)
                    ),
                )),
                Some(secret) => {
                    let node = cx.bundle.node(cx.resource(secret.resource));
                    if !super::credential::is_valid(node) {
                        out.push(INVALID_GATEWAY_CREDENTIAL.on(
                            cx.resource(gateway.resource),
                            credential.span,
                            SECRET_ANALYZER,
                            format!(
                                "The credential referenced by the Gateway {} in namespace {} is \
                                 invalid, which can cause the traffic not to work as expected.",
                                gateway.name.value, namespace
                            ),
                        ));
                    }
                }
            }
        }
    }
}
