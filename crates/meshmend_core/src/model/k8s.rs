//! Typed views over Kubernetes `Service`, workloads and `Secret`, and over the
//! gateway installs that Helm values and `IstioOperator` describe (which
//! render a Service and a Deployment, so they become both here).

use super::tree::NodeRef;
use super::{Labels, Model, Resource, read_labels, spanned_i64, spanned_str};
use crate::span::{Span, Spanned};

/// Synthetic kind for a recognised Helm values file.
pub const HELM_VALUES: &str = "HelmValues";

/// Service label that makes istiod skip the Service when it translates the
/// ports of label-selected Gateways (`DisableGatewayPortTranslationLabel`
/// in istiod's `pilot/pkg/model/gateway.go`; only its presence counts).
/// Knative sets it on `knative-local-gateway`.
pub const DISABLE_PORT_TRANSLATION_LABEL: &str =
    "experimental.istio.io/disable-gateway-port-translation";

/// Where a Service definition came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceOrigin {
    /// A `kind: Service` manifest.
    Manifest,
    /// Values for the `istio/gateway` chart.
    GatewayChart,
    /// Values for the legacy `gateways.istio-ingressgateway` chart, or the
    /// old umbrella chart's `gateways` subchart (`istio-ingressgateway:` at the top).
    LegacyGatewaysChart,
    /// An `IstioOperator` `spec.components.ingressGateways[]` entry.
    IstioOperator,
}

/// `targetPort`: a number or a named container port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetPort {
    /// A container port number.
    Number(u32),
    /// A named container port.
    Name(String),
}

/// One entry of `spec.ports`.
#[derive(Clone, Debug)]
pub struct ServicePort {
    /// The port mapping (or the Service's span for defaulted ports).
    pub span: Span,
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `port`.
    pub port: Option<Spanned<u32>>,
    /// `targetPort`.
    pub target_port: Option<Spanned<TargetPort>>,
    /// `nodePort`, as written (may be out of range).
    pub node_port: Option<Spanned<i64>>,
    /// `protocol` as written (`None` when omitted; Kubernetes defaults to TCP).
    pub protocol: Option<Spanned<String>>,
}

impl ServicePort {
    /// Protocol with the Kubernetes default applied.
    pub fn protocol(&self) -> &str {
        self.protocol.as_ref().map_or("TCP", |p| p.value.as_str())
    }

    /// The container port traffic lands on: numeric `targetPort`, else `port`.
    pub fn resolved_target(&self) -> Option<u32> {
        match self.target_port.as_ref().map(|t| &t.value) {
            Some(TargetPort::Number(n)) if *n != 0 => Some(*n),
            _ => self.port.as_ref().map(|p| p.value),
        }
    }
}

/// A Service, from a manifest or rendered from gateway install values.
#[derive(Clone, Debug)]
pub struct Service {
    /// Index in [`Bundle::resources`](super::Bundle).
    pub resource: usize,
    /// File index.
    pub file: usize,
    /// Where it came from.
    pub origin: ServiceOrigin,
    /// Service name.
    pub name: Spanned<String>,
    /// Effective namespace.
    pub namespace: String,
    /// `spec.type` (or the values' `service.type` / `type`).
    pub service_type: Option<Spanned<String>>,
    /// `spec.selector`.
    pub selector: Labels,
    /// `spec.ports`.
    pub ports: Vec<ServicePort>,
    /// Span of the `ports:` sequence, when written.
    pub ports_span: Option<Span>,
    /// `spec.allocateLoadBalancerNodePorts` (default true).
    pub allocate_load_balancer_node_ports: bool,
    /// Default type when `service_type` is absent.
    pub default_type: &'static str,
    /// `metadata.labels` (empty for the Services that install values imply).
    pub labels: Labels,
    /// `metadata.creationTimestamp`: istiod orders a proxy's Services by it.
    pub creation_timestamp: Option<String>,
}

