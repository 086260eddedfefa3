//! The istiod scenario matrix (`mergeGateways` in Istio's
//! [`pilot/pkg/model/gateway.go`](https://github.com/istio/istio/blob/master/pilot/pkg/model/gateway.go)):
//! one test per row, on realistic manifests, asserting exactly which rules
//! fire on which resource — or that nothing does.
//!
//! Unless a row says otherwise: one ingress workload (`istio:
//! ingressgateway`), the same resolved port and bind, and the *newer*
//! Gateway is the one that loses.

use meshmend_core::{AnalyzeOptions, Bundle, analyze, find_rule};

/// `(code, "Kind namespace/name")` of every finding, sorted.
fn findings(yaml: &str) -> Vec<(String, String)> {
    SEEN.with(|seen| seen.borrow_mut().push(yaml.to_string()));
    let bundle = Bundle::from_text("scenario.yaml", yaml).expect("scenario loads");
    let mut out: Vec<(String, String)> = analyze(&bundle, &AnalyzeOptions::default())
        .into_iter()
        .map(|d| {
            let resource = d
                .resource
                .map(|r| format!("{} {}/{}", r.kind, r.namespace, r.name))
                .unwrap_or_default();
            (d.code.to_string(), resource)
        })
        .collect();
    out.sort();
    out
}

fn expect(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = list
        .iter()
        .map(|(c, r)| ((*c).to_string(), (*r).to_string()))
        .collect();
    out.sort();
    out
}

/// A Gateway with one server. `extra` is appended to the server mapping
/// (indented by six spaces), e.g. `tls:` blocks or `bind:`.
fn gateway(
    name: &str,
    namespace: &str,
    created: &str,
    port: u32,
    protocol: &str,
    hosts: &[&str],
    extra: &str,
) -> String {
    let hosts: String = hosts.iter().fold(String::new(), |mut out, h| {
        out.push_str(&format!("        - \"{h}\"\n"));
        out
    });
    format!(
        "---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: {name}
  namespace: {namespace}
  creationTimestamp: \"{created}\"
spec:
  selector:
    istio: ingressgateway
  servers:
    - port:
        number: {port}
        name: {}-{port}
        protocol: {protocol}
      hosts:
{hosts}{extra}",
        protocol.to_ascii_lowercase()
    )
}

fn simple_tls(credential: &str) -> String {
    format!("      tls:\n        mode: SIMPLE\n        credentialName: {credential}\n")
}

const OLD: &str = "2024-01-10T09:00:00Z";
const NEW: &str = "2024-03-22T17:30:00Z";

#[test]
fn row_01_http_http_disjoint_hosts_merge() {
    let yaml = gateway("shop", "shop", OLD, 80, "HTTP", &["shop.example.com"], "")
        + &gateway("blog", "blog", NEW, 80, "HTTP", &["blog.example.com"], "");
    assert_eq!(findings(&yaml), expect(&[]));
}

#[test]
fn row_02_http_http_identical_host_merges_routes() {
    let yaml = gateway("shop", "shop", OLD, 80, "HTTP", &["www.example.com"], "")
        + &gateway("blog", "blog", NEW, 80, "HTTP", &["www.example.com"], "");
    assert_eq!(findings(&yaml), expect(&[("MM103", "Gateway blog/blog")]));
    let both_star = gateway("default", "istio-system", OLD, 80, "HTTP", &["*"], "")
        + &gateway("echo", "echo", NEW, 80, "HTTP", &["*"], "");
    assert_eq!(
        findings(&both_star),
        expect(&[("MM103", "Gateway echo/echo")])
    );
}

#[test]
fn row_03_http_http_overlapping_wildcards_are_separate_vhosts() {
    let yaml = gateway("wild", "shop", OLD, 80, "HTTP", &["*.example.com"], "")
        + &gateway("exact", "blog", NEW, 80, "HTTP", &["a.example.com"], "");
    assert_eq!(findings(&yaml), expect(&[]));
}

