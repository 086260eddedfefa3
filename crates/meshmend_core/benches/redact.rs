//! Redaction throughput on a generated ~10 MB manifest with sparse secrets:
//! `cargo bench -p meshmend_core --bench redact` (add `--features regex-full`
//! to measure the `regex` engine instead of `regex-lite`).
//!
//! The input is a cluster dump: per app a Deployment (env with plain
//! settings, `secretKeyRef`s, an image digest, a checksum annotation), a
//! Service, a ConfigMap with an `application.properties` block and a
//! VirtualService; every tenth app also has a Secret (base64 data), an env
//! password, a database URI and a vendor token. About one secret per 3 KB.
//! Also measured: a dense input (the labelled corpus repeated to ~2 MB, where
//! the regex engine matters most), parsing alone, and rehydration.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use meshmend_core::{Limits, SourceFile, parse, redact};

include!("support/redact_input.rs");

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
    // Dense: the labelled corpus (109 secrets in 47 KB) repeated to ~2 MB,
    // where the anchored rules and their regex engine do most of the work.
    let dense = dense_manifest(2 * 1024 * 1024);
    let dense_files = [SourceFile::new("dense.yaml", dense.clone())];
    group.throughput(Throughput::Bytes(dense.len() as u64));
    group.bench_function("redact_dense_corpus_2mb", |b| {
        b.iter(|| black_box(redact(black_box(&dense_files))));
    });
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse_only_10mb", |b| {
        b.iter(|| black_box(parse(black_box(&text), &Limits::default())));
    });
    group.bench_function("rehydrate_10mb", |b| {
        b.iter(|| black_box(redaction.vault.rehydrate(black_box(&redacted[0]))));
    });
    group.finish();
    scale(c);
}

include!("support/shapes/cluster.rs");
include!("support/shapes/tiny.rs");
include!("support/shapes/ingress_groups.rs");

/// Cost per document must stay flat: generated clusters and tiny documents
/// from 1,000 to 100,000 documents (`shapes.rs`).
fn scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("redact-scale");
    group.sample_size(10);
    for (label, text) in [
        ("cluster/1000", cluster(1_000)),
        ("cluster/10000", cluster(10_000)),
        ("cluster/100000", cluster(100_000)),
        ("tiny/10000", tiny(10_000)),
        ("tiny/100000", tiny(100_000)),
        ("ingress-groups/1000", ingress_groups(1_000)),
        ("ingress-groups/10000", ingress_groups(10_000)),
        ("ingress-groups/100000", ingress_groups(100_000)),
    ] {
        let files = [SourceFile::new("cluster.yaml", text.clone())];
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(label, |b| {
            b.iter(|| black_box(redact(black_box(&files))));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