impl Service {
    pub(crate) fn read(index: usize, resource: &Resource, node: NodeRef<'_>) -> Service {
        let spec = node.get("spec");
        let ports = spec.and_then(|s| s.get("ports"));
        Service {
            resource: index,
            file: resource.file,
            origin: ServiceOrigin::Manifest,
            name: resource.name.clone(),
            namespace: resource.namespace.clone(),
            service_type: spanned_str(spec.and_then(|s| s.get("type"))),
            selector: read_labels(spec.and_then(|s| s.get("selector"))),
            ports: ports
                .into_iter()
                .flat_map(NodeRef::items)
                .map(|port| read_port(port, false))
                .collect(),
            ports_span: ports.map(NodeRef::span),
            allocate_load_balancer_node_ports: spec
                .and_then(|s| s.get_str("allocateLoadBalancerNodePorts"))
                != Some("false"),
            default_type: "ClusterIP",
            labels: read_labels(node.path(&["metadata", "labels"])),
            creation_timestamp: resource.creation_timestamp.clone(),
        }
    }

    /// True when istiod leaves this Service out of Gateway port translation.
    pub fn disables_port_translation(&self) -> bool {
        self.labels.contains_key(DISABLE_PORT_TRANSLATION_LABEL)
    }

    /// The order istiod keeps a proxy's Services in (`Proxy.SetServiceTargets`):
    /// creation time, then hostname (`<name>.<namespace>.svc…`; compared as a
    /// whole, so `a-b` sorts before `a`). Services without a timestamp sort as
    /// if created together, like Gateways.
    pub fn precedence_key(&self) -> (&str, String) {
        (
            self.creation_timestamp.as_deref().unwrap_or(""),
            format!("{}.{}.svc", self.name.value, self.namespace),
        )
    }

    /// Effective `type`.
    pub fn service_type(&self) -> &str {
        self.service_type
            .as_ref()
            .map_or(self.default_type, |t| t.value.as_str())
    }

    /// True when Kubernetes allocates node ports for this Service.
    pub fn takes_node_ports(&self) -> bool {
        match self.service_type() {
            "NodePort" => true,
            "LoadBalancer" => self.allocate_load_balancer_node_ports,
            _ => false,
        }
    }

    /// The mapping that holds this Service's spec fields as written: `spec`
    /// of a manifest, `service` of `istio/gateway` values. `None` for the
    /// Services that legacy chart values and `IstioOperator` only imply.
    pub fn spec_node<'b>(&self, bundle: &'b super::Bundle) -> Option<NodeRef<'b>> {
        let node = bundle.node(&bundle.resources[self.resource]);
        match self.origin {
            ServiceOrigin::Manifest => node.get("spec"),
            ServiceOrigin::GatewayChart => node.get("service"),
            ServiceOrigin::LegacyGatewaysChart | ServiceOrigin::IstioOperator => None,
        }
    }
}

/// A Pod or a pod-creating workload (Deployment, StatefulSet, DaemonSet, ReplicaSet).
#[derive(Clone, Debug)]
pub struct Workload {
    /// Index in [`Bundle::resources`](super::Bundle).
    pub resource: usize,
    /// File index.
    pub file: usize,
    /// `Pod`, `Deployment`, … (or the values kind for rendered gateways).
    pub kind: String,
    /// Name.
    pub name: Spanned<String>,
    /// Effective namespace.
    pub namespace: String,
    /// Labels its pods carry.
    pub labels: Labels,
    /// Span of those labels.
    pub labels_span: Option<Span>,
}

impl Workload {
    pub(crate) fn read(index: usize, resource: &Resource, node: NodeRef<'_>) -> Option<Workload> {
        let labels = if resource.kind.value == "Pod" {
            node.path(&["metadata", "labels"])
        } else {
            node.path(&["spec", "template", "metadata", "labels"])
        }?;
        Some(Workload {
            resource: index,
            file: resource.file,
            kind: resource.kind.value.clone(),
            name: resource.name.clone(),
            namespace: resource.namespace.clone(),
            labels: read_labels(Some(labels)),
            labels_span: Some(labels.span()),
        })
    }
}

/// A Kubernetes `Secret`: names of keys only, never values.
#[derive(Clone, Debug)]
pub struct Secret {
    /// Index in [`Bundle::resources`](super::Bundle).
    pub resource: usize,
    /// Name.
    pub name: Spanned<String>,
    /// Effective namespace.
    pub namespace: String,
    /// `type`.
    pub secret_type: Option<String>,
    /// Keys under `data` and `stringData`.
    pub keys: Vec<Spanned<String>>,
}

