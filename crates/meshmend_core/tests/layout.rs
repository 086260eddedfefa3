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
