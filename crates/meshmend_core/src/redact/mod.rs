//! Secret redaction: find every secret in a set of manifests and replace it
//! with a stable, readable placeholder, so the text can be shown to anyone
//! (a colleague, a ticket, an LLM) and restored locally afterwards.
//!
//! ```
//! use meshmend_core::{SourceFile, redact};
//!
//! let files = [SourceFile::new(
//!     "db.yaml",
//!     "env:\n  - name: DB_PASSWORD\n    value: s3cr3t-Pa55\n  - name: URL\n    value: postgres://app:s3cr3t-Pa55@db:5432/app\n",
//! )];
//! let redaction = redact(&files);
//! let redacted = redaction.apply(&files);
//! assert_eq!(
//!     redacted[0],
//!     "env:\n  - name: DB_PASSWORD\n    value: __REDACTED_PASSWORD_1__\n  - name: URL\n    value: postgres://app:__REDACTED_PASSWORD_1__@db:5432/app\n",
//! );
//! assert_eq!(redaction.vault.rehydrate(&redacted[0]), files[0].text);
//! ```
//!
//! ## Layers
//! 1. **Structural** (`structural/`, ids in [`STRUCTURAL_RULES`]): the YAML tree (or, for text that does
//!    not parse, its lines) gives `(key, value)` pairs: `kind: Secret`
//!    `data`/`binaryData`/`stringData`, env `name`/`value` pairs, keyed
//!    values anywhere, `KEY=value` lines in block scalars, `--password x`
//!    arguments. A key classifier plus a value gate decide; there is no
//!    entropy floor (human passwords have low entropy).
//! 2. **Anchored rules** (`anchored.rs`, [`RULES`]): one row per rule. One ASCII
//!    case-insensitive Aho-Corasick pass over every rule's keywords finds the
//!    lines worth looking at; a rule's regex runs only on the lines where one
//!    of its keywords occurred (all rules are single-line; the PEM rule matches
//!    the `BEGIN` line and extends to `END` by hand).
//! 3. **Allowlist** (`allow`): placeholders, references, templates,
//!    digests, public certificates — applied to the captured value only.
//! 4. **Guarded entropy** (`entropy.rs`, family `HIGH_ENTROPY`): random-looking
//!    runs no other layer found, gated against digests, SHAs, UUIDs, lock-file
//!    hashes, certificates, names and base64 of text.
//!
//! ## Placeholders and the vault
//! Each distinct secret gets `__REDACTED_<FAMILY>_<n>__` (numbered per family
//! in order of first appearance, across all files), so one password used in a
//! Secret and in a `DATABASE_URL` reads as the same thing. The [`Vault`] maps
//! every placeholder *as written in the output* back to the exact original
//! bytes, which makes `rehydrate(apply(redact(x))) == x` hold byte for byte.
//! Base64 `Secret.data` values get the base64 encoding of their placeholder,
//! so the output is still a valid Secret. The vault never leaves memory and
//! its `Debug` output shows no secret.
//!
//! ## Regex engine
//! `regex-lite` behind the keyword prefilter with per-line windows, chosen by
//! measurement (`examples/redact_timing.rs`, `benches/redact.rs`; the
//! `regex-full` feature swaps in `regex::bytes`, Unicode off, `std`+`perf`):
//! - wasm (`--profile wasm` + `wasm-opt -Oz`, analyze + redact exported):
//!   core without redaction 350 KB (144 KB gz); with regex-lite 568 KB
//!   (243 KB gz, +99 KB gz); with `regex` 900 KB (373 KB gz, +229 KB gz),
//!   which alone breaks the page's 350 KB gz budget;
//! - native, best of 15 on an idle 2-core machine: sparse 10 MB 66–67 MiB/s
//!   (lite) vs 80–83 (regex); dense corpus 2 MB 16 vs 20 MiB/s. The per-line
//!   windows keep regex work small; parsing and the structural pass dominate,
//!   so `regex` buys ~20% natively for +130 KB gz in the browser.

mod allow;
mod anchored;
mod engine;
mod entropy;
pub mod leak;
mod structural;
mod vault;

use crate::edit::{Edit, Fix, apply};
use crate::model::SourceFile;
use crate::parse::{Limits, parse};
use crate::sort;
use crate::span::Span;

use anchored::scan_rules;
pub(crate) use anchored::scan_rules_in;
pub use anchored::{Check, RULES, RedactRule};
pub use vault::Vault;

/// Priority of `Secret.data` values: their encoding decides what the edit writes.
pub(crate) const DATA_PRIORITY: u32 = 0;
/// Anchored rules come next, in table order (they name the family best).
pub(crate) const RULE_PRIORITY: u32 = 1_000;
/// Keyed values found by the structural pass.
pub(crate) const KEYED_PRIORITY: u32 = 10_000;

