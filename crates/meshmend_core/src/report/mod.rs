//! The report layer every output shares: spans become positions here, and
//! findings and fixes become the data the CLI prints and the page receives.
//!
//! - [`Locator`] turns a byte [`Span`](crate::Span) into 1-based lines and
//!   columns in the [`Columns`](crate::Columns) an output counts in
//!   (characters for the CLI's JSON and SARIF, UTF-16 code units for the
//!   browser), building each file's line index once.
//! - [`Finding`] is a positioned [`Diagnostic`](crate::Diagnostic).
//! - [`FixView`], [`PatchedFile`] and [`VerificationReport`] are a
//!   positioned [`FixOutcome`](crate::refactor::FixOutcome).
//!
//! Two outputs serialize these types, and their contracts differ only in
//! which fields they carry ([`Shape`]): `--format json` version 1 was frozen
//! before the page had file indices, end positions of related spans,
//! notes and help, so those are `Option`s that the version 1 shape leaves
//! out. Field order is the order the outputs print.

mod finding;
mod fix;
mod locate;

pub use finding::{Finding, RelatedLocation};
pub use fix::{FixView, PatchedFile, VerificationReport};
pub use locate::{Location, Locator, Range};

/// Which fields an output carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// The CLI's `--format json` version 1 (`analyze` and `fix`): a public
    /// contract, so no field is added to it.
    JsonV1,
    /// The page (the wasm exports): every field.
    Page,
}
