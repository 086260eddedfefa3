//! MM301 `gateway-port-not-on-service`: a Gateway server port that no Service
//! of the selected workload forwards to.

use std::collections::BTreeSet;

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::hash::{HashMap, HashSet};
use crate::model::{Labels, Model, Service, TargetPort};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    // Many Gateways share one selector: what its Services expose is worked
    // out once per selector, not once per Gateway.
    let mut by_selector: HashMap<&Labels, Option<Exposure<'_>>> = HashMap::default();
    for gateway in &model.gateways {
        let Some(selector) = gateway.selector.as_ref().filter(|s| !s.is_empty()) else {
            continue; // applies to every gateway proxy: cannot tell which Service
        };
        let Some(Exposure {
            first,
            accepted,
            exposed,
            names,
        }) = by_selector
            .entry(selector)
            .or_insert_with(|| Exposure::of(model, selector))
        else {
            continue;
        };
        let first = *first;
        for server in &gateway.servers {
            let Some(number) = server.port_number() else {
                continue;
            };
            if accepted.contains(&number) {
                continue;
            }
            out.push(
                cx.diagnostic(
                    &RULE,
                    gateway.resource,
                    server.anchor_span(),
                    format!(
                        "Gateway `{}` listens on port {number}, but no Service of its \
                         workload forwards to it (Service {names} exposes {})",
                        gateway.full_name(),
                        if exposed.is_empty() {
                            "no TCP port".to_string()
                        } else {
                            exposed.join(", ")
                        }
                    ),
                )
                .related(
                    first.file,
                    first.ports_span.unwrap_or(first.name.span),
                    "the workload's Service ports",
                )
                .note(format!(
                    "istiod still opens port {number} on the gateway pods, but no Service \
                     port (`port` or `targetPort`) leads there, so clients cannot reach it \
                     through the Service or its load balancer"
                ))
                .help(format!(
                    "add a port to the Service (`port: {number}`, `targetPort: {number}`; in \
                     Helm values under `service.ports`), or move the server to a port the \
                     Service exposes"
                )),
            );
        }
    }
}

/// The Service ports that lead to the workloads one selector picks.
struct Exposure<'a> {
    first: &'a Service,
    accepted: BTreeSet<u32>,
    exposed: Vec<String>,
    names: String,
}

impl<'a> Exposure<'a> {
    /// `None` when no Service selects those workloads.
    fn of(model: &'a Model, selector: &Labels) -> Option<Exposure<'a>> {
        let services = selecting_services(model, selector);
        let first = *services.first()?;
        let mut accepted = BTreeSet::new();
        let mut exposed = Vec::new();
        for service in &services {
            for port in service.ports.iter().filter(|p| p.protocol() == "TCP") {
                let Some(number) = port.port.as_ref().map(|p| p.value) else {
                    continue;
                };
                accepted.insert(number);
                match port.target_port.as_ref().map(|t| &t.value) {
                    Some(TargetPort::Number(target)) if *target != 0 => {
                        accepted.insert(*target);
                        exposed.push(format!("{number}→{target}"));
                    }
                    _ => exposed.push(number.to_string()),
                }
            }
        }
        let names = services
            .iter()
            .map(|s| format!("`{}/{}`", s.namespace, s.name.value))
            .collect::<Vec<_>>()
            .join(", ");
        Some(Exposure {
            first,
            accepted,
            exposed,
            names,
        })
    }
}

/// Services (in the workload's namespace) that select a workload the
/// selector picks, in order of first appearance. Workloads with the same
/// namespace and labels select the same Services: one lookup per group.
fn selecting_services<'a>(model: &'a Model, selector: &Labels) -> Vec<&'a Service> {
    let mut out: Vec<&Service> = Vec::new();
    let mut seen: HashSet<*const Service> = HashSet::default();
    for (workload, _) in model.workload_groups_selected_by(selector) {
        for service in model.services_selecting(&workload.labels) {
            if service.namespace == workload.namespace && seen.insert(std::ptr::from_ref(service)) {
                out.push(service);
            }
        }
    }
    out
}

rule! {
    code: "MM301",
    name: "gateway-port-not-on-service",
    severity: Warning,
    istio_code: "IST0162",
    category: Wiring,
    summary: "A Gateway server port that no Service of its workload exposes: unreachable.",
    docs: "mm301_gateway_port_not_on_service.md",
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: gw, namespace: istio-system, labels: {istio: ingressgateway}}\n---\n";

    fn gateway(ports: &[u32]) -> String {
        let mut servers = String::new();
        for p in ports {
            servers += &format!(
                "  - port: {{number: {p}, name: p{p}, protocol: HTTP}}\n    hosts: ['*']\n"
            );
        }
        format!(
            "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: g, namespace: istio-system}}\nspec:\n  selector: {{istio: ingressgateway}}\n  servers:\n{servers}---\n"
        )
    }

    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  ports:\n  - {name: http2, port: 80, targetPort: 8080}\n  - {name: udp, port: 9000, protocol: UDP}\n";

    #[test]
    fn port_and_target_port_are_both_reachable() {
        assert!(
            RULE.messages(&format!("{POD}{}{SVC}", gateway(&[80, 8080])))
                .is_empty()
        );
    }

    #[test]
    fn other_ports_and_udp_ports_are_not() {
        let found = RULE.messages(&format!("{POD}{}{SVC}", gateway(&[80, 8443, 9000])));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("listens on port 8443"));
        assert!(found[0].contains("exposes 80→8080"));
    }

    #[test]
    fn silent_without_a_service_for_the_workload() {
        assert!(
            RULE.messages(&format!("{POD}{}", gateway(&[8443])))
                .is_empty()
        );
        let elsewhere = SVC.replace("namespace: istio-system", "namespace: other");
        assert!(
            RULE.messages(&format!("{POD}{}{elsewhere}", gateway(&[8443])))
                .is_empty()
        );
    }

    #[test]
    fn helm_values_render_the_service() {
        let values = "name: istio-ingressgateway\nservice:\n  type: LoadBalancer\n";
        let found = RULE.messages(&format!("{}{values}", gateway(&[80, 443, 8443])));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("port 8443"), "{found:?}");
    }
}
