//! MM402 `virtualservice-host-not-in-gateway`: a VirtualService shares no host
//! with a Gateway it is bound to, or is not visible to that Gateway's proxies.

use crate::hash::HashMap;
use std::collections::BTreeSet;

use crate::analyze::Context;
use crate::analyze::hosts;
use crate::diagnostic::Diagnostic;
use crate::model::istio::resolve_gateway_reference;
use crate::model::{Gateway, VirtualService};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    let mut gateways: HashMap<(&str, &str), &Gateway> = HashMap::default();
    for gateway in &model.gateways {
        gateways
            .entry((gateway.namespace.as_str(), gateway.name.value.as_str()))
            .or_insert(gateway);
    }
    for vs in &model.virtual_services {
        if vs.hosts.is_empty() {
            continue; // schema error, not ours
        }
        for entry in &vs.gateways {
            if entry.value.contains(super::INTERNAL_GATEWAY_MARKER) {
                continue;
            }
            let Some((ns, name)) = resolve_gateway_reference(&entry.value, &vs.namespace) else {
                continue;
            };
            let Some(gateway) = gateways.get(&(ns.as_str(), name.as_str())) else {
                continue; // virtualservice-gateway-not-found
            };
            if let Some(d) = check_pair(cx, vs, entry.span, gateway) {
                out.push(d);
            }
        }
    }
}

fn check_pair(
    cx: &Context<'_>,
    vs: &VirtualService,
    entry: crate::span::Span,
    gateway: &Gateway,
) -> Option<Diagnostic> {
    let mut visible = Vec::new();
    let mut hidden = BTreeSet::new();
    for host in gateway.servers.iter().flat_map(|s| &s.hosts) {
        let sanitized = hosts::sanitize_gateway_host(&host.value, &gateway.namespace);
        match hosts::for_namespace(&sanitized, &vs.namespace) {
            Some(h) => visible.push(h.to_string()),
            None => {
                hidden.insert(sanitized.clone());
            }
        }
    }
    let overlaps = visible
        .iter()
        .any(|g| vs.hosts.iter().any(|h| hosts::matches(g, &h.value)));
    let hosts_span = gateway
        .servers
        .iter()
        .find_map(|s| s.hosts_span)
        .or(gateway.servers_span)
        .unwrap_or(gateway.name.span);
    let vs_hosts = hosts::joined(&vs.hosts, ", ");
    if !overlaps {
        let mut note = String::from(
            "istiod attaches a VirtualService's routes to a gateway server only for hosts \
             both list, so none of these routes is served by this Gateway; clients get a 404",
        );
        if !hidden.is_empty() {
            note += &format!(
                "; the Gateway's hosts {} admit only VirtualServices of the named namespace, \
                 not `{}`",
                hidden.into_iter().collect::<Vec<_>>().join(", "),
                vs.namespace
            );
        }
        let visible_list = if visible.is_empty() {
            "none".to_string()
        } else {
            visible.join(", ")
        };
        return Some(
            cx.diagnostic(
                &RULE,
                vs.resource,
                entry,
                format!(
                    "no host of VirtualService `{}` ({vs_hosts}) matches a host Gateway `{}` \
                     accepts from namespace `{}` ({visible_list})",
                    vs.full_name(),
                    gateway.full_name(),
                    vs.namespace
                ),
            )
            .related(gateway.file, hosts_span, "the Gateway's hosts")
            .note(note)
            .help(
                "add the host to the Gateway server (as `host`, `*/host` or `<vs-namespace>/host`), \
                 or fix the VirtualService's `hosts`",
            ),
        );
    }
    let proxy_namespaces = proxy_namespaces(cx, gateway);
    if proxy_namespaces.iter().any(|ns| exported_to(vs, ns)) {
        return None;
    }
    let export = vs.export_to.join(", ");
    let namespaces = proxy_namespaces.into_iter().collect::<Vec<_>>().join(", ");
    Some(
        cx.diagnostic(
            &RULE,
            vs.resource,
            entry,
            format!(
                "VirtualService `{}` (exportTo: {export}) is not visible in namespace \
                 `{namespaces}` of the proxies behind Gateway `{}`",
                vs.full_name(),
                gateway.full_name()
            ),
        )
        .related(gateway.file, gateway.name.span, "the Gateway")
        .note(
            "istiod binds to a gateway only VirtualServices exported to the gateway proxy's \
             namespace, so these routes are never served; clients get a 404",
        )
        .help(format!(
            "add `{namespaces}` (or `*`) to `exportTo`, or remove `exportTo`"
        )),
    )
}

