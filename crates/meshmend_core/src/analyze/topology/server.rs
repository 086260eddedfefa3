//! What istiod reads from one server: normalised hosts, SNI names, whether
//! it is a TLS or an HTTP server, and its route name.

use crate::model::{Gateway, Protocol, Server};

/// istiod's `sanitizeServerHostNamespace`: `./h` → `<ns>/h`, `*/h` → `h`.
pub fn normalize_host(host: &str, gateway_namespace: &str) -> String {
    crate::analyze::hosts::sanitize_gateway_host(host, gateway_namespace)
}

/// The server name a (normalised) host becomes in an SNI match
/// (`GetSNIHostsForServer`): the `ns/` prefix is dropped.
pub fn sni_name(host: &str) -> &str {
    host.split_once('/').map_or(host, |(_, name)| name)
}

/// True for `tls.mode` `PASSTHROUGH` / `AUTO_PASSTHROUGH`.
pub fn is_passthrough(server: &Server) -> bool {
    server
        .tls
        .as_ref()
        .and_then(|t| t.mode.as_ref())
        .is_some_and(|m| matches!(m.value.as_str(), "PASSTHROUGH" | "AUTO_PASSTHROUGH"))
}

/// istiod's `IsTLSServer`: a `tls` block on a non-HTTP-family protocol.
pub fn is_tls_server(server: &Server) -> bool {
    server.tls.is_some() && !server.protocol().is_http()
}

/// istiod's `IsHTTPServer`: HTTP-family, or HTTPS that terminates TLS.
pub fn is_http_server(server: &Server) -> bool {
    let protocol = server.protocol();
    protocol.is_http()
        || (protocol == Protocol::Https && server.tls.is_some() && !is_passthrough(server))
}

/// istiod's `gatewayRDSRouteName`; `None` for TCP, TLS and passthrough.
pub(super) fn route_name(gateway: &Gateway, server: &Server, resolved: u32) -> Option<String> {
    let bind = server
        .bind
        .as_ref()
        .map(|b| format!(".{}", b.value))
        .unwrap_or_default();
    let protocol = server.protocol();
    if protocol.is_http() {
        return Some(format!("http.{resolved}{bind}"));
    }
    if protocol == Protocol::Https && !is_passthrough(server) {
        let port_name = server
            .port
            .as_ref()
            .and_then(|p| p.name.as_ref())
            .map_or("", |n| n.value.as_str());
        return Some(format!(
            "https.{}.{port_name}.{}.{}{bind}",
            server.port_number().unwrap_or(resolved),
            gateway.name.value,
            gateway.namespace
        ));
    }
    None
}
