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

include!("support/shapes/cluster.rs");
include!("support/shapes/tiny.rs");
include!("support/shapes/pathological.rs");
include!("support/shapes/one_group.rs");
include!("support/shapes/helm.rs");
include!("support/shapes/ingress_groups.rs");

/// A multi-document manifest of exactly `documents` documents.
fn manifest(documents: usize) -> String {
    cluster(documents)
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
        load_and_analyze(&mut group, BenchmarkId::from_parameter(n), text, &options);
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
    shapes(c);
}

/// Each issue-15 shape, whole pipeline (load + analyze): cost per byte must
/// stay flat as the shape grows (compare MB/s across one group's sizes).
fn shapes(c: &mut Criterion) {
    let options = AnalyzeOptions::default();
    let cases: Vec<(String, String)> = vec![
        ("cluster/1000".into(), cluster(1_000)),
        ("cluster/10000".into(), cluster(10_000)),
        ("cluster/100000".into(), cluster(100_000)),
        ("tiny/1000".into(), tiny(1_000)),
        ("tiny/10000".into(), tiny(10_000)),
        ("tiny/100000".into(), tiny(100_000)),
        // 500 workloads with one label set, 500 Services, 1,000 Gateways.
        ("pathological/250".into(), pathological(250, 250, 500)),
        ("pathological/500".into(), pathological(500, 500, 1_000)),
        ("one-group/1000".into(), one_group(1_000)),
        ("one-group/4000".into(), one_group(4_000)),
        // The side-by-side script's generated input: 8 Gateways and 3
        // conflict groups per ingress workload, 23 documents per workload.
        ("ingress-groups/1000".into(), ingress_groups(1_000)),
        ("ingress-groups/10000".into(), ingress_groups(10_000)),
        ("ingress-groups/100000".into(), ingress_groups(100_000)),
        // Realistic `helm template` output: the throughput goal.
        ("helm/10MB".into(), helm(10_000_000)),
    ];
    let mut group = c.benchmark_group("shapes");
    for (label, text) in &cases {
        load_and_analyze(
            &mut group,
            BenchmarkId::from_parameter(label),
            text,
            &options,
        );
    }
    group.finish();
}

/// One load+analyze measurement of `text`, in bytes per second.
fn load_and_analyze(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    text: &str,
    options: &AnalyzeOptions,
) {
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_with_input(id, text, |b, text| {
        b.iter_batched(
            || files(text),
            |files| {
                // Returned, so freeing happens outside the timing, as in
                // parse+load (the CLI never frees the bundle).
                let bundle = Bundle::load(files, LoadOptions::default()).unwrap();
                let diagnostics = analyze(&bundle, options);
                black_box((bundle, diagnostics))
            },
            BatchSize::LargeInput,
        );
    });
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
