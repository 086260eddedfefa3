//! MM202 `nodeport-out-of-range`: a nodePort outside the cluster's node-port range.

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let (low, high) = cx.options.nodeport_range;
    for service in &cx.bundle.model.services {
        if !service.takes_node_ports() {
            continue;
        }
        for (index, port) in service.ports.iter().enumerate() {
            let Some(node_port) = &port.node_port else {
                continue;
            };
            let value = node_port.value;
            if value == 0 || (low..=high).contains(&value) {
                continue;
            }
            out.push(
                cx.diagnostic(
                    &RULE,
                    service.resource,
                    node_port.span,
                    format!(
                        "nodePort {value} of Service `{}/{}` is outside the node-port range \
                         {low}-{high}",
                        service.namespace, service.name.value
                    ),
                )
                .note(format!(
                    "the API server refuses the Service with `spec.ports[{index}].nodePort: \
                     Invalid value: {value}: provided port is not in the valid range. The \
                     range of valid ports is {low}-{high}`, so it is never created"
                ))
                .help(format!(
                    "remove `nodePort` to let Kubernetes pick one, or choose a port in \
                     {low}-{high} (hand-picked ports belong in the static band at the bottom \
                     of the range); if your cluster uses another range, pass \
                     `--nodeport-range`"
                )),
            );
        }
    }
}

rule! {
    code: "MM202",
    name: "nodeport-out-of-range",
    severity: Error,
    category: NodePort,
    summary: "A nodePort outside the node-port range: the API server refuses the Service.",
    docs: "mm202_nodeport_out_of_range.md",
    fixable: true,
}

#[cfg(test)]
mod tests {
    use crate::AnalyzeOptions;

    fn messages(yaml: &str, options: &AnalyzeOptions) -> Vec<String> {
        let found = super::super::tests::findings("MM202", yaml, options);
        found.into_iter().map(|d| d.message).collect()
    }

    const SVC: &str = "kind: Service\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  type: NodePort\n  ports:\n  - {port: 80, nodePort: 8080}\n  - {port: 443, nodePort: 30443}\n  - {port: 15021}\n";

    #[test]
    fn flags_ports_outside_the_default_range_only() {
        let found = messages(SVC, &AnalyzeOptions::default());
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("nodePort 8080 of Service `istio-system/gw`"));
    }

    #[test]
    fn honours_a_custom_range() {
        let options = AnalyzeOptions {
            nodeport_range: (8000, 31000),
            ..AnalyzeOptions::default()
        };
        assert!(messages(SVC, &options).is_empty());
    }

    #[test]
    fn cluster_ip_services_are_ignored() {
        let yaml = SVC.replace("type: NodePort", "type: ClusterIP");
        assert!(messages(&yaml, &AnalyzeOptions::default()).is_empty());
    }

    #[test]
    fn helm_values_ports_are_checked() {
        let values = "service:\n  type: NodePort\n  ports:\n  - {name: http2, port: 80, targetPort: 80, nodePort: 80}\n";
        let found = messages(values, &AnalyzeOptions::default());
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
