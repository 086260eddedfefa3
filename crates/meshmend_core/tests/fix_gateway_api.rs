//! Gateway API fixes that must be refused, each with its reason, and the
//! ReferenceGrant option: without `grant_references` nothing widens access.

use meshmend_core::refactor::{FixOptions, fix};
use meshmend_core::{Bundle, analyze};

fn refused(yaml: &str, options: &FixOptions, code: &str) -> String {
    let bundle = Bundle::from_text("in.yaml", yaml).unwrap();
    let outcome = fix(&bundle, options);
    assert!(!outcome.has_edits(), "{}", outcome.diff);
    assert!(
        outcome
            .verification
            .remaining
            .iter()
            .any(|d| d.code == code),
        "{code} must remain"
    );
    let rejected = &outcome.verification.rejected;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(rejected[0].title.contains(code), "{rejected:?}");
    rejected[0].reason.clone()
}

const GATEWAY: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-ingress}
spec:
  gatewayClassName: istio
  listeners:
  - {name: a, port: 80, protocol: HTTP, hostname: a.example.com, allowedRoutes: {namespaces: {from: All}}}
  - {name: b, port: 8080, protocol: HTTP, hostname: '*.example.com', allowedRoutes: {namespaces: {from: All}}}
";

/// `GATEWAY` and an HTTPRoute `shop/shop` whose one parentRef to it adds
/// `parent_field` (`sectionName: c`, `port: 443`).
fn with_route(parent_field: &str, hostname: &str) -> String {
    format!(
        "{GATEWAY}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: shop, namespace: shop}}
spec:
  parentRefs: [{{name: public, namespace: istio-ingress, {parent_field}}}]
  hostnames: [{hostname}]
"
    )
}

#[test]
fn an_ambiguous_route_is_not_repointed() {
    let yaml = with_route("sectionName: c", "a.example.com");
    let reason = refused(&yaml, &FixOptions::default(), "MM503");
    assert!(
        reason.contains("2 listeners") && reason.contains("`a`, `b`"),
        "{reason}"
    );
}

#[test]
fn a_route_no_listener_takes_is_not_repointed() {
    let yaml = with_route("port: 443", "shop.example.org");
    let reason = refused(&yaml, &FixOptions::default(), "MM503");
    assert!(reason.contains("no listener"), "{reason}");
}

/// A ListenerSet on a Gateway deployed by hand on the Istio ingress
/// Service: its only other port is the proxy's status port, which is never
/// taken, and a ListenerSet's listener does not get a Gateway of its own.
const SHARED: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template: {metadata: {labels: {istio: ingressgateway}}}
---
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports:
  - {name: status-port, port: 15021, targetPort: 15021}
  - {name: http2, port: 80, targetPort: 8080}
  - {name: tcp, port: 31400, targetPort: 31400}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: tcp-echo, namespace: istio-system, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 31400, name: tcp, protocol: TCP}
    hosts: ['*']
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: istio-system, creationTimestamp: '2025-01-01T00:00:00Z'}
spec:
  gatewayClassName: istio
  addresses: [{type: Hostname, value: istio-ingressgateway.istio-system.svc.cluster.local}]
  allowedListeners: {namespaces: {from: Same}}
  listeners:
  - {name: http, port: 80, protocol: HTTP}
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: echo, namespace: istio-system, creationTimestamp: '2025-01-01T00:00:00Z'}
spec:
  parentRef: {name: edge}
  listeners:
  - {name: tcp-echo, port: 31400, protocol: TCP, allowedRoutes: {kinds: [{kind: TCPRoute}]}}
";

#[test]
fn a_manual_gateway_without_a_free_service_port_is_not_moved() {
    let reason = refused(SHARED, &FixOptions::default(), "MM510");
    assert!(
        reason.contains("spec.addresses") && reason.contains("no TCP port"),
        "{reason}"
    );
}

const CROSS_NAMESPACE: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: istio-ingress}
spec:
  gatewayClassName: istio
  listeners:
  - {name: http, port: 80, protocol: HTTP}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: istio-ingress}
