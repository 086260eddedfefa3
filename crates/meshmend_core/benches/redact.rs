//! Redaction throughput on a generated ~10 MB manifest with sparse secrets:
//! `cargo bench -p meshmend_core --bench redact` (add `--features regex-full`
//! to measure the `regex` engine instead of `regex-lite`).
//!
//! The input is a cluster dump: per app a Deployment (env with plain
//! settings, `secretKeyRef`s, an image digest, a checksum annotation), a
//! Service, a ConfigMap with an `application.properties` block and a
//! VirtualService; every tenth app also has a Secret (base64 data), an env
//! password, a database URI and a vendor token. About one secret per 3 KB.
//! Also measured: parsing alone (the floor the structural pass stands on),
//! and rehydrating the redacted text.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use meshmend_core::{Limits, SourceFile, parse, redact};

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
        out.push_str(&format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-{i}-db\ntype: Opaque\ndata:\n  password: {b64}\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate-{i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: migrate\n          image: ghcr.io/corp/migrate:1.2.3\n          env:\n            - name: DATABASE_URL\n              value: postgres://app:{pw}@db-{i}:5432/app\n            - name: MIGRATION_TOKEN\n              value: ghp_{i:0>36}\n            - name: ADMIN_PASSWORD\n              value: {pw}\n---\n"
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

fn bench(c: &mut Criterion) {
    let text = manifest(10 * 1024 * 1024);
    let files = [SourceFile::new("cluster.yaml", text.clone())];
    let redaction = redact(&files);
    let redacted = redaction.apply(&files);
    #[expect(clippy::print_stderr, reason = "the bench states its input once")]
    {
        eprintln!(
            "input: {} bytes, {} findings",
            text.len(),
            redaction.findings.len()
        );
    }
    let mut group = c.benchmark_group("redact");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("redact_10mb", |b| {
        b.iter(|| black_box(redact(black_box(&files))));
    });
    group.bench_function("parse_only_10mb", |b| {
        b.iter(|| black_box(parse(black_box(&text), &Limits::default())));
    });
    group.bench_function("rehydrate_10mb", |b| {
        b.iter(|| black_box(redaction.vault.rehydrate(black_box(&redacted[0]))));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