/// Ids of the structural rules, which find secrets by where they are (see
/// `structural/`), and of the guarded entropy layer (`entropy.rs`,
/// family `HIGH_ENTROPY`); reported in findings like the ids of [`RULES`].
pub const STRUCTURAL_RULES: &[&str] = &[
    "secret-data",
    "secret-string-data",
    "keyed-secret",
    "env-secret",
    "config-line-secret",
    "cli-arg-secret",
    "high-entropy",
];

/// How a redacted value is written back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Encoding {
    /// The placeholder itself.
    Plain,
    /// Base64 of the placeholder (Secret `data`).
    Base64,
}

/// A secret found by any layer, before placeholders are assigned.
pub(crate) struct Candidate {
    /// Original bytes to replace.
    pub(crate) span: Span,
    pub(crate) rule: &'static str,
    pub(crate) family: &'static str,
    /// Lower wins when two candidates cover the same bytes.
    pub(crate) priority: u32,
    pub(crate) encoding: Encoding,
    /// What makes two occurrences "the same secret" (decoded or normalised
    /// value); `None` means the original bytes.
    pub(crate) identity: Option<String>,
    /// The enclosing scalar, for the structure-safe fallback.
    pub(crate) scalar: Option<Span>,
}

/// One redacted secret. Never contains the secret itself.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RedactFinding {
    /// Rule id (`aws-access-key-id`, `secret-data`, `keyed-secret`, …).
    pub rule: &'static str,
    /// Placeholder family (`AWS_ACCESS_KEY_ID`, `PASSWORD`, …).
    pub family: &'static str,
    /// Index of the file in the input slice.
    pub file: usize,
    /// Bytes of the original text that were replaced.
    pub span: Span,
    /// The placeholder (for Secret `data`, the decoded placeholder; the text
    /// holds its base64).
    pub placeholder: String,
    /// Anything the reader should know (e.g. a structure-safe fallback).
    pub note: Option<&'static str>,
}

/// Result of [`redact`]: edits per file, what was found, and the vault to undo it.
#[derive(Debug)]
pub struct Redaction {
    /// For each input file (same order), one [`Fix`] per redacted secret.
    /// Apply with [`apply`].
    pub fixes: Vec<Vec<Fix>>,
    /// Every redacted secret, in file and text order.
    pub findings: Vec<RedactFinding>,
    /// Placeholder → original bytes, for [`Vault::rehydrate`].
    pub vault: Vault,
}

impl Redaction {
    /// The redacted texts, one per input file (the fixes applied).
    pub fn apply(&self, files: &[SourceFile]) -> Vec<String> {
        files
            .iter()
            .zip(&self.fixes)
            .map(|(file, fixes)| apply(&file.text, fixes).text)
            .collect()
    }
}

/// Finds every secret in `files` and returns the edits that replace each one
/// with its placeholder. Does not change the text; never panics.
pub fn redact(files: &[SourceFile]) -> Redaction {
    redact_with(Vault::default(), files)
}

/// Like [`redact`], continuing a session: secrets already in `vault` keep
/// their placeholders, new ones get the next numbers.
pub fn redact_with(mut vault: Vault, files: &[SourceFile]) -> Redaction {
    let mut all_fixes = Vec::with_capacity(files.len());
    let mut findings = Vec::new();
    let existing = vault::existing_tokens(files);
    for (index, file) in files.iter().enumerate() {
        let text = file.text.as_str();
        let documents = structural::documents(text);
        let mut candidates = Vec::new();
        for doc in &documents {
            let slice = &text[doc.range()];
            if !structural::worth_parsing(slice) {
                continue;
            }
            let stream = parse(slice, &Limits::default()).ok();
            let before = candidates.len();
            structural::scan(slice, stream.as_ref(), &mut candidates);
            let shift = |s: Span| Span::new(s.start + doc.start, s.end + doc.start);
            for c in &mut candidates[before..] {
                c.span = shift(c.span);
                c.scalar = c.scalar.map(shift);
            }
        }
        scan_rules(text, &mut candidates);
        let mut random = Vec::new();
        entropy::scan(text, &candidates, &mut random);
        candidates.extend(random);
        // Never trust a span blindly: the edit must slice the text.
        candidates.retain(|c| {
            c.span.start <= c.span.end
                && c.span.end <= text.len()
                && text.is_char_boundary(c.span.start)
                && text.is_char_boundary(c.span.end)
        });
        let candidates = resolve_overlaps(candidates);
        let mut planned: Vec<Planned> = candidates
            .into_iter()
            .map(|c| {
                let original = &text[c.span.range()];
                let identity = c.identity.clone().unwrap_or_else(|| original.to_string());
                let (token, out) =
                    vault.assign(&identity, c.family, original, c.encoding, &existing);
                Planned {
                    candidate: c,
                    placeholder: token,
                    content: out,
                    note: None,
                }
            })
            .collect();
        structural::check_structure(text, &documents, &mut planned, &mut vault, &existing);
        let mut file_fixes = Vec::with_capacity(planned.len());
        for p in planned {
            findings.push(RedactFinding {
                rule: p.candidate.rule,
                family: p.candidate.family,
                file: index,
                span: p.candidate.span,
                placeholder: p.placeholder,
                note: p.note,
            });
            file_fixes.push(Fix::single(Edit::replace(p.candidate.span, p.content)));
        }
        all_fixes.push(file_fixes);
    }
    vault.seal();
    Redaction {
        fixes: all_fixes,
        findings,
        vault,
    }
}

