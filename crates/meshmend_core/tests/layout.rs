//! Repository layouts as multi-file inputs named by path: kustomize bases
//! and overlays, copies of one object across files, `$patch: delete`.

use meshmend_core::{
    AnalyzeOptions, Bundle, Diagnostic, LoadOptions, SourceFile, analyze, refactor,
};

fn load(files: &[(&str, &str)]) -> Bundle {
    let files = files
        .iter()
        .map(|(name, text)| SourceFile::new(*name, *text))
        .collect();
    Bundle::load(files, LoadOptions::default()).expect("within limits")
}

fn findings(bundle: &Bundle) -> Vec<Diagnostic> {
    analyze(bundle, &AnalyzeOptions::default())
}

fn codes(found: &[Diagnostic]) -> Vec<&'static str> {
    found.iter().map(|d| d.code).collect()
}

const GATEWAY: &str = "\
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: kubeflow-gateway
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ['*']
";

const VIRTUAL_SERVICE: &str = "\
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: dashboard
  namespace: kubeflow
spec:
  gateways: [kubeflow/kubeflow-gateway]
  hosts: ['*']
  http:
  - route:
    - destination: {host: dashboard.kubeflow.svc.cluster.local}
";

/// The kubeflow shape: the Gateway has no namespace, its kustomization
/// sets `namespace: kubeflow`, and a VirtualService elsewhere names
/// `kubeflow/kubeflow-gateway`.
#[test]
fn kustomize_namespace_applies_to_listed_files() {
    let bundle = load(&[
        (
            "common/istio-resources/base/kustomization.yaml",
            "resources:\n- gateway.yaml\nnamespace: kubeflow\n",
        ),
        ("common/istio-resources/base/gateway.yaml", GATEWAY),
        ("apps/dashboard/virtual-service.yaml", VIRTUAL_SERVICE),
    ]);
    let gateway = &bundle.model.gateways[0];
    assert_eq!(gateway.namespace, "kubeflow");
    assert!(findings(&bundle).is_empty(), "{:?}", findings(&bundle));
}

/// The outermost kustomization's `namespace:` wins over its base's; a
/// cluster-scoped kind keeps no namespace.
#[test]
fn overlay_namespace_wins_and_spares_cluster_scoped_kinds() {
    let bundle = load(&[
        (
            "k8s/base/kustomization.yaml",
            "resources: [gateway.yaml, role.yaml]\nnamespace: base-ns\n",
        ),
        ("k8s/base/gateway.yaml", GATEWAY),
        (
            "k8s/base/role.yaml",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n",
        ),
        (
            "k8s/overlays/prod/kustomization.yaml",
            "resources:\n- ../../base\nnamespace: prod\n",
        ),
    ]);
    assert_eq!(bundle.model.gateways[0].namespace, "prod");
    let role = bundle
        .resources
        .iter()
        .find(|r| r.kind.value == "ClusterRole")
        .unwrap();
    assert_eq!(
        meshmend_core::model::identity::Identity::of(role).namespace,
        ""
    );
}

/// base + overlays/dev + overlays/prod: the base Gateway is one document
/// built twice; it must not conflict with itself, and the second overlay's
/// different namespace is named (MM007), not guessed silently.
#[test]
fn base_built_by_two_overlays_is_one_object() {
    let bundle = load(&[
        ("k8s/base/kustomization.yaml", "resources: [gateway.yaml]\n"),
        ("k8s/base/gateway.yaml", GATEWAY),
        (
            "k8s/overlays/dev/kustomization.yaml",
            "resources: [../../base]\nnamespace: dev\n",
        ),
        (
            "k8s/overlays/prod/kustomization.yaml",
            "resources: [../../base]\nnamespace: prod\n",
        ),
    ]);
    assert_eq!(bundle.model.gateways.len(), 1);
    assert_eq!(bundle.model.gateways[0].namespace, "dev");
    let found = findings(&bundle);
    assert_eq!(codes(&found), ["MM007"], "{found:?}");
    assert_eq!(
        bundle.files[found[0].file].name,
        "k8s/overlays/prod/kustomization.yaml"
    );
    assert!(
        found[0].message.contains("namespace `prod`"),
        "{}",
        found[0].message
    );
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap()
            .contains("kustomize build k8s/overlays/prod | meshmend analyze -")
    );
}

/// Files listed as patches, and `$patch: delete` documents, are not
/// objects; a delete patch removes its target from the build.
#[test]
fn patches_are_not_resources_and_delete_removes_the_target() {
    let upstream = "\
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: knative-ingress-gateway, namespace: knative-serving}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ['*']
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: knative-local-gateway, namespace: knative-serving}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8081, name: http, protocol: HTTP}
    hosts: ['*']