impl Secret {
    pub(crate) fn read(index: usize, resource: &Resource, node: NodeRef<'_>) -> Secret {
        let keys = ["data", "stringData"]
            .into_iter()
            .filter_map(|section| node.get(section))
            .flat_map(NodeRef::entries)
            .filter_map(|(k, _)| Some(Spanned::new(k.as_str()?.to_string(), k.span())))
            .collect();
        Secret {
            resource: index,
            name: resource.name.clone(),
            namespace: resource.namespace.clone(),
            secret_type: node.get_str("type").map(str::to_string),
            keys,
        }
    }
}

/// One `ports[]` entry. `quoted_ok`: Helm values and `IstioOperator`
/// entries, which the legacy charts print unquoted (`{{ $pval }}`), so
/// `"443"` arrives as 443; a manifest's `"443"` is refused (MM003).
fn read_port(node: NodeRef<'_>, quoted_ok: bool) -> ServicePort {
    let node = node.resolve();
    let number = |key: &str| {
        let value = spanned_i64(node.get(key), quoted_ok)?;
        Some(Spanned::new(u32::try_from(value.value).ok()?, value.span))
    };
    ServicePort {
        span: node.span(),
        name: spanned_str(node.get("name")),
        port: number("port"),
        target_port: node.get("targetPort").and_then(|t| {
            let value = match spanned_i64(Some(t), quoted_ok) {
                Some(n) => TargetPort::Number(u32::try_from(n.value).ok()?),
                None => TargetPort::Name(t.as_str()?.to_string()),
            };
            Some(Spanned::new(value, t.span()))
        }),
        node_port: spanned_i64(node.get("nodePort"), quoted_ok),
        protocol: spanned_str(node.get("protocol")),
    }
}

/// Recognises a values file for Istio's gateway charts (no `kind`), and names it.
pub(crate) fn helm_values_identity(
    root: NodeRef<'_>,
) -> Option<(Spanned<String>, Spanned<String>)> {
    if let Some((gateways, subchart)) = legacy_gateways(root) {
        let (key, _) = gateways.entries().find(|(k, v)| {
            v.is_mapping() && (!subchart || k.as_str().is_some_and(is_subchart_gateway_key))
        })?;
        return Some((
            Spanned::new(HELM_VALUES.to_string(), key.span()),
            Spanned::new(key.as_str()?.to_string(), key.span()),
        ));
    }
    let service = root.get("service").filter(|s| s.is_mapping())?;
    if service.get("ports").is_none() && service.get("type").is_none() {
        return None;
    }
    let name = match root.get("name") {
        Some(n) => Spanned::new(n.as_str()?.to_string(), n.span()),
        None => Spanned::new("istio-ingressgateway".to_string(), service.span()),
    };
    Some((Spanned::new(HELM_VALUES.to_string(), service.span()), name))
}

/// The mapping that holds legacy chart gateway entries: `gateways:` of the
/// umbrella chart's values (`gateways.istio-ingressgateway`), or the root of
/// the `gateways` subchart's own `values.yaml` (`istio-ingressgateway:` at
/// the top, Istio ≤ 1.4), flagged `true`.
fn legacy_gateways(root: NodeRef<'_>) -> Option<(NodeRef<'_>, bool)> {
    if let Some(gateways) = root.get("gateways").filter(|g| g.is_mapping()) {
        return Some((gateways, false));
    }
    let subchart = root.entries().any(|(k, v)| {
        v.is_mapping()
            && k.as_str().is_some_and(is_subchart_gateway_key)
            && ["labels", "ports", "type"]
                .iter()
                .any(|field| v.get(field).is_some())
    });
    subchart.then_some((root, true))
}

/// A top-level key of the `gateways` subchart that describes a gateway
/// (`istio-ingressgateway`, `istio-egressgateway`, `istio-ilbgateway`, or a
/// custom `*-gateway`); `global`, `enabled` and the like are not.
fn is_subchart_gateway_key(key: &str) -> bool {
    key.ends_with("gateway")
}

/// Where `k8s.overlays` patches change selector matching: the pod labels
/// of the gateway's Deployment and the selector of its Service.
const POD_LABELS: (&str, &[&str]) = ("Deployment", &["spec", "template", "metadata", "labels"]);
const SERVICE_SELECTOR: (&str, &[&str]) = ("Service", &["spec", "selector"]);

