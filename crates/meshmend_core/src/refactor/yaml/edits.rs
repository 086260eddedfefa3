//! Structural edits: append, delete and insert sequence items, mapping
//! entries and documents, and replace scalars, each in the style already in
//! the file (indentation, dash placement, block vs flow, line ends). Values
//! come in as [`Encoded`] text, so quoting is decided in one place
//! (`scalar.rs`).

use super::lines::{
    ItemLayout, after_node_line, column, item_layout, line_start, newline, next_line_start,
    starts_line,
};
use super::scalar::{Encoded, Scalar};
use crate::edit::Edit;
use crate::model::tree::{CollectionStyle, NodeKind, NodeRef, ScalarStyle};
use crate::parse::Stream;
use crate::span::Span;

/// Text to insert as a sequence item: a block form (first line at the item's
/// content column, later lines indented relative to it, `\n` line ends) and
/// a one-line flow form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ItemText {
    /// Block form, relative indentation.
    pub block: String,
    /// Flow form.
    pub flow: String,
}

impl ItemText {
    /// An item that reads the same in block and flow context.
    pub(crate) fn scalar(encoded: Encoded) -> Self {
        let rendered = encoded.into_string();
        Self {
            block: rendered.clone(),
            flow: rendered,
        }
    }
}

/// Appends items to a sequence, in the sequence's own style.
pub(crate) fn append_items(text: &str, seq: NodeRef<'_>, items: &[ItemText]) -> Option<Edit> {
    if items.is_empty() {
        return None;
    }
    let last = seq.items().last()?;
    if seq.collection_style() == Some(CollectionStyle::Flow) {
        let joined: Vec<&str> = items.iter().map(|i| i.flow.as_str()).collect();
        return Some(Edit::insert(
            last.span().end,
            format!(", {}", joined.join(", ")),
        ));
    }
    let layout = item_layout(text, last.span())?;
    let nl = newline(text);
    let at = after_node_line(text, last.span());
    let mut out = String::new();
    if at == text.len() && !text.ends_with('\n') {
        out.push_str(nl);
    }
    for item in items {
        out.push_str(&render_block_item(&item.block, layout, nl));
    }
    Some(Edit::insert(at, out))
}

/// Renders a relative block text as a sequence item with `layout`.
pub(crate) fn render_block_item(block: &str, layout: ItemLayout, nl: &str) -> String {
    let mut out = String::new();
    let mut lines = block.split('\n');
    let first = lines.next().unwrap_or_default();
    out.push_str(&" ".repeat(layout.dash));
    out.push('-');
    if layout.own_line {
        out.push_str(nl);
        out.push_str(&" ".repeat(layout.content));
    } else {
        out.push_str(&" ".repeat(layout.content.saturating_sub(layout.dash + 1).max(1)));
    }
    out.push_str(first);
    out.push_str(nl);
    for line in lines {
        if !line.is_empty() {
            out.push_str(&" ".repeat(layout.content));
            out.push_str(line);
        }
        out.push_str(nl);
    }
    out
}

/// The bytes a block sequence item occupies, whole lines, from its dash
/// line to the end of its last line.
fn block_item_lines(text: &str, item: Span) -> Option<Span> {
    let layout = item_layout(text, item)?;
    starts_line(text, layout.dash_at).then(|| {
        Span::new(
            line_start(text, layout.dash_at),
            after_node_line(text, item),
        )
    })
}

/// Deletes item `index` of a sequence (the caller keeps at least one item).
pub(crate) fn delete_item(text: &str, seq: NodeRef<'_>, index: usize) -> Option<Edit> {
    let items: Vec<NodeRef<'_>> = seq.items().collect();
    let item = items.get(index)?;
    if seq.collection_style() == Some(CollectionStyle::Flow) {
        return Some(Edit::delete(flow_element_extent(
            items.iter().map(|i| (i.span(), i.span())),
            index,
        )?));
    }
    Some(Edit::delete(block_item_lines(text, item.span())?))
}

/// Span to delete for element `index` of a flow collection, given each
/// element's (start span, end span): the element and one separating comma.
fn flow_element_extent(elements: impl Iterator<Item = (Span, Span)>, index: usize) -> Option<Span> {
    let elements: Vec<(Span, Span)> = elements.collect();
    let (start, end) = *elements.get(index)?;
    if index > 0 {
        Some(Span::new(elements[index - 1].1.end, end.end))
    } else if let Some(next) = elements.get(1) {
        Some(Span::new(start.start, next.0.start))
    } else {
        Some(Span::new(start.start, end.end))
    }
}