/// A candidate with its placeholder, before it becomes a [`Fix`].
pub(crate) struct Planned {
    pub(crate) candidate: Candidate,
    /// The placeholder as reported.
    pub(crate) placeholder: String,
    /// What replaces the span (the placeholder, or its base64).
    pub(crate) content: String,
    pub(crate) note: Option<&'static str>,
}

/// Sorts by position and keeps non-overlapping candidates: at the same start
/// the longer one wins, at the same span the lower priority; a candidate that
/// starts inside another is merged into it so no secret byte is left behind.
fn resolve_overlaps(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    sort::by(&mut candidates, |a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end), a.priority).cmp(&(
            b.span.start,
            std::cmp::Reverse(b.span.end),
            b.priority,
        ))
    });
    let mut out: Vec<Candidate> = Vec::with_capacity(candidates.len());
    for c in candidates {
        if c.span.is_empty() {
            continue;
        }
        if let Some(last) = out.last_mut()
            && c.span.start < last.span.end
        {
            if c.span.end > last.span.end {
                // Partial overlap: cover both, keep the first one's name.
                last.span.end = c.span.end;
                last.identity = None;
                last.encoding = Encoding::Plain;
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Strict-alphabet base64 decoding that ignores whitespace and tolerates
/// missing padding (what `kubectl` and humans write).
pub(crate) fn decode_base64(value: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let compact: Vec<u8> = value.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    LENIENT.decode(compact).ok()
}

/// Standard padded base64.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-document parse gate is sound on every corpus and fixture
    /// document: a skipped document has no structural secret.
    #[test]
    fn documents_that_skip_parsing_have_no_structural_secrets() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in ["../../tests/redact-corpus", "tests/redact", "tests/rules"] {
            let mut stack = vec![root.join(dir)];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        stack.push(path);
                        continue;
                    }
                    if path.extension().is_none_or(|e| e != "yaml") {
                        continue;
                    }
                    let text = std::fs::read_to_string(&path).unwrap();
                    for doc in structural::documents(&text) {
                        let slice = &text[doc.range()];
                        if structural::worth_parsing(slice) {
                            continue;
                        }
                        checked += 1;
                        let stream = parse(slice, &Limits::default()).ok();
                        let mut found = Vec::new();
                        structural::scan(slice, stream.as_ref(), &mut found);
                        assert!(
                            found.is_empty(),
                            "{}: gate skipped a secret",
                            path.display()
                        );
                    }
                }
            }
        }
        assert!(checked > 20, "only {checked} skipped documents checked");
    }

    /// Every hit on one huge line (minified JSON) is found; its speed (the
    /// line bounds are found once per line, not once per hit) is measured
    /// by `benches/redact.rs` (`one_huge_line`).
    #[test]
    fn one_huge_line_with_many_keyword_hits_is_redacted_whole() {
        let text =
            "x: \"".to_string() + &"https://a.example/?sig=1&password=2 ".repeat(2_000) + "\"\n";
        let redaction = redact(&[SourceFile::new("min.json", text)]);
        assert_eq!(redaction.findings.len(), 2_000);
    }

    #[test]
    fn overlapping_candidates_merge() {
        let c = |s, e, p| Candidate {
            span: Span::new(s, e),
            rule: "r",
            family: "F",
            priority: p,
            encoding: Encoding::Plain,
            identity: None,
            scalar: None,
        };
        let out = resolve_overlaps(vec![c(5, 9, 1), c(0, 6, 2), c(0, 6, 0)]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].span, Span::new(0, 9));
        assert_eq!(out[0].priority, 0);
    }
}