/// The label map at `target` of an `IstioOperator` gateway's rendered
/// object after its `k8s.overlays` patches (`kind`, `name:` the gateway
/// name; istio's `applyPatches`: a `value` sets the path, no value deletes
/// it). Only patches of that map or one of its keys count; other patches
/// (containers, HPA, annotations, …) are ignored. `None` when nothing
/// patches it.
fn overlay_labels(
    gateway: NodeRef<'_>,
    name: &str,
    (kind, prefix): (&str, &[&str]),
    labels: &Labels,
) -> Option<Labels> {
    let mut out: Option<Labels> = None;
    let overlays = gateway.path(&["k8s", "overlays"]);
    for overlay in overlays.into_iter().flat_map(NodeRef::items) {
        if overlay.get_str("kind") != Some(kind) || overlay.get_str("name") != Some(name) {
            continue;
        }
        for patch in overlay.get("patches").into_iter().flat_map(NodeRef::items) {
            let Some(path) = patch.get_str("path") else {
                continue;
            };
            let segments = split_patch_path(path);
            if segments.len() < prefix.len() || !segments.iter().zip(prefix).all(|(a, b)| a == b) {
                continue;
            }
            let value = patch.get("value").filter(|v| !v.is_null());
            let current = out.get_or_insert_with(|| labels.clone());
            match (&segments[prefix.len()..], value) {
                ([], Some(map)) if map.is_mapping() => *current = super::read_labels(Some(map)),
                ([], None) => current.clear(),
                ([key], Some(v)) => {
                    if let Some(text) = v.as_str() {
                        current.insert(key.clone(), text.to_string());
                    }
                }
                ([key], None) => {
                    current.remove(key);
                }
                _ => {}
            }
        }
    }
    out
}

/// istio's `PathFromString`: `.`-separated, `\.` escapes a dot (label keys
/// such as `app\.kubernetes\.io/name`), empty segments dropped.
fn split_patch_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                current.push('.');
                chars.next();
            }
            '.' => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.retain(|s| !s.is_empty());
    out
}

/// Default ports of the legacy charts and IstioOperator ingress gateways.
const LEGACY_DEFAULT_PORTS: [(&str, u32, u32); 3] = [
    ("status-port", 15021, 15021),
    ("http2", 80, 8080),
    ("https", 443, 8443),
];
/// Default ports of the `istio/gateway` chart.
const CHART_DEFAULT_PORTS: [(&str, u32, u32); 3] = [
    ("status-port", 15021, 15021),
    ("http2", 80, 80),
    ("https", 443, 443),
];

fn default_ports(span: Span, ports: &[(&str, u32, u32)]) -> Vec<ServicePort> {
    ports
        .iter()
        .map(|&(name, port, target)| ServicePort {
            span,
            name: Some(Spanned::new(name.to_string(), span)),
            port: Some(Spanned::new(port, span)),
            target_port: Some(Spanned::new(TargetPort::Number(target), span)),
            node_port: None,
            protocol: Some(Spanned::new("TCP".to_string(), span)),
        })
        .collect()
}

struct Install<'a> {
    origin: ServiceOrigin,
    name: Spanned<String>,
    namespace: String,
    /// The gateway labels: the Service selects by their `app`/`istio` pairs.
    labels: Labels,
    /// The pods' labels, when overlays patch them apart from `labels`.
    pod_labels: Option<Labels>,
    /// The `IstioOperator` gateway entry, whose overlays may patch the
    /// Service selector.
    operator_entry: Option<NodeRef<'a>>,
    labels_span: Option<Span>,
    service_type: Option<Spanned<String>>,
    ports: Option<NodeRef<'a>>,
    anchor: Span,
    defaults: &'static [(&'static str, u32, u32)],
}