/// Namespaces of the gateway proxies: of the selected workloads, else the Gateway's.
fn proxy_namespaces<'a>(cx: &Context<'a>, gateway: &'a Gateway) -> BTreeSet<&'a str> {
    let mut namespaces = BTreeSet::new();
    if let Some(selector) = gateway.selector.as_ref().filter(|s| !s.is_empty()) {
        for (workload, _) in cx.bundle.model.workload_groups_selected_by(selector) {
            namespaces.insert(workload.namespace.as_str());
        }
    }
    if namespaces.is_empty() {
        namespaces.insert(gateway.namespace.as_str());
    }
    namespaces
}

/// True when `exportTo` makes the VirtualService visible in `namespace`.
fn exported_to(vs: &VirtualService, namespace: &str) -> bool {
    vs.export_to.is_empty()
        || vs
            .export_to
            .iter()
            .any(|e| e == "*" || e == namespace || (e == "." && vs.namespace == namespace))
}

rule! {
    code: "MM402",
    name: "virtualservice-host-not-in-gateway",
    severity: Warning,
    istio_code: "IST0132",
    category: Binding,
    summary: "A VirtualService shares no host with (or is not exported to) a Gateway it binds to.",
    docs: "mm402_virtualservice_host_not_in_gateway.md",
}

#[cfg(test)]
mod tests {
    use super::RULE;

    fn case(gateway_hosts: &str, vs_ns: &str, vs_hosts: &str, extra: &str) -> String {
        format!(
            "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: public, namespace: istio-system}}\nspec:\n  selector: {{istio: ingressgateway}}\n  servers:\n  - port: {{number: 80, name: http, protocol: HTTP}}\n    hosts: {gateway_hosts}\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {{name: shop, namespace: {vs_ns}}}\nspec:\n  hosts: {vs_hosts}\n  gateways: [istio-system/public]\n{extra}"
        )
    }

    #[test]
    fn wildcard_overlap_is_enough() {
        for (gateway_hosts, vs_hosts, findings) in [
            ("['*.example.com']", "[a.example.com]", 0),
            ("['*']", "[a.example.com]", 0),
            ("['*.example.com']", "[example.com]", 1),
        ] {
            let found = RULE.messages(&case(gateway_hosts, "shop", vs_hosts, ""));
            assert_eq!(found.len(), findings, "{gateway_hosts} ~ {vs_hosts}");
        }
    }

    #[test]
    fn namespace_prefixes_follow_istiod() {
        let dot = case("[./a.example.com]", "shop", "[a.example.com]", "");
        let found = RULE.messages(&dot);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("(none)"), "{found:?}");
        for (gateway_hosts, vs_ns) in [
            ("[./a.example.com]", "istio-system"),
            ("['*/a.example.com']", "shop"),
            ("['*/*']", "shop"),
            ("[shop/a.example.com]", "shop"),
        ] {
            let found = RULE.messages(&case(gateway_hosts, vs_ns, "[a.example.com]", ""));
            assert!(found.is_empty(), "{gateway_hosts} for {vs_ns}: {found:?}");
        }
    }

    #[test]
    fn export_to_must_reach_the_proxy_namespace() {
        let hidden = case("['*']", "shop", "[a.example.com]", "  exportTo: ['.']\n");
        let found = RULE.messages(&hidden);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("not visible in namespace `istio-system`"));
        let shared = case(
            "['*']",
            "shop",
            "[a.example.com]",
            "  exportTo: [istio-system]\n",
        );
        assert!(RULE.messages(&shared).is_empty());
    }
}
