//! Typed views over Istio `Gateway` and `VirtualService` (v1alpha3, v1beta1, v1).

use super::tree::NodeRef;
use super::{Labels, Resource, read_crd_labels, spanned_str, spanned_u32};
use crate::span::{Span, Spanned};

/// A server's protocol, classified the way istiod's `protocol` package does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `HTTP`
    Http,
    /// `HTTP2`
    Http2,
    /// `GRPC`
    Grpc,
    /// `GRPC-WEB`
    GrpcWeb,
    /// `HTTPS` (TLS termination, HTTP inside)
    Https,
    /// `TLS` (TLS, opaque inside)
    Tls,
    /// `TCP`
    Tcp,
    /// `MONGO`, `REDIS`, `MYSQL` and other opaque protocols.
    Other,
}

impl Protocol {
    /// Parses a protocol name case-insensitively; unknown names are `Other`.
    pub fn parse(name: &str) -> Protocol {
        match name.to_ascii_uppercase().as_str() {
            "HTTP" => Protocol::Http,
            "HTTP2" => Protocol::Http2,
            "GRPC" => Protocol::Grpc,
            "GRPC-WEB" => Protocol::GrpcWeb,
            "HTTPS" => Protocol::Https,
            "TLS" => Protocol::Tls,
            "TCP" => Protocol::Tcp,
            _ => Protocol::Other,
        }
    }

    /// Plain HTTP family: these merge into one `http.<port>` route table.
    pub fn is_http(self) -> bool {
        matches!(
            self,
            Protocol::Http | Protocol::Http2 | Protocol::Grpc | Protocol::GrpcWeb
        )
    }

    /// TLS family: these become SNI filter chains.
    pub fn is_tls(self) -> bool {
        matches!(self, Protocol::Https | Protocol::Tls)
    }
}

/// `servers[].port`.
#[derive(Clone, Debug)]
pub struct ServerPort {
    /// The whole `port:` value.
    pub span: Span,
    /// `number`.
    pub number: Option<Spanned<u32>>,
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `protocol` as written.
    pub protocol: Option<Spanned<String>>,
}

impl ServerPort {
    /// Classified protocol (`HTTP` when missing, as Istio defaults it).
    pub fn protocol(&self) -> Protocol {
        self.protocol
            .as_ref()
            .map_or(Protocol::Http, |p| Protocol::parse(&p.value))
    }
}

/// `servers[].tls`.
#[derive(Clone, Debug)]
pub struct Tls {
    /// The whole `tls:` value.
    pub span: Span,
    /// `mode` (`SIMPLE`, `MUTUAL`, `PASSTHROUGH`, …).
    pub mode: Option<Spanned<String>>,
    /// `credentialName`.
    pub credential_name: Option<Spanned<String>>,
    /// `httpsRedirect: true`.
    pub https_redirect: bool,
    /// `serverCertificate` file path.
    pub server_certificate: Option<Spanned<String>>,
    /// `privateKey` file path.
    pub private_key: Option<Spanned<String>>,
}

/// One `servers[]` entry.
#[derive(Clone, Debug)]
pub struct Server {
    /// Position in `servers`.
    pub index: usize,
    /// The whole server mapping.
    pub span: Span,
    /// `port`.
    pub port: Option<ServerPort>,
    /// `hosts` entries.
    pub hosts: Vec<Spanned<String>>,
    /// The `hosts:` sequence.
    pub hosts_span: Option<Span>,
    /// `bind`.
    pub bind: Option<Spanned<String>>,
    /// `tls`.
    pub tls: Option<Tls>,
    /// `name` (optional server name; must be unique when set).
    pub name: Option<Spanned<String>>,
}

impl Server {
    /// `port.number`, if written.
    pub fn port_number(&self) -> Option<u32> {
        self.port.as_ref()?.number.as_ref().map(|n| n.value)
    }

    /// Classified protocol.
    pub fn protocol(&self) -> Protocol {
        self.port
            .as_ref()
            .map_or(Protocol::Http, ServerPort::protocol)
    }

    /// `bind`, or empty for the wildcard address.
    pub fn bind(&self) -> &str {
        self.bind.as_ref().map_or("", |b| b.value.as_str())
    }

    /// Has a `tls` block (including `httpsRedirect`-only ones, which istiod
    /// treats as TLS for host-duplicate checks).
    pub fn has_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// `tls.credentialName`.
    pub fn credential_name(&self) -> Option<&str> {
        self.tls
            .as_ref()?
            .credential_name
            .as_ref()
            .map(|c| c.value.as_str())
    }

    /// A span to point at for this server: its port if written.
    pub fn anchor_span(&self) -> Span {
        self.port
            .as_ref()
            .map_or(self.span, |p| p.number.as_ref().map_or(p.span, |n| n.span))
    }
}

/// An Istio `Gateway`.
#[derive(Clone, Debug)]
pub struct Gateway {
    /// Index in [`Bundle::resources`](super::Bundle).
    pub resource: usize,
    /// File index.
    pub file: usize,
    /// `metadata.name`.
    pub name: Spanned<String>,
    /// Effective namespace.
    pub namespace: String,
    /// `metadata.creationTimestamp`.
    pub creation_timestamp: Option<String>,
    /// `spec.selector`; `None` when absent (applies to every gateway proxy).
    pub selector: Option<Labels>,
    /// Span of `spec.selector`.
    pub selector_span: Option<Span>,
    /// `spec.servers`.
    pub servers: Vec<Server>,
    /// Span of the `servers:` sequence.
    pub servers_span: Option<Span>,
}

