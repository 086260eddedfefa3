//! Typed views over the Kubernetes Gateway API objects Istio reads
//! (`gateway.networking.k8s.io` and the experimental
//! `gateway.networking.x-k8s.io`), each field with its span so status
//! entries and findings can point at what they are about.
//!
//! Like [`crate::model`]'s views, these read only the fields Istio's status
//! depends on; anything else in the object is ignored.

use crate::model::tree::{NodeRef, items_of};
use crate::model::{Labels, Resource, read_crd_labels};
use crate::span::{Span, Spanned};

/// API group of the standard Gateway API.
pub const GROUP: &str = "gateway.networking.k8s.io";
/// API group of the experimental Gateway API (`XListenerSet`).
pub const X_GROUP: &str = "gateway.networking.x-k8s.io";

/// A `group`/`kind`/`name`/`namespace` reference (certificateRefs,
/// caCertificateRefs, parametersRef, backendRefs without their port).
#[derive(Clone, Debug)]
pub struct ObjectRef {
    /// The whole reference mapping.
    pub span: Span,
    /// `group`, `None` when not written (defaults differ per field).
    pub group: Option<String>,
    /// `kind`, `None` when not written.
    pub kind: Option<String>,
    /// `name`.
    pub name: Spanned<String>,
    /// `namespace`, `None` when not written (the referrer's namespace).
    pub namespace: Option<Spanned<String>>,
}

impl ObjectRef {
    pub(super) fn read(node: NodeRef<'_>) -> ObjectRef {
        let node = node.resolve();
        ObjectRef {
            span: node.span(),
            group: node.get_str("group").map(str::to_string),
            kind: node.get_str("kind").map(str::to_string),
            name: str_or_empty(node, "name"),
            namespace: spanned(node.get("namespace")),
        }
    }

    /// Every entry of a sequence of references (`certificateRefs`,
    /// `caCertificateRefs`); none when the key is missing.
    pub(super) fn read_all(list: Option<NodeRef<'_>>) -> Vec<ObjectRef> {
        items_of(list).map(ObjectRef::read).collect()
    }

    /// The group, or `default` when not written.
    pub fn group_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.group.as_deref().unwrap_or(default)
    }

    /// The kind, or `default` when not written.
    pub fn kind_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.kind.as_deref().unwrap_or(default)
    }

    /// The namespace, or `local` (the referrer's) when not written.
    pub fn namespace_or<'a>(&'a self, local: &'a str) -> &'a str {
        self.namespace.as_ref().map_or(local, |n| n.value.as_str())
    }
}

/// `listeners[].tls`.
#[derive(Clone, Debug)]
pub struct ListenerTls {
    /// The whole `tls:` mapping.
    pub span: Span,
    /// `mode` (`Terminate` when not written, as the API defaults it).
    pub mode: Option<Spanned<String>>,
    /// `certificateRefs`.
    pub certificate_refs: Vec<ObjectRef>,
    /// `options` keys, as written (Istio reads a few of them).
    pub options: Vec<(String, String)>,
}

impl ListenerTls {
    /// `Passthrough` when written so, else `Terminate`.
    pub fn is_passthrough(&self) -> bool {
        self.mode.as_ref().is_some_and(|m| m.value == "Passthrough")
    }
}

/// `allowedRoutes.namespaces` / `allowedListeners.namespaces`.
#[derive(Clone, Debug, Default)]
pub struct AllowedNamespaces {
    /// `from`: `Same` (the default), `All`, `Selector`, `None`.
    pub from: Option<Spanned<String>>,
    /// `selector` (`matchLabels` and `matchExpressions`).
    pub selector: Option<LabelSelector>,
}

/// A Kubernetes `LabelSelector`.
#[derive(Clone, Debug, Default)]
pub struct LabelSelector {
    /// `matchLabels`.
    pub match_labels: Labels,
    /// `matchExpressions`: key, operator, values.
    pub match_expressions: Vec<(String, String, Vec<String>)>,
}

impl LabelSelector {
    /// Does the selector match namespace `name`? Istio adds the
    /// `kubernetes.io/metadata.name` label the API server sets on every
    /// Namespace, so a selector on the name matches without the object.
    pub fn matches_namespace(&self, name: &str, labels: Option<&Labels>) -> bool {
        let mut labels = labels.cloned().unwrap_or_default();
        labels.insert("kubernetes.io/metadata.name".to_string(), name.to_string());
        self.matches(&labels)
    }

