//! MM201 `nodeport-collision`: the same nodePort on two Services, or twice in one.

use crate::hash::HashMap;
use std::collections::hash_map::Entry;

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::model::{Service, ServiceOrigin, ServicePort};
use crate::span::{Span, Spanned};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let (low, high) = cx.options.nodeport_range;
    // nodePort → (service index, claim) of the first claim.
    let mut owners: HashMap<i64, (usize, Claim)> = HashMap::default();
    let services = &cx.bundle.model.services;
    for (s, service) in services.iter().enumerate() {
        let ports = service
            .ports
            .iter()
            .enumerate()
            .filter(|_| service.takes_node_ports())
            .filter_map(|(p, port)| Some((port.node_port.as_ref()?.value, Claim::Port(p))));
        let health = health_check_node_port(cx, service).map(|h| (h.value, Claim::Health));
        for (value, claim) in ports.chain(health) {
            if value == 0 || value < low || value > high {
                continue;
            }
            let (first_s, first_claim) = match owners.entry(value) {
                Entry::Vacant(slot) => {
                    slot.insert((s, claim));
                    continue;
                }
                Entry::Occupied(slot) => *slot.get(),
            };
            let first = &services[first_s];
            match (claim, first_claim) {
                (Claim::Port(p), Claim::Port(f)) if first_s == s => {
                    let (port, first_port) = (&service.ports[p], &first.ports[f]);
                    if let Some(d) = within_service(cx, service, p, port, first_port) {
                        out.push(d);
                    }
                }
                _ if first_s != s
                    && first.namespace == service.namespace
                    && first.name.value == service.name.value =>
                {
                    // The same object declared twice: the second apply updates it.
                }
                (Claim::Port(p), Claim::Port(f)) => {
                    let (port, first_port) = (&service.ports[p], &first.ports[f]);
                    out.push(across_services(cx, service, p, port, first, first_port));
                }
                _ => out.push(health_check(
                    cx,
                    value,
                    (service, claim),
                    (first, first_claim),
                )),
            }
        }
    }
}

/// One node-port allocation a Service asks for.
#[derive(Clone, Copy, Debug)]
enum Claim {
    /// `spec.ports[i].nodePort`.
    Port(usize),
    /// `spec.healthCheckNodePort`.
    Health,
}

/// `healthCheckNodePort`, which Kubernetes allocates from the same range for
/// `LoadBalancer` Services with `externalTrafficPolicy: Local` (Service
/// manifests and `istio/gateway` values, whose `service:` block holds both).
fn health_check_node_port(cx: &Context<'_>, service: &Service) -> Option<Spanned<i64>> {
    if service.service_type() != "LoadBalancer" {
        return None;
    }
    let spec = service.spec_node(cx.bundle)?;
    if spec.get_str("externalTrafficPolicy") != Some("Local") {
        return None;
    }
    let value = spec.get("healthCheckNodePort")?;
    Some(Spanned::new(value.as_i64()?, value.span()))
}

fn across_services(
    cx: &Context<'_>,
    service: &Service,
    index: usize,
    port: &ServicePort,
    first: &Service,
    first_port: &ServicePort,
) -> Diagnostic {
    let (value, span) = node_port_site(port);
    let (_, first_span) = node_port_site(first_port);
    cx.diagnostic(
        &RULE,
        service.resource,
        span,
        format!(
            "nodePort {value} of {} `{}/{}` is already taken by {} `{}/{}`",
            describe(service),
            service.namespace,
            service.name.value,
            describe(first),
            first.namespace,
            first.name.value,
        ),
    )
    .related(
        first.file,
        first_span,
        format!("nodePort {value} first allocated here"),
    )
    .note(format!(
        "node ports are allocated from one cluster-wide range, whatever the namespace or \
         protocol; the API server refuses the later Service with `spec.ports[{index}].nodePort: \
         Invalid value: {value}: provided port is already allocated`, so it is never created"
    ))
    .help(help())
}

fn within_service(
    cx: &Context<'_>,
    service: &Service,
    index: usize,
    port: &ServicePort,
    first_port: &ServicePort,
) -> Option<Diagnostic> {
    let same_service_port =
        port.port.as_ref().map(|p| p.value) == first_port.port.as_ref().map(|p| p.value);
    let same_protocol = port.protocol().eq_ignore_ascii_case(first_port.protocol());
    if same_service_port && !same_protocol {
        return None; // TCP and UDP of one service port share a node port.
    }
    let (value, span) = node_port_site(port);
    let (_, first_span) = node_port_site(first_port);
    let runtime = if same_protocol {
        format!("`spec.ports[{index}].nodePort: Duplicate value: {value}`")
    } else {
        format!(
            "`spec.ports[{index}].nodePort: Invalid value: {value}: provided port is already \
             allocated`"
        )
    };
    Some(
        cx.diagnostic(
            &RULE,
            service.resource,
            span,
            format!(
                "nodePort {value} is used twice in {} `{}/{}`",
                describe(service),
                service.namespace,
                service.name.value
            ),
        )
        .related(
            service.file,
            first_span,
            format!("nodePort {value} first used here"),
        )
        .note(format!(
            "only TCP and UDP of the same service port may share a node port; the API server \
             refuses the whole Service with {runtime}"
        ))
        .help(help()),
    )
}

