//! Repository layouts through the binary: directory walk order decides
//! which copy of an object is analyzed, and kustomize namespaces apply.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_meshmend");

/// A fresh directory under the target dir, filled with `files`.
fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn analyze_json(dir: &Path) -> Value {
    let output = Command::new(BIN)
        .args(["analyze", "--format", "json", "--failure-threshold", "none"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

const GATEWAY: &str = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: frontend-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ['*']
";

#[test]
fn the_last_copy_in_walk_order_is_analyzed() {
    let dir = tree(
        "layout-copies",
        &[
            ("cluster2/gateway.yaml", GATEWAY),
            ("cluster1/gateway.yaml", GATEWAY),
        ],
    );
    let report = analyze_json(&dir);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["MM006"], "{report}");
    // cluster1/ sorts first, so cluster2/ is applied last and analyzed.
    let file = diagnostics[0]["file"].as_str().unwrap();
    assert!(file.ends_with("cluster2/gateway.yaml"), "{file}");
    let related = diagnostics[0]["related"][0]["file"].as_str().unwrap();
    assert!(related.ends_with("cluster1/gateway.yaml"), "{related}");
}

#[test]
fn kustomize_namespace_reaches_references() {
    let dir = tree(
        "layout-kustomize",
        &[
            (
                "istio/kustomization.yaml",
                "namespace: kubeflow\nresources: [gateway.yaml]\n",
            ),
            ("istio/gateway.yaml", GATEWAY),
            (
                "apps/vs.yaml",
                "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ui, namespace: kubeflow}\nspec:\n  hosts: ['*']\n  gateways: [kubeflow/frontend-gateway]\n",
            ),
        ],
    );
    let report = analyze_json(&dir);
    assert_eq!(
        report["diagnostics"].as_array().unwrap().len(),
        0,
        "{report}"
    );
}
