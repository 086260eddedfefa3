//! `meshmend fix` on a 10,000-document manifest with 500 conflict groups,
//! and on one conflict group of 1,000 Gateways (`fix-one-group`):
//! `cargo bench -p meshmend_core --bench fix`.
//!
//! Each group of 20 documents is one ingress workload (Deployment + NodePort
//! Service) with two Gateways that list the same TLS host under different
//! certificates (a `duplicate-tls-host` that consolidate repairs by
//! dropping the repeated host from the newer server), two VirtualServices referring to them in different
//! forms, and seven apps (Deployment + Service) around them; every tenth
//! workload also reuses the previous one's nodePort (a `nodeport-collision`
//! that renumber fixes). The whole fix is measured: analysis, planning,
//! applying, re-parsing, re-analysis and semantic verification, diff.
//!
//! Peak memory of the same work in the CLI:
//! `FIX_BENCH_DUMP=/tmp/fix-10k.yaml cargo bench -p meshmend_core --bench fix -- --list`
//! then `/usr/bin/time -v target/release/meshmend fix /tmp/fix-10k.yaml > /dev/null`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use meshmend_core::refactor::{FixOptions, fix};
use meshmend_core::{Bundle, LoadOptions, SourceFile};

const GROUPS: usize = 500;

fn group(g: usize) -> String {
    let ns = format!("team-{}", g % 23);
    let http = 30_100 + 2 * g;
    let https = if g % 10 == 9 { http - 1 } else { http + 1 };
    let mut out = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress-{g}\n  namespace: istio-system\nspec:\n  selector:\n    matchLabels: {{istio: ingress-{g}}}\n  template:\n    metadata:\n      labels:\n        app: ingress-{g}\n        istio: ingress-{g}\n    spec:\n      containers:\n        - name: istio-proxy\n          image: docker.io/istio/proxyv2:1.24.0\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-{g}\n  namespace: istio-system\nspec:\n  type: NodePort\n  selector:\n    istio: ingress-{g}\n  ports:\n    - name: http2\n      port: 80\n      targetPort: 8080\n      nodePort: {http}\n    - name: https\n      port: 443\n      targetPort: 8443\n      nodePort: {https}   # pinned by hand\n---\n"
    );
    for (side, day, credential) in [("a", 10, "a"), ("b", 20, "b")] {
        out += &format!(
            "# {side} side of group {g}\napiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: shop-{side}-{g}\n  namespace: {ns}\n  creationTimestamp: \"2024-04-{day}T08:00:00Z\"\nspec:\n  selector:\n    istio: ingress-{g}\n  servers:\n    - port:\n        number: 443\n        name: https\n        protocol: HTTPS\n      hosts:\n        - \"{side}-{g}.example.com\"\n        - shared-{g}.example.com\n      tls:\n        mode: SIMPLE\n        credentialName: {credential}-{g}-tls\n---\n"
        );
    }
    for (side, reference) in [
        ("a", format!("shop-a-{g}")),
        ("b", format!("shop-b-{g}.{ns}.svc.cluster.local")),
    ] {
        out += &format!(
            "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: shop-{side}-{g}\n  namespace: {ns}\nspec:\n  hosts: [\"{side}-{g}.example.com\"]\n  gateways:\n    - {reference}\n  http:\n    - route:\n        - destination:\n            host: shop-{side}.{ns}.svc.cluster.local\n---\n"
        );
    }
    for app in 0..7 {
        out += &format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{g}-{app}\n  namespace: {ns}\nspec:\n  selector:\n    matchLabels: {{app: app-{g}-{app}}}\n  template:\n    metadata:\n      labels: {{app: app-{g}-{app}, version: v1}}\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app:1.4.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{g}-{app}\n  namespace: {ns}\nspec:\n  selector: {{app: app-{g}-{app}}}\n  ports:\n    - {{name: http, port: 80, targetPort: 8080}}\n---\n"
        );
    }
    out
}

fn manifest() -> String {
    let mut out: String = (0..GROUPS).map(group).collect();
    out.truncate(out.len() - "---\n".len());
    out
}

fn bench(c: &mut Criterion) {
    let text = manifest();
    if let Ok(path) = std::env::var("FIX_BENCH_DUMP") {
        std::fs::write(path, &text).expect("FIX_BENCH_DUMP is writable");
    }
    let bundle = Bundle::from_text("cluster.yaml", &text).expect("the manifest loads");
    assert_eq!(bundle.document_count(), GROUPS * 20);
    let options = FixOptions::default();
    let outcome = fix(&bundle, &options);
    assert!(
        outcome.verification.ok && outcome.conflict_free(),
        "the benchmark fix verifies: {:?}",
        outcome.verification.rejected.first()
    );
    assert_eq!(
        outcome.changes.len(),
        GROUPS + GROUPS / 10,
        "the repeated host dropped from the newer server per group, one nodePort per tenth"
    );

    let mut group = c.benchmark_group("fix");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("consolidate-10000-docs-500-groups", |b| {
        b.iter(|| fix(black_box(&bundle), black_box(&options)));
    });
    group.finish();
    one_group_bench(c);
}