    fn read(node: NodeRef<'_>) -> LabelSelector {
        let node = node.resolve();
        LabelSelector {
            match_labels: read_crd_labels(node.get("matchLabels")),
            match_expressions: items_of(node.get("matchExpressions"))
                .map(|e| {
                    let e = e.resolve();
                    (
                        e.get_str("key").unwrap_or_default().to_string(),
                        e.get_str("operator").unwrap_or_default().to_string(),
                        strings(e.get("values")),
                    )
                })
                .collect(),
        }
    }

    /// Kubernetes selector semantics (`In`, `NotIn`, `Exists`, `DoesNotExist`).
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self
                .match_expressions
                .iter()
                .all(|(key, op, values)| match op.as_str() {
                    "In" => labels.get(key).is_some_and(|v| values.contains(v)),
                    "NotIn" => labels.get(key).is_none_or(|v| !values.contains(v)),
                    "Exists" => labels.contains_key(key),
                    "DoesNotExist" => !labels.contains_key(key),
                    _ => false,
                })
    }
}

impl AllowedNamespaces {
    pub(super) fn read(node: Option<NodeRef<'_>>) -> AllowedNamespaces {
        let Some(node) = node.map(NodeRef::resolve) else {
            return AllowedNamespaces::default();
        };
        AllowedNamespaces {
            from: spanned(node.get("from")),
            selector: node.get("selector").map(LabelSelector::read),
        }
    }

    /// `from`, defaulting to `default`.
    pub fn from_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.from.as_ref().map_or(default, |f| f.value.as_str())
    }

    /// Does a Gateway's `allowedListeners` admit a ListenerSet from
    /// `set_namespace` (`NamespaceAcceptedByAllowListeners`)? An absent `from`
    /// is `None`, the CRD's default: the API server writes it before istiod
    /// reads the Gateway, so a lone `selector` admits nothing. `labels` are
    /// the set's namespace labels (none when the input has no Namespace).
    pub fn admits_listener_set(
        &self,
        set_namespace: &str,
        gateway_namespace: &str,
        labels: Option<&Labels>,
    ) -> bool {
        match self.from_or("None") {
            "All" => true,
            "Same" => set_namespace == gateway_namespace,
            "Selector" => self
                .selector
                .as_ref()
                .is_some_and(|s| s.matches_namespace(set_namespace, labels)),
            _ => false,
        }
    }
}

/// `allowedRoutes.kinds[]`.
#[derive(Clone, Debug)]
pub struct RouteGroupKind {
    /// The entry's span.
    pub span: Span,
    /// `group` (the Gateway API group when not written).
    pub group: String,
    /// `kind`.
    pub kind: String,
}

/// One Gateway or ListenerSet listener.
#[derive(Clone, Debug)]
pub struct Listener {
    /// Position in `listeners`.
    pub index: usize,
    /// The whole listener mapping.
    pub span: Span,
    /// `name`.
    pub name: Spanned<String>,
    /// `port` (`None` when missing or not a number).
    pub port: Option<Spanned<u32>>,
    /// `protocol` as written (`HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`, …).
    pub protocol: Spanned<String>,
    /// `hostname`.
    pub hostname: Option<Spanned<String>>,
    /// `tls`.
    pub tls: Option<ListenerTls>,
    /// `allowedRoutes.namespaces`.
    pub allowed_namespaces: AllowedNamespaces,
    /// `allowedRoutes.kinds`; empty means the protocol's defaults.
    pub allowed_kinds: Vec<RouteGroupKind>,
}