";
    let remove = "\
$patch: delete
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: knative-ingress-gateway
  namespace: knative-serving
";
    let bundle = load(&[
        (
            "knative/base/kustomization.yaml",
            "resources: [upstream/net-istio.yaml]\npatches:\n- path: patches/remove-gateway.yaml\n",
        ),
        ("knative/base/patches/remove-gateway.yaml", remove),
        ("knative/base/upstream/net-istio.yaml", upstream),
    ]);
    let names: Vec<&str> = bundle
        .model
        .gateways
        .iter()
        .map(|g| g.name.value.as_str())
        .collect();
    assert_eq!(names, ["knative-local-gateway"]);
    // A stray `$patch: delete` document outside kustomize is not a Gateway either.
    let bundle = load(&[("remove-gateway.yaml", remove)]);
    assert!(bundle.model.gateways.is_empty());
}

/// cluster1/ and cluster2/ copies of one Gateway: one finding (MM006) that
/// names both files, no self-conflict, and no "consolidate X into X".
#[test]
fn copies_across_files_are_analyzed_once() {
    let gateway = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: frontend-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ['*']
";
    let files = [
        ("multicluster/cluster1/istio-defaults.yaml", gateway),
        ("multicluster/cluster2/istio-defaults.yaml", gateway),
        ("tutorial/step1/gateway.yaml", gateway),
    ];
    let bundle = load(&files);
    assert_eq!(bundle.model.gateways.len(), 1);
    // The analyzed copy is the last in input order.
    assert_eq!(bundle.model.gateways[0].resource, 0);
    assert_eq!(
        bundle.files[bundle.resources[0].file].name,
        "tutorial/step1/gateway.yaml"
    );
    let found = findings(&bundle);
    assert_eq!(codes(&found), ["MM006"], "{found:?}");
    assert_eq!(found[0].related.len(), 2);
    let outcome = refactor::fix(&bundle, &refactor::FixOptions::default());
    assert!(outcome.changes.is_empty(), "{:?}", outcome.changes);
}

/// `namePrefix` matters only where meshmend reads names: on a build with a
/// Gateway it is named (MM007); on ConfigMaps alone it changes no finding.
#[test]
fn name_prefix_is_reported_only_where_it_changes_findings() {
    let gateway_build = load(&[
        (
            "app/kustomization.yaml",
            "namePrefix: prod-\nresources: [gateway.yaml]\n",
        ),
        ("app/gateway.yaml", GATEWAY),
    ]);
    let found = findings(&gateway_build);
    assert_eq!(codes(&found), ["MM007"], "{found:?}");
    assert!(found[0].message.contains("`namePrefix`"));
    let config_build = load(&[
        (
            "app/kustomization.yaml",
            "namePrefix: prod-\nresources: [config.yaml]\n",
        ),
        (
            "app/config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
        ),
    ]);
    assert!(findings(&config_build).is_empty());
}

/// A JSON 6902 patch of a Gateway changes what the rules read; one of a
/// Deployment that is no gateway does not.
#[test]
fn json_patches_are_judged_by_their_target() {
    let ops = "- op: replace\n  path: /spec/servers/0/port/number\n  value: 8080\n";
    let bundle = load(&[
        (
            "app/kustomization.yaml",
            "resources: [gateway.yaml]\npatches:\n- path: port.yaml\n  target: {kind: Gateway, name: kubeflow-gateway}\n",
        ),
        ("app/gateway.yaml", GATEWAY),
        ("app/port.yaml", ops),
    ]);
    let found = findings(&bundle);
    assert_eq!(codes(&found), ["MM007"], "{found:?}");
    assert!(
        found[0]
            .message
            .contains("patch `port.yaml` changes Gateway `kubeflow-gateway`"),
        "{}",
        found[0].message
    );
    let deployment = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: dashboard}
spec:
  template:
    metadata:
      labels: {app: dashboard}
";
    let bundle = load(&[
        (
            "app/kustomization.yaml",
            "resources: [gateway.yaml, deployment.yaml]\npatches:\n- path: labels.yaml\n  target: {kind: Deployment, name: dashboard}\n",
        ),
        ("app/gateway.yaml", GATEWAY),
        ("app/deployment.yaml", deployment),
        (
            "app/labels.yaml",
            "- op: add\n  path: /spec/template/metadata/labels/version\n  value: v2\n",
        ),
    ]);
    assert!(!codes(&findings(&bundle)).contains(&"MM007"));
}