/// One team's copy of a conflicting file: a Gateway that claims the shared
/// TLS host `shop.example.com` on the shared ingress (so every copy joins
/// one conflict group), its own host, and a VirtualService naming it.
/// `distinct` renames each copy (a cluster holds one Gateway per
/// namespace and name); without it the copies are byte-identical files.
fn team_file(i: usize, distinct: bool) -> String {
    let name = if distinct {
        format!("team-{i:04}")
    } else {
        "team".to_string()
    };
    format!(
        "# A team's ingress, copied from the template.\napiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: {name}\n  namespace: team-{ns}\n  creationTimestamp: \"2024-01-01T00:00:00Z\"\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port:\n        number: 443\n        name: https\n        protocol: HTTPS\n      hosts:\n        - shop.example.com\n        - {name}.example.com\n      tls:\n        mode: SIMPLE\n        credentialName: cert-{cert}\n---\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: {name}\n  namespace: team-{ns}\nspec:\n  hosts: [{name}.example.com]\n  gateways: [{name}]\n  http:\n    - route:\n        - destination:\n            host: app.team-{ns}.svc.cluster.local\n",
        ns = if distinct { i % 7 } else { 0 },
        cert = if distinct { i % 3 } else { 0 },
    )
}

/// `fix` on one conflict group of 1,000 Gateways, one file each: cost must
/// grow linearly with the size of one group too.
fn one_group_bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("fix-one-group");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    {
        let (label, distinct) = ("1000-gateways", true);
        let sources: Vec<SourceFile> = (0..1000)
            .map(|i| SourceFile::new(format!("teams/team-{i:04}.yaml"), team_file(i, distinct)))
            .collect();
        let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
        let bundle = Bundle::load(sources, LoadOptions::default()).expect("the files load");
        let options = FixOptions::default();
        let outcome = fix(&bundle, &options);
        assert!(
            outcome.has_edits() && outcome.conflict_free(),
            "{label}: the fix resolves the group: {:?}",
            outcome.verification.rejected.first()
        );
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("consolidate-{label}"), |b| {
            b.iter(|| fix(black_box(&bundle), black_box(&options)));
        });
    }
    // One file of 1,000 byte-identical copies of the seed example (2.3 MB):
    // every copy names the same Gateways and VirtualServices. Not a state a
    // cluster can hold, but a file can, and it must not take quadratic time.
    let seed = include_str!("../../../examples/seed-conflict.yaml");
    let text = vec![seed; 1000].join("---\n");
    group.throughput(Throughput::Bytes(text.len() as u64));
    let bundle = Bundle::from_text("copies.yaml", &text).expect("the file loads");
    let options = FixOptions::default();
    group.bench_function("consolidate-1000-seed-copies", |b| {
        b.iter(|| fix(black_box(&bundle), black_box(&options)));
    });
    group.finish();
    scale(c);
}

include!("support/shapes/one_group.rs");
include!("support/shapes/ingress_groups.rs");

/// Cost per document and per Gateway of one group must stay flat: the
/// grouped manifest at 1,000 / 10,000 / 50,000 documents and one conflict
/// group of 1,000 / 4,000 Gateways on one workload, and the side-by-side
/// input from 1,000 to 50,000 documents (`shapes.rs`).
fn scale(c: &mut Criterion) {
    let mut cases: Vec<(String, String)> = [50, 500, 2_500]
        .into_iter()
        .map(|groups| {
            let mut text: String = (0..groups).map(group).collect();
            text.truncate(text.len() - "---\n".len());
            (format!("groups/{}", groups * 20), text)
        })
        .collect();
    cases.push(("one-group/1000".into(), one_group(1_000)));
    cases.push(("one-group/4000".into(), one_group(4_000)));
    // The side-by-side script's input: three conflict groups per workload.
    for documents in [1_000, 10_000, 50_000] {
        cases.push((
            format!("ingress-groups/{documents}"),
            ingress_groups(documents),
        ));
    }
    let options = FixOptions::default();
    let mut bench_group = c.benchmark_group("fix-scale");
    bench_group.sample_size(10);
    for (label, text) in &cases {
        let bundle = Bundle::from_text("cluster.yaml", text).expect("the manifest loads");
        bench_group.throughput(Throughput::Bytes(text.len() as u64));
        bench_group.bench_function(label.as_str(), |b| {
            b.iter(|| fix(black_box(&bundle), black_box(&options)));
        });
    }
    bench_group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