impl Listener {
    fn read(index: usize, node: NodeRef<'_>) -> Listener {
        let node = node.resolve();
        let allowed = node.get("allowedRoutes").map(NodeRef::resolve);
        Listener {
            index,
            span: node.span(),
            name: str_or_empty(node, "name"),
            port: crate::model::spanned_u32(node.get("port")),
            protocol: str_or_empty(node, "protocol"),
            hostname: spanned(node.get("hostname")),
            tls: node
                .get("tls")
                .filter(|t| t.resolve().is_mapping())
                .map(|t| {
                    let t = t.resolve();
                    ListenerTls {
                        span: t.span(),
                        mode: spanned(t.get("mode")),
                        certificate_refs: ObjectRef::read_all(t.get("certificateRefs")),
                        options: t
                            .get("options")
                            .into_iter()
                            .flat_map(NodeRef::entries)
                            .filter_map(|(k, v)| {
                                Some((k.as_str()?.to_string(), v.as_str()?.to_string()))
                            })
                            .collect(),
                    }
                }),
            allowed_namespaces: AllowedNamespaces::read(allowed.and_then(|a| a.get("namespaces"))),
            allowed_kinds: items_of(allowed.and_then(|a| a.get("kinds")))
                .map(|k| {
                    let k = k.resolve();
                    RouteGroupKind {
                        span: k.span(),
                        group: k.get_str("group").unwrap_or(GROUP).to_string(),
                        kind: k.get_str("kind").unwrap_or_default().to_string(),
                    }
                })
                .collect(),
        }
    }

    /// A span to point at: the port when written, else the listener.
    pub fn anchor_span(&self) -> Span {
        self.port.as_ref().map_or(self.span, |p| p.span)
    }
}

/// `spec.addresses[]`.
#[derive(Clone, Debug)]
pub struct Address {
    /// The entry's span.
    pub span: Span,
    /// `type` (`IPAddress`, `Hostname`, or a custom type); `None` when not written.
    pub address_type: Option<String>,
    /// `value`.
    pub value: Spanned<String>,
}

/// Identity and position shared by every Gateway API object.
#[derive(Clone, Debug)]
pub struct Meta {
    /// Index in [`Bundle::resources`](crate::model::Bundle::resources).
    pub resource: usize,
    /// File index.
    pub file: usize,
    /// The whole object.
    pub span: Span,
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: Spanned<String>,
    /// Effective namespace.
    pub namespace: String,
    /// `metadata.creationTimestamp` (RFC 3339 sorts as text).
    pub creation_timestamp: Option<String>,
    /// `metadata.generation`, when written.
    pub generation: Option<i64>,
}

impl Meta {
    pub(super) fn read(index: usize, resource: &Resource, node: NodeRef<'_>) -> Meta {
        Meta {
            resource: index,
            file: resource.file,
            span: resource.span,
            api_version: resource.api_version.clone(),
            kind: resource.kind.value.clone(),
            name: resource.name.clone(),
            namespace: resource.namespace.clone(),
            creation_timestamp: resource.creation_timestamp.clone(),
            generation: node
                .path(&["metadata", "generation"])
                .and_then(NodeRef::as_i64),
        }
    }

    /// `namespace/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name.value)
    }

    /// Istio's "oldest first" order: creation time, then namespace, then name.
    pub fn age_key(&self) -> (&str, &str, &str) {
        (
            self.creation_timestamp.as_deref().unwrap_or(""),
            &self.namespace,
            &self.name.value,
        )
    }
}

/// A `GatewayClass`.
#[derive(Clone, Debug)]
pub struct GatewayClass {
    /// Identity and position (a GatewayClass is cluster-scoped).
    pub meta: Meta,
    /// `spec.controllerName`.
    pub controller_name: Spanned<String>,
    /// `spec.parametersRef`.
    pub parameters_ref: Option<ObjectRef>,
}

/// A Gateway API `Gateway`.
#[derive(Clone, Debug)]
pub struct Gateway {
    /// Identity and position.
    pub meta: Meta,
    /// `spec.gatewayClassName`.
    pub class_name: Spanned<String>,
    /// `spec.listeners`.
    pub listeners: Vec<Listener>,
    /// `spec.addresses`.
    pub addresses: Vec<Address>,
    /// `spec.allowedListeners.namespaces`; `None` when `allowedListeners` is absent
    /// (no ListenerSet may attach).
    pub allowed_listeners: Option<AllowedNamespaces>,
    /// `spec.infrastructure.parametersRef`.
    pub infrastructure_parameters: Option<ObjectRef>,
    /// `spec.infrastructure.labels`.
    pub infrastructure_labels: Labels,
    /// `spec.tls.frontend.default.validation.caCertificateRefs` and the
    /// per-port ones (frontend mTLS).
    pub frontend_ca_refs: Vec<ObjectRef>,
    /// `spec.tls.frontend`: the default validation and the per-port ones.
    pub frontend: Option<FrontendTls>,
    /// `spec.tls.backend.clientCertificateRef`.
    pub backend_client_certificate: Option<ObjectRef>,
    /// `metadata.annotations`.
    pub annotations: Labels,
    /// `metadata.labels`.
    pub labels: Labels,
}

