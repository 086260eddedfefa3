//! Text-level YAML editing: the few shapes of edit refactors need, each
//! matching the style already in the file (indentation, sequence-dash
//! placement, block vs flow, quoting, line endings).
//!
//! Everything here returns [`Edit`]s against the original text; nothing
//! re-serialises YAML that is not being changed.

use crate::edit::Edit;
use crate::model::tree::{CollectionStyle, NodeKind, NodeRef, ScalarStyle};
use crate::parse::Stream;
use crate::sort;
use crate::span::Span;

/// `"\r\n"` when the text's first line ends in CRLF, else `"\n"`.
pub(crate) fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Start of the line containing `at`.
pub(crate) fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Start of the line after the one containing `at` (or the end of the text).
pub(crate) fn next_line_start(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Byte column of `at` in its line (indentation is ASCII, so bytes = columns).
pub(crate) fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// True when only spaces precede `at` on its line.
fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at].bytes().all(|b| b == b' ')
}

/// Where a line-oriented edit after `span` goes: just past the newline that
/// ends the span's last line (block scalars already include it).
pub(crate) fn after_node_line(text: &str, span: Span) -> usize {
    if span.end > span.start && text.as_bytes()[span.end - 1] == b'\n' {
        span.end
    } else {
        next_line_start(text, span.end)
    }
}

/// How a block sequence writes its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ItemLayout {
    /// Column of the `-`.
    pub dash: usize,
    /// Column the item's content starts at.
    pub content: usize,
    /// Content starts on the line after the dash (`-\n  port: …`).
    pub own_line: bool,
    /// Offset of the `-`.
    pub dash_at: usize,
}

