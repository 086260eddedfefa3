//! meshmend in the browser: a thin wasm-bindgen layer over `meshmend_core`.
//!
//! Every export takes plain JS values (strings, string arrays for files)
//! and returns plain objects built from the core's report types
//! (`meshmend_core::report`). The only work done here is at the edge: byte
//! spans become 1-based lines and **UTF-16** columns (what
//! `<textarea>.setSelectionRange` and JS editors count in), and core errors
//! become `JsError`s. All logic stays in the core.
//!
//! One module per job, each with its exports and their plain Rust twins
//! (`*_report`), which native `cargo test` exercises without a JS engine. A
//! new export goes in its own module, listed here. The shapes returned are
//! declared for TypeScript readers in `types.d.ts`, generated from the Rust
//! types by the `typescript_types_are_current` test.
//!
//! Two features split the exports into the page's two modules: `analysis`
//! (downloaded first) and `engines` (loaded on first use; it owns the
//! session's vault, so everything that redacts lives there). See Cargo.toml.

#[cfg(feature = "analysis")]
mod about;
#[cfg(feature = "analysis")]
mod analyze;
#[cfg(feature = "explain-log")]
pub mod explain_log;
#[cfg(feature = "engines")]
mod fix;
#[cfg(feature = "engines")]
pub mod guard;
mod input;
#[cfg(feature = "engines")]
mod redact;
#[cfg(feature = "engines")]
pub mod report;
#[cfg(feature = "engines")]
mod rule_docs;
#[cfg(feature = "status")]
mod status;
mod typescript;

#[cfg(feature = "analysis")]
pub use about::{Capabilities, EXAMPLE, capabilities, capability_report, example};
#[cfg(feature = "analysis")]
pub use analyze::{AnalyzeReport, Counts, FileSummary, analyze, analyze_report};
#[cfg(feature = "engines")]
pub use fix::{FixReport, PageFixOptions, StrategyDoc, fix, fix_report, strategies, strategy_docs};
pub use input::{InputFile, PageOptions};
#[cfg(feature = "engines")]
pub use redact::{
    FamilyCount, RedactReport, RedactedFile, SecretFound, redact, redact_report, rehydrate,
    rehydrate_text,
};
#[cfg(feature = "engines")]
pub use rule_docs::{RuleDoc, rule_docs, rules};
#[cfg(feature = "status")]
pub use status::{ObjectView, StatusCondition, StatusEntry, status, status_report};

use wasm_bindgen::prelude::*;

/// Sets up panic reporting when the `panic-hook` feature is on. Runs once
/// when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}