fn health_check(
    cx: &Context<'_>,
    value: i64,
    (service, claim): (&Service, Claim),
    (first, first_claim): (&Service, Claim),
) -> Diagnostic {
    let span = |service: &Service, claim: Claim| match claim {
        Claim::Port(p) => node_port_site(&service.ports[p]).1,
        Claim::Health => health_check_node_port(cx, service).map_or(service.name.span, |h| h.span),
    };
    let what = |claim: Claim| match claim {
        Claim::Port(_) => "nodePort",
        Claim::Health => "healthCheckNodePort",
    };
    let runtime = match claim {
        Claim::Health => format!(
            "`failed to allocate requested HealthCheck NodePort {value}: provided port is \
             already allocated`"
        ),
        Claim::Port(p) => format!(
            "`spec.ports[{p}].nodePort: Invalid value: {value}: provided port is already \
             allocated`"
        ),
    };
    let owner = if std::ptr::eq(service, first) {
        "the same Service".to_string()
    } else {
        format!(
            "{} `{}/{}`",
            describe(first),
            first.namespace,
            first.name.value
        )
    };
    cx.diagnostic(
        &RULE,
        service.resource,
        span(service, claim),
        format!(
            "{} {value} of {} `{}/{}` is already taken by the {} of {owner}",
            what(claim),
            describe(service),
            service.namespace,
            service.name.value,
            what(first_claim),
        ),
    )
    .related(
        first.file,
        span(first, first_claim),
        format!("{} {value} first allocated here", what(first_claim)),
    )
    .note(format!(
        "health-check node ports come from the same cluster-wide range as node ports; the \
         API server refuses the Service with {runtime}, so it is never created"
    ))
    .help(help())
    // `meshmend fix` renumbers `nodePort`s only.
    .fix_available(matches!(claim, Claim::Port(_)))
}

fn describe(service: &Service) -> &'static str {
    match service.origin {
        ServiceOrigin::Manifest => "Service",
        ServiceOrigin::GatewayChart => "the Service rendered by istio/gateway values",
        ServiceOrigin::LegacyGatewaysChart => "the Service rendered by legacy gateways values",
        ServiceOrigin::IstioOperator => "the Service rendered by IstioOperator ingressGateways",
    }
}

/// A port's nodePort and where it is written (the port entry without one).
fn node_port_site(port: &ServicePort) -> (i64, Span) {
    port.node_port
        .as_ref()
        .map_or((0, port.span), |n| (n.value, n.span))
}

fn help() -> &'static str {
    "remove `nodePort` to let Kubernetes pick a free one, or choose an unused port from the \
     static band (30000-30085 for the default range), which automatic allocation avoids"
}

rule! {
    code: "MM201",
    name: "nodeport-collision",
    severity: Error,
    category: NodePort,
    summary: "The same nodePort on two Services (or twice in one): the API server refuses the later one.",
    docs: "mm201_nodeport_collision.md",
    fixable: true,
}

#[cfg(test)]
mod tests {
    use crate::AnalyzeOptions;

    /// (Service name, message) of each finding.
    fn codes(yaml: &str) -> Vec<(String, String)> {
        let found = super::super::tests::findings("MM201", yaml, &AnalyzeOptions::default());
        found
            .into_iter()
            .map(|d| (d.resource.unwrap().name, d.message))
            .collect()
    }

    const TWO: &str = "kind: Service\nmetadata: {name: a, namespace: x}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 31380}]\n---\nkind: Service\nmetadata: {name: b, namespace: w}\nspec:\n  type: LoadBalancer\n  ports: [{port: 8080, protocol: UDP, nodePort: 31380}]\n";

    #[test]
    fn later_service_loses_across_namespaces_and_protocols() {
        let found = codes(TWO);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "b");
        assert!(found[0].1.contains("already taken by Service `x/a`"));
    }

    #[test]
    fn load_balancer_without_node_ports_and_cluster_ip_are_ignored() {
        let yaml = TWO.replace(
            "type: LoadBalancer\n",
            "type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n",
        );
        assert!(codes(&yaml).is_empty());
        assert!(codes(&TWO.replace("type: NodePort", "type: ClusterIP")).is_empty());
    }

    #[test]
    fn tcp_and_udp_of_one_port_may_share_but_two_ports_may_not() {
        let ok = "kind: Service\nmetadata: {name: dns}\nspec:\n  type: NodePort\n  ports:\n  - {port: 53, protocol: TCP, nodePort: 30053}\n  - {port: 53, protocol: UDP, nodePort: 30053}\n";
        assert!(codes(ok).is_empty());
        let bad = ok.replace("{port: 53, protocol: UDP", "{port: 54, protocol: TCP");
        let found = codes(&bad);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.contains("used twice"));
    }

    #[test]
    fn health_check_node_ports_share_the_range() {
        let yaml = format!(
            "{TWO}---\nkind: Service\nmetadata: {{name: c, namespace: z}}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 31380\n  ports: [{{port: 443}}]\n"
        );
        let found = codes(&yaml);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].0, "c");
        assert!(
            found[1]
                .1
                .starts_with("healthCheckNodePort 31380 of Service `z/c`")
        );
        // Only allocated for externalTrafficPolicy: Local.
        assert_eq!(codes(&yaml.replace("Local", "Cluster")).len(), 1);
    }

    #[test]
    fn redeclaring_the_same_service_is_not_a_collision() {
        let yaml = "kind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 31380}]\n---\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 31380}]\n";
        assert!(codes(yaml).is_empty());
    }
}
