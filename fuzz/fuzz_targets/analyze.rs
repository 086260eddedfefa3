//! Any bytes through load + analyze (both modes): must never panic, and
//! every span must be displayable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshmend_core::{AnalyzeOptions, Bundle, LineIndex, analyze};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(bundle) = Bundle::from_text("fuzz.yaml", text) else {
        return;
    };
    let index = LineIndex::new(text);
    for istio_compat in [false, true] {
        let options = AnalyzeOptions {
            istio_compat,
            ..AnalyzeOptions::default()
        };
        for d in analyze(&bundle, &options) {
            assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            let _ = index.line_col(text, d.span.start);
        }
    }
});
