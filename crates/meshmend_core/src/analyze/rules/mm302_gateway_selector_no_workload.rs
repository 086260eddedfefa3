//! MM302 `gateway-selector-no-workload`: a Gateway selector that picks none of
//! the gateway workloads in the input.

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::model::{Workload, labels_to_string};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = &cx.bundle.model;
    // Per group of same-namespace, same-label workloads and per distinct
    // selector: a thousand Gateways on one selector of fifty replicas cost
    // one lookup.
    let selectors: crate::hash::HashSet<&crate::model::Labels> = model
        .gateways
        .iter()
        .filter_map(|g| g.selector.as_ref())
        .collect();
    let mut selected_set = vec![false; model.workloads.len()];
    for selector in selectors {
        for (_, members) in model.workload_groups_selected_by(selector) {
            for &w in members {
                selected_set[w] = true;
            }
        }
    }
    let candidates: Vec<&Workload> = model
        .workloads
        .iter()
        .enumerate()
        .filter(|&(i, w)| {
            matches!(w.kind.as_str(), "HelmValues" | "IstioOperator")
                || w.labels.contains_key("istio")
                || selected_set[i]
        })
        .map(|(_, w)| w)
        .collect();
    let mut nearest_by_selector: crate::hash::HashMap<&crate::model::Labels, &Workload> =
        crate::hash::HashMap::default();
    if candidates.is_empty() {
        return;
    }
    for gateway in &model.gateways {
        let Some(selector) = gateway.selector.as_ref().filter(|s| !s.is_empty()) else {
            continue;
        };
        if model.workloads_selected_by(selector).next().is_some() {
            continue;
        }
        let nearest = *nearest_by_selector.entry(selector).or_insert_with(|| {
            candidates
                .iter()
                .max_by_key(|w| {
                    selector
                        .iter()
                        .filter(|(k, v)| w.labels.get(*k) == Some(v))
                        .count()
                })
                .expect("candidates is not empty")
        });
        let span = gateway.selector_span.unwrap_or(gateway.name.span);
        out.push(
            cx.diagnostic(
                &RULE,
                gateway.resource,
                span,
                format!(
                    "selector `{}` of Gateway `{}` matches no gateway workload in the input",
                    labels_to_string(selector),
                    gateway.full_name(),
                ),
            )
            .related(
                nearest.file,
                nearest.labels_span.unwrap_or(nearest.name.span),
                format!(
                    "{} `{}/{}` is labelled `{}`",
                    nearest.kind,
                    nearest.namespace,
                    nearest.name.value,
                    labels_to_string(&nearest.labels)
                ),
            )
            .note(
                "istiod applies a Gateway only to gateway pods whose labels include every \
                 selector label; with none, its servers are never configured and its \
                 VirtualServices get no traffic",
            )
            .help(
                "make the selector a subset of the gateway pods' labels (usually \
                 `istio: ingressgateway`), or add the missing gateway deployment",
            ),
        );
    }
}

rule! {
    code: "MM302",
    name: "gateway-selector-no-workload",
    severity: Warning,
    istio_code: "IST0101",
    category: Wiring,
    summary: "A Gateway selector matches none of the gateway workloads in the input.",
    docs: "mm302_gateway_selector_no_workload.md",
}

#[cfg(test)]
mod tests {
    use super::RULE;

    fn gateway(selector: &str) -> String {
        format!(
            "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: g, namespace: istio-system}}\nspec:\n  selector: {selector}\n---\n"
        )
    }

    const GATEWAY_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: gw, namespace: istio-system, labels: {app: istio-ingressgateway, istio: ingressgateway}}\n";
    const APP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop, namespace: shop}\nspec:\n  template:\n    metadata:\n      labels: {app: shop}\n";

    #[test]
    fn typo_next_to_a_gateway_workload_is_reported() {
        let found = RULE.messages(&format!(
            "{}{GATEWAY_POD}",
            gateway("{istio: ingresgateway}")
        ));
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("selector `istio=ingresgateway`"));
    }

    #[test]
    fn subset_selectors_match() {
        assert!(
            RULE.messages(&format!(
                "{}{GATEWAY_POD}",
                gateway("{istio: ingressgateway}")
            ))
            .is_empty()
        );
    }

    #[test]
    fn application_workloads_alone_say_nothing() {
        assert!(
            RULE.messages(&format!("{}{APP}", gateway("{istio: ingressgateway}")))
                .is_empty()
        );
        assert!(
            RULE.messages(&gateway("{istio: ingressgateway}"))
                .is_empty()
        );
    }
}
