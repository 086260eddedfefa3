//! istiod behaviours that were false positives or misses on real input, each
//! on a realistic reproduction: Knative's `disable-gateway-port-translation`
//! Service label, port translation through the *oldest* Service (whatever
//! the file order), and the gateway-merge change of Istio 1.28.1 / 1.27.4 /
//! 1.26.8 (istio/istio#57707) on both sides of each release line.

use meshmend_core::analyze::topology::{Match, Topology, WorkloadSource};
use meshmend_core::refactor::{FixOptions, Strategy, fix};
use meshmend_core::{AnalyzeOptions, Bundle, IstioVersion, analyze};

/// `(code, "Kind namespace/name")` of every finding, sorted.
fn findings_at(yaml: &str, version: &str) -> Vec<(String, String)> {
    let bundle = Bundle::from_text("scenario.yaml", yaml).expect("scenario loads");
    let options = AnalyzeOptions {
        istio_version: version.parse().expect("valid version"),
        ..AnalyzeOptions::default()
    };
    let mut out: Vec<(String, String)> = analyze(&bundle, &options)
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

fn findings(yaml: &str) -> Vec<(String, String)> {
    findings_at(yaml, &IstioVersion::default().to_string())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(c, r)| ((*c).to_string(), (*r).to_string()))
        .collect()
}

// ---------------------------------------------------------------------------
// Knative on Istio: `knative-local-gateway`.

/// The istio-ingressgateway install: Deployment and its LoadBalancer Service.
const INGRESS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    matchLabels: {app: istio-ingressgateway, istio: ingressgateway}
  template:
    metadata:
      labels: {app: istio-ingressgateway, istio: ingressgateway}
    spec:
      containers:
        - name: istio-proxy
          image: docker.io/istio/proxyv2:1.28.1
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
  creationTimestamp: \"2025-05-01T10:00:00Z\"
spec:
  type: LoadBalancer
  selector: {app: istio-ingressgateway, istio: ingressgateway}
  ports:
    - {name: status-port, port: 15021, targetPort: 15021}
    - {name: http2, port: 80, targetPort: 8080}
    - {name: https, port: 443, targetPort: 8443}
";