impl Gateway {
    pub(crate) fn read(index: usize, resource: &Resource, node: NodeRef<'_>) -> Gateway {
        let spec = node.get("spec");
        let selector = spec.and_then(|s| s.get("selector"));
        let servers = spec.and_then(|s| s.get("servers"));
        let mut read_servers: Vec<Server> = servers
            .into_iter()
            .flat_map(NodeRef::items)
            .enumerate()
            .map(|(i, s)| read_server(i, s))
            .collect();
        // A collected Vec starts at four slots; most Gateways have one or
        // two servers of several hundred bytes each (issue 15: memory).
        read_servers.shrink_to_fit();
        Gateway {
            resource: index,
            file: resource.file,
            name: resource.name.clone(),
            namespace: resource.namespace.clone(),
            creation_timestamp: resource.creation_timestamp.clone(),
            selector: selector
                .filter(|s| !s.is_null())
                .map(|s| read_crd_labels(Some(s))),
            selector_span: selector.map(NodeRef::span),
            servers: read_servers,
            servers_span: servers.map(NodeRef::span),
        }
    }

    /// `namespace/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name.value)
    }

    /// The order istiod merges Gateways in: creation time, then name, then
    /// namespace. Gateways without a timestamp sort as if created together.
    pub fn precedence_key(&self) -> (&str, &str, &str) {
        (
            self.creation_timestamp.as_deref().unwrap_or(""),
            &self.name.value,
            &self.namespace,
        )
    }
}

fn read_server(index: usize, node: NodeRef<'_>) -> Server {
    let node = node.resolve();
    let port = node.get("port").map(|p| ServerPort {
        span: p.span(),
        number: spanned_u32(p.get("number")),
        name: spanned_str(p.get("name")),
        protocol: spanned_str(p.get("protocol")),
    });
    let hosts = node.get("hosts");
    let tls = node.get("tls").filter(|t| t.is_mapping()).map(|t| Tls {
        span: t.span(),
        mode: spanned_str(t.get("mode")),
        credential_name: spanned_str(t.get("credentialName")),
        https_redirect: t.get_str("httpsRedirect") == Some("true"),
        server_certificate: spanned_str(t.get("serverCertificate")),
        private_key: spanned_str(t.get("privateKey")),
    });
    Server {
        index,
        span: node.span(),
        port,
        hosts: hosts
            .into_iter()
            .flat_map(NodeRef::items)
            .filter_map(|h| spanned_str(Some(h)))
            .collect(),
        hosts_span: hosts.map(NodeRef::span),
        bind: spanned_str(node.get("bind")),
        tls,
        name: spanned_str(node.get("name")),
    }
}

/// An Istio `VirtualService` (only what gateway binding needs).
#[derive(Clone, Debug)]
pub struct VirtualService {
    /// Index in [`Bundle::resources`](super::Bundle).
    pub resource: usize,
    /// File index.
    pub file: usize,
    /// `metadata.name`.
    pub name: Spanned<String>,
    /// Effective namespace.
    pub namespace: String,
    /// `spec.hosts`.
    pub hosts: Vec<Spanned<String>>,
    /// `spec.gateways` entries; empty when absent (then it binds to `mesh`).
    pub gateways: Vec<Spanned<String>>,
    /// Span of the `gateways:` sequence, when written.
    pub gateways_span: Option<Span>,
    /// `spec.exportTo`; empty means exported everywhere.
    pub export_to: Vec<String>,
}

impl VirtualService {
    pub(crate) fn read(index: usize, resource: &Resource, node: NodeRef<'_>) -> VirtualService {
        let spec = node.get("spec");
        let list = |key: &str| -> Vec<Spanned<String>> {
            spec.and_then(|s| s.get(key))
                .into_iter()
                .flat_map(NodeRef::items)
                .filter_map(|h| spanned_str(Some(h)))
                .collect()
        };
        VirtualService {
            resource: index,
            file: resource.file,
            name: resource.name.clone(),
            namespace: resource.namespace.clone(),
            hosts: list("hosts"),
            gateways: list("gateways"),
            gateways_span: spec.and_then(|s| s.get("gateways")).map(NodeRef::span),
            export_to: list("exportTo").into_iter().map(|e| e.value).collect(),
        }
    }

    /// `namespace/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name.value)
    }
}

/// Resolves a VirtualService `gateways:` entry to `namespace/name` the way
/// istiod's `resolveGatewayName` does: `name` and `./name` → the VS
/// namespace; `ns/name` kept; legacy `name.ns[.svc.cluster.local]` → `ns/name`.
/// Returns `None` for `mesh`.
pub fn resolve_gateway_reference(reference: &str, vs_namespace: &str) -> Option<(String, String)> {
    if reference == "mesh" {
        return None;
    }
    if let Some((ns, name)) = reference.split_once('/') {
        let ns = if ns == "." { vs_namespace } else { ns };
        return Some((ns.to_string(), name.to_string()));
    }
    let short = reference
        .strip_suffix(".svc.cluster.local")
        .unwrap_or(reference);
    if let Some((name, ns)) = short.split_once('.') {
        return Some((ns.to_string(), name.to_string()));
    }
    Some((vs_namespace.to_string(), reference.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_references_resolve_like_istiod() {
        let ns = |r| resolve_gateway_reference(r, "shop");
        assert_eq!(ns("gw"), Some(("shop".into(), "gw".into())));
        assert_eq!(ns("./gw"), Some(("shop".into(), "gw".into())));
        assert_eq!(
            ns("istio-system/gw"),
            Some(("istio-system".into(), "gw".into()))
        );
        assert_eq!(
            ns("gw.istio-system.svc.cluster.local"),
            Some(("istio-system".into(), "gw".into()))
        );
        assert_eq!(ns("mesh"), None);
    }
}
