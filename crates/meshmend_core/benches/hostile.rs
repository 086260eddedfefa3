//! How fast hostile input is refused or handled: `cargo bench -p
//! meshmend_core --bench hostile`. These were wall-clock assertions in the
//! tests; the tests keep what the limits decide, this bench keeps the speed.
//!
//! - `billion_laughs_1kb`: a 1 KB alias bomb is priced from node weights and
//!   refused without expanding (microseconds; a regression to expansion
//!   would take minutes and gigabytes).
//! - `oversized_60mb`: input past `max_input_bytes` is refused before the
//!   parser runs (the cost of the check, not of parsing 60 MB).
//! - `one_huge_line_20k_hits`: a minified line with 20,000 keyword hits; the
//!   line bounds are found once per line, so this grows linearly with hits.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use meshmend_core::{AnalyzeOptions, Bundle, LoadOptions, SourceFile, analyze, redact};

fn billion_laughs() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let items = vec![format!("*a{}", i - 1); 9].join(", ");
        text += &format!("a{i}: &a{i} [{items}]\n");
    }
    text + "kind: ConfigMap\n"
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    let bomb = billion_laughs();
    group.bench_function("billion_laughs_1kb", |b| {
        b.iter(|| {
            let bundle = Bundle::from_text("lol.yaml", black_box(&bomb)).unwrap();
            black_box(analyze(&bundle, &AnalyzeOptions::default()))
        });
    });
    let dump = "#".repeat(60 * 1000 * 1000);
    let mut options = LoadOptions::default();
    options.limits.max_input_bytes = 50 * 1000 * 1000;
    group.bench_function("oversized_60mb", |b| {
        b.iter_batched(
            || vec![SourceFile::new("dump.yaml", dump.clone())],
            |files| black_box(Bundle::load(files, options.clone()).unwrap_err()),
            BatchSize::LargeInput,
        );
    });
    let line =
        "x: \"".to_string() + &"https://a.example/?sig=1&password=2 ".repeat(20_000) + "\"\n";
    let files = [SourceFile::new("min.json", line)];
    group.sample_size(10);
    group.bench_function("one_huge_line_20k_hits", |b| {
        b.iter(|| black_box(redact(black_box(&files))));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