/// net-istio's two Gateways and the cluster-local Service, whose port 80
/// leads to 8081 (the local Gateway's port) and must not translate
/// Gateway port 80. `label` is the Service's label line (or nothing).
fn knative(label: &str) -> String {
    format!(
        "---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: knative-ingress-gateway
  namespace: knative-serving
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: {{number: 80, name: http, protocol: HTTP}}
      hosts: [\"*\"]
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: knative-local-gateway
  namespace: knative-serving
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: {{number: 8081, name: http, protocol: HTTP}}
      hosts: [\"*\"]
---
apiVersion: v1
kind: Service
metadata:
  name: knative-local-gateway
  namespace: istio-system
  creationTimestamp: \"2025-04-01T10:00:00Z\"
  labels:
    networking.knative.dev/ingress-provider: istio
{label}spec:
  type: ClusterIP
  selector:
    istio: ingressgateway
  ports:
    - {{name: http2, port: 80, targetPort: 8081}}
    - {{name: https, port: 443, targetPort: 8444}}
"
    )
}

const DISABLE: &str = "    experimental.istio.io/disable-gateway-port-translation: \"true\"\n";

#[test]
fn knative_local_gateway_service_does_not_translate_gateway_ports() {
    // net-istio's own config (no ingress Service in the input) and a full
    // install where the local Service is even the older one.
    assert_eq!(findings(&knative(DISABLE)), pairs(&[]));
    assert_eq!(
        findings(&format!("{INGRESS}{}", knative(DISABLE))),
        pairs(&[])
    );
}

#[test]
fn only_the_presence_of_the_disable_label_counts() {
    // istiod reads `Labels[key]` with `_, ok :=`: "false" disables too.
    let label = "    experimental.istio.io/disable-gateway-port-translation: \"false\"\n";
    assert_eq!(findings(&knative(label)), pairs(&[]));
}

#[test]
fn without_the_label_the_older_local_service_translates_port_80() {
    // Without the label the cluster-local Service (older than the ingress
    // Service) maps Gateway port 80 to 8081: both `*` servers share the
    // route table http.8081. This is what the label exists to prevent.
    let found = findings(&format!("{INGRESS}{}", knative("")));
    assert!(
        found.iter().any(|(code, resource)| code == "MM103"
            && resource.starts_with("Gateway knative-serving/knative-")),
        "{found:?}"
    );
}

#[test]
fn fix_leaves_knative_local_gateway_alone() {
    for text in [knative(DISABLE), format!("{INGRESS}{}", knative(DISABLE))] {
        let bundle = Bundle::from_text("net-istio.yaml", &text).expect("loads");
        let outcome = fix(&bundle, &FixOptions::default());
        assert!(!outcome.has_edits(), "{}", outcome.diff);
        assert!(outcome.conflict_free());
    }
}

// ---------------------------------------------------------------------------
// Port translation through the oldest Service.

/// Documents of a gateway with two Services mapping port 80 differently:
/// `public` (older, 80 → 8080) and `internal` (newer, 80 → 9090). Gateway
/// `web` serves HTTP on 80, Gateway `metrics` TCP on 8080: they collide
/// only if 80 translates through `public`, the oldest Service.
fn two_services(public_created: &str, internal_created: &str) -> Vec<String> {
    vec![
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: edge}
spec:
  template:
    metadata:
      labels: {app: edge, istio: edge}
"
        .to_string(),
        format!(
            "apiVersion: v1
kind: Service
metadata:
  name: public
  namespace: edge
  creationTimestamp: \"{public_created}\"
spec:
  type: LoadBalancer
  selector: {{istio: edge}}
  ports:
    - {{name: http, port: 80, targetPort: 8080}}
"
        ),
        format!(
            "apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: edge
  creationTimestamp: \"{internal_created}\"
spec:
  selector: {{istio: edge}}
  ports:
    - {{name: http, port: 80, targetPort: 9090}}
"
        ),
        "apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: edge, creationTimestamp: \"2025-01-01T00:00:00Z\"}
spec:
  selector: {istio: edge}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [www.example.com]
"
        .to_string(),
        "apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: metrics, namespace: edge, creationTimestamp: \"2025-02-01T00:00:00Z\"}
spec:
  selector: {istio: edge}
  servers:
    - port: {number: 8080, name: tcp, protocol: TCP}
      hosts: [\"*\"]
"
        .to_string(),
    ]
}

/// Every ordering of `items` (Heap's algorithm).
fn permutations(items: &[String]) -> Vec<Vec<String>> {
    fn heap(k: usize, items: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if k <= 1 {
            out.push(items.clone());
            return;
        }
        for i in 0..k {
            heap(k - 1, items, out);
            let j = if k.is_multiple_of(2) { i } else { 0 };
            items.swap(j, k - 1);
        }
    }
    let mut items = items.to_vec();
    let mut out = Vec::new();
    heap(items.len(), &mut items, &mut out);
    out
}

fn joined(documents: &[String]) -> String {
    documents.join("---\n")
}

#[test]
fn the_oldest_service_translates_in_every_document_order() {
    let documents = two_services("2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z");
    let expected = pairs(&[("MM101", "Gateway edge/metrics")]);
    let all = permutations(&documents);
    assert_eq!(all.len(), 120);
    for order in &all {
        assert_eq!(findings(&joined(order)), expected, "{}", joined(order));
    }
}

#[test]
fn a_newer_service_does_not_translate_in_any_document_order() {
    // `internal` is now the oldest: 80 → 9090, no collision with 8080.
    let documents = two_services("2025-06-01T00:00:00Z", "2024-01-01T00:00:00Z");
    for order in permutations(&documents) {
        assert_eq!(findings(&joined(&order)), pairs(&[]), "{}", joined(&order));
    }
}

#[test]
fn services_created_together_translate_in_hostname_order() {
    // Same timestamp: istiod compares hostnames `internal.edge.svc…` and
    // `public.edge.svc…`; `internal` sorts first, so 80 → 9090.
    let same = "2025-01-01T00:00:00Z";
    for order in permutations(&two_services(same, same)) {
        assert_eq!(findings(&joined(&order)), pairs(&[]));
    }
}

// ---------------------------------------------------------------------------
// Istio 1.28.1 / 1.27.4 / 1.26.8: a plain-text server after TLS servers.

/// istio/istio#58700's shape: HTTPS Gateways on 443, an older plain-HTTP
/// server on 443 between them.
const PLAINTEXT_AFTER_TLS: &str = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: main, namespace: web, creationTimestamp: \"2025-01-05T10:00:00Z\"}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 443, name: https, protocol: HTTPS}
      hosts: [www.example.com]
      tls: {mode: SIMPLE, credentialName: www-tls}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: plain-443, namespace: legacy, creationTimestamp: \"2025-02-05T10:00:00Z\"}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 443, name: http, protocol: HTTP}
      hosts: [legacy.example.com]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: api, namespace: api, creationTimestamp: \"2025-03-05T10:00:00Z\"}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 443, name: https, protocol: HTTPS}
      hosts: [api.example.com]
      tls: {mode: SIMPLE, credentialName: api-tls}
";

#[test]
fn newer_https_after_plaintext_on_443_is_dropped_from_the_fixed_releases() {
    let dropped = pairs(&[("MM101", "Gateway api/api")]);
    for version in [
        "1.26.8", "1.27.4", "1.27", "1.28.1", "1.28", "1.29.0", "1.30",
    ] {
        assert_eq!(
            findings_at(PLAINTEXT_AFTER_TLS, version),
            dropped,
            "{version}"
        );
    }
    for version in ["1.22", "1.25", "1.26.7", "1.27.0", "1.27.3", "1.28.0"] {
        assert_eq!(
            findings_at(PLAINTEXT_AFTER_TLS, version),
            pairs(&[]),
            "{version}"
        );
    }
}

#[test]
fn fix_verifies_with_the_version_it_was_asked_for() {
    let bundle = Bundle::from_text("gateways.yaml", PLAINTEXT_AFTER_TLS).expect("loads");
    // A protocol conflict is fixed by isolating the newer Gateway.
    let at = |version: &str| FixOptions {
        strategy: Strategy::Isolate,
        analyze: AnalyzeOptions {
            istio_version: version.parse().expect("valid"),
            ..AnalyzeOptions::default()
        },
        ..FixOptions::default()
    };
    // 1.28.0: nothing is dropped, nothing to fix.
    let old = fix(&bundle, &at("1.28.0"));
    assert!(!old.has_edits() && old.conflict_free(), "{}", old.diff);
    // 1.28.1: the dropped HTTPS server is fixed, and the output verifies
    // under 1.28.1 (nothing remains).
    let new = fix(&bundle, &at("1.28.1"));
    assert!(new.has_edits(), "a fix is offered: {:?}", new.verification);
    assert!(
        new.verification.ok && new.conflict_free(),
        "{:?}\n{}",
        new.verification,
        new.diff
    );
}

// ---------------------------------------------------------------------------
// Gateway installs: IstioOperator overlays and the legacy `gateways` subchart.

/// How each Gateway applies to the workloads the installs render:
/// `(gateway, workload name, how)` for every non-stand-in membership.
fn memberships(yaml: &str) -> Vec<(String, String, Match)> {
    let bundle = Bundle::from_text("install.yaml", yaml).expect("loads");
    let topology = Topology::build(&bundle);
    let mut out = Vec::new();
    for workload in &topology.workloads {
        let WorkloadSource::Input(list) = &workload.source else {
            continue;
        };
        let name = &bundle.model.workloads[list[0]].name.value;
        for &(g, how) in &workload.gateways {
            out.push((
                bundle.model.gateways[g].name.value.clone(),
                name.clone(),
                how,
            ));
        }
    }
    out.sort();
    out
}

const OPERATOR: &str = "\
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: control-plane, namespace: istio-system}
spec:
  profile: default
  components:
    ingressGateways:
      - name: istio-ingressgateway
        enabled: true
        k8s:
          overlays:
            - kind: Deployment
              name: istio-ingressgateway
              patches:
                - path: spec.template.metadata.labels.gateway-tier
                  value: public
                - path: spec.template.spec.containers.[name:istio-proxy].lifecycle
                  value: {preStop: {exec: {command: [sleep, '5']}}}
            - kind: Deployment
              name: some-other-deployment
              patches:
                - path: spec.template.metadata.labels.ignored
                  value: 'yes'
      - name: internal-gateway
        enabled: true
        label: {app: internal-gateway, istio: internal-gateway}
        k8s:
          overlays:
            - kind: Deployment
              name: internal-gateway
              patches:
                - path: spec.template.metadata.labels.istio
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public-web, namespace: web}
spec:
  selector: {istio: ingressgateway, gateway-tier: public}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [www.example.com]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: internal, namespace: web}
