//! istioctl analyzers that touch gateway-bound VirtualServices and gateway
//! pods without being about Gateway ports: IST0140 (subset routes on an
//! ingress), IST0149 (JWT-claim routing without RequestAuthentication) and
//! IST0166 (policy `selector` on Gateway API pods).

use super::{
    INEFFECTIVE_SELECTOR, INGRESS_ROUTE_RULES_NOT_AFFECTED, JWT_CLAIM_ROUTING_WITHOUT_AUTHN,
    full_name, selects, short_or_full_name,
};
use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::model::tree::NodeRef;
use crate::model::{Labels, Resource, read_labels};

pub(super) const DESTINATION_HOST_ANALYZER: &str = "virtualservice.DestinationHostAnalyzer";
pub(super) const JWT_CLAIM_ROUTE_ANALYZER: &str = "virtualservice.JWTClaimRouteAnalyzer";
pub(super) const SELECTOR_ANALYZER: &str = "k8sgateway.SelectorAnalyzer";

/// `gateway.networking.k8s.io/gateway-name`, the label Gateway API pods carry.
const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";

/// `spec.http[].route[].destination` nodes of a VirtualService.
fn destinations(node: NodeRef<'_>) -> impl Iterator<Item = NodeRef<'_>> {
    node.path(&["spec", "http"])
        .into_iter()
        .flat_map(NodeRef::items)
        .flat_map(|http| http.get("route").into_iter().flat_map(NodeRef::items))
        .filter_map(|route| route.get("destination"))
}

/// `DestinationHostAnalyzer.analyzeSubset` (only this part is reproduced):
/// a gateway-bound VirtualService routes to a host without a subset while
/// some VirtualService routes to that host (one of its own hosts) with one.
pub(super) fn ingress_subsets(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    // (VirtualService full name, destination host) for subset routes to an own host.
    let mut with_subsets: Vec<(String, String)> = Vec::new();
    for vs in &model.virtual_services {
        let node = cx.bundle.node(cx.resource(vs.resource));
        for destination in destinations(node) {
            let (Some(host), Some(subset)) =
                (destination.get_str("host"), destination.get_str("subset"))
            else {
                continue;
            };
            if !subset.is_empty() && vs.hosts.iter().any(|h| h.value == host) {
                with_subsets.push((full_name(&vs.namespace, &vs.name.value), host.to_string()));
            }
        }
    }
    for vs in model
        .virtual_services
        .iter()
        .filter(|v| !v.gateways.is_empty())
    {
        let resource = cx.resource(vs.resource);
        for destination in destinations(cx.bundle.node(resource)) {
            if destination.get_str("subset").is_some_and(|s| !s.is_empty()) {
                continue;
            }
            let host = destination.get_str("host").unwrap_or_default();
            for (other, _) in with_subsets.iter().filter(|(_, h)| h == host) {
                out.push(INGRESS_ROUTE_RULES_NOT_AFFECTED.on(
                    resource,
                    destination.span(),
                    DESTINATION_HOST_ANALYZER,
                    format!(
                        "Subset in virtual service {other} has no effect on ingress gateway {} \
                         requests",
                        full_name(&vs.namespace, &vs.name.value)
                    ),
                ));
            }
        }
    }
}

/// The first `@request.auth.claims…` header key a route matches on.
fn jwt_claim_key(node: NodeRef<'_>) -> Option<&str> {
    node.path(&["spec", "http"])
        .into_iter()
        .flat_map(NodeRef::items)
        .flat_map(|http| http.get("match").into_iter().flat_map(NodeRef::items))
        .flat_map(|m| {
            ["headers", "withoutHeaders"]
                .into_iter()
                .filter_map(move |key| m.get(key))
                .flat_map(NodeRef::entries)
        })
        .filter_map(|(key, _)| key.as_str())
        .find(|key| key.starts_with("@request.auth.claims"))
}

/// `virtualservice.JWTClaimRouteAnalyzer`: every pod selected by a Gateway
/// the VirtualService binds to needs a RequestAuthentication (in
/// `istio-system` or the pod's namespace) whose selector matches it.
pub(super) fn jwt_claim_route(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    let authentications: Vec<(&str, Labels)> = cx
        .bundle
        .resources
        .iter()
        .filter(|r| {
            r.kind.value == "RequestAuthentication"
                && r.api_version.starts_with("security.istio.io/")
        })
        .map(|r| {
            let labels = read_labels(cx.bundle.node(r).path(&["spec", "selector", "matchLabels"]));
            (r.namespace.as_str(), labels)
        })
        .collect();
    for vs in &model.virtual_services {
        let resource = cx.resource(vs.resource);
        let Some(key) = jwt_claim_key(cx.bundle.node(resource)) else {
            continue;
        };
        for entry in vs.gateways.iter().filter(|g| g.value != "mesh") {
            let (ns, name) = short_or_full_name(&vs.namespace, &entry.value);
            let Some(gateway) = model
                .gateways
                .iter()
                .find(|g| g.namespace == ns && g.name.value == name)
            else {
                continue;
            };
            for pod in &model.workloads {
                if !selects(gateway.selector.as_ref(), &pod.labels) {
                    continue;
                }
                let covered = authentications.iter().any(|(auth_ns, selector)| {
                    (*auth_ns == "istio-system" || *auth_ns == pod.namespace)
                        && selects(Some(selector), &pod.labels)
                });
                if !covered {
                    out.push(JWT_CLAIM_ROUTING_WITHOUT_AUTHN.on(
                        resource,
                        entry.span,
                        JWT_CLAIM_ROUTE_ANALYZER,
                        format!(
                            "The virtual service uses the JWT claim based routing (key: {key}) \
                             but found no request authentication for the gateway ({}) pod ({}). \
                             The request authentication must first be applied for the gateway \
                             pods to validate the JWT token and make the claims available for \
                             routing.",
                            full_name(ns, name),
                            pod.name.value
                        ),
                    ));
                }
            }
        }
    }
}

fn is_policy(resource: &Resource) -> bool {
    let api = resource.api_version.as_str();
    match resource.kind.value.as_str() {
        "AuthorizationPolicy" | "RequestAuthentication" => api.starts_with("security.istio.io/"),
        "Telemetry" => api.starts_with("telemetry.istio.io/"),
        "WasmPlugin" => api.starts_with("extensions.istio.io/"),
        _ => false,
    }
}

/// `k8sgateway.SelectorAnalyzer`: a policy with `selector` (and no
/// `targetRef`) that matches a Gateway API gateway pod of its namespace.
pub(super) fn ineffective_selector(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let pods: Vec<_> = cx
        .bundle
        .model
        .workloads
        .iter()
        .filter(|p| p.labels.contains_key(GATEWAY_NAME_LABEL))
        .collect();
    for resource in cx.bundle.resources.iter().filter(|r| is_policy(r)) {
        let spec = cx.bundle.node(resource).get("spec");
        if spec.and_then(|s| s.get("targetRef")).is_some() {
            continue;
        }
        let Some(selector) = spec.and_then(|s| s.get("selector")) else {
            continue;
        };
        let labels = read_labels(selector.get("matchLabels"));
        for pod in pods.iter().filter(|p| p.namespace == resource.namespace) {
            if selects(Some(&labels), &pod.labels) {
                out.push(INEFFECTIVE_SELECTOR.on(
                    resource,
                    selector.span(),
                    SELECTOR_ANALYZER,
                    format!(
                        "Ineffective selector on Kubernetes Gateway {}. Use the TargetRef field \
                         instead.",
                        pod.labels[GATEWAY_NAME_LABEL]
                    ),
                ));
            }
        }
    }
}
