//! A positioned fix: the files after it, its diff and its verification.

use serde::Serialize;

use super::{Finding, Locator, Shape};
use crate::diff::{self, FileDiff};
use crate::refactor::{FileOutcome, FileStatus, FixOutcome, Rejected};
use crate::span::Columns;

/// A file after the fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PatchedFile {
    /// Path (input name, or a new file's name).
    pub path: String,
    /// `modified`, `added`, `deleted` or `unchanged`.
    pub status: FileStatus,
    /// Text after the fix (`null` when deleted).
    pub patched: Option<String>,
}

impl PatchedFile {
    /// The reported part of `file`.
    pub fn of(file: &FileOutcome) -> Self {
        PatchedFile {
            path: file.path.clone(),
            status: file.status,
            patched: file.patched.clone(),
        }
    }
}

/// One side of a fix (real values, or redacted): its diff and files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FixView {
    /// Unified diff over all files.
    pub diff: String,
    /// The same diff as files, hunks and lines, so the page renders it
    /// without parsing diff text (page only; see [`FixView::with_hunks`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub diff_files: Option<Vec<FileDiff>>,
    /// Every file after the fix.
    pub files: Vec<PatchedFile>,
}

impl FixView {
    /// `files` and their `diff`.
    pub fn new(diff: String, files: &[FileOutcome]) -> Self {
        FixView {
            diff,
            diff_files: None,
            files: files.iter().map(PatchedFile::of).collect(),
        }
    }

    /// With [`FixView::diff_files`] filled in (the core writes every diff in
    /// the form [`diff::files`] reads).
    #[must_use]
    pub fn with_hunks(mut self) -> Self {
        self.diff_files = Some(diff::files(&self.diff).unwrap_or_default());
        self
    }

    /// The real fix.
    pub fn of(outcome: &FixOutcome) -> Self {
        Self::new(outcome.diff.clone(), &outcome.files)
    }
}

/// The check of a fix's output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerificationReport {
    /// Every planned change verified and was applied, and no conflict the
    /// fix targets remains (both facts).
    pub ok: bool,
    /// Every planned change verified and was applied (version 1 JSON only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub changes_verified: Option<bool>,
    /// No conflict the fix targets remains; untargeted warnings may.
    pub conflict_free: bool,
    /// At least one file changes (page only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub has_edits: Option<bool>,
    /// One sentence for humans (page only; the page words it).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub message: Option<String>,
    /// Conflicts left in the output, positioned in the patched text.
    pub remaining: Vec<Finding>,
    /// Changes withdrawn, with the reason.
    pub rejected: Vec<Rejected>,
}

impl VerificationReport {
    /// `outcome`'s verification with the fields `shape` carries, columns in
    /// `columns`.
    pub fn new(outcome: &FixOutcome, columns: Columns, shape: Shape) -> Self {
        let page = shape == Shape::Page;
        let locator = Locator::of_patched(outcome, columns);
        let verification = &outcome.verification;
        VerificationReport {
            ok: verification.ok && outcome.conflict_free(),
            changes_verified: (!page).then_some(verification.ok),
            conflict_free: outcome.conflict_free(),
            has_edits: page.then(|| outcome.has_edits()),
            message: None,
            remaining: verification
                .remaining
                .iter()
                .map(|d| locator.finding(d, shape))
                .collect(),
            rejected: verification.rejected.clone(),
        }
    }
}
