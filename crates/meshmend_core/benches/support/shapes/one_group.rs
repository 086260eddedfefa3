// Input shape `one_group` shared by the benches and `examples/shapes.rs` (which
// prints it for `scripts/memory.sh`); deterministic, never stored in the repository.

/// One huge conflict group: `gateways` Gateways claiming the same HTTPS
/// host on port 443 of one ingress workload, each under its own
/// certificate, each with its own host next to the shared one.
fn one_group(gateways: usize) -> String {
    let mut out = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istio-ingressgateway\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels: {istio: ingressgateway}\n  template:\n    metadata:\n      labels: {istio: ingressgateway}\n    spec:\n      containers:\n        - name: istio-proxy\n          image: docker.io/istio/proxyv2:1.24.0\n",
    );
    for g in 0..gateways {
        out += &format!(
            "---\napiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: team-{g}\n  namespace: team-{ns}\n  creationTimestamp: \"2024-01-01T00:00:00Z\"\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port:\n        number: 443\n        name: https\n        protocol: HTTPS\n      hosts:\n        - shop.example.com\n        - team-{g}.example.com\n      tls:\n        mode: SIMPLE\n        credentialName: cert-{g}\n",
            ns = g % 7,
        );
    }
    out
}