spec:
  selector: {istio: internal-gateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [intranet.example.com]
";

#[test]
fn istio_operator_overlays_patch_the_gateway_pod_labels() {
    // `gateway-tier: public` is added to the ingress pods, so `public-web`
    // selects that workload; the internal pods lose `istio`, so `internal`
    // selects nothing that the operator renders.
    assert_eq!(
        memberships(OPERATOR),
        vec![(
            "public-web".to_string(),
            "istio-ingressgateway".to_string(),
            Match::Selects
        )]
    );
    // Without the overlays the old answer: `public-web` selects nothing,
    // `internal` selects the internal gateway.
    let plain = OPERATOR
        .replace(
            "spec.template.metadata.labels.gateway-tier",
            "metadata.labels.gateway-tier",
        )
        .replace(
            "path: spec.template.metadata.labels.istio",
            "path: metadata.labels.istio",
        );
    assert_eq!(
        memberships(&plain),
        vec![(
            "internal".to_string(),
            "internal-gateway".to_string(),
            Match::Selects
        )]
    );
}

#[test]
fn an_overlay_can_set_escaped_label_keys_and_whole_label_maps() {
    let yaml = "\
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: cp, namespace: istio-system}
spec:
  components:
    ingressGateways:
      - name: edge
        label: {istio: edge}
        k8s:
          overlays:
            - kind: Deployment
              name: edge
              patches:
                - path: spec.template.metadata.labels
                  value: {istio: edge, app: edge}
                - path: spec.template.metadata.labels.app\\.kubernetes\\.io/part-of
                  value: storefront
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: store, namespace: shop}
spec:
  selector: {app.kubernetes.io/part-of: storefront, app: edge}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [store.example.com]
";
    assert_eq!(
        memberships(yaml),
        vec![("store".to_string(), "edge".to_string(), Match::Selects)]
    );
}

