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

mod about;
mod analyze;
mod fix;
mod input;
mod redact;

pub use about::{
    Capabilities, EXAMPLE, RuleDoc, capabilities, capability_report, example, rule_docs, rules,
};
pub use analyze::{AnalyzeReport, Counts, FileSummary, analyze, analyze_report};
pub use fix::{FixReport, PageFixOptions, StrategyDoc, fix, fix_report, strategies, strategy_docs};
pub use input::{InputFile, PageOptions};
pub use redact::{
    FamilyCount, RedactReport, RedactedFile, SecretFound, redact, redact_report, rehydrate,
    rehydrate_text,
};

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export interface InputFile { name: string; text: string }
export interface Location {
  file: string; file_index: number;
  line: number; column: number; end_line: number; end_column: number;
}
export interface RelatedJs extends Location { message: string }
export interface Finding extends Location {
  code: string; name: string; istio_code: string | null;
  severity: "error" | "warning" | "info"; message: string;
  resource: { kind: string; namespace: string; name: string } | null;
  related: RelatedJs[]; note: string | null; help: string | null; fix_available: boolean;
}
export interface FileSummary { name: string; documents: number; resources: number }
export interface AnalyzeReport {
  findings: Finding[];
  counts: { error: number; warning: number; info: number };
  files: FileSummary[];
}
export interface RuleDoc {
  code: string; name: string; severity: string; istio_code: string | null;
  summary: string; docs: string; has_fix: boolean;
}
export interface Capabilities { version: string; analyze: boolean; redact: boolean; fix: boolean; istio_versions: string[] }
export interface RedactedFile { name: string; redacted: string }
export interface SecretFound extends Location { rule: string; family: string; placeholder: string; note: string | null }
export interface RedactReport {
  files: RedactedFile[]; secrets: SecretFound[]; families: { family: string; count: number }[];
}
export interface PatchedFile { path: string; status: "modified" | "added" | "deleted" | "unchanged"; patched: string | null }
export interface FixView { diff: string; files: PatchedFile[] }
export interface FixReport {
  strategy: string; real: FixView; redacted: FixView;
  changes: { rule: string; title: string; detail: string; resource: { kind: string; namespace: string; name: string } | null }[];
  verification: { ok: boolean; conflict_free: boolean; has_edits: boolean; message: string;
    remaining: Finding[]; rejected: { title: string; reason: string }[] };
}
export interface StrategyDoc { id: string; title: string; description: string }
"#;

/// Sets up panic reporting when the `panic-hook` feature is on. Runs once
/// when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}
