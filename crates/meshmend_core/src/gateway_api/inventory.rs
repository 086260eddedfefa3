//! [`Inventory`]: every Gateway API object of a bundle, read once.

use crate::model::tree::{NodeRef, items_of};
use crate::model::{Bundle, Labels, Resource, read_crd_labels};
use crate::span::Spanned;

use super::model::{
    Address, AllowedNamespaces, BackendRef, CertSource, ForeignParent, FrontendTls,
    FrontendValidation, Gateway, GatewayClass, ListenerSet, Meta, Namespace, ObjectRef, ParentRef,
    ReferenceGrant, Route, RouteKind, ServiceEntryHosts, is_gateway_api, listeners, spanned,
    str_or_empty, strings,
};

/// Every Gateway API object of a bundle, plus the Namespaces and TLS
/// material they refer to. Services come from [`crate::model::Model`].
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// `GatewayClass`es.
    pub classes: Vec<GatewayClass>,
    /// Gateway API `Gateway`s.
    pub gateways: Vec<Gateway>,
    /// `ListenerSet`s and `XListenerSet`s.
    pub listener_sets: Vec<ListenerSet>,
    /// Routes of the four kinds, in input order.
    pub routes: Vec<Route>,
    /// `ReferenceGrant`s.
    pub grants: Vec<ReferenceGrant>,
    /// `Namespace` objects.
    pub namespaces: Vec<Namespace>,
    /// Secrets and ConfigMaps, as TLS material.
    pub cert_sources: Vec<CertSource>,
    /// Istio `ServiceEntry` hosts.
    pub service_entries: Vec<ServiceEntryHosts>,
}

impl Inventory {
    /// Reads every Gateway API object, Namespace, Secret and ConfigMap of the bundle.
    pub fn build(bundle: &Bundle) -> Inventory {
        let mut inv = Inventory::default();
        for (index, resource) in bundle.resources.iter().enumerate() {
            let node = bundle.node(resource).resolve();
            let api = resource.api_version.as_str();
            let kind = resource.kind.value.as_str();
            if !is_gateway_api(api) {
                match kind {
                    "Namespace" if api == "v1" => inv.namespaces.push(Namespace {
                        name: resource.name.value.clone(),
                        labels: read_crd_labels(node.path(&["metadata", "labels"])),
                    }),
                    "ServiceEntry" if api.starts_with("networking.istio.io/") => {
                        inv.service_entries.push(read_service_entry(resource, node));
                    }
                    "Secret" | "ConfigMap" if api == "v1" => {
                        inv.cert_sources.push(read_cert_source(resource, node));
                    }
                    _ => {}
                }
                continue;
            }
            let meta = Meta::read(index, resource, node);
            let spec = node.get("spec").map(NodeRef::resolve);
            let get = |key: &str| spec.and_then(|s| s.get(key));
            match kind {
                "GatewayClass" => inv.classes.push(GatewayClass {
                    controller_name: get("controllerName")
                        .and_then(|n| spanned(Some(n)))
                        .unwrap_or_else(|| Spanned::new(String::new(), meta.span)),
                    parameters_ref: get("parametersRef").map(ObjectRef::read),
                    meta,
                }),
                "Gateway" => inv.gateways.push(read_gateway(meta, node, spec)),
                "ListenerSet" | "XListenerSet" => inv.listener_sets.push(ListenerSet {
                    parent_ref: get("parentRef").map(ParentRef::read),
                    listeners: listeners(get("listeners")),
                    meta,
                }),
                "ReferenceGrant" => inv.grants.push(read_grant(meta, spec)),
                other => {
                    if let Some(route_kind) = RouteKind::parse(other) {
                        inv.routes.push(read_route(meta, route_kind, node, spec));
                    }
                }
            }
        }
        inv
    }

    /// Labels of a namespace; a namespace with no object has none.
    pub fn namespace_labels(&self, name: &str) -> Option<&Labels> {
        self.namespaces
            .iter()
            .find(|n| n.name == name)
            .map(|n| &n.labels)
    }

    /// The TLS material `kind`/`namespace`/`name`, when given.
    pub fn cert_source(&self, kind: &str, namespace: &str, name: &str) -> Option<&CertSource> {
        self.cert_sources
            .iter()
            .find(|c| c.kind == kind && c.namespace == namespace && c.name == name)
    }