/// The `gateways` subchart's own values (Istio ≤ 1.4 umbrella chart).
const SUBCHART_VALUES: &str = "\
enabled: true
global:
  hub: docker.io/istio
istio-ingressgateway:
  enabled: true
  labels:
    app: istio-ingressgateway
    istio: ingressgateway
  type: NodePort
  ports:
    - {port: 15020, targetPort: 15020, name: status-port}
    - {port: 80, targetPort: 80, name: http2, nodePort: 31380}
    - {port: 443, name: https, nodePort: 31390}
istio-egressgateway:
  enabled: false
  labels:
    app: istio-egressgateway
    istio: egressgateway
";

#[test]
fn legacy_gateways_subchart_values_render_the_ingress_gateway() {
    let gateways = "\
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: web, namespace: default, creationTimestamp: \"2020-01-01T00:00:00Z\"}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [www.example.com]
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: mqtt, namespace: default, creationTimestamp: \"2020-02-01T00:00:00Z\"}
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: tcp, protocol: TCP}
      hosts: ['*']
---
apiVersion: v1
kind: Service
metadata: {name: legacy-app, namespace: default}
spec:
  type: NodePort
  selector: {app: legacy}
  ports:
    - {port: 8080, nodePort: 31380}
";
    let bundle = Bundle::load(
        vec![
            meshmend_core::SourceFile::new("charts/gateways/values.yaml", SUBCHART_VALUES),
            meshmend_core::SourceFile::new("gateways.yaml", gateways),
        ],
        meshmend_core::LoadOptions::default(),
    )
    .expect("loads");
    // Only the enabled ingress gateway is rendered; `global` and `enabled`
    // are not gateways.
    let rendered: Vec<&str> = bundle
        .model
        .services
        .iter()
        .filter(|s| s.origin == meshmend_core::model::ServiceOrigin::LegacyGatewaysChart)
        .map(|s| s.name.value.as_str())
        .collect();
    assert_eq!(rendered, ["istio-ingressgateway"]);
    let codes: Vec<(&str, String)> = analyze(&bundle, &AnalyzeOptions::default())
        .into_iter()
        .map(|d| (d.code, d.resource.map(|r| r.name).unwrap_or_default()))
        .collect();
    assert!(codes.contains(&("MM101", "mqtt".to_string())), "{codes:?}");
    assert!(
        codes.iter().any(|(code, _)| *code == "MM201"),
        "nodePort 31380 collides with the subchart's: {codes:?}"
    );
}

