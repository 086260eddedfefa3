use super::*;
use crate::model::Bundle;

/// A Gateway document: `servers` is a flow sequence of servers.
fn gateway(name: &str, ns: &str, selector: &str, servers: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {{name: {name}, \
         namespace: {ns}}}\nspec:\n  selector: {selector}\n  servers: {servers}\n---\n"
    )
}

fn server(port: u32, protocol: &str, hosts: &str) -> String {
    let tls = if protocol == "HTTPS" {
        ", tls: {mode: SIMPLE, credentialName: c}"
    } else {
        ""
    };
    format!(
        "{{port: {{number: {port}, name: p{port}{protocol}, protocol: {protocol}}}, hosts: \
         {hosts}{tls}}}"
    )
}

fn build(text: &str) -> (Bundle, Topology) {
    let bundle = Bundle::from_text("t.yaml", text).unwrap();
    let topology = Topology::build(&bundle);
    (bundle, topology)
}

/// [`build`] as istiod release `version` merges.
fn build_at(text: &str, version: &str) -> (Bundle, Topology) {
    let bundle = Bundle::from_text("t.yaml", text).unwrap();
    let topology = Topology::build_for(&bundle, version.parse().unwrap());
    (bundle, topology)
}

fn rejected_for(outcome: &Outcome, why: fn(&Reject) -> bool) -> bool {
    matches!(outcome, Outcome::Rejected { reason, .. } if why(reason))
}

