//! YAML text → [`Stream`] of span-carrying documents. The only module that
//! knows the YAML library.
//!
//! We use `granit-parser`'s event stream: byte spans on every event, comment
//! events, per-document error recovery (`proceed_next_document`) and no alias
//! expansion. We build our own arena tree from it and enforce our own limits,
//! so hostile input (alias bombs, deep nesting, huge pastes) gives an error
//! in microseconds instead of a hang or an OOM.

use crate::hash::HashMap;

use granit_parser::{Event, Options, Parser};

pub mod tree;

use crate::error::{Error, ErrorKind};
use crate::span::Span;
use tree::{CollectionStyle, Document, DuplicateKey, Node, NodeId, NodeKind, ScalarStyle};

/// Hard limits on hostile or accidental input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 64 MiB: a 50 MB cluster dump fits).
    pub max_input_bytes: usize,
    /// Deepest collection nesting accepted (default 128; real manifests stay under 20).
    pub max_depth: usize,
    /// Most nodes that aliases may add when expanded, per document (default 1,000,000).
    pub max_alias_expansion: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 64 * 1024 * 1024,
            max_depth: 128,
            max_alias_expansion: 1_000_000,
        }
    }
}

/// A document that could not be parsed. The other documents of the stream
/// are still returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentError {
    /// Why (syntax error or a limit).
    pub kind: ErrorKind,
    /// Parser message, without position.
    pub message: String,
    /// Where the problem was detected.
    pub span: Span,
    /// 0-based index of the document in the stream.
    pub document: usize,
}

/// All documents of one YAML text.
#[derive(Clone, Debug, Default)]
pub struct Stream {
    /// Documents that parsed, in order.
    pub documents: Vec<Document>,
    /// Documents that did not, in order.
    pub errors: Vec<DocumentError>,
}

impl Stream {
    /// Number of documents seen, parsed or not.
    pub fn document_count(&self) -> usize {
        self.documents.len() + self.errors.len()
    }
}

/// Parses a multi-document YAML stream.
///
/// Only an input larger than [`Limits::max_input_bytes`] fails as a whole;
/// a broken document becomes a [`DocumentError`] and parsing resumes at the
/// next `---`.
pub fn parse(text: &str, limits: &Limits) -> Result<Stream, Error> {
    if text.len() > limits.max_input_bytes {
        return Err(Error::new(
            ErrorKind::TooLarge {
                size: text.len(),
                limit: limits.max_input_bytes,
            },
            format!(
                "input is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_input_bytes
            ),
            None,
            None,
        ));
    }
    let mut options = Options::default();
    options.emit_comments = false;
    options.flow_nesting_limit = limits.max_depth;
    options.block_nesting_limit = limits.max_depth;
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut stream = Stream::default();
    let mut builder = Builder::new(limits);
    let mut last_error_at = None;
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                let span = Span::new(offset(&span.start), offset(&span.end));
                match builder.event(event, span) {
                    Ok(Some(document)) => stream.documents.push(document),
                    Ok(None) => {}
                    Err((kind, message, at)) => {
                        stream.errors.push(DocumentError {
                            kind,
                            message,
                            span: at,
                            document: stream.document_count(),
                        });
                        builder = Builder::new(limits);
                        if !matches!(parser.proceed_next_document(), Ok(true)) {
                            break;
                        }
                    }
                }
            }
            Some(Err(error)) => {
                let mut at = offset(error.marker()).min(text.len());
                if matches!(error.kind(), granit_parser::ErrorKind::TabInPlainScalar) {
                    // Reported at the scalar's start; point at the tab itself.
                    at += text[at..].find('\t').unwrap_or(0);
                }
                if last_error_at.is_some_and(|last| at <= last) {
                    break; // no progress: never loop on one error
                }
                last_error_at = Some(at);
                let kind = if matches!(
                    error.kind(),
                    granit_parser::ErrorKind::RecursionLimitExceeded
                ) {
                    ErrorKind::TooDeep {
                        limit: limits.max_depth,
                    }
                } else {
                    ErrorKind::Syntax
                };
                stream.errors.push(DocumentError {
                    kind,
                    message: syntax_message(&error),
                    span: Span::empty(at),
                    document: stream.document_count(),
                });
                builder = Builder::new(limits);
                if !matches!(parser.proceed_next_document(), Ok(true)) {
                    break;
                }
            }
        }
    }
    Ok(stream)
}