/// Reads gateway installs from Helm values or an `IstioOperator` into
/// rendered Services and Workloads.
pub(crate) fn read_gateway_installs(
    index: usize,
    resource: &Resource,
    node: NodeRef<'_>,
    model: &mut Model,
) {
    let mut installs = Vec::new();
    if resource.kind.value == "IstioOperator" {
        let gateways = node.path(&["spec", "components", "ingressGateways"]);
        for gateway in gateways.into_iter().flat_map(NodeRef::items) {
            if gateway.get_str("enabled") == Some("false") {
                continue;
            }
            let name = spanned_str(gateway.get("name"))
                .unwrap_or_else(|| Spanned::new("istio-ingressgateway".into(), gateway.span()));
            let label = gateway.get("label");
            let mut labels = read_labels(label);
            if label.is_none() {
                labels.insert("app".into(), "istio-ingressgateway".into());
                labels.insert("istio".into(), "ingressgateway".into());
            }
            let service = gateway.path(&["k8s", "service"]);
            let pod_labels = overlay_labels(gateway, &name.value, POD_LABELS, &labels);
            installs.push(Install {
                origin: ServiceOrigin::IstioOperator,
                namespace: gateway
                    .get_str("namespace")
                    .unwrap_or("istio-system")
                    .to_string(),
                name,
                labels,
                pod_labels,
                operator_entry: Some(gateway),
                labels_span: label.map(NodeRef::span),
                service_type: spanned_str(service.and_then(|s| s.get("type"))),
                ports: service.and_then(|s| s.get("ports")),
                anchor: gateway.span(),
                defaults: &LEGACY_DEFAULT_PORTS,
            });
        }
    } else if let Some((gateways, subchart)) = legacy_gateways(node) {
        let chart_enabled = gateways.get_str("enabled") != Some("false");
        for (key, gateway) in gateways.entries().filter(|_| chart_enabled) {
            let Some(key_name) = key.as_str() else {
                continue;
            };
            if !gateway.is_mapping()
                || gateway.get_str("enabled") == Some("false")
                || (subchart && !is_subchart_gateway_key(key_name))
            {
                continue;
            }
            let labels_node = gateway.get("labels");
            let mut labels = read_labels(labels_node);
            if labels_node.is_none() && key_name == "istio-ingressgateway" {
                labels.insert("app".into(), "istio-ingressgateway".into());
                labels.insert("istio".into(), "ingressgateway".into());
            }
            installs.push(Install {
                origin: ServiceOrigin::LegacyGatewaysChart,
                name: spanned_str(gateway.get("name"))
                    .unwrap_or_else(|| Spanned::new(key_name.to_string(), key.span())),
                // The subchart renders `$spec.namespace | default .Release.Namespace`.
                namespace: gateway
                    .get_str("namespace")
                    .filter(|_| subchart)
                    .unwrap_or(&resource.namespace)
                    .to_string(),
                labels,
                pod_labels: None,
                operator_entry: None,
                labels_span: labels_node.map(NodeRef::span),
                service_type: spanned_str(gateway.get("type")),
                ports: gateway.get("ports"),
                anchor: key.span(),
                defaults: &LEGACY_DEFAULT_PORTS,
            });
        }
    } else if let Some(service) = node.get("service") {
        let name = resource.name.clone();
        let labels_node = node.get("labels");
        let mut labels = Labels::new();
        labels.insert("app".into(), name.value.clone());
        let short = name.value.strip_prefix("istio-").unwrap_or(&name.value);
        labels.insert("istio".into(), short.to_string());
        labels.extend(read_labels(labels_node));
        installs.push(Install {
            origin: ServiceOrigin::GatewayChart,
            name,
            namespace: resource.namespace.clone(),
            labels,
            pod_labels: None,
            operator_entry: None,
            labels_span: labels_node.map(NodeRef::span),
            service_type: spanned_str(service.get("type")),
            ports: service.get("ports"),
            anchor: service.span(),
            defaults: &CHART_DEFAULT_PORTS,
        });
    }
    for install in installs {
        let selector: Labels = crate::sort::btree(
            install
                .labels
                .iter()
                .filter(|(k, _)| matches!(k.as_str(), "app" | "istio"))
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let selector = if selector.is_empty() {
            install.labels.clone()
        } else {
            selector
        };
        let selector = install
            .operator_entry
            .and_then(|entry| {
                overlay_labels(entry, &install.name.value, SERVICE_SELECTOR, &selector)
            })
            .unwrap_or(selector);
        model.services.push(Service {
            resource: index,
            file: resource.file,
            origin: install.origin,
            name: install.name.clone(),
            namespace: install.namespace.clone(),
            service_type: install.service_type,
            selector,
            ports: match install.ports {
                Some(ports) => ports.items().map(|port| read_port(port, true)).collect(),
                None => default_ports(install.anchor, install.defaults),
            },
            ports_span: install.ports.map(NodeRef::span),
            allocate_load_balancer_node_ports: true,
            default_type: "LoadBalancer",
            labels: Labels::new(),
            creation_timestamp: None,
        });
        model.workloads.push(Workload {
            resource: index,
            file: resource.file,
            kind: resource.kind.value.clone(),
            name: install.name,
            namespace: install.namespace,
            labels: install.pod_labels.unwrap_or(install.labels),
            labels_span: install.labels_span,
        });
    }
}
