//! MM401 `virtualservice-gateway-not-found`: a `gateways:` entry names no Gateway.

use crate::hash::{HashMap, HashSet};

use crate::analyze::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::istio::resolve_gateway_reference;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let known = GatewayIndex::new(cx);
    for vs in &cx.bundle.model.virtual_services {
        for entry in &vs.gateways {
            if entry.value.contains(super::INTERNAL_GATEWAY_MARKER) {
                continue;
            }
            let Some((ns, name)) = resolve_gateway_reference(&entry.value, &vs.namespace) else {
                continue; // `mesh`
            };
            if known.exists(&ns, &name) {
                continue;
            }
            let elsewhere = known.by_name.get(name.as_str());
            let relative = !entry.value.contains('/') || entry.value.starts_with("./");
            let floating = relative
                && !cx
                    .bundle
                    .layout
                    .namespace_is_known(cx.resource(vs.resource));
            let authoritative =
                !floating && (known.namespaces.contains(ns.as_str()) || elsewhere.is_some());
            let mut diagnostic = cx
                .diagnostic(
                    &RULE,
                    vs.resource,
                    entry.span,
                    format!(
                        "VirtualService `{}` is bound to Gateway `{ns}/{name}`, which is not \
                         in the input",
                        vs.full_name()
                    ),
                )
                .note(
                    "istiod binds a VirtualService only to Gateways that exist; for this \
                     entry its routes are installed on no gateway proxy, and requests for its \
                     hosts get a 404 from the gateway",
                );
            if floating {
                diagnostic = diagnostic.severity(Severity::Info).help(format!(
                    "the VirtualService has no namespace in the input, so `{}` resolves in \
                     the namespace it is applied to; apply it where that Gateway lives, or \
                     write `<namespace>/{name}`",
                    entry.value
                ));
                if let Some(&(file, span, other_ns)) = elsewhere {
                    diagnostic = diagnostic.related(
                        file,
                        span,
                        format!("a Gateway `{name}` exists in `{other_ns}`"),
                    );
                }
            } else if let Some(&(file, span, other_ns)) = elsewhere {
                diagnostic = diagnostic
                    .related(
                        file,
                        span,
                        format!("a Gateway `{name}` exists in `{other_ns}`"),
                    )
                    .help(format!(
                        "if you meant that one, write `{other_ns}/{name}` (a bare name means \
                         the VirtualService's own namespace, `{}`)",
                        vs.namespace
                    ));
            } else if !authoritative {
                diagnostic = diagnostic.severity(Severity::Info).help(
                    "the input holds no Gateway in that namespace, so it may live in the \
                     cluster; make sure it exists there, or add it to the input",
                );
            } else {
                diagnostic = diagnostic.help(format!(
                    "check the name against the Gateways in `{ns}`, or add the missing Gateway"
                ));
            }
            out.push(diagnostic);
        }
    }
}

/// Every Gateway (Istio or Gateway API) in the input, by namespace and name.
pub(crate) struct GatewayIndex<'a> {
    full: HashSet<(&'a str, &'a str)>,
    namespaces: HashSet<&'a str>,
    by_name: HashMap<&'a str, (usize, crate::span::Span, &'a str)>,
}

impl<'a> GatewayIndex<'a> {
    pub(crate) fn new(cx: &Context<'a>) -> Self {
        let mut index = GatewayIndex {
            full: HashSet::default(),
            namespaces: HashSet::default(),
            by_name: HashMap::default(),
        };
        for resource in &cx.bundle.resources {
            let is_gateway = resource.kind.value == "Gateway"
                && (resource.api_version.starts_with("networking.istio.io/")
                    || resource
                        .api_version
                        .starts_with("gateway.networking.k8s.io/"));
            if !is_gateway {
                continue;
            }
            let (ns, name) = (resource.namespace.as_str(), resource.name.value.as_str());
            index.full.insert((ns, name));
            index.namespaces.insert(ns);
            index
                .by_name
                .entry(name)
                .or_insert((resource.file, resource.name.span, ns));
        }
        index
    }

    pub(crate) fn exists(&self, namespace: &str, name: &str) -> bool {
        self.full.contains(&(namespace, name))
    }
}

rule! {
    code: "MM401",
    name: "virtualservice-gateway-not-found",
    severity: Warning,
    istio_code: "IST0101",
    category: Binding,
    summary: "A VirtualService `gateways:` entry resolves to no Gateway: its routes are never installed.",
    docs: "mm401_virtualservice_gateway_not_found.md",
}

#[cfg(test)]
mod tests {
    use crate::{AnalyzeOptions, Severity};

    fn found(yaml: &str) -> Vec<(Severity, String)> {
        let found = super::super::tests::findings("MM401", yaml, &AnalyzeOptions::default());
        found.into_iter().map(|d| (d.severity, d.message)).collect()
    }

    const GW: &str = "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: public, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n---\n";

    fn vs(namespace: &str, gateways: &str) -> String {
        format!(
            "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {{name: shop, namespace: {namespace}}}\nspec:\n  hosts: [shop.example.com]\n  gateways: {gateways}\n"
        )
    }

    #[test]
    fn every_istiod_form_resolves() {
        for gateways in [
            "[istio-system/public]",
            "[public.istio-system.svc.cluster.local]",
            "[public.istio-system]",
            "[mesh]",
        ] {
            assert!(
                found(&format!("{GW}{}", vs("shop", gateways))).is_empty(),
                "{gateways}"
            );
        }
        for gateways in ["[public]", "[./public]"] {
            assert!(found(&format!("{GW}{}", vs("istio-system", gateways))).is_empty());
        }
    }

    #[test]
    fn bare_name_in_another_namespace_is_a_warning_with_a_hint() {
        let found = found(&format!("{GW}{}", vs("shop", "[public]")));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Severity::Warning);
        assert!(found[0].1.contains("`shop/public`"));
    }

    #[test]
    fn typo_next_to_gateways_of_that_namespace_is_a_warning() {
        let found = found(&format!("{GW}{}", vs("shop", "[istio-system/publik]")));
        assert_eq!(found[0].0, Severity::Warning);
    }

    #[test]
    fn virtualservice_alone_is_only_info() {
        let found = found(&vs("shop", "[istio-system/shared]"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Severity::Info);
    }

    #[test]
    fn bare_name_without_a_namespace_is_only_info() {
        // No metadata.namespace: `kubectl apply -n istio-system` makes it right.
        let vs = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: shop}\nspec:\n  hosts: [shop.example.com]\n  gateways: [public]\n";
        let found = found(&format!("{GW}{vs}"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Severity::Info);
    }

    #[test]
    fn gateway_api_gateways_count() {
        let k8s = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: web, namespace: shop}\n---\n";
        assert!(found(&format!("{k8s}{}", vs("shop", "[web]"))).is_empty());
    }
}