    /// Is there no Gateway API object at all? (Most inputs.)
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
            && self.gateways.is_empty()
            && self.listener_sets.is_empty()
            && self.routes.is_empty()
    }
}

fn read_gateway(meta: Meta, node: NodeRef<'_>, spec: Option<NodeRef<'_>>) -> Gateway {
    let get = |key: &str| spec.and_then(|s| s.get(key)).map(NodeRef::resolve);
    let infrastructure = get("infrastructure");
    let frontend = get("tls").and_then(|t| t.resolve().get("frontend"));
    let mut frontend_ca_refs = Vec::new();
    let read_validation = |node: Option<NodeRef<'_>>| {
        node.map(NodeRef::resolve).map(|v| FrontendValidation {
            ca_refs: ObjectRef::read_all(v.get("caCertificateRefs")),
            mode: v.get_str("mode").map(str::to_string),
        })
    };
    let frontend_tls = frontend.map(NodeRef::resolve).map(|f| FrontendTls {
        default: read_validation(f.path(&["default", "validation"])),
        per_port: items_of(f.get("perPort"))
            .map(|p| {
                let p = p.resolve();
                let port = p.get("port").and_then(NodeRef::as_i64).unwrap_or(0);
                (
                    u32::try_from(port).unwrap_or(0),
                    read_validation(p.path(&["tls", "validation"])),
                )
            })
            .collect(),
    });
    if let Some(frontend) = frontend.map(NodeRef::resolve) {
        let default = frontend.path(&["default", "validation", "caCertificateRefs"]);
        let per_port = items_of(frontend.get("perPort")).filter_map(|p| {
            p.resolve()
                .path(&["tls", "validation", "caCertificateRefs"])
        });
        for refs in default.into_iter().chain(per_port) {
            frontend_ca_refs.extend(refs.items().map(ObjectRef::read));
        }
    }
    Gateway {
        class_name: get("gatewayClassName")
            .and_then(|n| spanned(Some(n)))
            .unwrap_or_else(|| Spanned::new(String::new(), meta.span)),
        listeners: listeners(get("listeners")),
        addresses: items_of(get("addresses"))
            .map(|a| {
                let a = a.resolve();
                Address {
                    span: a.span(),
                    address_type: a.get_str("type").map(str::to_string),
                    value: str_or_empty(a, "value"),
                }
            })
            .collect(),
        allowed_listeners: get("allowedListeners")
            .map(|a| AllowedNamespaces::read(a.resolve().get("namespaces"))),
        infrastructure_parameters: infrastructure
            .and_then(|i| i.resolve().get("parametersRef"))
            .map(ObjectRef::read),
        infrastructure_labels: read_crd_labels(
            infrastructure.and_then(|i| i.resolve().get("labels")),
        ),
        frontend_ca_refs,
        frontend: frontend_tls,
        backend_client_certificate: get("tls")
            .and_then(|t| t.resolve().path(&["backend", "clientCertificateRef"]))
            .map(ObjectRef::read),
        annotations: read_crd_labels(node.path(&["metadata", "annotations"])),
        labels: read_crd_labels(node.path(&["metadata", "labels"])),
        meta,
    }
}

fn read_route(meta: Meta, kind: RouteKind, node: NodeRef<'_>, spec: Option<NodeRef<'_>>) -> Route {
    let get = |key: &str| spec.and_then(|s| s.get(key)).map(NodeRef::resolve);
    let rules: Vec<NodeRef<'_>> = items_of(get("rules")).collect();
    let mut backend_refs = Vec::new();
    for rule in &rules {
        let rule = rule.resolve();
        for backend in items_of(rule.get("backendRefs")) {
            backend_refs.push(read_backend(backend, false));
            let filters = backend.resolve().get("filters");
            push_mirrors(filters, &mut backend_refs);
        }
        push_mirrors(rule.get("filters"), &mut backend_refs);
    }
    let foreign_parents = items_of(node.path(&["status", "parents"]))
        .filter_map(|p| {
            let p = p.resolve();
            let controller = p.get_str("controllerName")?.to_string();
            Some(ForeignParent {
                parent_ref: ParentRef::read(p.get("parentRef")?),
                controller_name: controller,
                conditions: items_of(p.get("conditions"))
                    .map(|c| {
                        let c = c.resolve();
                        ["type", "status", "reason", "message"]
                            .map(|k| c.get_str(k).unwrap_or_default().to_string())
                    })
                    .collect(),
            })
        })
        .collect();
    Route {
        kind,
        parent_refs: items_of(get("parentRefs")).map(ParentRef::read).collect(),
        hostnames: items_of(get("hostnames"))
            .filter_map(|h| spanned(Some(h)))
            .collect(),
        backend_refs,
        rule_count: rules.len(),
        foreign_parents,
        meta,
    }
}