/// Kustomizations that list each other (kustomize refuses the cycle) end
/// the walk instead of looping.
#[test]
fn a_cycle_of_bases_terminates() {
    let bundle = load(&[
        (
            "a/kustomization.yaml",
            "resources: [../b, gw.yaml]\nnamespace: a\n",
        ),
        ("a/gw.yaml", GATEWAY),
        ("b/kustomization.yaml", "resources: [../a]\n"),
    ]);
    assert_eq!(bundle.model.gateways.len(), 1);
}

/// A VirtualService whose namespace a kustomization sets is pinned down:
/// a bare reference to a Gateway that exists only in another namespace is
/// a likely mistake (warning). Without any namespace it is only info.
#[test]
fn kustomize_namespace_makes_a_relative_gateway_reference_checkable() {
    let gateway = GATEWAY.replace(
        "name: kubeflow-gateway",
        "name: kubeflow-gateway\n  namespace: kubeflow",
    );
    let vs = "\
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: dex}
spec:
  gateways: [kubeflow-gateway]
  hosts: ['*']
";
    let pinned = load(&[
        ("gw.yaml", &gateway),
        (
            "dex/kustomization.yaml",
            "namespace: auth\nresources: [vs.yaml]\n",
        ),
        ("dex/vs.yaml", vs),
    ]);
    let found = findings(&pinned);
    assert_eq!(codes(&found), ["MM401"]);
    assert_eq!(found[0].severity, meshmend_core::Severity::Warning);
    let floating = load(&[("gw.yaml", &gateway), ("dex/vs.yaml", vs)]);
    let found = findings(&floating);
    assert_eq!(codes(&found), ["MM401"]);
    assert_eq!(found[0].severity, meshmend_core::Severity::Info);
}

/// A diamond lattice of bases (each level lists both kustomizations of the
/// next) is walked once per kustomization, not once per path (2^40 here).
#[test]
fn diamonds_of_bases_cost_linear_time() {
    let mut files: Vec<(String, String)> = Vec::new();
    for level in 0..40 {
        for side in ["a", "b"] {
            let text = if level == 39 {
                "resources: [../../gw.yaml]\n".to_string()
            } else {
                format!(
                    "resources: [../../l{}/a, ../../l{}/b]\n",
                    level + 1,
                    level + 1
                )
            };
            files.push((format!("l{level}/{side}/kustomization.yaml"), text));
        }
    }
    files.push(("gw.yaml".to_string(), GATEWAY.to_string()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let bundle = load(&refs);
    assert_eq!(bundle.model.gateways.len(), 1);
}

/// A Gateway in a real conflict that is defined twice (cluster1/ and
/// cluster2/ copies of the staging Gateway): which copy is deployed is not
/// in the input, so neither is edited — the refusal names the other file —
/// while the conflict itself is still reported.
#[test]
fn a_conflicting_gateway_with_copies_is_not_edited() {
    let prod = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: prod, namespace: istio-system, creationTimestamp: '2024-01-10T09:00:00Z'}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [prod.example.com]
    tls: {mode: SIMPLE, credentialName: prod-tls}
";
    let staging = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: staging, namespace: istio-system, creationTimestamp: '2024-01-15T03:41:00Z'}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-staging, protocol: HTTPS}
    hosts: [staging.example.com, prod.example.com]
    tls: {mode: SIMPLE, credentialName: staging-tls}
";
    let bundle = load(&[
        ("cluster1/staging.yaml", staging),
        ("cluster2/staging.yaml", staging),
        ("shared/prod.yaml", prod),
    ]);
    let found = findings(&bundle);
    assert_eq!(codes(&found), ["MM006", "MM102"], "{found:?}");
    for strategy in [refactor::Strategy::Consolidate, refactor::Strategy::Isolate] {
        let options = refactor::FixOptions {
            strategy,
            ..refactor::FixOptions::default()
        };
        let outcome = refactor::fix(&bundle, &options);
        assert!(
            outcome.changes.is_empty(),
            "{strategy:?}: {:?}",
            outcome.changes
        );
        let reasons: Vec<&str> = outcome
            .verification
            .rejected
            .iter()
            .map(|r| r.reason.as_str())
            .collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("defined 2 times") && r.contains("cluster1/staging.yaml")),
            "{strategy:?}: {reasons:?}"
        );
        assert!(!outcome.conflict_free(), "{strategy:?}");
    }
}
