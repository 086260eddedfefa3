//! meshmend's core: find the Istio ingress conflicts istiod would silently
//! resolve by dropping configuration, redact secrets, and compute minimal fixes.
//!
//! Pipeline: text → [`parse`](parse::parse) (span-carrying YAML trees, with limits) →
//! [`Bundle`] (resources and typed views) → [`analyze()`] (one [`Rule`] per file
//! under `analyze/rules`) → [`Diagnostic`]s. Everything is a byte [`Span`];
//! line/column is computed at the edges with [`LineIndex`].
//!
//! ```
//! use meshmend_core::{AnalyzeOptions, Bundle, analyze};
//!
//! let bundle = Bundle::from_text("gw.yaml", "kind: Gateway\nspec: [\n").unwrap();
//! let findings = analyze(&bundle, &AnalyzeOptions::default());
//! assert_eq!(findings[0].name, "yaml-syntax");
//! ```
//!
//! This crate does no I/O and has no platform glue: the CLI and the wasm
//! module are thin adapters over it.
//!
//! ## Limitations
//! Helm templates must be rendered first (`helm template … | meshmend analyze -`).
#![warn(missing_docs)]

pub mod analyze;
pub mod diagnostic;
pub mod diff;
pub mod edit;
pub mod error;
mod escape;
pub mod explain_log;
pub mod gateway_api;
pub mod hash;
pub mod markdown_report;
pub mod model;
mod numeric;
pub mod parse;
pub mod policy;
pub mod redact;
pub mod refactor;
pub mod report;
pub mod sort;
pub mod span;

pub use analyze::istio_version::IstioVersion;
pub use analyze::{AnalyzeOptions, Context, Rule, all_rules, analyze, find_rule};
pub use diagnostic::{Category, Diagnostic, Related, RuleMeta, Severity};
pub use diff::unified_diff;
pub use edit::{Applied, Edit, Fix, Overlap, apply};
pub use error::{Error, ErrorKind};
pub use model::{Bundle, LoadOptions, Model, ResourceRef, SourceFile};
pub use parse::{Limits, Stream, parse};
pub use redact::{RedactFinding, Redaction, Vault, redact, redact_with};
pub use span::{Columns, LineCol, LineIndex, Span, Spanned};