/// Deletes the entry `key` of a mapping (the caller keeps at least one entry).
pub(crate) fn delete_entry(text: &str, mapping: NodeRef<'_>, key: &str) -> Option<Edit> {
    let NodeKind::Mapping { entries, style } = mapping.kind() else {
        return None;
    };
    let doc = mapping.document();
    let index = entries
        .iter()
        .position(|&(k, _)| doc.node(k).as_str() == Some(key))?;
    let spans = entries
        .iter()
        .map(|&(k, v)| (doc.node(k).span(), doc.node(v).span()));
    if style == CollectionStyle::Flow {
        return Some(Edit::delete(flow_element_extent(spans, index)?));
    }
    let (k, v) = (doc.node(entries[index].0), doc.node(entries[index].1));
    if starts_line(text, k.span().start) {
        return Some(Edit::delete(Span::new(
            line_start(text, k.span().start),
            after_node_line(text, v.span()),
        )));
    }
    // First key on a `- ` line: keep the dash, pull the next key up.
    let next = entries.get(index + 1)?;
    Some(Edit::delete(Span::new(
        k.span().start,
        doc.node(next.0).span().start,
    )))
}

/// Deletes a whole document with one `---` separator: from its marker line
/// up to the next marker line; a first document without a marker goes from
/// its first node's line (a file's header comment stays) through the next
/// marker line. Neighbouring deletions overlap only in whole lines, and the
/// plan merges overlapping deletions.
pub(crate) fn delete_document(text: &str, stream: &Stream, document: usize) -> Option<Edit> {
    let doc = stream.documents.get(document)?;
    let root = doc.root()?;
    let content_end = after_node_line(text, root.span());
    let next_marker = next_marker_line(text, content_end);
    let span = match doc.marker {
        Some(marker) => Span::new(
            line_start(text, marker.start),
            next_marker.map_or(text.len(), |m| m.start),
        ),
        None => Span::new(
            line_start(text, root.span().start),
            next_marker.map_or(text.len(), |m| m.end),
        ),
    };
    Some(Edit::delete(span))
}

/// The next `---` line at or after `from`: (line start, start of the line after).
fn next_marker_line(text: &str, from: usize) -> Option<Span> {
    let mut at = from;
    while at < text.len() {
        let end = next_line_start(text, at);
        let line = text[at..end].trim_end_matches(['\n', '\r']);
        if line == "---" || line.starts_with("--- ") || line.starts_with("---\t") {
            return Some(Span::new(at, end));
        }
        at = end;
    }
    None
}

/// Adds `key: value` (a one-line value) to a mapping, in its style: a new
/// line at the entries' column for block mappings, `, key: value` for flow.
pub(crate) fn insert_entry(
    text: &str,
    mapping: NodeRef<'_>,
    key: &str,
    value: &Encoded,
) -> Option<Edit> {
    let NodeKind::Mapping { entries, style } = mapping.kind() else {
        return None;
    };
    let doc = mapping.document();
    let key = Encoded::str(key);
    let (key, value) = (key.as_str(), value.as_str());
    if style == CollectionStyle::Flow {
        return Some(match entries.last() {
            Some(&(_, v)) => Edit::insert(doc.node(v).span().end, format!(", {key}: {value}")),
            None => Edit::replace(mapping.span(), format!("{{{key}: {value}}}")),
        });
    }
    let &(first, _) = entries.first()?;
    let &(_, last) = entries.last()?;
    let indent = column(text, doc.node(first).span().start);
    let at = after_node_line(text, doc.node(last).span());
    let nl = newline(text);
    let lead = if at == text.len() && !text.ends_with('\n') {
        nl
    } else {
        ""
    };
    Some(Edit::insert(
        at,
        format!("{lead}{}{key}: {value}{nl}", " ".repeat(indent)),
    ))
}

/// Replaces a scalar with `value`, keeping its quoting where it can.
pub(crate) fn replace_scalar(scalar: NodeRef<'_>, value: Scalar<'_>) -> Edit {
    Edit::replace(
        scalar.span(),
        Encoded::scalar(value, style_of(scalar)).into_string(),
    )
}