spec:
  parentRefs: [{name: edge}]
  rules:
  - backendRefs: [{name: api, namespace: backend, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: backend}
spec:
  ports: [{port: 8080}]
";

#[test]
fn reference_grants_are_added_only_when_asked() {
    let bundle = Bundle::from_text("in.yaml", CROSS_NAMESPACE).unwrap();
    let finding = analyze(&bundle, &meshmend_core::AnalyzeOptions::default())
        .into_iter()
        .find(|d| d.code == "MM504")
        .expect("MM504");
    assert!(
        finding
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("--grant-references"),
        "{:?}",
        finding.help
    );
    let plain = fix(&bundle, &FixOptions::default());
    assert!(!plain.has_edits(), "{}", plain.diff);
    assert!(plain.conflict_free(), "not targeted without the option");
    assert!(
        plain
            .verification
            .remaining
            .iter()
            .any(|d| d.code == "MM504")
    );
    let asked = fix(
        &bundle,
        &FixOptions {
            grant_references: true,
            ..FixOptions::default()
        },
    );
    assert!(asked.verification.ok, "{:?}", asked.verification.rejected);
    assert!(asked.conflict_free());
    assert!(
        asked.diff.contains("+  namespace: backend\n")
            && asked.diff.contains("+    kind: HTTPRoute\n")
            && asked.diff.contains("+    name: api\n"),
        "{}",
        asked.diff
    );
}

#[test]
fn renumber_plans_no_gateway_api_unit() {
    let bundle = Bundle::from_text("in.yaml", CROSS_NAMESPACE).unwrap();
    let outcome = fix(
        &bundle,
        &FixOptions {
            strategy: meshmend_core::refactor::Strategy::Renumber,
            grant_references: true,
            ..FixOptions::default()
        },
    );
    assert!(!outcome.has_edits(), "{}", outcome.diff);
}

#[test]
fn a_route_is_not_moved_to_a_listener_of_another_protocol() {
    let yaml = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: shop}
spec:
  gatewayClassName: istio
  listeners:
  - {name: secure, port: 443, protocol: HTTPS, hostname: a.example.com, tls: {mode: Passthrough}}
  - {name: plain, port: 80, protocol: HTTP}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [{name: public, sectionName: secure}]
  hostnames: [b.example.com]
";
    let reason = refused(yaml, &FixOptions::default(), "MM503");
    assert!(reason.contains("protocol and TLS mode"), "{reason}");
}

/// A listener that leaves the shared pods takes its routes along; a route
/// Istio already refused there (its namespace is not allowed) is repointed
/// but not promised acceptance: the move is made and the refusal stays the
/// user's decision (the page's Gateway API example, where the move used to
/// be withdrawn as "not accepted afterwards").
#[test]
fn a_route_refused_before_does_not_block_a_listener_move() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/gateway-api-incident.yaml"
    ))
    .unwrap();
    let bundle = Bundle::from_text("incident.yaml", &text).unwrap();
    let before: Vec<_> = analyze(&bundle, &meshmend_core::AnalyzeOptions::default())
        .into_iter()
        .map(|d| d.code)
        .collect();
    assert!(
        before.contains(&"MM510") && before.contains(&"MM503"),
        "{before:?}"
    );
    let outcome = fix(&bundle, &FixOptions::default());
    assert!(
        outcome.diff.contains("+  name: public-shop"),
        "{}",
        outcome.diff
    );
    let remaining: Vec<_> = outcome
        .verification
        .remaining
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(!remaining.contains(&"MM510"), "{remaining:?}");
    assert!(
        remaining.contains(&"MM503"),
        "the refused route stays refused: {remaining:?}"
    );
    assert!(
        outcome
            .verification
            .rejected
            .iter()
            .all(|r| !r.reason.contains("not accepted by Istio afterwards")),
        "{:?}",
        outcome.verification.rejected
    );
}