#[test]
fn row_04_http_and_tcp_later_is_rejected_either_order() {
    let http_first = gateway("web", "web", OLD, 8443, "HTTP", &["web.example.com"], "")
        + &gateway("db", "orders", NEW, 8443, "TCP", &["*"], "");
    assert_eq!(
        findings(&http_first),
        expect(&[("MM101", "Gateway orders/db")])
    );
    let tcp_first = gateway("db", "orders", OLD, 8443, "TCP", &["*"], "")
        + &gateway("web", "web", NEW, 8443, "HTTP", &["web.example.com"], "");
    assert_eq!(
        findings(&tcp_first),
        expect(&[("MM101", "Gateway web/web")])
    );
}

#[test]
fn row_05_tcp_tcp_later_is_rejected_whatever_the_hosts() {
    let yaml = gateway("postgres", "db", OLD, 31400, "TCP", &["pg.example.com"], "")
        + &gateway(
            "redis",
            "cache",
            NEW,
            31400,
            "TCP",
            &["redis.example.com"],
            "",
        );
    assert_eq!(findings(&yaml), expect(&[("MM101", "Gateway cache/redis")]));
}

#[test]
fn row_06_http_older_https_newer_rejects_https() {
    let yaml = gateway("plain", "web", OLD, 443, "HTTP", &["old.example.com"], "")
        + &gateway(
            "secure",
            "web",
            NEW,
            443,
            "HTTPS",
            &["new.example.com"],
            &simple_tls("new-tls"),
        );
    assert_eq!(findings(&yaml), expect(&[("MM101", "Gateway web/secure")]));
}

#[test]
fn row_07_https_older_http_newer_keeps_both_unless_https_is_catch_all() {
    let yaml = gateway(
        "secure",
        "web",
        OLD,
        443,
        "HTTPS",
        &["secure.example.com"],
        &simple_tls("secure-tls"),
    ) + &gateway("plain", "web", NEW, 443, "HTTP", &["plain.example.com"], "");
    assert_eq!(findings(&yaml), expect(&[]));
    let catch_all = gateway(
        "secure",
        "web",
        OLD,
        443,
        "HTTPS",
        &["*"],
        &simple_tls("wildcard-tls"),
    ) + &gateway("plain", "web", NEW, 443, "HTTP", &["plain.example.com"], "");
    assert_eq!(
        findings(&catch_all),
        expect(&[("MM101", "Gateway web/plain")])
    );
}

#[test]
fn row_08_tls_servers_with_distinct_hosts_coexist() {
    let passthrough = "      tls:\n        mode: PASSTHROUGH\n";
    let yaml = gateway(
        "shop",
        "shop",
        OLD,
        443,
        "HTTPS",
        &["shop.example.com"],
        &simple_tls("shop-tls"),
    ) + &gateway(
        "mq",
        "mq",
        NEW,
        443,
        "TLS",
        &["mq.example.com"],
        &simple_tls("mq-tls"),
    ) + &gateway(
        "legacy",
        "legacy",
        NEW,
        443,
        "TLS",
        &["legacy.example.com"],
        passthrough,
    );
    assert_eq!(findings(&yaml), expect(&[]));
    let same_cert = gateway(
        "shop",
        "shop",
        OLD,
        443,
        "HTTPS",
        &["shop.example.com"],
        &simple_tls("wildcard-tls"),
    ) + &gateway(
        "blog",
        "blog",
        NEW,
        443,
        "HTTPS",
        &["blog.example.com"],
        &simple_tls("wildcard-tls"),
    );
    assert_eq!(
        findings(&same_cert),
        expect(&[("MM105", "Gateway blog/blog")])
    );
}

#[test]
fn row_09_tls_servers_with_identical_host_reject_the_newer() {
    let yaml = gateway(
        "prod",
        "istio-system",
        OLD,
        443,
        "HTTPS",
        &["prod.example.com"],
        &simple_tls("prod-tls"),
    ) + &gateway(
        "staging",
        "istio-system",
        NEW,
        443,
        "HTTPS",
        &["staging.example.com", "prod.example.com"],
        &simple_tls("staging-tls"),
    );
    assert_eq!(
        findings(&yaml),
        expect(&[("MM102", "Gateway istio-system/staging")])
    );
    let tls = gateway(
        "mq",
        "mq",
        OLD,
        443,
        "TLS",
        &["mq.example.com"],
        "      tls:\n        mode: PASSTHROUGH\n",
    ) + &gateway(
        "mq-v2",
        "mq",
        NEW,
        443,
        "HTTPS",
        &["mq.example.com"],
        &simple_tls("mq-tls"),
    );
    assert_eq!(findings(&tls), expect(&[("MM102", "Gateway mq/mq-v2")]));
}

