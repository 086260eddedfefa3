//! Host-name semantics shared by the VirtualService ↔ Gateway rules, the
//! `--istio-compat` analyzers and the Gateway API status prediction (route
//! hostnames against listener hosts), modelled on Istio's `pkg/config/host`.
//! It uses nothing of the crate but `span`, so it sits in the lowest layers.
//!
//! - [`matches`] is `host.Name.Matches`: a symmetric wildcard overlap
//!   (`*.com` ~ `foo.com`, `*` ~ anything, `*.foo.com` !~ `foo.com`).
//! - [`sanitize_gateway_host`] is istiod's `sanitizeServerHostNamespace`:
//!   `./h` → `<gateway ns>/h`, `*/h` → `h`, `*/*` → `*`.
//! - [`for_namespace`] is `host.NamesForNamespace`: a `ns/h` host is kept
//!   (as `h`) only for VirtualServices in `ns` (or any namespace for `*/`).

use crate::span::Spanned;

/// The hosts as written, joined with `separator` (for messages).
pub(crate) fn joined(hosts: &[Spanned<String>], separator: &str) -> String {
    let written: Vec<&str> = hosts.iter().map(|h| h.value.as_str()).collect();
    written.join(separator)
}

/// True when the two host names overlap, as Istio's `host.Name.Matches`.
pub(crate) fn matches(a: &str, b: &str) -> bool {
    match (a.strip_prefix('*'), b.strip_prefix('*')) {
        (Some(a_suffix), Some(b_suffix)) => {
            if a_suffix.len() < b_suffix.len() {
                b_suffix.ends_with(a_suffix)
            } else {
                a_suffix.ends_with(b_suffix)
            }
        }
        (Some(a_suffix), None) => b.ends_with(a_suffix),
        (None, Some(b_suffix)) => a.ends_with(b_suffix),
        (None, None) => a == b,
    }
}

/// A Gateway server host with `./` and `*/` normalised the way istiod does
/// before it compares hosts. `otherns/h` and bare hosts are unchanged.
pub(crate) fn sanitize_gateway_host(host: &str, gateway_namespace: &str) -> String {
    match host.split_once('/') {
        Some((".", name)) => format!("{gateway_namespace}/{name}"),
        Some(("*", name)) => name.to_string(),
        _ => host.to_string(),
    }
}

/// The host as a VirtualService in `namespace` sees it: `None` when a `ns/`
/// prefix names another namespace, else the host without its prefix.
pub(crate) fn for_namespace<'a>(host: &'a str, namespace: &str) -> Option<&'a str> {
    match host.split_once('/') {
        Some((ns, name)) if ns == namespace || ns == "*" => Some(name),
        Some(_) => None,
        None => Some(host),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_overlap_symmetrically() {
        assert!(matches("*", "anything.example.com"));
        assert!(matches("*.example.com", "a.example.com"));
        assert!(matches("a.example.com", "*.example.com"));
        assert!(matches("*.com", "*.example.com"));
        assert!(matches("*.example.com", "*.com"));
        assert!(!matches("*.example.com", "example.com"));
        assert!(!matches("a.example.com", "b.example.com"));
        assert!(matches("a.example.com", "a.example.com"));
    }

    #[test]
    fn gateway_hosts_are_sanitised_like_istiod() {
        assert_eq!(
            sanitize_gateway_host("./a.com", "istio-system"),
            "istio-system/a.com"
        );
        assert_eq!(sanitize_gateway_host("*/a.com", "istio-system"), "a.com");
        assert_eq!(sanitize_gateway_host("*/*", "istio-system"), "*");
        assert_eq!(
            sanitize_gateway_host("shop/a.com", "istio-system"),
            "shop/a.com"
        );
        assert_eq!(sanitize_gateway_host("a.com", "istio-system"), "a.com");
    }

    #[test]
    fn namespace_prefixes_filter_by_virtualservice_namespace() {
        assert_eq!(for_namespace("shop/a.com", "shop"), Some("a.com"));
        assert_eq!(for_namespace("shop/a.com", "default"), None);
        assert_eq!(for_namespace("*/a.com", "default"), Some("a.com"));
        assert_eq!(for_namespace("a.com", "default"), Some("a.com"));
    }
}
