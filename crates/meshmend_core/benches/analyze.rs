//! Throughput of the pipeline on generated clusters of 100, 1,000 and 10,000
//! documents: `cargo bench -p meshmend_core --bench analyze`.
//!
//! The input is what a `kubectl get -o yaml` dump of a busy ingress looks
//! like: per app a Deployment, a Service, a Gateway (HTTP redirect + HTTPS)
//! and a VirtualService; every 100 documents another ingress gateway
//! workload (Deployment + NodePort Service); now and then a duplicated TLS
//! host and a reused nodePort, so the conflict rules have work to do.
//! Throughput is reported in bytes, so cost per document is
//! `time / documents` and linear growth shows as flat MB/s. `yaml-events`
//! is the YAML library's bare event stream: the ceiling for `parse+load`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use meshmend_core::{AnalyzeOptions, Bundle, LoadOptions, SourceFile, analyze};

const SIZES: [usize; 3] = [100, 1_000, 10_000];

/// A multi-document manifest of exactly `documents` documents.
fn manifest(documents: usize) -> String {
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

fn files(text: &str) -> Vec<SourceFile> {
    vec![SourceFile::new("cluster.yaml", text)]
}

fn bench(c: &mut Criterion) {
    let inputs: Vec<(usize, String)> = SIZES.iter().map(|&n| (n, manifest(n))).collect();
    for (n, text) in &inputs {
        let bundle = Bundle::from_text("cluster.yaml", text).expect("generated input loads");
        assert_eq!(bundle.document_count(), *n);
    }

    // The ceiling: the YAML library's event stream alone, no tree, no model.
    let mut group = c.benchmark_group("yaml-events");
    for (n, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), text, |b, text| {
            b.iter(|| {
                let mut parser = granit_parser::Parser::new_from_str(text);
                let mut events = 0_usize;
                while let Some(event) = parser.next_event() {
                    black_box(event.unwrap());
                    events += 1;
                }
                events
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("parse+load");
    for (n, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), text, |b, text| {
            b.iter_batched(
                || files(text),
                |files| black_box(Bundle::load(files, LoadOptions::default()).unwrap()),
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();

    let mut group = c.benchmark_group("load+analyze");
    let options = AnalyzeOptions::default();
    for (n, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), text, |b, text| {
            b.iter_batched(
                || files(text),
                |files| {
                    // Returned, so freeing happens outside the timing, as in
                    // parse+load (the CLI never frees the bundle).
                    let bundle = Bundle::load(files, LoadOptions::default()).unwrap();
                    let diagnostics = analyze(&bundle, &options);
                    black_box((bundle, diagnostics))
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();

    let mut group = c.benchmark_group("analyze");
    for (n, text) in &inputs {
        let bundle = Bundle::from_text("cluster.yaml", text).unwrap();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &bundle, |b, bundle| {
            b.iter(|| black_box(analyze(bundle, &options)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