fn push_mirrors(filters: Option<NodeRef<'_>>, out: &mut Vec<BackendRef>) {
    for filter in items_of(filters) {
        if let Some(backend) = filter.resolve().path(&["requestMirror", "backendRef"]) {
            out.push(read_backend(backend, true));
        }
    }
}

fn read_backend(node: NodeRef<'_>, mirror: bool) -> BackendRef {
    let node = node.resolve();
    BackendRef {
        target: ObjectRef::read(node),
        port: crate::model::spanned_u32(node.get("port")),
        weight: node.get("weight").and_then(NodeRef::as_i64).unwrap_or(1),
        mirror,
    }
}

fn read_grant(meta: Meta, spec: Option<NodeRef<'_>>) -> ReferenceGrant {
    let list = |key: &str| -> Vec<NodeRef<'_>> {
        items_of(spec.and_then(|s| s.get(key)))
            .map(NodeRef::resolve)
            .collect()
    };
    let field = |n: NodeRef<'_>, k: &str| n.get_str(k).unwrap_or_default().to_string();
    ReferenceGrant {
        from: list("from")
            .into_iter()
            .map(|n| (field(n, "group"), field(n, "kind"), field(n, "namespace")))
            .collect(),
        to: list("to")
            .into_iter()
            .map(|n| {
                (
                    field(n, "group"),
                    field(n, "kind"),
                    n.get_str("name").map(str::to_string),
                )
            })
            .collect(),
        meta,
    }
}

fn read_cert_source(resource: &Resource, node: NodeRef<'_>) -> CertSource {
    let is_secret = resource.kind.value == "Secret";
    let value = |key: &str| -> Option<String> {
        if is_secret {
            if let Some(v) = node.path(&["stringData", key]).and_then(NodeRef::as_str) {
                return Some(v.to_string());
            }
            let encoded = node.path(&["data", key]).and_then(NodeRef::as_str)?;
            let cleaned: String = encoded.split_whitespace().collect();
            let bytes =
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, cleaned).ok()?;
            return String::from_utf8(bytes).ok();
        }
        node.path(&["data", key])
            .and_then(NodeRef::as_str)
            .map(str::to_string)
    };
    let pem = |v: &Option<String>| v.as_deref().is_some_and(|t| t.contains("-----BEGIN "));
    let pair = |cert: &str, key: &str| pem(&value(cert)) && pem(&value(key));
    let ca = value("ca.crt").or_else(|| value("cacert"));
    CertSource {
        kind: resource.kind.value.clone(),
        namespace: resource.namespace.clone(),
        name: resource.name.value.clone(),
        key_pair: pair("tls.crt", "tls.key") || pair("cert", "key"),
        has_ca: ca.is_some(),
        ca_pem: ca
            .as_deref()
            .is_some_and(|t| t.contains("-----BEGIN CERTIFICATE")),
    }
}

fn read_service_entry(resource: &Resource, node: NodeRef<'_>) -> ServiceEntryHosts {
    let spec = node.get("spec").map(NodeRef::resolve);
    ServiceEntryHosts {
        namespace: resource.namespace.clone(),
        name: resource.name.value.clone(),
        hosts: strings(spec.and_then(|s| s.get("hosts"))),
        ports: items_of(spec.and_then(|s| s.get("ports")))
            .filter_map(|p| p.resolve().get("number").and_then(NodeRef::as_i64))
            .filter_map(|n| u32::try_from(n).ok())
            .collect(),
    }
}
