//! MM103 `merged-http-host`: plain-HTTP servers of different Gateways on one
//! listener list the same host; their routes are silently concatenated.

use crate::hash::{HashMap, HashSet};

use crate::analyze::topology::{Outcome, ServerRef, describe, sni_name};
use crate::analyze::{Context, hosts};
use crate::diagnostic::Diagnostic;
use crate::model::istio::resolve_gateway_reference;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let bundle = cx.bundle;
    let topology = cx.topology();
    let mut seen = HashSet::default();
    let bound = VirtualServicesByGateway::new(cx);
    for listener in &topology.listeners {
        // Effective hostname → first plain-HTTP server that serves it.
        let mut first: HashMap<String, ServerRef> = HashMap::default();
        for placed in &listener.servers {
            if !matches!(placed.outcome, Outcome::Kept | Outcome::Merged { .. })
                || !placed.protocol.is_http()
            {
                continue;
            }
            for (host, written) in placed
                .hosts
                .iter()
                .zip(&placed.server.resolve(bundle).hosts)
            {
                let name = sni_name(host).to_ascii_lowercase();
                let earlier = *first.entry(name.clone()).or_insert(placed.server);
                if earlier.gateway == placed.server.gateway
                    || !seen.insert((placed.server, earlier, name.clone()))
                {
                    continue;
                }
                let workload = topology.workload_of(listener);
                let servers: Vec<_> = std::iter::once(placed)
                    .chain(topology.placement(listener, earlier))
                    .collect();
                let older = bound.describe(bundle, earlier.gateway, &name);
                let newer = bound.describe(bundle, placed.server.gateway, &name);
                let mut message = format!(
                    "host `{}` is also served by {} on {}; istiod merges both into route \
                     table `http.{}`",
                    written.value,
                    describe::server(bundle, earlier),
                    describe::listener(bundle, workload, listener, &servers),
                    listener.port,
                );
                message.push_str(&match (&older, &newer) {
                    (Some(a), Some(b)) => format!(
                        " and concatenates the routes for this host: those of {a} (older \
                         Gateway) come first and shadow overlapping routes of {b}"
                    ),
                    (Some(a), None) => {
                        format!(" and the routes of {a} (older Gateway) come first for this host")
                    }
                    (None, Some(b)) => format!(
                        " and the older Gateway's VirtualServices for this host would shadow \
                         overlapping routes of {b}"
                    ),
                    (None, None) => " and concatenates both Gateways' VirtualService routes \
                                     for this host, the older Gateway's first"
                        .to_string(),
                });
                let earlier_span = describe::host_span(bundle, earlier, |h| {
                    sni_name(h).eq_ignore_ascii_case(&name)
                });
                out.push(
                    cx.ranked(
                        &RULE,
                        (placed.server, written.span),
                        message,
                        (earlier, earlier_span),
                        "its routes come first",
                    )
                    .note(
                        "nothing is rejected: Envoy takes the first matching route, and \
                             catch-all routes (`/`) sink to the end where the first one wins; \
                             the order follows creationTimestamp, so re-creating the older \
                             Gateway flips it",
                    )
                    .help(
                        "serve the host from one Gateway and merge the VirtualServices \
                             for it, so the route order is explicit",
                    ),
                );
            }
        }
    }
}

/// VirtualServices by the Gateway they bind to (`namespace`, `name`).
struct VirtualServicesByGateway<'a> {
    cx: &'a Context<'a>,
    by_gateway: HashMap<(String, String), Vec<usize>>,
}

impl<'a> VirtualServicesByGateway<'a> {
    fn new(cx: &'a Context<'a>) -> Self {
        let mut by_gateway: HashMap<(String, String), Vec<usize>> = HashMap::default();
        for (index, vs) in cx.bundle.model.virtual_services.iter().enumerate() {
            for entry in &vs.gateways {
                if let Some(key) = resolve_gateway_reference(&entry.value, &vs.namespace) {
                    by_gateway.entry(key).or_default().push(index);
                }
            }
        }
        Self { cx, by_gateway }
    }

    /// "VirtualService `a/b`" / "VirtualServices `a/b`, `c/d`" bound to the
    /// Gateway with a host overlapping `host`; `None` when there are none.
    fn describe(&self, bundle: &crate::Bundle, gateway: usize, host: &str) -> Option<String> {
        let gateway = &bundle.model.gateways[gateway];
        let key = (gateway.namespace.clone(), gateway.name.value.clone());
        let mut names: Vec<String> = self
            .by_gateway
            .get(&key)?
            .iter()
            .map(|&v| &self.cx.bundle.model.virtual_services[v])
            .filter(|vs| vs.hosts.iter().any(|h| hosts::matches(&h.value, host)))
            .map(crate::model::VirtualService::full_name)
            .collect();
        names.dedup();
        match names.len() {
            0 => None,
            1 => Some(format!("VirtualService {}", describe::list(&names))),
            _ => Some(format!("VirtualServices {}", describe::list(&names))),
        }
    }
}

rule! {
    code: "MM103",
    name: "merged-http-host",
    severity: Warning,
    istio_code: "IST0145",
    category: Merge,
    summary: "Two Gateways serve the same plain-HTTP host on one listener; their routes are concatenated.",
    docs: "mm103_merged_http_host.md",
    fixable: true,
}
