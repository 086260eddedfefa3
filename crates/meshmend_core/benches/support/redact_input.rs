// Inputs shared by `benches/redact.rs` and `examples/redact_timing.rs`.

fn app(i: usize, out: &mut String) {
    let digest = format!(
        "{:064x}",
        (i as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834)
    );
    out.push_str(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  namespace: team-{t}\n  labels:\n    app: app-{i}\n  annotations:\n    checksum/config: {digest}\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      serviceAccountName: app-{i}\n      containers:\n        - name: app\n          image: ghcr.io/corp/app-{i}@sha256:{digest}\n          args: [\"--port=8080\", \"--log-level=info\"]\n          ports:\n            - containerPort: 8080\n              name: http\n          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: DB_HOST\n              value: db-{i}.team-{t}.svc.cluster.local\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: app-{i}-db\n                  key: password\n            - name: FEATURE_FLAGS\n              value: \"search,checkout,recommendations\"\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            limits: {{cpu: \"1\", memory: 512Mi}}\n          readinessProbe:\n            httpGet: {{path: /healthz, port: 8080}}\n---\n",
        t = i % 17
    ));
    out.push_str(&format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\n  namespace: team-{t}\nspec:\n  selector:\n    app: app-{i}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{i}-config\n  namespace: team-{t}\ndata:\n  application.properties: |\n    server.port=8080\n    spring.datasource.url=jdbc:postgresql://db-{i}:5432/app\n    spring.datasource.username=app\n    spring.datasource.password-file=/run/secrets/db\n    management.endpoints.web.exposure.include=health,info\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: app-{i}\n  namespace: team-{t}\nspec:\n  hosts: [app-{i}.corp.example.net]\n  gateways: [istio-ingress/public]\n  http:\n    - match:\n        - uri: {{prefix: /api}}\n      route:\n        - destination:\n            host: app-{i}.team-{t}.svc.cluster.local\n            port: {{number: 80}}\n---\n",
        t = i % 17
    ));
    if i.is_multiple_of(10) {
        let pw = format!("Velvet-Harbor-{i:04}!x{}", i * 7919 % 1000);
        let b64 = base64_encode(pw.as_bytes());
        // A token-shaped value (`ghp_000…123` would be filler, a placeholder).
        let mut seed = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let token: String = (0..36)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                char::from(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[(seed % 62) as usize])
            })
            .collect();
        out.push_str(&format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-{i}-db\ntype: Opaque\ndata:\n  password: {b64}\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate-{i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: migrate\n          image: ghcr.io/corp/migrate:1.2.3\n          env:\n            - name: DATABASE_URL\n              value: postgres://app:{pw}@db-{i}:5432/app\n            - name: MIGRATION_TOKEN\n              value: ghp_{token}\n            - name: ADMIN_PASSWORD\n              value: {pw}\n---\n"
        ));
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A manifest of at least `bytes` bytes.
fn manifest(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    let mut i = 0;
    while out.len() < bytes {
        app(i, &mut out);
        i += 1;
    }
    out
}

/// The labelled corpus (`tests/redact-corpus`) repeated to at least `bytes`.
fn dense_manifest(bytes: usize) -> String {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/redact-corpus");
    let mut names: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    let one: String = names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n---\n");
    let mut dense = String::new();
    while dense.len() < bytes {
        dense.push_str(&one);
        dense.push_str("\n---\n");
    }
    dense
}
