// Input shape `pathological` shared by the benches and `examples/shapes.rs` (which
// prints it for `scripts/memory.sh`); deterministic, never stored in the repository.

/// The pathological topology: `workloads` gateway Deployments with
/// identical labels in one namespace, as many Services selecting them all,
/// and `gateways` Gateways on the same selector (about 525 KB at 500 / 500
/// / 1,000). Every Service resolves every server's port, every Gateway
/// applies to every workload: a pairwise model is cubic here.
fn pathological(workloads: usize, services: usize, gateways: usize) -> String {
    let mut out = String::new();
    for w in 0..workloads {
        out += &format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress-{w}\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels: {{istio: ingressgateway}}\n  template:\n    metadata:\n      labels: {{app: istio-ingressgateway, istio: ingressgateway}}\n    spec:\n      containers:\n        - name: istio-proxy\n          image: docker.io/istio/proxyv2:1.24.0\n---\n"
        );
    }
    for s in 0..services {
        out += &format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-{s}\n  namespace: istio-system\nspec:\n  type: NodePort\n  selector: {{istio: ingressgateway}}\n  ports:\n    - {{name: http2, port: 80, targetPort: 8080, nodePort: {http}}}\n    - {{name: https, port: 443, targetPort: 8443, nodePort: {https}}}\n---\n",
            http = 30_000 + (2 * s) % 2700,
            https = 30_001 + (2 * s) % 2700,
        );
    }
    for g in 0..gateways {
        out += &format!(
            "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: gw-{g}\n  namespace: team-{ns}\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port: {{number: 443, name: https-{g}, protocol: HTTPS}}\n      hosts: [\"app-{g}.example.com\"]\n      tls: {{mode: SIMPLE, credentialName: app-{g}-tls}}\n---\n",
            ns = g % 13,
        );
    }
    out.truncate(out.len() - "---\n".len());
    out
}