/// How `node` is written (plain for anything but a scalar).
pub(crate) fn style_of(node: NodeRef<'_>) -> ScalarStyle {
    node.as_scalar().map_or(ScalarStyle::Plain, |(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, parse};

    use super::super::test_util::{root, run};

    /// `text` with `items` appended to the sequence at `key`.
    fn append(text: &str, key: &str, items: &[ItemText]) -> String {
        let stream = parse(text, &Limits::default()).unwrap();
        let seq = root(&stream).get(key).unwrap();
        run(text, append_items(text, seq, items))
    }

    #[test]
    fn appends_items_in_the_sequences_own_style() {
        let scalar = |s| ItemText::scalar(Encoded::str(s));
        let block = ItemText {
            block: "k: 1\nj: 2".into(),
            flow: String::new(),
        };
        let crlf = "hosts: [a, \"b\"]\r\nlist:\r\n- x\r\n";
        let cases = [
            // The list's dash column and spacing; comments stay.
            (
                "hosts:\n    -   a.example.com   # first\n    -   b\nnext: 1\n",
                "hosts",
                scalar("c"),
                "hosts:\n    -   a.example.com   # first\n    -   b\n    -   c\nnext: 1\n",
            ),
            // Flow lists get `, item`, encoded; CRLF files keep CRLF.
            (
                crlf,
                "hosts",
                scalar("on"),
                "hosts: [a, \"b\", \"on\"]\r\nlist:\r\n- x\r\n",
            ),
            (
                crlf,
                "list",
                block,
                "hosts: [a, \"b\"]\r\nlist:\r\n- x\r\n- k: 1\r\n  j: 2\r\n",
            ),
            // A file without a final newline gets one before the item.
            ("l:\n- a", "l", scalar("b"), "l:\n- a\n- b\n"),
        ];
        for (text, key, item, expected) in cases {
            assert_eq!(append(text, key, &[item]), expected, "{text:?}");
        }
    }

    #[test]
    fn deletes_block_and_flow_items() {
        let text = "a:\n  - x # gone\n  - y\nb: [x, y, z]\n";
        let stream = parse(text, &Limits::default()).unwrap();
        let r = root(&stream);
        assert_eq!(
            run(text, delete_item(text, r.get("a").unwrap(), 0)),
            "a:\n  - y\nb: [x, y, z]\n"
        );
        assert_eq!(
            run(text, delete_item(text, r.get("b").unwrap(), 1)),
            "a:\n  - x # gone\n  - y\nb: [x, z]\n"
        );
        assert_eq!(
            run(text, delete_item(text, r.get("b").unwrap(), 0)),
            "a:\n  - x # gone\n  - y\nb: [y, z]\n"
        );
    }

    #[test]
    fn deletes_entries_keeping_the_dash() {
        let text = "ports:\n- nodePort: 31390\n  port: 443\n- port: 80\n  nodePort: 31380 # pinned\n  name: http\n- {port: 1, nodePort: 2}\n";
        let stream = parse(text, &Limits::default()).unwrap();
        let items: Vec<_> = root(&stream).get("ports").unwrap().items().collect();
        assert_eq!(
            run(text, delete_entry(text, items[0], "nodePort")),
            text.replace("- nodePort: 31390\n  port", "- port")
        );
        assert_eq!(
            run(text, delete_entry(text, items[1], "nodePort")),
            text.replace("  nodePort: 31380 # pinned\n", "")
        );
        assert_eq!(
            run(text, delete_entry(text, items[2], "nodePort")),
            text.replace(", nodePort: 2", "")
        );
    }

    #[test]
    fn deletes_documents_with_one_separator() {
        let text = "# header\na: 1\n---\n# about b\nb: 2\n---\nc: 3\n";
        let stream = parse(text, &Limits::default()).unwrap();
        let del = |i| run(text, delete_document(text, &stream, i));
        assert_eq!(del(0), "# header\n# about b\nb: 2\n---\nc: 3\n");
        assert_eq!(del(1), "# header\na: 1\n---\nc: 3\n");
        assert_eq!(del(2), "# header\na: 1\n---\n# about b\nb: 2\n");
    }

    #[test]
    fn inserts_entries_in_block_and_flow_mappings() {
        let text = "a:\n  - k: 1\n    j: 2 # c\nb: {x: 1}\n";
        let stream = parse(text, &Limits::default()).unwrap();
        let r = root(&stream);
        let item = r.get("a").unwrap().items().next().unwrap();
        assert_eq!(
            run(text, insert_entry(text, item, "istio", &Encoded::str("gw"))),
            "a:\n  - k: 1\n    j: 2 # c\n    istio: gw\nb: {x: 1}\n"
        );
        assert_eq!(
            run(
                text,
                insert_entry(text, r.get("b").unwrap(), "istio", &Encoded::str("on"))
            ),
            "a:\n  - k: 1\n    j: 2 # c\nb: {x: 1, istio: \"on\"}\n"
        );
    }
}