#[test]
fn istio_operator_service_overlays_patch_the_selector_that_translates_ports() {
    // An internal gateway re-labelled by overlays on both its Deployment
    // and its Service (the shape of GKE's internal load balancer sample):
    // the Service still selects the pods, so port 80 translates to 8080 and
    // the TCP server on 8080 collides with the HTTP server on 80.
    let install = |service_patch: &str| {
        format!(
            "apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {{name: cp, namespace: istio-system}}
spec:
  components:
    ingressGateways:
      - name: istio-ilbgateway
        enabled: true
        k8s:
          service:
            ports:
              - {{name: http, port: 80, targetPort: 8080}}
          overlays:
            - kind: Deployment
              name: istio-ilbgateway
              patches:
                - {{path: spec.template.metadata.labels.app, value: istio-ilbgateway}}
                - {{path: spec.template.metadata.labels.istio, value: ilbgateway}}
            - kind: Service
              name: istio-ilbgateway
              patches:
                - {{path: {service_patch}.app, value: istio-ilbgateway}}
                - {{path: {service_patch}.istio, value: ilbgateway}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: web, namespace: apps, creationTimestamp: \"2025-01-01T00:00:00Z\"}}
spec:
  selector: {{istio: ilbgateway}}
  servers:
    - port: {{number: 80, name: http, protocol: HTTP}}
      hosts: [app.internal.example.com]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: metrics, namespace: apps, creationTimestamp: \"2025-02-01T00:00:00Z\"}}
spec:
  selector: {{istio: ilbgateway}}
  servers:
    - port: {{number: 8080, name: tcp, protocol: TCP}}
      hosts: [\"*\"]
"
        )
    };
    assert_eq!(
        findings(&install("spec.selector")),
        pairs(&[("MM101", "Gateway apps/metrics")])
    );
    // Patching only the Service's own labels leaves its selector on the
    // default `istio=ingressgateway` pods: no translation, no conflict.
    assert_eq!(findings(&install("metadata.labels")), pairs(&[]));
}
