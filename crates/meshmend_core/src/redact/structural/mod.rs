//! The structural layer: secrets found by where they are, not what they look
//! like. Works on the YAML tree when a document parses and on lines when it
//! does not (Helm templates, broken pastes), and inside block scalars
//! (ConfigMap `application.properties`, `.env` files, embedded values.yaml).
//!
//! Rules (ids as reported in findings):
//! - `secret-data`: every value under `data`/`binaryData` of a `kind: Secret`
//!   (base64; replaced by the base64 of the placeholder so the Secret stays
//!   valid). Public certificates (`ca.crt`, `tls.crt`) are kept.
//! - `secret-string-data`: every `stringData` value, unless anchored rules
//!   find the secret inside it (then only that part).
//! - `keyed-secret`: a secret-sounding key (`password`, `apiKey`,
//!   `client_secret`, …) with a value that passes the gate.
//! - `env-secret`: `- name: DB_PASSWORD` / `value: …` pairs (also Argo CD
//!   Helm `parameters`).
//! - `config-line-secret`: `KEY=value`, `key: value`, `"key": "value"`,
//!   `<password>v</password>` lines inside block scalars, comments and text
//!   that does not parse.
//! - `cli-arg-secret`: `--password x`, `--token=x`, and the list item after
//!   a secret-sounding flag in `args:`.

//!
//! Files, one job each: `keys.rs` (the key-word table and what a key
//! says), `template.rs` (literals inside Helm and shell templates),
//! `walker.rs` (the YAML tree), `lines.rs` (lines of text),
//! `shape.rs` (edits must keep each document's shape).

mod keys;
mod lines;
mod shape;
mod template;
mod walker;

pub(crate) use shape::check_structure;

use super::Candidate;
use crate::parse::Stream;
use crate::sort;
use crate::span::{Span, floor_char_boundary as floor};
use lines::LineScanner;
use walker::Walker;

/// Runs the structural layer over one file.
pub(crate) fn scan(text: &str, stream: Option<&Stream>, out: &mut Vec<Candidate>) {
    let mut covered = Vec::new();
    if let Some(stream) = stream {
        for doc in &stream.documents {
            if let Some(root) = doc.root() {
                let mut walker = Walker { text, out };
                walker.node(root, None, false);
            }
            covered.push(doc.span);
        }
    }
    sort::by_key(&mut covered, |s| s.start);
    // Lines no parsed document covers (broken documents, Helm templates),
    // with the line scanner's YAML state (Secret data blocks, env pairs).
    let mut at = 0;
    for span in covered
        .iter()
        .chain(std::iter::once(&Span::empty(text.len())))
    {
        if span.start > at {
            let mut lines = LineScanner::new(text, out, true);
            lines.scan(Span::new(at, floor(text, span.start)));
        }
        at = at.max(floor(text, span.end.min(text.len())));
    }
    // Comment lines anywhere: `# password: hunter2`.
    let mut lines = LineScanner::new(text, out, false);
    lines.loose = true;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            let offset = start + (line.len() - trimmed.len()) + 1;
            lines.line(Span::new(offset, start + line.trim_end().len()));
        }
        start += line.len();
    }
}

/// Splits a stream into document regions at `---` lines (the marker
/// belongs to the document it opens).
pub(crate) fn documents(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let b = line.as_bytes();
        if at > start && b.starts_with(b"---") && b.get(3).is_none_or(u8::is_ascii_whitespace) {
            out.push(Span::new(start, at));
            start = at;
        }
        at += line.len();
    }
    out.push(Span::new(start, text.len()));
    out
}

/// Whether a document needs the YAML tree: a quick line pass (the same
/// scanner used for text that does not parse) finds a secret, or a line with
/// a secret word whose value only the tree can read, or a `kind: Secret`.
/// Documents without any of these (most of a cluster dump) skip parsing.
pub(crate) fn worth_parsing(text: &str) -> bool {
    let mut scratch = Vec::new();
    let mut lines = LineScanner::new(text, &mut scratch, true);
    lines.scan(Span::new(0, text.len()));
    let needs_tree = lines.needs_tree;
    needs_tree || !scratch.is_empty()
}