fn offset(marker: &granit_parser::Marker) -> usize {
    marker
        .byte_offset()
        .expect("a parser over &str always reports byte offsets")
}

fn syntax_message(error: &granit_parser::ScanError) -> String {
    // The library's Display appends its own "at line X column Y"; we report
    // positions ourselves, so keep only the description.
    // (`… at char 40 line 4 column 7` or `… at line 4 column 7`).
    let text = error.to_string();
    match [" at char ", " at line "]
        .iter()
        .filter_map(|marker| text.find(marker))
        .min()
    {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

type BuildError = (ErrorKind, String, Span);

/// An open collection. Its children so far live on the builder's shared
/// `items`/`entries` stacks from `start` on, so a collection allocates its
/// child list once, at its exact size, when it closes.
enum Frame {
    Sequence {
        id: NodeId,
        start: usize,
    },
    Mapping {
        id: NodeId,
        start: usize,
        key: Option<NodeId>,
    },
}

struct Builder<'l> {
    limits: &'l Limits,
    document: Document,
    stack: Vec<Frame>,
    /// Children of the open sequences, innermost last.
    items: Vec<NodeId>,
    /// Entries of the open mappings, innermost last.
    entries: Vec<(NodeId, NodeId)>,
    /// Node count of the previous document: documents of one stream tend to
    /// be alike, so the next arena starts at that capacity.
    node_hint: usize,
    anchors: HashMap<usize, NodeId>,
    /// Expanded size (nodes) of every node, to price aliases without expanding them.
    weight: Vec<u64>,
    expansion: u64,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Self {
            limits,
            document: Document::default(),
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            node_hint: 0,
            anchors: HashMap::default(),
            weight: Vec::new(),
            expansion: 0,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<Option<Document>, BuildError> {
        match event {
            Event::DocumentStart(explicit, _) => {
                self.document = Document {
                    nodes: Vec::with_capacity(self.node_hint),
                    span: Span::empty(if explicit { span.end } else { span.start }),
                    marker: explicit.then_some(span),
                    ..Document::default()
                };
                self.anchors.clear();
                self.weight.clear();
                self.items.clear();
                self.entries.clear();
                self.expansion = 0;
            }
            Event::DocumentEnd => {
                let mut document = std::mem::take(&mut self.document);
                document.span.end = span.end.max(document.span.start);
                crate::sort::ascending(&mut document.shadowed);
                self.node_hint = document.nodes.len();
                document.nodes.shrink_to_fit();
                return Ok(Some(document));
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
                    granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
                    granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
                };
                let tag = tag.map(|tag| format!("{}{}", tag.original_handle(), tag.suffix()));
                let id = self.push(
                    span,
                    NodeKind::Scalar {
                        value: value.into_owned(),
                        style,
                        tag,
                    },
                    1,
                );
                self.anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let Some(&target) = self.anchors.get(&anchor) else {
                    return Err((ErrorKind::Syntax, "unknown alias".into(), span));
                };
                let weight = self.weight[target.0 as usize];
                self.expansion = self.expansion.saturating_add(weight);
                if self.expansion > self.limits.max_alias_expansion {
                    return Err((
                        ErrorKind::AliasBudget {
                            limit: self.limits.max_alias_expansion,
                        },
                        format!(
                            "aliases expand to more than {} nodes (possible \"billion laughs\" document); refused",
                            self.limits.max_alias_expansion
                        ),
                        span,
                    ));
                }
                let id = self.push(span, NodeKind::Alias(target), weight);
                self.attach(id);
            }
            Event::SequenceStart(style, anchor, _) | Event::MappingStart(style, anchor, _) => {
                if self.stack.len() >= self.limits.max_depth {
                    return Err((
                        ErrorKind::TooDeep {
                            limit: self.limits.max_depth,
                        },
                        format!(
                            "collections nested deeper than {} levels; refused",
                            self.limits.max_depth
                        ),
                        span,
                    ));
                }
                let style = match style {
                    granit_parser::StructureStyle::Block => CollectionStyle::Block,
                    granit_parser::StructureStyle::Flow => CollectionStyle::Flow,
                };
                let is_mapping = matches!(event, Event::MappingStart(..));
                let kind = if is_mapping {
                    NodeKind::Mapping {
                        entries: Vec::new(),
                        style,
                    }
                } else {
                    NodeKind::Sequence {
                        items: Vec::new(),
                        style,
                    }
                };
                let id = self.push(Span::new(span.start, span.end), kind, 1);
                self.anchor(anchor, id);
                self.stack.push(if is_mapping {
                    Frame::Mapping {
                        id,
                        start: self.entries.len(),
                        key: None,
                    }
                } else {
                    Frame::Sequence {
                        id,
                        start: self.items.len(),
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self
                    .stack
                    .pop()
                    .expect("the parser balances collection start and end events");
                let (id, children_end, weight) = match frame {
                    Frame::Sequence { id, start } => {
                        let items: Vec<NodeId> = self.items.drain(start..).collect();
                        let end = items.last().map(|&last| self.span_of(last).end);
                        let weight: u64 = items.iter().map(|&i| self.weight[i.0 as usize]).sum();
                        self.set_kind(id, |kind| {
                            if let NodeKind::Sequence { items: slot, .. } = kind {
                                *slot = items;
                            }
                        });
                        (id, end, weight)
                    }
                    Frame::Mapping { id, start, .. } => {
                        let entries: Vec<(NodeId, NodeId)> = self.entries.drain(start..).collect();
                        self.find_duplicate_keys(&entries);
                        let end = entries.last().map(|&(_, value)| self.span_of(value).end);
                        let weight: u64 = entries
                            .iter()
                            .map(|&(k, v)| self.weight[k.0 as usize] + self.weight[v.0 as usize])
                            .sum();
                        self.set_kind(id, |kind| {
                            if let NodeKind::Mapping { entries: slot, .. } = kind {
                                *slot = entries;
                            }
                        });
                        (id, end, weight)
                    }
                };
                let node = &mut self.document.nodes[id.0 as usize];
                let flow = matches!(
                    node.kind,
                    NodeKind::Sequence {
                        style: CollectionStyle::Flow,
                        ..
                    } | NodeKind::Mapping {
                        style: CollectionStyle::Flow,
                        ..
                    }
                );
                node.span.end = if flow {
                    span.end
                } else {
                    children_end.unwrap_or(node.span.start).max(node.span.start)
                };
                self.weight[id.0 as usize] = 1 + weight;
                self.attach(id);
            }
            // Stream markers and (disabled) comment or anchor metadata carry no nodes.
            _ => {}
        }
        Ok(None)
    }

    /// Records keys written twice in one mapping. Linear: a hash set past a
    /// handful of entries, so a 100,000-key mapping costs no more than reading it.
    fn find_duplicate_keys(&mut self, entries: &[(NodeId, NodeId)]) {
        if entries.len() < 2 {
            return;
        }
        let nodes = &self.document.nodes;
        let key_text = |id: NodeId| match &nodes[id.0 as usize].kind {
            NodeKind::Scalar { value, style, .. }
                if !(value == "<<" && *style == ScalarStyle::Plain) =>
            {
                Some(value.as_str())
            }
            _ => None,
        };
        let mut found = Vec::new();
        if entries.len() <= 8 {
            for (i, &(key, _)) in entries.iter().enumerate() {
                let Some(text) = key_text(key) else { continue };
                if let Some(&(first, _)) = entries[..i]
                    .iter()
                    .rev()
                    .find(|&&(other, _)| key_text(other) == Some(text))
                {
                    found.push(DuplicateKey { first, repeat: key });
                }
            }
        } else {
            let mut seen: HashMap<&str, NodeId> = crate::hash::map_with_capacity(entries.len());
            for &(key, _) in entries {
                let Some(text) = key_text(key) else { continue };
                if let Some(first) = seen.insert(text, key) {
                    found.push(DuplicateKey { first, repeat: key });
                }
            }
        }
        for duplicate in found {
            self.document.shadowed.push(duplicate.first);
            self.document.duplicate_keys.push(duplicate);
        }
    }

    fn push(&mut self, span: Span, kind: NodeKind, weight: u64) -> NodeId {
        let id = NodeId(
            u32::try_from(self.document.nodes.len())
                .expect("input size limit keeps node count below u32::MAX"),
        );
        self.document.nodes.push(Node { span, kind });
        self.weight.push(weight);
        id
    }

    fn anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
    }

    fn span_of(&self, id: NodeId) -> Span {
        self.document.nodes[id.0 as usize].span
    }

    fn set_kind(&mut self, id: NodeId, update: impl FnOnce(&mut NodeKind)) {
        update(&mut self.document.nodes[id.0 as usize].kind);
    }

    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            None => {
                self.document.root = Some(id);
                // Block documents start at their first node, not at `---`.
                let start = self.document.nodes[id.0 as usize].span.start;
                if self.document.marker.is_none() {
                    self.document.span.start = self.document.span.start.min(start);
                }
            }
            Some(Frame::Sequence { .. }) => self.items.push(id),
            Some(Frame::Mapping { key, .. }) => match key.take() {
                None => *key = Some(id),
                Some(k) => self.entries.push((k, id)),
            },
        }
        // A block mapping or sequence has no start token: it starts at its first child.
        if let Some(parent) = self.stack.last() {
            let parent = match parent {
                Frame::Sequence { id, .. } | Frame::Mapping { id, .. } => *id,
            };
            let child_start = self.document.nodes[id.0 as usize].span.start;
            let node = &mut self.document.nodes[parent.0 as usize];
            if node.span.is_empty() && child_start < node.span.start {
                node.span.start = child_start;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Stream {
        parse(text, &Limits::default()).unwrap()
    }

    #[test]
    fn a_tab_in_a_plain_scalar_is_reported_where_the_tab_is() {
        let text = "kind: Gateway\n\tspec: x\n";
        let stream = parse_ok(text);
        assert_eq!(stream.errors.len(), 1, "{:?}", stream.errors);
        assert_eq!(stream.errors[0].span, Span::empty(text.find('\t').unwrap()));
    }

    #[test]
    fn multi_document_with_spans() {
        let text = "a: 1\n---\nb: [x, \"y\"]\n";
        let stream = parse_ok(text);
        assert_eq!(stream.documents.len(), 2);
        let b = stream.documents[1].root().unwrap().get("b").unwrap();
        let y = b.items().nth(1).unwrap();
        assert_eq!(y.as_str(), Some("y"));
        assert_eq!(y.span().slice(text), "\"y\"");
    }

    #[test]
    fn broken_document_does_not_hide_the_others() {
        let text = "a: 1\n---\nbad: [\n---\nc: 3\n";
        let stream = parse_ok(text);
        assert_eq!(stream.errors.len(), 1);
        assert_eq!(stream.errors[0].document, 1);
        let values: Vec<_> = stream
            .documents
            .iter()
            .filter_map(Document::root)
            .flat_map(|r| r.entries().map(|(k, _)| k.as_str().unwrap().to_string()))
            .collect();
        assert_eq!(values, ["a", "c"]);
    }

    #[test]
    fn billion_laughs_is_refused_by_its_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            text += &format!("a{i}: &a{i} [{items}]\n");
        }
        let stream = parse_ok(&text);
        assert!(matches!(
            stream.errors[0].kind,
            ErrorKind::AliasBudget { .. }
        ));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        let stream = parse_ok(&text);
        assert!(matches!(stream.errors[0].kind, ErrorKind::TooDeep { .. }));
    }

    #[test]
    fn oversized_input_is_an_error() {
        let limits = Limits {
            max_input_bytes: 4,
            ..Limits::default()
        };
        let error = parse("a: 1\nb: 2\n", &limits).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::TooLarge { .. }));
    }

    #[test]
    fn bom_crlf_and_block_scalars() {
        let text = "\u{feff}kind: Secret\r\ndata:\r\n  key: |\r\n    line1\r\n    line2\r\n";
        let stream = parse_ok(text);
        let root = stream.documents[0].root().unwrap();
        assert_eq!(root.get_str("kind"), Some("Secret"));
        let key = root.path(&["data", "key"]).unwrap();
        assert_eq!(key.as_str(), Some("line1\nline2\n"));
        assert!(key.span().slice(text).starts_with("line1"));
    }

    #[test]
    fn aliases_resolve_and_merge_keys_expand() {
        let text = "base: &b {app: web}\nsel: *b\nmerged:\n  <<: *b\n  tier: x\n";
        let root = parse_ok(text).documents.remove(0);
        let root = root.root().unwrap();
        assert_eq!(root.path(&["sel", "app"]).unwrap().as_str(), Some("web"));
        assert_eq!(root.path(&["merged", "app"]).unwrap().as_str(), Some("web"));
    }

    #[test]
    fn block_mapping_span_covers_its_entries() {
        let text = "spec:\n  a: 1\n  b: 2\n";
        let stream = parse_ok(text);
        let spec = stream.documents[0].root().unwrap().get("spec").unwrap();
        assert_eq!(spec.span().slice(text), "a: 1\n  b: 2");
    }
}