#[test]
fn row_10_https_redirect_servers_with_identical_host_reject_the_newer() {
    let redirect = "      tls:\n        httpsRedirect: true\n";
    let yaml = gateway(
        "marketing",
        "web",
        OLD,
        80,
        "HTTP",
        &["www.example.com"],
        redirect,
    ) + &gateway(
        "storefront",
        "web",
        NEW,
        80,
        "HTTP",
        &["www.example.com"],
        redirect,
    );
    assert_eq!(
        findings(&yaml),
        expect(&[("MM102", "Gateway web/storefront")])
    );
}

#[test]
fn row_11_different_bind_is_a_separate_listener() {
    let bind = "      bind: 10.0.0.12\n";
    let tcp = gateway("public-db", "db", OLD, 5432, "TCP", &["*"], "")
        + &gateway("internal-db", "db", NEW, 5432, "TCP", &["*"], bind);
    assert_eq!(findings(&tcp), expect(&[]));
    let tls = gateway(
        "public",
        "web",
        OLD,
        443,
        "HTTPS",
        &["www.example.com"],
        &simple_tls("www-tls"),
    ) + &gateway(
        "internal",
        "web",
        NEW,
        443,
        "HTTPS",
        &["www.example.com"],
        &(simple_tls("www-internal-tls") + bind),
    );
    assert_eq!(findings(&tls), expect(&[]));
}

#[test]
fn row_12_service_target_ports_put_80_and_8080_on_one_listener() {
    let service = "---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  type: LoadBalancer
  selector:
    istio: ingressgateway
  ports:
    - name: http2
      port: 80
      targetPort: 8080
    - name: metrics
      port: 8080
      targetPort: 8080
";
    let gateways = gateway(
        "public",
        "istio-system",
        OLD,
        80,
        "HTTP",
        &["*.example.com"],
        "",
    ) + &gateway("metrics", "monitoring", NEW, 8080, "TCP", &["*"], "");
    assert_eq!(
        findings(&(service.to_string() + &gateways)),
        expect(&[("MM101", "Gateway monitoring/metrics")])
    );
    // Without the Service the numbers stay apart.
    assert_eq!(findings(&gateways), expect(&[]));
}

#[test]
fn row_13_textually_different_selectors_on_the_default_pod_conflict() {
    let deployment = "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  template:
    metadata:
      labels:
        app: istio-ingressgateway
        istio: ingressgateway
";
    let other = gateway(
        "staging",
        "istio-system",
        NEW,
        443,
        "HTTPS",
        &["prod.example.com"],
        &simple_tls("staging-tls"),
    )
    .replace("istio: ingressgateway", "app: istio-ingressgateway");
    let yaml = deployment.to_string()
        + &gateway(
            "prod",
            "istio-system",
            OLD,
            443,
            "HTTPS",
            &["prod.example.com"],
            &simple_tls("prod-tls"),
        )
        + &other;
    assert_eq!(
        findings(&yaml),
        expect(&[("MM102", "Gateway istio-system/staging")])
    );
}

#[test]
fn row_14_gateways_in_different_namespaces_share_the_workload() {
    let yaml = gateway(
        "shop",
        "shop",
        OLD,
        443,
        "HTTPS",
        &["shop.example.com"],
        &simple_tls("shop-tls"),
    ) + &gateway(
        "shop-canary",
        "canary",
        NEW,
        443,
        "HTTPS",
        &["shop.example.com"],
        &simple_tls("canary-tls"),
    );
    assert_eq!(
        findings(&yaml),
        expect(&[("MM102", "Gateway canary/shop-canary")])
    );
}

#[test]
fn row_15_namespaced_hosts_with_one_sni_clash() {
    let yaml = gateway(
        "shop",
        "shop",
        OLD,
        443,
        "HTTPS",
        &["shop/www.example.com"],
        &simple_tls("www-tls"),
    ) + &gateway(
        "blog",
        "blog",
        NEW,
        443,
        "HTTPS",
        &["blog/www.example.com"],
        &simple_tls("www-blog-tls"),
    );
    assert_eq!(findings(&yaml), expect(&[("MM104", "Gateway blog/blog")]));
    let dot = gateway(
        "shop",
        "shop",
        OLD,
        443,
        "HTTPS",
        &["./www.example.com"],
        &simple_tls("www-tls"),
    ) + &gateway(
        "blog",
        "blog",
        NEW,
        443,
        "HTTPS",
        &["www.example.com"],
        &simple_tls("www-blog-tls"),
    );
    assert_eq!(findings(&dot), expect(&[("MM104", "Gateway blog/blog")]));
}

