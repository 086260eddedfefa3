//! `meshmend status`: one document per Gateway API object Istio handles,
//! in the shape `kubectl get -o yaml` shows; objects of other controllers
//! get none; YAML and JSON say the same; bad input is a usage error.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use meshmend_core::model::tree::NodeRef;
use meshmend_core::{Limits, parse};

const BIN: &str = env!("CARGO_BIN_EXE_meshmend");

const INPUT: &str = "\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: shared, namespace: istio-ingress}
spec:
  gatewayClassName: istio
  addresses: [{type: Hostname, value: istio-ingressgateway}]
  allowedListeners:
    namespaces: {from: All}
  listeners:
  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: team, namespace: shop}
spec:
  parentRef: {name: shared, namespace: istio-ingress}
  listeners:
  - {name: raw, port: 80, protocol: TCP}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [{name: shared, namespace: istio-ingress}]
  rules:
  - backendRefs: [{name: shop, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-ingress}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: envoy, namespace: other}
spec:
  gatewayClassName: eg
  listeners: [{name: http, port: 80, protocol: HTTP}]
";

fn meshmend(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `(kind, status, reason)` of a condition list node.
fn conditions(node: Option<NodeRef<'_>>) -> Vec<(String, String, String)> {
    node.into_iter()
        .flat_map(NodeRef::items)
        .map(|c| {
            let get = |k: &str| c.get_str(k).unwrap_or_default().to_string();
            (get("type"), get("status"), get("reason"))
        })
        .collect()
}

#[test]
fn yaml_has_one_document_per_object_istio_handles() {
    let out = meshmend(&["status", "-"], INPUT);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let stream = parse(&text, &Limits::default()).unwrap();
    assert!(stream.errors.is_empty(), "not YAML:\n{text}");
    let docs: Vec<NodeRef<'_>> = stream
        .documents
        .iter()
        .filter_map(meshmend_core::model::tree::Document::root)
        .collect();
    let names: Vec<String> = docs
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d.get_str("kind").unwrap_or_default(),
                d.path(&["metadata", "name"])
                    .and_then(NodeRef::as_str)
                    .unwrap_or_default()
            )
        })
        .collect();
    // The `eg` Gateway belongs to another controller: no document.
    assert_eq!(
        names,
        ["Gateway shared", "ListenerSet team", "HTTPRoute shop"],
        "{text}"
    );

    let gateway = docs[0];
    assert_eq!(
        gateway.get_str("apiVersion"),
        Some("gateway.networking.k8s.io/v1")
    );
    assert_eq!(
        gateway
            .path(&["metadata", "namespace"])
            .and_then(NodeRef::as_str),
        Some("istio-ingress")
    );
    assert_eq!(
        conditions(gateway.path(&["status", "conditions"])),
        [
            ("Accepted".into(), "True".into(), "Accepted".into()),
            ("Programmed".into(), "True".into(), "Programmed".into()),
            ("ResolvedRefs".into(), "True".into(), "ResolvedRefs".into()),
        ]
    );
    let listener = gateway
        .path(&["status", "listeners"])
        .and_then(|l| l.items().next())
        .unwrap();
    assert_eq!(listener.get_str("attachedRoutes"), Some("1"));

    // The ListenerSet's TCP listener loses port 80 to the Gateway's HTTP one.
    let set = docs[1];
    let set_listener = set
        .path(&["status", "listeners"])
        .and_then(|l| l.items().next())
        .unwrap();
    assert!(conditions(set_listener.get("conditions")).contains(&(
        "Conflicted".into(),
        "True".into(),
        "ProtocolConflict".into()
    )));
    assert_eq!(
        conditions(set.path(&["status", "conditions"]))[0],
        (
            "Accepted".into(),
            "False".into(),
            "ListenersNotValid".into()
        )
    );

    let parent = docs[2]
        .path(&["status", "parents"])
        .and_then(|p| p.items().next())
        .unwrap();
    assert_eq!(
        parent.get_str("controllerName"),
        Some("istio.io/gateway-controller")
    );
    assert_eq!(
        parent
            .path(&["parentRef", "name"])
            .and_then(NodeRef::as_str),
        Some("shared")
    );
    // The Service `shop` is not in the input.
    assert!(conditions(parent.get("conditions")).contains(&(
        "ResolvedRefs".into(),
        "False".into(),
        "BackendNotFound".into()
    )));
}

#[test]
fn json_is_an_array_of_the_same_documents() {
    let out = meshmend(&["status", "-", "--format", "json"], INPUT);
    assert_eq!(out.status.code(), Some(0));
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[2]["kind"], "HTTPRoute");
    assert_eq!(
        docs[0]["status"]["listeners"][0]["supportedKinds"][0]["kind"],
        "HTTPRoute"
    );
}

#[test]
fn no_gateway_api_objects_print_nothing_and_bad_flags_are_usage_errors() {
    let out = meshmend(
        &["status", "-"],
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let out = meshmend(&["status", "-", "--format", "xml"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = meshmend(&["status", "/nonexistent/meshmend/file.yaml"], "");
    assert_eq!(out.status.code(), Some(2));
}
