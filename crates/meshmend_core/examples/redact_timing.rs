//! Best-of-N wall time of `redact` on the bench inputs, for comparing regex
//! engines on a shared, noisy machine (the minimum is the least disturbed run):
//!
//! ```sh
//! cargo run --release -p meshmend_core --example redact_timing
//! cargo run --release -p meshmend_core --example redact_timing --features regex-full
//! ```
#![expect(clippy::print_stdout, reason = "an example that reports timings")]
#![expect(clippy::cast_precision_loss, reason = "sizes of a few MB")]

use std::time::Instant;

use meshmend_core::{SourceFile, redact};

include!("../benches/support/redact_input.rs");

fn main() {
    let engine = if cfg!(feature = "regex-full") {
        "regex (bytes, unicode off, perf)"
    } else {
        "regex-lite"
    };
    for (name, text) in [
        ("sparse 10 MB", manifest(10 * 1024 * 1024)),
        ("dense corpus 2 MB", dense_manifest(2 * 1024 * 1024)),
    ] {
        let files = [SourceFile::new("input.yaml", text)];
        let mut best = f64::MAX;
        for _ in 0..15 {
            let start = Instant::now();
            std::hint::black_box(redact(&files));
            best = best.min(start.elapsed().as_secs_f64());
        }
        let mb = files[0].text.len() as f64 / (1024.0 * 1024.0);
        println!(
            "{engine}: {name}: best {:.1} ms, {:.1} MiB/s",
            best * 1e3,
            mb / best
        );
    }
}