/// Outcomes of every server of Gateway `name`, in server order.
fn outcomes(bundle: &Bundle, topology: &Topology, name: &str) -> Vec<Outcome> {
    let g = bundle
        .model
        .gateways
        .iter()
        .position(|g| g.name.value == name)
        .unwrap();
    (0..bundle.model.gateways[g].servers.len())
        .flat_map(|s| {
            topology
                .placements(ServerRef {
                    gateway: g,
                    server: s,
                })
                .map(|(_, p)| p.outcome.clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Why the first placement of Gateway `name`'s server was rejected, if it was.
fn rejected(bundle: &Bundle, topology: &Topology, name: &str) -> Option<Reject> {
    match outcomes(bundle, topology, name).into_iter().next()? {
        Outcome::Rejected { reason, .. } => Some(reason),
        _ => None,
    }
}

/// [`rejected`] on the topology of `text`.
fn rejected_in(text: &str, name: &str) -> Option<Reject> {
    let (bundle, topology) = build(text);
    rejected(&bundle, &topology, name)
}

const SEL: &str = "{istio: ingressgateway}";

/// Gateway `name` in namespace `ns` with `selector` and one server.
fn one_server(name: &str, ns: &str, selector: &str, server: &str) -> String {
    gateway(name, ns, selector, &format!("[{server}]"))
}

/// Gateway `name` in namespace `x` with the common selector and one server.
fn one(name: &str, port: u32, protocol: &str, hosts: &str) -> String {
    one_server(name, "x", SEL, &server(port, protocol, hosts))
}

#[test]
fn http_servers_merge_into_one_route_table() {
    let text = one("a", 80, "HTTP", "[a.com]") + &one("b", 80, "HTTP2", "[b.com]");
    let (bundle, topology) = build(&text);
    assert_eq!(topology.listeners.len(), 1);
    assert!(matches!(
        outcomes(&bundle, &topology, "b")[0],
        Outcome::Merged { .. }
    ));
}

#[test]
fn http_then_https_rejects_https_but_https_then_http_keeps_both() {
    let text = one("a", 443, "HTTP", "[a.com]") + &one("b", 443, "HTTPS", "[b.com]");
    assert_eq!(rejected_in(&text, "b"), Some(Reject::ProtocolConflict));
    let text = one("a", 443, "HTTPS", "[a.com]")
        + &one("b", 443, "HTTP", "[b.com]")
        + &one("c", 443, "HTTP", "[c.com]");
    // Before istio/istio#57707 the second HTTP server loses on its route name…
    let (bundle, topology) = build_at(&text, "1.28.0");
    assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
    assert!(matches!(
        rejected(&bundle, &topology, "c"),
        Some(Reject::DuplicateRouteName { .. })
    ));
    // …from 1.28.1 the first one took the port and it merges with it.
    let (bundle, topology) = build_at(&text, "1.28.1");
    assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
    assert!(matches!(
        outcomes(&bundle, &topology, "c")[0],
        Outcome::Merged { .. }
    ));
}

#[test]
fn plaintext_after_tls_takes_the_port_from_the_backported_releases() {
    // istio/istio#58700: HTTPS, then plain HTTP, then a newer HTTPS on 443.
    let text = one("a", 443, "HTTPS", "[a.com]")
        + &one("b", 443, "HTTP", "[b.com]")
        + &one("c", 443, "HTTPS", "[c.com]")
        + &gateway(
            "d",
            "x",
            SEL,
            "[{port: {number: 443, name: https, protocol: HTTPS}, bind: 10.0.0.1, hosts: [d.com], \
         tls: {mode: SIMPLE}}]",
        );
    for version in ["1.26.8", "1.27.4", "1.28.1", "1.29", "1.30.3"] {
        let (bundle, topology) = build_at(&text, version);
        assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
        assert!(
            rejected_for(&outcomes(&bundle, &topology, "c")[0], |r| {
                *r == Reject::ProtocolConflict
            }),
            "{version}"
        );
        // Another bind is another listener: kept.
        assert_eq!(outcomes(&bundle, &topology, "d"), vec![Outcome::Kept]);
    }
    for version in ["1.22", "1.26.7", "1.27.3", "1.28.0"] {
        let (bundle, topology) = build_at(&text, version);
        assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
        assert_eq!(
            outcomes(&bundle, &topology, "c"),
            vec![Outcome::Kept],
            "{version}"
        );
    }
}

#[test]
fn a_plaintext_server_on_a_new_bind_becomes_the_one_compared_against() {
    // From #57707 `addPlainTextServer` re-points the port's plaintext
    // server at each new bind: a TCP server on the first bind is then
    // compared with the HTTP server on 10.0.0.1 (another bind) and kept.
    let text = one("a", 8000, "HTTP", "[a.com]")
        + &gateway(
            "b",
            "x",
            SEL,
            "[{port: {number: 8000, name: h, protocol: HTTP}, bind: 10.0.0.1, hosts: [b.com]}]",
        )
        + &one("c", 8000, "TCP", "['*']");
    let (bundle, topology) = build_at(&text, "1.28.0");
    assert!(rejected_for(&outcomes(&bundle, &topology, "c")[0], |r| {
        *r == Reject::ProtocolConflict
    }));
    let (bundle, topology) = build_at(&text, "1.28.1");
    assert_eq!(outcomes(&bundle, &topology, "c"), vec![Outcome::Kept]);
}

#[test]
fn only_the_first_addition_to_a_tls_port_may_lack_tls() {
    let text = one("a", 443, "HTTPS", "[a.com]")
        + &one("b", 443, "HTTPS", "[b.com]")
        + &one("c", 443, "TCP", "['*']");
    let (bundle, topology) = build_at(&text, "1.27.3");
    assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
    assert_eq!(
        rejected(&bundle, &topology, "c"),
        Some(Reject::PlaintextAfterTls)
    );
    // From 1.27.4 the TCP server takes the port instead.
    let (bundle, topology) = build_at(&text, "1.27.4");
    assert_eq!(outcomes(&bundle, &topology, "c"), vec![Outcome::Kept]);
}

#[test]
fn tcp_rejects_everything_after_it() {
    let text = one("a", 31400, "TCP", "['*']") + &one("b", 31400, "TCP", "['*']");
    assert_eq!(rejected_in(&text, "b"), Some(Reject::ProtocolConflict));
}

#[test]
fn service_target_ports_join_listeners_and_binds_split_them() {
    let service = "apiVersion: v1\nkind: Service\nmetadata: {name: gw, namespace: x}\nspec:\n  \
                   selector: {istio: ingressgateway}\n  ports: [{port: 80, targetPort: 8080}]\n---\n";
    let text = service.to_string()
        + &one("a", 80, "HTTP", "[a.com]")
        + &one("b", 8080, "TCP", "['*']")
        + &gateway(
            "c",
            "x",
            SEL,
            "[{port: {number: 8080, name: t, protocol: TCP}, bind: 10.0.0.1, hosts: ['*']}]",
        );
    let (bundle, topology) = build(&text);
    assert_eq!(
        rejected(&bundle, &topology, "b"),
        Some(Reject::ProtocolConflict)
    );
    assert_eq!(outcomes(&bundle, &topology, "c"), vec![Outcome::Kept]);
    let names: Vec<String> = topology.listeners.iter().map(Listener::name).collect();
    assert_eq!(names, ["0.0.0.0_8080", "10.0.0.1_8080"]);
}

#[test]
fn duplicate_tls_host_rejects_the_newer_server_after_normalisation() {
    let text = one("b", 443, "HTTPS", "['*/a.com']") + &one("a", 443, "HTTPS", "[a.com, z.com]");
    let (bundle, topology) = build(&text);
    // Same (absent) timestamp: `a` sorts first and wins.
    assert_eq!(outcomes(&bundle, &topology, "a"), vec![Outcome::Kept]);
    assert!(matches!(
        &outcomes(&bundle, &topology, "b")[0],
        Outcome::Rejected { reason: Reject::DuplicateTlsHost { hosts }, .. } if hosts == &["a.com"]
    ));
}

#[test]
fn namespaced_hosts_with_one_sni_risk_a_nack() {
    let text = one("a", 443, "HTTPS", "[ns1/foo.com]") + &one("b", 443, "HTTPS", "[ns2/foo.com]");
    let (bundle, topology) = build(&text);
    assert!(matches!(
        &outcomes(&bundle, &topology, "b")[0],
        Outcome::NackRisk { reason: Nack::DuplicateSni { sni }, .. } if sni == "foo.com"
    ));
}

#[test]
fn older_gateway_wins_whatever_the_input_order() {
    let text = "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: a, namespace: x, \
                creationTimestamp: '2024-05-01T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  \
                servers: [{port: {number: 443, name: h, protocol: HTTPS}, hosts: [a.com], tls: {mode: SIMPLE}}]\n---\n\
                apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: z, namespace: x, \
                creationTimestamp: '2024-01-01T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  \
                servers: [{port: {number: 443, name: h, protocol: HTTPS}, hosts: [a.com], tls: {mode: SIMPLE}}]\n";
    let (bundle, topology) = build(text);
    assert_eq!(outcomes(&bundle, &topology, "z"), vec![Outcome::Kept]);
    assert!(rejected(&bundle, &topology, "a").is_some());
}

#[test]
fn workloads_group_textually_different_selectors() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ingress, namespace: istio-system}\n\
                      spec:\n  template:\n    metadata:\n      labels: {app: istio-ingressgateway, istio: ingressgateway}\n---\n";
    let text = deployment.to_string()
        + &one_server(
            "a",
            "x",
            "{istio: ingressgateway}",
            &server(80, "HTTP", "[a.com]"),
        )
        + &one_server(
            "b",
            "w",
            "{app: istio-ingressgateway}",
            &server(80, "TCP", "['*']"),
        )
        + &one_server("c", "w", "{app: other}", &server(80, "TCP", "['*']"));
    let (bundle, topology) = build(&text);
    assert!(rejected(&bundle, &topology, "b").is_some());
    // `c` selects nothing in the input: it stands alone.
    assert_eq!(outcomes(&bundle, &topology, "c"), vec![Outcome::Kept]);
    assert_eq!(topology.workloads.len(), 2);
}

#[test]
fn subset_selectors_without_workloads_are_probably_one_workload() {
    let text = one_server(
        "a",
        "x",
        "{istio: ingressgateway}",
        &server(80, "HTTP", "[a.com]"),
    ) + &one_server(
        "b",
        "x",
        "{istio: ingressgateway, team: blue}",
        &server(80, "TCP", "['*']"),
    );
    let (bundle, topology) = build(&text);
    assert_eq!(
        topology.workloads.len(),
        1,
        "only the maximal selector stands in"
    );
    let workload = &topology.workloads[0];
    assert_eq!(workload.membership(0), Some(Match::ProbablySame));
    assert_eq!(workload.membership(1), Some(Match::SameSelector));
    assert!(rejected(&bundle, &topology, "b").is_some());
}

#[test]
fn gateways_without_selector_apply_to_every_gateway_workload() {
    let text = one_server("a", "x", "{istio: one}", &server(80, "HTTP", "[a.com]"))
        + &one_server("b", "x", "{istio: two}", &server(80, "HTTP", "[b.com]"))
        + &one_server("c", "x", "null", &server(80, "TCP", "['*']"));
    let (bundle, topology) = build(&text);
    assert_eq!(topology.workloads.len(), 2);
    let c = outcomes(&bundle, &topology, "c");
    assert_eq!(c.len(), 2);
    assert!(c.iter().all(|o| matches!(o, Outcome::Rejected { .. })));
}