/// The layout of one block sequence item, found by scanning back from its
/// content to the `-`.
pub(crate) fn item_layout(text: &str, item: Span) -> Option<ItemLayout> {
    let bytes = text.as_bytes();
    let mut i = item.start;
    let mut crossed_line = false;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b' ' | b'\t' | b'\r' => {}
            b'\n' => crossed_line = true,
            b'-' => {
                let dash_at = i;
                return Some(ItemLayout {
                    dash: column(text, dash_at),
                    content: column(text, item.start),
                    own_line: crossed_line,
                    dash_at,
                });
            }
            _ => return None,
        }
    }
    None
}

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
    pub(crate) fn scalar(rendered: String) -> Self {
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
    if *style == CollectionStyle::Flow {
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
    value: &str,
) -> Option<Edit> {
    let NodeKind::Mapping { entries, style } = mapping.kind() else {
        return None;
    };
    let doc = mapping.document();
    if *style == CollectionStyle::Flow {
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
pub(crate) fn replace_scalar(scalar: NodeRef<'_>, value: &str) -> Edit {
    let style = scalar.as_scalar().map_or(ScalarStyle::Plain, |(_, s)| s);
    Edit::replace(scalar.span(), render_scalar(value, style))
}

/// Renders a string in `style` (plain only when that reads back as the same
/// string; block styles become double-quoted).
pub(crate) fn render_scalar(value: &str, style: ScalarStyle) -> String {
    match style {
        ScalarStyle::Plain if plain_safe(value) => value.to_string(),
        ScalarStyle::SingleQuoted if !value.contains(['\n', '\r']) => {
            format!("'{}'", value.replace('\'', "''"))
        }
        _ => double_quoted(value),
    }
}

/// A YAML double-quoted string.
pub(crate) fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// True when `value` written plain (in block or flow context) reads back as
/// the same string.
pub(crate) fn plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if value != value.trim()
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || value.contains(['\n', '\r', '\t', ',', '[', ']', '{', '}'])
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let reserved = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    let numeric = crate::numeric::is_float(value)
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || matches!(lower.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan");
    !reserved && !numeric
}

/// Renders a node on one line in flow style (aliases expanded, block
/// scalars double-quoted, other scalars as written).
pub(crate) fn flow(text: &str, node: NodeRef<'_>) -> String {
    flow_with(text, node, &|_| None)
}

/// What [`flow_with`] does with one node instead of rendering it.
pub(crate) enum Override {
    /// Write this text.
    Text(String),
    /// Leave the node out (sequence items only).
    Drop,
}

/// [`flow`], with some nodes (found by span) replaced or dropped.
pub(crate) fn flow_with(
    text: &str,
    node: NodeRef<'_>,
    with: &dyn Fn(crate::span::Span) -> Option<Override>,
) -> String {
    if let Some(Override::Text(replacement)) = with(node.span()) {
        return replacement;
    }
    let node = node.resolve();
    match node.kind() {
        NodeKind::Scalar { value, style, .. } => {
            let written = node.span().slice(text);
            match style {
                ScalarStyle::Plain if plain_safe(value) => value.clone(),
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
    let mut local: Vec<Edit> = edits
        .iter()
        .filter(|e| item.start <= e.span.start && e.span.end <= end)
        .map(|e| {
            Edit::replace(
                Span::new(e.span.start - item.start, e.span.end - item.start),
                e.content.clone(),
            )
        })
        .collect();
    sort::by_key(&mut local, |e| (e.span.start, e.span.end));
    // Overlapping edits would not compose: refuse rather than guess.
    if local.windows(2).any(|w| w[1].span.start < w[0].span.end) {
        return None;
    }
    let fix = crate::edit::Fix::new("copy", crate::edit::Applicability::Safe, local);
    let body = crate::edit::apply(
        &text[item.start..end],
        [&fix],
        crate::edit::Applicability::Safe,
    )
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

/// Indentation step of a block mapping: its entries' column minus its parent
/// key's column, or 2.
pub(crate) fn indent_step(text: &str, parent_key: Span, mapping: NodeRef<'_>) -> usize {
    let child = column(text, mapping.span().start);
    let parent = column(text, parent_key.start);
    if child > parent { child - parent } else { 2 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Applicability, Fix, apply};
    use crate::parse::{Limits, parse};

    fn run(text: &str, edit: Option<Edit>) -> String {
        let fix = Fix::new("t", Applicability::Safe, vec![edit.expect("an edit")]);
        apply(text, [&fix], Applicability::Safe).text
    }

    fn root(stream: &Stream) -> NodeRef<'_> {
        stream.documents[0].root().unwrap()
    }

    #[test]
    fn appends_block_items_with_the_lists_dash_style() {
        let text = "hosts:\n    -   a.example.com   # first\n    -   b\nnext: 1\n";
        let stream = parse(text, &Limits::default()).unwrap();
        let seq = root(&stream).get("hosts").unwrap();
        let out = run(
            text,
            append_items(text, seq, &[ItemText::scalar("c".into())]),
        );
        assert_eq!(
            out,
            "hosts:\n    -   a.example.com   # first\n    -   b\n    -   c\nnext: 1\n"
        );
    }

    #[test]
    fn appends_to_flow_sequences_and_keeps_crlf() {
        let text = "hosts: [a, \"b\"]\r\nlist:\r\n- x\r\n";
        let stream = parse(text, &Limits::default()).unwrap();
        let r = root(&stream);
        let out = run(
            text,
            append_items(
                text,
                r.get("hosts").unwrap(),
                &[ItemText::scalar("c".into())],
            ),
        );
        assert_eq!(out, "hosts: [a, \"b\", c]\r\nlist:\r\n- x\r\n");
        let out = run(
            text,
            append_items(
                text,
                r.get("list").unwrap(),
                &[ItemText {
                    block: "k: 1\nj: 2".into(),
                    flow: String::new(),
                }],
            ),
        );
        assert_eq!(
            out,
            "hosts: [a, \"b\"]\r\nlist:\r\n- x\r\n- k: 1\r\n  j: 2\r\n"
        );
    }

    #[test]
    fn appends_at_end_of_file_without_newline() {
        let text = "l:\n- a";
        let stream = parse(text, &Limits::default()).unwrap();
        let out = run(
            text,
            append_items(
                text,
                root(&stream).get("l").unwrap(),
                &[ItemText::scalar("b".into())],
            ),
        );
        assert_eq!(out, "l:\n- a\n- b\n");
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
            run(text, insert_entry(text, item, "istio", "gw")),
            "a:\n  - k: 1\n    j: 2 # c\n    istio: gw\nb: {x: 1}\n"
        );
        assert_eq!(
            run(text, insert_entry(text, r.get("b").unwrap(), "istio", "gw")),
            "a:\n  - k: 1\n    j: 2 # c\nb: {x: 1, istio: gw}\n"
        );
    }

    #[test]
    fn scalars_keep_their_quoting() {
        assert_eq!(render_scalar("gw", ScalarStyle::Plain), "gw");
        assert_eq!(render_scalar("*.x.com", ScalarStyle::Plain), "\"*.x.com\"");
        assert_eq!(render_scalar("it's", ScalarStyle::SingleQuoted), "'it''s'");
        assert_eq!(render_scalar("8080", ScalarStyle::Plain), "\"8080\"");
        assert_eq!(
            render_scalar("a\"b", ScalarStyle::DoubleQuoted),
            "\"a\\\"b\""
        );
    }

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
            flow(text, b),
            "{port: {number: 443}, note: \"x\\n\", hosts: ['*.a', b]}"
        );
        assert!(contains_alias(b));
    }
}
