// Input shape `ingress_groups` shared by the benches and `examples/shapes.rs` (which
// prints it for `scripts/memory.sh`); deterministic, never stored in the repository.

/// The side-by-side script's generated input (`scripts/side_by_side/gen.py`)
/// at about `documents` documents: per ingress gateway workload its
/// Deployment and Service, eight Gateways in four pairs (benign, repeated
/// TLS host, translated port, overlapping selectors: three conflict groups
/// each) and four apps (Deployment, Service, ConfigMap; one Secret), 23
/// documents. Each workload is its own conflict world, so analyze and fix
/// must cost the same per group at 50 groups and at 5,000.
fn ingress_groups(documents: usize) -> String {
    let mut out = String::new();
    for g in 0..documents.div_ceil(23).max(1) {
        ingress_group(&mut out, g);
    }
    out
}

fn ingress_group(out: &mut String, g: usize) {
    use std::fmt::Write as _;
    let (ns, d) = (format!("team-{g}"), g % 27 + 1);
    let _ = write!(
        out,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress-{g}\n  namespace: istio-system\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      istio: ingress-{g}\n  template:\n    metadata:\n      labels:\n        istio: ingress-{g}\n        app: ingress-{g}-gw\n      annotations:\n        inject.istio.io/templates: \"gateway\"\n    spec:\n      containers:\n        - name: istio-proxy\n          image: auto\n          ports:\n            - containerPort: 8080\n            - containerPort: 8443\n            - containerPort: 9443\n            - containerPort: 15443\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-{g}\n  namespace: istio-system\nspec:\n  type: LoadBalancer\n  selector:\n    istio: ingress-{g}\n  ports:\n    - name: http2\n      port: 80\n      targetPort: 8080\n    - name: https\n      port: 443\n      targetPort: 8443\n    - name: https-alt\n      port: 9443\n      targetPort: 9443\n    - name: tls\n      port: 15443\n      targetPort: 15443\n---\n"
    );
    let own = format!("istio: ingress-{g}");
    let alt = format!("app: ingress-{g}-gw");
    let gateways = [
        ("benign-a", d, &own, 443, "https", "HTTPS", format!("a-{g}.example.com"), Some(format!("a-{g}-tls"))),
        ("benign-b", d + 1, &own, 443, "https", "HTTPS", format!("b-{g}.example.com"), Some(format!("b-{g}-tls"))),
        ("dup-host-a", d, &own, 9443, "https-alt", "HTTPS", format!("shop-{g}.example.com"), Some(format!("shop-{g}-tls"))),
        ("dup-host-b", d + 1, &own, 9443, "https-alt", "HTTPS", format!("shop-{g}.example.com"), Some(format!("shop2-{g}-tls"))),
        ("translated-a", d, &own, 80, "http", "HTTP", format!("web-{g}.example.com"), None),
        ("translated-b", d + 1, &own, 8080, "tcp", "TCP", "*".to_string(), None),
        ("overlap-a", d, &own, 15443, "tls", "TLS", format!("mtls-{g}.example.com"), Some(format!("mtls-{g}-tls"))),
        ("overlap-b", d + 1, &alt, 15443, "tls", "TLS", format!("mtls-{g}.example.com"), Some(format!("mtls2-{g}-tls"))),
    ];
    for (name, day, selector, port, port_name, protocol, host, tls) in gateways {
        let _ = write!(
            out,
            "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: {name}-{g}\n  namespace: {ns}\n  creationTimestamp: \"2024-05-{day:02}T10:00:00Z\"\nspec:\n  selector:\n    {selector}\n  servers:\n    - port:\n        number: {port}\n        name: {port_name}\n        protocol: {protocol}\n      hosts:\n        - \"{host}\"\n"
        );
        if let Some(credential) = tls {
            let _ = write!(
                out,
                "      tls:\n        mode: SIMPLE\n        credentialName: {credential}\n"
            );
        }
        out.push_str("---\n");
    }
    for a in 0..4 {
        let name = format!("app-{g}-{a}");
        let _ = write!(
            out,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app: {name}\n    version: v1\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n        version: v1\n    spec:\n      containers:\n        - name: server\n          image: registry.example.com/{name}:1.{a}.{g}\n          ports:\n            - containerPort: 8080\n          envFrom:\n            - configMapRef:\n                name: {name}-config\n          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              cpu: 500m\n              memory: 512Mi\n          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: {ns}\ndata:\n  LOG_LEVEL: info\n  UPSTREAM_URL: http://backend.{ns}.svc.cluster.local:8080\n  FEATURE_FLAGS: search,checkout,recommendations\n  application.properties: |\n    server.port=8080\n    cache.ttl=300\n    db.url=jdbc:postgresql://db.{ns}:5432/{name}\n---\n"
        );
        if a == 0 {
            // A fixed 40-character token per group (gen.py draws it at random).
            let token: String = (0..40)
                .map(|i| char::from(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(g * 31 + i * 7) % 62]))
                .collect();
            let _ = write!(
                out,
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}-db\n  namespace: {ns}\ntype: Opaque\nstringData:\n  password: \"{token}\"\n---\n"
            );
        }
    }
}
