//! Copying input YAML into new text: one-line flow renderings of nodes
//! (with some nodes replaced or dropped) and block items re-indented. What is
//! copied reads back as written; what replaces a node is [`Encoded`].

use super::lines::{after_node_line, item_layout, starts_line};
use super::scalar::{Encoded, double_quoted, plain_syntax_ok};
use crate::edit::{Edit, Fix};
use crate::model::tree::{NodeKind, NodeRef, ScalarStyle};
use crate::span::Span;

/// What [`flow_with`] does with one node instead of rendering it.
pub(crate) enum Override {
    /// Write this value.
    Text(Encoded),
    /// Leave the node out (sequence items only).
    Drop,
}

/// Renders a node on one line in flow style (aliases expanded, block
/// scalars double-quoted, other scalars as written), with some nodes (found
/// by span) replaced or dropped. A plain scalar stays plain (so it resolves
/// as it did) unless flow context forbids it.
pub(crate) fn flow_with(
    text: &str,
    node: NodeRef<'_>,
    with: &dyn Fn(crate::span::Span) -> Option<Override>,
) -> String {
    if let Some(Override::Text(replacement)) = with(node.span()) {
        return replacement.into_string();
    }
    let node = node.resolve();
    match node.kind() {
        NodeKind::Scalar { value, style, .. } => {
            let written = node.span().slice(text);
            match style {
                ScalarStyle::Plain if plain_syntax_ok(value) => value.to_string(),
                ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
                    if !written.contains('\n') =>
                {
                    written.to_string()
                }
                _ => double_quoted(value),
            }
        }
        NodeKind::Sequence { .. } => {
            let items: Vec<String> = node
                .items()
                .filter(|i| !matches!(with(i.span()), Some(Override::Drop)))
                .map(|i| flow_with(text, i, with))
                .collect();
            format!("[{}]", items.join(", "))
        }
        NodeKind::Mapping { .. } => {
            let entries: Vec<String> = node
                .entries()
                .map(|(k, v)| format!("{}: {}", flow_with(text, k, with), flow_with(text, v, with)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        NodeKind::Alias(_) => String::new(),
    }
}

/// [`flow_with`] for a sequence, with `appended` items written after its
/// own (`[a, b, added]`).
pub(crate) fn flow_list_with(
    text: &str,
    seq: NodeRef<'_>,
    with: &dyn Fn(Span) -> Option<Override>,
    appended: &[Encoded],
) -> String {
    let mut list = flow_with(text, seq, with);
    list.pop();
    for item in appended {
        if !list.ends_with('[') {
            list.push_str(", ");
        }
        list.push_str(item.as_str());
    }
    list.push(']');
    list
}

/// True when `node` or anything under it is an alias.
pub(crate) fn contains_alias(node: NodeRef<'_>) -> bool {
    if node.is_alias() {
        return true;
    }
    match node.kind() {
        NodeKind::Sequence { .. } => node.items().any(contains_alias),
        NodeKind::Mapping { entries, .. } => {
            let doc = node.document();
            entries
                .iter()
                .any(|&(k, v)| contains_alias(doc.node(k)) || contains_alias(doc.node(v)))
        }
        _ => false,
    }
}

/// Copies a block sequence item as relative block text (see [`ItemText`]),
/// after applying `edits` (spans in `text`, inside the item). Line ends
/// become `\n`. `None` when the item is not a block item on its own line.
pub(crate) fn copy_block_item(text: &str, item: Span, edits: &[Edit]) -> Option<String> {
    let layout = item_layout(text, item)?;
    if !starts_line(text, layout.dash_at) {
        return None;
    }
    let end = after_node_line(text, item);
    let local: Vec<Edit> = edits
        .iter()
        .filter(|e| item.start <= e.span.start && e.span.end <= end)
        .map(|e| {
            Edit::replace(
                Span::new(e.span.start - item.start, e.span.end - item.start),
                e.content.clone(),
            )
        })
        .collect();
    // Overlapping edits would not compose: the fix refuses them.
    let fix = Fix::new(local).ok()?;
    let body = crate::edit::apply(&text[item.start..end], [&fix])
        .text
        .replace("\r\n", "\n");
    let body = body.strip_suffix('\n').unwrap_or(&body);
    let mut out = String::new();
    for (i, line) in body.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            let indent = line.len() - line.trim_start_matches(' ').len();
            out.push_str(&line[indent.min(layout.content)..]);
        } else {
            out.push_str(line);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::edits::render_block_item;
    use super::super::lines::ItemLayout;
    use super::*;
    use crate::parse::{Limits, parse};

    use super::super::test_util::root;

    #[test]
    fn copies_items_relative_to_their_content_column() {
        let text = "servers:\n      -   port: 443 # tls\n          hosts:\n            - a\n        # trailing\nx: 1\n";
        let stream = parse(text, &Limits::default()).unwrap();
        let item = root(&stream)
            .get("servers")
            .unwrap()
            .items()
            .next()
            .unwrap();
        let copied = copy_block_item(text, item.span(), &[]).unwrap();
        assert_eq!(copied, "port: 443 # tls\nhosts:\n  - a");
        let layout = ItemLayout {
            dash: 2,
            content: 4,
            own_line: false,
            dash_at: 0,
        };
        assert_eq!(
            render_block_item(&copied, layout, "\n"),
            "  - port: 443 # tls\n    hosts:\n      - a\n"
        );
    }

    #[test]
    fn flow_rendering_expands_aliases_and_quotes_blocks() {
        let text = "a: &p {number: 443}\nb:\n  port: *p\n  note: |\n    x\n  hosts: ['*.a', b]\n";
        let stream = parse(text, &Limits::default()).unwrap();
        let b = root(&stream).get("b").unwrap();
        assert_eq!(
            flow_with(text, b, &|_| None),
            "{port: {number: 443}, note: \"x\\n\", hosts: ['*.a', b]}"
        );
        assert!(contains_alias(b));
    }
}