/// `spec.tls.frontend.*.validation` of a Gateway.
#[derive(Clone, Debug, Default)]
pub struct FrontendValidation {
    /// `caCertificateRefs`.
    pub ca_refs: Vec<ObjectRef>,
    /// `mode` (`AllowValidOnly` by default, or `AllowInsecureFallback`).
    pub mode: Option<String>,
}

/// `spec.tls.frontend` of a Gateway.
#[derive(Clone, Debug, Default)]
pub struct FrontendTls {
    /// `default.validation`.
    pub default: Option<FrontendValidation>,
    /// `perPort[]`: port and its `tls.validation` (`None` when it has none).
    pub per_port: Vec<(u32, Option<FrontendValidation>)>,
}

impl FrontendTls {
    /// The validation that applies to a listener port: its `perPort` entry
    /// when there is one, else the default (as Istio's `resolveGatewayTLS`).
    pub fn for_port(&self, port: u32) -> Option<&FrontendValidation> {
        match self.per_port.iter().find(|(p, _)| *p == port) {
            Some((_, validation)) => validation.as_ref(),
            None => self.default.as_ref(),
        }
    }
}

/// An Istio `ServiceEntry`'s hosts and ports, for Gateway addresses and
/// `Hostname` backends that name a host outside the cluster.
#[derive(Clone, Debug)]
pub struct ServiceEntryHosts {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `spec.hosts`.
    pub hosts: Vec<String>,
    /// `spec.ports[].number`.
    pub ports: Vec<u32>,
}

/// A `ListenerSet` (`gateway.networking.k8s.io`) or `XListenerSet`
/// (`gateway.networking.x-k8s.io`).
#[derive(Clone, Debug)]
pub struct ListenerSet {
    /// Identity and position.
    pub meta: Meta,
    /// `spec.parentRef`.
    pub parent_ref: Option<ParentRef>,
    /// `spec.listeners`.
    pub listeners: Vec<Listener>,
}

/// Which route kind a [`Route`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RouteKind {
    /// `HTTPRoute`
    Http,
    /// `GRPCRoute`
    Grpc,
    /// `TLSRoute`
    Tls,
    /// `TCPRoute`
    Tcp,
}

impl RouteKind {
    /// The `kind` as written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            RouteKind::Http => "HTTPRoute",
            RouteKind::Grpc => "GRPCRoute",
            RouteKind::Tls => "TLSRoute",
            RouteKind::Tcp => "TCPRoute",
        }
    }

    /// Reads a route `kind`.
    pub fn parse(kind: &str) -> Option<RouteKind> {
        match kind {
            "HTTPRoute" => Some(RouteKind::Http),
            "GRPCRoute" => Some(RouteKind::Grpc),
            "TLSRoute" => Some(RouteKind::Tls),
            "TCPRoute" => Some(RouteKind::Tcp),
            _ => None,
        }
    }
}

/// A route's `parentRefs[]` entry, or a ListenerSet's `parentRef`.
#[derive(Clone, Debug)]
pub struct ParentRef {
    /// The referenced object (kind `Gateway`, the Gateway API group, when
    /// not written).
    pub target: ObjectRef,
    /// `sectionName`.
    pub section_name: Option<Spanned<String>>,
    /// `port`.
    pub port: Option<Spanned<u32>>,
}

impl ParentRef {
    pub(super) fn read(node: NodeRef<'_>) -> ParentRef {
        let node = node.resolve();
        ParentRef {
            target: ObjectRef::read(node),
            section_name: spanned(node.get("sectionName")),
            port: crate::model::spanned_u32(node.get("port")),
        }
    }

    /// `kind`, `Gateway` when not written.
    pub fn kind(&self) -> &str {
        self.target.kind_or("Gateway")
    }

    /// `group`, the Gateway API group when not written.
    pub fn group(&self) -> &str {
        self.target.group_or(GROUP)
    }

    /// `namespace`, or `local` when not written.
    pub fn namespace_or<'a>(&'a self, local: &'a str) -> &'a str {
        self.target.namespace_or(local)
    }
}