/// Rows 16 and 17 belong to the wiring rules (`MM3xx`, `MM4xx`).
fn wiring_rules_present(names: &[&str]) {
    for name in names {
        assert!(find_rule(name).is_some(), "rule {name} is not registered");
    }
}

#[test]
fn row_16_gateway_port_not_on_any_service() {
    wiring_rules_present(&["gateway-port-not-on-service"]);
    let workload = "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  template:
    metadata:
      labels:
        istio: ingressgateway
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  ports:
    - name: http2
      port: 80
      targetPort: 8080
";
    let yaml = workload.to_string()
        + &gateway(
            "grpc",
            "istio-system",
            OLD,
            9090,
            "GRPC",
            &["grpc.example.com"],
            "",
        );
    assert_eq!(
        findings(&yaml),
        expect(&[("MM301", "Gateway istio-system/grpc")])
    );
}

#[test]
fn row_17_virtualservice_missing_gateway_or_host() {
    wiring_rules_present(&[
        "virtualservice-gateway-not-found",
        "virtualservice-host-not-in-gateway",
    ]);
    let virtual_service = |name: &str, host: &str, gateway: &str| {
        format!(
            "---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: {name}
  namespace: shop
spec:
  hosts:
    - {host}
  gateways:
    - {gateway}
  http:
    - route:
        - destination:
            host: storefront.shop.svc.cluster.local
"
        )
    };
    let yaml = gateway(
        "public",
        "istio-system",
        OLD,
        80,
        "HTTP",
        &["shop.example.com"],
        "",
    ) + &virtual_service("typo", "shop.example.com", "istio-system/pubic")
        + &virtual_service("wrong-host", "blog.example.com", "istio-system/public")
        + &virtual_service("fine", "shop.example.com", "istio-system/public");
    let got = findings(&yaml);
    assert!(
        got.contains(&("MM401".into(), "VirtualService shop/typo".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&("MM402".into(), "VirtualService shop/wrong-host".into())),
        "{got:?}"
    );
    assert!(
        got.iter()
            .all(|(_, r)| r != "VirtualService shop/fine" && !r.starts_with("Gateway")),
        "{got:?}"
    );
}

thread_local! {
    /// The YAML of every scenario run on this thread: `tests/policy.rs`
    /// includes this file and replays [`ROWS`] through the admission policy.
    pub(crate) static SEEN: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Every row, for `tests/policy.rs`.
pub(crate) const ROWS: &[fn()] = &[
    row_01_http_http_disjoint_hosts_merge,
    row_02_http_http_identical_host_merges_routes,
    row_03_http_http_overlapping_wildcards_are_separate_vhosts,
    row_04_http_and_tcp_later_is_rejected_either_order,
    row_05_tcp_tcp_later_is_rejected_whatever_the_hosts,
    row_06_http_older_https_newer_rejects_https,
    row_07_https_older_http_newer_keeps_both_unless_https_is_catch_all,
    row_08_tls_servers_with_distinct_hosts_coexist,
    row_09_tls_servers_with_identical_host_reject_the_newer,
    row_10_https_redirect_servers_with_identical_host_reject_the_newer,
    row_11_different_bind_is_a_separate_listener,
    row_12_service_target_ports_put_80_and_8080_on_one_listener,
    row_13_textually_different_selectors_on_the_default_pod_conflict,
    row_14_gateways_in_different_namespaces_share_the_workload,
    row_15_namespaced_hosts_with_one_sni_clash,
    row_16_gateway_port_not_on_any_service,
    row_17_virtualservice_missing_gateway_or_host,
];

#[test]
fn every_row_is_in_rows() {
    let listed = include_str!("scenarios.rs")
        .lines()
        .filter(|l| l.starts_with("fn row_"))
        .count();
    assert_eq!(ROWS.len(), listed, "add the new row to ROWS");
}
