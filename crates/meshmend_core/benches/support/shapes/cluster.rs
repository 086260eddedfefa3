// Input shape `cluster` shared by the benches and `examples/shapes.rs` (which
// prints it for `scripts/memory.sh`); deterministic, never stored in the repository.

/// A busy ingress of exactly `documents` documents: per app a Deployment,
/// a Service, a Gateway (HTTP redirect + HTTPS) and a VirtualService; every
/// 100 documents another ingress gateway workload (Deployment + NodePort
/// Service); now and then a duplicated TLS host and a reused nodePort, so
/// the conflict rules have work to do.
fn cluster(documents: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut app = 0;
    let mut ingress = 0;
    let mut next_ingress = 0;
    while count < documents {
        if count >= next_ingress && documents - count >= 2 {
            ingress = next_ingress / 100;
            next_ingress += 100;
            // Every tenth ingress reuses the previous one's HTTPS nodePort.
            let https = if ingress % 10 == 9 {
                30_001 + 2 * (ingress - 1)
            } else {
                30_001 + 2 * ingress
            };
            out += &format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress-{ingress}\n  namespace: istio-system\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      istio: ingress-{ingress}\n  template:\n    metadata:\n      labels:\n        app: istio-ingressgateway\n        istio: ingress-{ingress}\n    spec:\n      containers:\n        - name: istio-proxy\n          image: docker.io/istio/proxyv2:1.22.3\n          ports:\n            - containerPort: 8080\n            - containerPort: 8443\n---\n"
            );
            out += &format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-{ingress}\n  namespace: istio-system\nspec:\n  type: NodePort\n  selector:\n    istio: ingress-{ingress}\n  ports:\n    - name: http2\n      port: 80\n      targetPort: 8080\n      nodePort: {http}\n    - name: https\n      port: 443\n      targetPort: 8443\n      nodePort: {https}\n---\n",
                http = 30_000 + 2 * ingress,
            );
            count += 2;
            continue;
        }
        let ns = format!("team-{}", app % 37);
        // Every twentieth app copies the previous app's host: duplicate TLS host.
        let host = if app % 20 == 19 { app - 1 } else { app };
        let docs = [
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{app}\n  namespace: {ns}\n  labels:\n    app: app-{app}\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: app-{app}\n  template:\n    metadata:\n      labels:\n        app: app-{app}\n        version: v1\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app-{app}:1.4.2\n          ports:\n            - containerPort: 8080\n          env:\n            - name: LOG_LEVEL\n              value: info\n"
            ),
            format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: app-{app}\n  namespace: {ns}\nspec:\n  selector:\n    app: app-{app}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n"
            ),
            format!(
                "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: app-{app}\n  namespace: {ns}\n  creationTimestamp: \"2024-03-{day:02}T10:00:00Z\"\nspec:\n  selector:\n    istio: ingress-{ingress}\n  servers:\n    - port:\n        number: 80\n        name: http-{app}\n        protocol: HTTP\n      hosts:\n        - \"app-{host}.example.com\"\n      tls:\n        httpsRedirect: true\n    - port:\n        number: 443\n        name: https-{app}\n        protocol: HTTPS\n      hosts:\n        - \"app-{host}.example.com\"\n      tls:\n        mode: SIMPLE\n        credentialName: app-{app}-tls\n",
                day = app % 28 + 1,
            ),
            format!(
                "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: app-{app}\n  namespace: {ns}\nspec:\n  hosts:\n    - \"app-{host}.example.com\"\n  gateways:\n    - app-{app}\n  http:\n    - match:\n        - uri:\n            prefix: /api\n      route:\n        - destination:\n            host: app-{app}.{ns}.svc.cluster.local\n            port:\n              number: 80\n      timeout: 10s\n"
            ),
        ];
        for doc in docs.iter().take(documents - count) {
            out += doc;
            out += "---\n";
            count += 1;
        }
        app += 1;
    }
    out.truncate(out.len() - "---\n".len());
    out
}
