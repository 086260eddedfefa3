//! istioctl's Gateway analyzers: ports (IST0162), conflicts (IST0145),
//! duplicate certificates (IST0138) and credentials (IST0101/IST0161).

use std::collections::HashMap;

use super::{
    CONFLICTING_GATEWAYS, GATEWAY_DUPLICATE_CERTIFICATE, GATEWAY_PORT_NOT_DEFINED_ON_SERVICE,
    INVALID_GATEWAY_CREDENTIAL, REFERENCED_RESOURCE_NOT_FOUND, full_name, go_list, go_quote,
    selector_string, short_or_full_name,
};
use crate::analyze::{Context, hosts};
use crate::diagnostic::Diagnostic;
use crate::model::{Gateway, Labels, Server, TargetPort, Tls};
use crate::sort;

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
    let unselective = super::unselective_services(model);
    for gateway in &model.gateways {
        let mut accepted = std::collections::HashSet::new();
        let matching = super::pods_matching(model, gateway.selector.as_ref());
        let matched = !matching.is_empty();
        for pod in matching {
            for port in
                super::services_selecting_pod(model, &unselective, pod).flat_map(|s| &s.ports)
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

fn server_port(server: &Server) -> u32 {
    server.port_number().unwrap_or(0)
}

/// `gateway.ConflictingGatewayAnalyzer` (Istio ≥ 1.25); see [`super::conflicts`].
pub(super) fn conflicting_gateways(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    let inputs: Vec<super::conflicts::Input<'_>> = model
        .gateways
        .iter()
        .map(|gateway| super::conflicts::Input {
            name: gateway_full_name(gateway),
            selector: selector_string(gateway.selector.as_ref()),
            servers: gateway
                .servers
                .iter()
                .map(|s| {
                    let hosts = s.hosts.iter().map(|h| h.value.as_str()).collect();
                    (server_port(s), hosts, s.bind())
                })
                .collect(),
        })
        .collect();
    let grouped = |g: usize, other: &str| {
        let selector = inputs[g].selector.as_str();
        if other == selector {
            return true;
        }
        if !(other.contains(selector) || selector.contains(other)) {
            return false;
        }
        // Some pod matches both: the union of the two selectors.
        let mut both = parse_selector(other);
        for (key, value) in model.gateways[g].selector.iter().flatten() {
            match both.get(key) {
                Some(existing) if existing != value => return false,
                _ => {
                    both.insert(key.clone(), value.clone());
                }
            }
        }
        model.workloads_selected_by(&both).next().is_some()
    };
    let (found, orphans) = super::conflicts::conflicts(&inputs, grouped);
    for g in orphans {
        out.push(selector_not_found(
            cx,
            &model.gateways[g],
            CONFLICT_ANALYZER,
        ));
    }
    for conflict in found {
        let gateway = &model.gateways[conflict.gateway];
        let server = &gateway.servers[conflict.server];
        let hosts = hosts::joined(&server.hosts, ",");
        out.push(CONFLICTING_GATEWAYS.on(
            cx.resource(gateway.resource),
            server.anchor_span(),
            CONFLICT_ANALYZER,
            format!(
                "Conflict with gateways {} (workload selector {}, port {}, hosts {hosts}).",
                conflict.with.join(","),
                inputs[conflict.gateway].selector,
                server_port(server),
            ),
        ));
    }
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
        sort::ascending(&mut others);
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
    for gateway in &model.gateways {
        let namespace = super::pods_matching(model, gateway.selector.as_ref())
            .first()
            .map_or("", |pod| pod.namespace.as_str());
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