/// A `backendRefs[]` entry (rules' and filters' `requestMirror` ones).
#[derive(Clone, Debug)]
pub struct BackendRef {
    /// The reference (kind `Service`, group core, when not written).
    pub target: ObjectRef,
    /// `port`.
    pub port: Option<Spanned<u32>>,
    /// `weight` (1 when not written).
    pub weight: i64,
    /// A `requestMirror` filter's backend, not a rule's.
    pub mirror: bool,
}

/// A status entry another controller wrote on a route, kept as Istio keeps it.
#[derive(Clone, Debug)]
pub struct ForeignParent {
    /// `parentRef` as written.
    pub parent_ref: ParentRef,
    /// `controllerName`.
    pub controller_name: String,
    /// `conditions`: type, status, reason, message.
    pub conditions: Vec<[String; 4]>,
}

/// An `HTTPRoute`, `GRPCRoute`, `TLSRoute` or `TCPRoute`.
#[derive(Clone, Debug)]
pub struct Route {
    /// Identity and position.
    pub meta: Meta,
    /// Which kind.
    pub kind: RouteKind,
    /// `spec.parentRefs`.
    pub parent_refs: Vec<ParentRef>,
    /// `spec.hostnames`.
    pub hostnames: Vec<Spanned<String>>,
    /// Every backend of every rule, in order.
    pub backend_refs: Vec<BackendRef>,
    /// Number of `spec.rules`.
    pub rule_count: usize,
    /// Route parents written by other controllers (`status.parents`).
    pub foreign_parents: Vec<ForeignParent>,
}

/// A `ReferenceGrant` (v1beta1, or v1alpha2).
#[derive(Clone, Debug)]
pub struct ReferenceGrant {
    /// Identity and position.
    pub meta: Meta,
    /// `spec.from`: group, kind, namespace.
    pub from: Vec<(String, String, String)>,
    /// `spec.to`: group, kind, optional name.
    pub to: Vec<(String, String, Option<String>)>,
}

impl ReferenceGrant {
    /// Does this grant let `from` (group, kind, namespace) refer to `to`
    /// (group, kind, name) in the grant's own namespace?
    pub fn permits(&self, from: (&str, &str, &str), to: (&str, &str, &str)) -> bool {
        self.from
            .iter()
            .any(|(g, k, ns)| g == from.0 && k == from.1 && ns == from.2)
            && self.to.iter().any(|(g, k, name)| {
                g == to.0 && k == to.1 && name.as_deref().is_none_or(|n| n == to.2)
            })
    }
}

/// A `Namespace` with its labels (for `namespaces.selector`).
#[derive(Clone, Debug)]
pub struct Namespace {
    /// Name.
    pub name: String,
    /// `metadata.labels`.
    pub labels: Labels,
}

/// What a Secret or ConfigMap offers as TLS material, judged by shape:
/// PEM blocks in the right keys (the values themselves are not kept).
#[derive(Clone, Debug)]
pub struct CertSource {
    /// `Secret` or `ConfigMap`.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `tls.crt`/`tls.key` (or `cert`/`key`) both hold PEM blocks.
    pub key_pair: bool,
    /// `ca.crt` (or `cacert`) is present.
    pub has_ca: bool,
    /// That CA holds a PEM certificate.
    pub ca_pem: bool,
}

/// Is `api_version` one of the Gateway API groups'?
pub fn is_gateway_api(api_version: &str) -> bool {
    let group = api_version.split('/').next().unwrap_or_default();
    group == GROUP || group == X_GROUP
}

pub(super) fn listeners(node: Option<NodeRef<'_>>) -> Vec<Listener> {
    items_of(node)
        .enumerate()
        .map(|(i, l)| Listener::read(i, l))
        .collect()
}

pub(super) fn spanned(node: Option<NodeRef<'_>>) -> Option<Spanned<String>> {
    crate::model::spanned_str(node.map(NodeRef::resolve))
}

pub(super) fn str_or_empty(node: NodeRef<'_>, key: &str) -> Spanned<String> {
    spanned(node.get(key)).unwrap_or_else(|| Spanned::new(String::new(), node.span()))
}

pub(super) fn strings(node: Option<NodeRef<'_>>) -> Vec<String> {
    items_of(node)
        .filter_map(|n| n.resolve().as_str().map(str::to_string))
        .collect()
}
