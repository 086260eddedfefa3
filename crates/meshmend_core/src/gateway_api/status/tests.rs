//! The status engine on small inputs, one Istio behaviour each.

use super::{Condition, ObjectStatus, predict};
use crate::model::Bundle;

fn statuses(yaml: &str) -> Vec<ObjectStatus> {
    predict(&Bundle::from_text("t.yaml", yaml).unwrap()).objects
}

/// Statuses of [`GATEWAY`] and the documents `after` it.
fn statuses_after_gateway(after: &str) -> Vec<ObjectStatus> {
    statuses(&format!("{GATEWAY}---\n{after}"))
}

fn find<'a>(all: &'a [ObjectStatus], kind: &str, name: &str) -> &'a ObjectStatus {
    all.iter()
        .find(|o| o.kind == kind && o.name == name)
        .unwrap_or_else(|| panic!("no status for {kind} {name}"))
}

/// Status and reason of the `kind` condition.
fn condition_in(conditions: &[Condition], kind: &str) -> (bool, String) {
    let c = conditions
        .iter()
        .find(|c| c.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} condition"));
    (c.status, c.reason.clone())
}

fn condition(object: &ObjectStatus, kind: &str) -> (bool, String) {
    condition_in(&object.conditions, kind)
}

/// An HTTPRoute for `hostname` attached to the Gateway `infra/gw`.
fn route(name: &str, namespace: &str, hostname: &str) -> String {
    format!(
        "---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  parentRefs: [{{name: gw, namespace: infra}}]
  hostnames: [{hostname}]
"
    )
}

const GATEWAY: &str = "\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: istio
  allowedListeners: {namespaces: {from: All}}
  listeners:
  - name: web
    port: 80
    protocol: HTTP
    hostname: \"*.example.com\"
    allowedRoutes:
      namespaces:
        from: Selector
        selector: {matchLabels: {team: shop}}
";

#[test]
fn only_classes_istio_owns_get_a_status() {
    let all = statuses(
        "apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: mine}
spec: {controllerName: istio.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: a}
spec: {gatewayClassName: eg, listeners: [{name: l, port: 80, protocol: HTTP}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: b}
spec: {gatewayClassName: mine, listeners: [{name: l, port: 80, protocol: HTTP}]}
",
    );
    let names: Vec<(&str, &str)> = all
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str()))
        .collect();
    assert_eq!(names, [("GatewayClass", "mine"), ("Gateway", "b")]);
    assert_eq!(condition(&all[0], "Accepted"), (true, "Accepted".into()));
}

#[test]
fn the_gateway_listener_keeps_the_port_and_listener_sets_follow_by_age() {
    let all = statuses_after_gateway(
        "apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: b-newer, namespace: shop, creationTimestamp: \"2026-02-01T00:00:00Z\"}
spec:
  parentRef: {name: gw, namespace: infra}
  listeners: [{name: x, port: 80, protocol: HTTP, hostname: a.example.org}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: a-older, namespace: shop, creationTimestamp: \"2026-01-01T00:00:00Z\"}
spec:
  parentRef: {name: gw, namespace: infra}
  listeners:
  - {name: y, port: 80, protocol: HTTP, hostname: \"*.example.com\"}
  - {name: z, port: 80, protocol: HTTP, hostname: a.example.org}
",
    );
    let older = find(&all, "ListenerSet", "a-older");
    let newer = find(&all, "ListenerSet", "b-newer");
    let conflicted =
        |o: &ObjectStatus, i: usize| condition_in(&o.listeners[i].conditions, "Conflicted");
    // y repeats the Gateway's own hostname: the Gateway wins.
    assert_eq!(conflicted(older, 0), (true, "HostnameConflict".into()));
    // z is older than b-newer's x (same hostname): z wins, x loses.
    assert_eq!(conflicted(older, 1), (false, "NoConflicts".into()));
    assert_eq!(conflicted(newer, 0), (true, "HostnameConflict".into()));
    assert_eq!(
        condition(newer, "Accepted"),
        (false, "ListenersNotValid".into())
    );
    assert_eq!(find(&all, "Gateway", "gw").attached_listener_sets, Some(1));
}

#[test]
fn routes_attach_by_wildcard_hostname_and_namespace_selector() {
    let all = statuses_after_gateway(
        &[
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: shop}}\n",
            &route("ok", "shop", "a.example.com"),
            &route("apex", "shop", "example.com"),
            &route("stranger", "blog", "blog.example.com"),
        ]
        .concat(),
    );
    let accepted = |name: &str| {
        condition_in(
            &find(&all, "HTTPRoute", name).parents[0].conditions,
            "Accepted",
        )
    };
    assert_eq!(accepted("ok"), (true, "Accepted".into()));
    // `*.example.com` does not match the apex.
    assert_eq!(
        accepted("apex"),
        (false, "NoMatchingListenerHostname".into())
    );
    // blog has no `team: shop` label.
    assert_eq!(
        accepted("stranger"),
        (false, "NotAllowedByListeners".into())
    );
    assert_eq!(find(&all, "Gateway", "gw").listeners[0].attached_routes, 1);
}

