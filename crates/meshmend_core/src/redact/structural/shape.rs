//! Redaction must not change a document's shape: edits that would are
//! widened to their whole scalar.

use super::super::vault::Existing;
use super::super::{Encoding, Planned, Vault};
use crate::model::tree::{Document, NodeKind, NodeRef};
use crate::parse::{Limits, parse};
use crate::span::{Span, floor_char_boundary as floor};

/// The shape of a document: collection kinds, sizes and keys, scalar count.
/// Redaction must leave it unchanged.
fn fingerprint(doc: &Document) -> String {
    fn walk(node: NodeRef<'_>, out: &mut String, depth: usize) {
        if depth > 256 {
            return;
        }
        match node.kind() {
            NodeKind::Mapping { entries, .. } => {
                out.push_str(&format!("{{{}", entries.len()));
                for (k, v) in node.entries() {
                    match k.as_str() {
                        Some(key) => {
                            out.push_str(key);
                            out.push('\u{1}');
                        }
                        None => walk(k, out, depth + 1),
                    }
                    walk(v, out, depth + 1);
                }
                out.push('}');
            }
            NodeKind::Sequence { items, .. } => {
                out.push_str(&format!("[{}", items.len()));
                for item in node.items() {
                    walk(item, out, depth + 1);
                }
                out.push(']');
            }
            NodeKind::Scalar { .. } => out.push('s'),
            NodeKind::Alias(_) => out.push('*'),
        }
    }
    let mut out = String::new();
    if let Some(root) = doc.root() {
        walk(root, &mut out, 0);
    }
    out
}

fn shape(text: &str) -> Option<Vec<String>> {
    let stream = parse(text, &Limits::default()).ok()?;
    if !stream.errors.is_empty() {
        return None;
    }
    Some(stream.documents.iter().map(fingerprint).collect())
}

fn apply_local(slice: &str, base: usize, planned: &[&Planned]) -> String {
    let mut out = String::with_capacity(slice.len());
    let mut at = 0;
    for p in planned {
        let span = p.candidate.span;
        out.push_str(&slice[at..span.start - base]);
        out.push_str(&p.content);
        at = span.end - base;
    }
    out.push_str(&slice[at..]);
    out
}

/// Re-parses every edited document and compares its shape with the
/// original. An edit that changes it is widened to its whole scalar (the
/// structure-safe form) and noted.
pub(crate) fn check_structure(
    text: &str,
    documents: &[Span],
    planned: &mut [Planned],
    vault: &mut Vault,
    existing: &Existing<'_>,
) {
    for doc in documents {
        let span = Span::new(floor(text, doc.start), floor(text, doc.end));
        let first = planned.partition_point(|p| p.candidate.span.start < span.start);
        let last = planned.partition_point(|p| p.candidate.span.end <= span.end);
        if first >= last {
            continue;
        }
        let slice = &text[span.range()];
        let Some(before) = shape(slice) else {
            continue;
        };
        let edits: Vec<&Planned> = planned[first..last].iter().collect();
        if shape(&apply_local(slice, span.start, &edits)).as_ref() == Some(&before) {
            continue;
        }
        for p in &mut planned[first..last] {
            if shape(&apply_local(slice, span.start, &[&*p])).as_ref() == Some(&before) {
                continue;
            }
            let scalar = p.candidate.scalar.or_else(|| {
                enclosing_scalar(
                    slice,
                    Span::new(
                        p.candidate.span.start - span.start,
                        p.candidate.span.end - span.start,
                    ),
                )
                .map(|s| Span::new(s.start + span.start, s.end + span.start))
            });
            if let Some(scalar) = scalar
                && span.contains(scalar)
                && scalar.contains(p.candidate.span)
            {
                let original = &text[scalar.range()];
                let (placeholder, content) = vault.assign(
                    original,
                    p.candidate.family,
                    original,
                    Encoding::Plain,
                    existing,
                );
                p.candidate.span = scalar;
                p.candidate.encoding = Encoding::Plain;
                p.placeholder = placeholder;
                p.content = content;
                p.note = Some("replaced the whole value to keep the YAML structure");
            } else {
                p.note = Some("the YAML structure may have changed here");
            }
        }
    }
}

/// The innermost scalar node of `text` whose span contains `span`.
fn enclosing_scalar(text: &str, span: Span) -> Option<Span> {
    let stream = parse(text, &Limits::default()).ok()?;
    stream
        .documents
        .iter()
        .flat_map(Document::nodes)
        .filter(|n| matches!(n.own_kind(), NodeKind::Scalar { .. }) && n.span().contains(span))
        .map(NodeRef::span)
        .min_by_key(|s| s.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceFile;
    use crate::redact::structural::documents;
    use crate::redact::vault::existing_tokens;
    use crate::redact::{Candidate, Encoding, KEYED_PRIORITY, Planned};

    #[test]
    fn an_edit_that_changes_the_shape_is_widened_to_its_scalar_and_noted() {
        let text = "a: x1 y\nb: 2\n";
        let files: [SourceFile; 0] = [];
        let existing = existing_tokens(&files);
        let mut vault = Vault::default();
        // Simulate a replacement that would turn the plain scalar into a mapping.
        let mut planned = [Planned {
            candidate: Candidate {
                span: Span::new(3, 5),
                rule: "keyed-secret",
                family: "PASSWORD",
                priority: KEYED_PRIORITY,
                encoding: Encoding::Plain,
                identity: None,
                scalar: None,
            },
            placeholder: "t".into(),
            content: "k: v".into(),
            note: None,
        }];
        check_structure(text, &documents(text), &mut planned, &mut vault, &existing);
        let p = &planned[0];
        assert_eq!(p.candidate.span, Span::new(3, 7));
        assert_eq!(p.content, "__REDACTED_PASSWORD_1__");
        assert!(p.note.is_some());
    }
}