#[test]
fn other_controllers_route_parents_are_kept_and_ours_appended() {
    let all = statuses_after_gateway(
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: infra}
spec:
  parentRefs: [{name: gw, sectionName: nope}]
status:
  parents:
  - parentRef: {name: other}
    controllerName: example.com/other
    conditions: [{type: Accepted, status: \"True\", reason: Accepted, message: ok}]
",
    );
    let route = find(&all, "HTTPRoute", "r");
    let controllers: Vec<&str> = route
        .parents
        .iter()
        .map(|p| p.controller_name.as_str())
        .collect();
    assert_eq!(
        controllers,
        ["example.com/other", "istio.io/gateway-controller"]
    );
    let ours = &route.parents[1];
    assert_eq!(ours.conditions[0].reason, "NoMatchingParent");
    assert!(ours.span.is_some() && ours.listener.is_some());
}

/// An automated-deployment Gateway whose generated Service is not in the
/// input: `Programmed: False` as Istio first writes it, with a message that
/// says it turns True once Istio's deployment controller creates the Service.
/// A manual-deployment Gateway naming a missing Service gets no such excuse.
#[test]
fn a_missing_generated_service_is_explained_not_blamed() {
    let all = statuses(GATEWAY);
    let gateway = find(&all, "Gateway", "gw");
    assert_eq!(
        condition(gateway, "Programmed"),
        (false, "AddressNotUsable".to_string())
    );
    let message = &gateway.condition("Programmed").unwrap().message;
    assert!(message.contains("gw-istio.infra.svc"), "{message}");
    assert!(
        message.contains("deployment controller creates this Service"),
        "{message}"
    );

    let manual = GATEWAY.replace(
        "  gatewayClassName: istio\n",
        "  gatewayClassName: istio\n  addresses: [{type: Hostname, value: edge.infra.svc.cluster.local}]\n",
    );
    let all = statuses(&manual);
    let gateway = find(&all, "Gateway", "gw");
    let programmed = gateway.condition("Programmed").unwrap();
    assert_eq!(
        (programmed.status, programmed.reason.as_str()),
        (false, "AddressNotUsable")
    );
    assert!(
        !programmed.message.contains("deployment controller"),
        "{}",
        programmed.message
    );
}

#[test]
fn a_lone_allowed_listeners_selector_admits_nothing_because_from_defaults_to_none() {
    let with_from = |from: &str| {
        format!(
            "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: gw, namespace: infra}}
spec:
  gatewayClassName: istio
  allowedListeners:
    namespaces: {{{from}selector: {{matchLabels: {{kubernetes.io/metadata.name: shop}}}}}}
  listeners: [{{name: web, port: 80, protocol: HTTP}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {{name: team, namespace: shop}}
spec:
  parentRef: {{name: gw, namespace: infra}}
  listeners: [{{name: api, port: 8080, protocol: HTTP}}]
"
        )
    };
    // The API server writes the CRD default `from: None` before istiod reads it.
    let all = statuses(&with_from(""));
    let set = find(&all, "ListenerSet", "team");
    assert_eq!(condition(set, "Accepted"), (false, "NotAllowed".into()));
    // Istio writes `attachedListenerSets` only when some set attached.
    assert_eq!(find(&all, "Gateway", "gw").attached_listener_sets, None);
    // With `from: Selector` the implied name label admits the set.
    let all = statuses(&with_from("from: Selector, "));
    let set = find(&all, "ListenerSet", "team");
    assert_eq!(condition(set, "Accepted"), (true, "Accepted".into()));
    assert_eq!(find(&all, "Gateway", "gw").attached_listener_sets, Some(1));
}
