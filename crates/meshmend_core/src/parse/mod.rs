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
use tree::{CollectionStyle, Document, DuplicateKey, Node, NodeId, Rare, ScalarStyle, Shape};

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
    if text.len() > limits.max_input_bytes || text.len() > MAX_TEXT_BYTES {
        return Err(Error::new(
            ErrorKind::TooLarge {
                size: text.len(),
                limit: limits.max_input_bytes.min(MAX_TEXT_BYTES),
            },
            format!(
                "input is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_input_bytes.min(MAX_TEXT_BYTES)
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
    // Growth slack of a million tiny documents is megabytes kept to the end.
    stream.documents.shrink_to_fit();
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

/// Mappings up to this many entries look for repeated keys by comparing
/// pairs; larger ones use a hash set.
const SMALL_MAPPING: usize = 8;

/// Largest text whose offsets (and decoded scalar values, which escapes such
/// as `\L` can make up to 1.5× longer) fit the tree's `u32` offsets.
const MAX_TEXT_BYTES: usize = (u32::MAX / 2) as usize;

/// A length or offset below [`MAX_TEXT_BYTES`] × 1.5, as stored in the tree.
fn small(n: usize) -> u32 {
    u32::try_from(n).expect("parse refuses text whose offsets exceed u32")
}

/// An open collection. Its children so far live on the builder's shared
/// `open_items`/`open_entries` stacks from `start` on; when it closes they
/// move, contiguous, to the document's `items`/`entries`.
enum Frame {
    Sequence {
        id: NodeId,
        start: usize,
        priced: Priced,
    },
    Mapping {
        id: NodeId,
        start: usize,
        key: Option<NodeId>,
        priced: Priced,
    },
}

/// What an open collection needs to learn its expanded size when it closes:
/// its descendants are the nodes pushed since (nodes enter the arena in
/// document order), plus what the aliases among them add.
#[derive(Clone, Copy)]
struct Priced {
    /// [`Builder::alias_extra`] when the collection opened.
    extra: u64,
    /// Its anchor (0 for none), whose price is known only at the end.
    anchor: usize,
}

/// Builds one document at a time into scratch buffers that live as long as
/// the builder; a finished document gets exact-size copies (no growth slack
/// is kept per document).
struct Builder<'l> {
    limits: &'l Limits,
    nodes: Vec<Node>,
    strings: String,
    items: Vec<NodeId>,
    entries: Vec<(NodeId, NodeId)>,
    rare: Rare,
    root: Option<NodeId>,
    span: Span,
    marker: Option<Span>,
    stack: Vec<Frame>,
    /// Children of the open sequences, innermost last.
    open_items: Vec<NodeId>,
    /// Entries of the open mappings, innermost last.
    open_entries: Vec<(NodeId, NodeId)>,
    /// Anchored nodes with their expanded size (nodes), to price aliases
    /// without expanding them. Only anchors are priced: a node's size is its
    /// subtree's node count plus what its aliases add (`alias_extra`), so no
    /// per-node size is stored.
    anchors: HashMap<usize, (NodeId, u64)>,
    /// Sum over the document's aliases of (target size − 1).
    alias_extra: u64,
    expansion: u64,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Self {
            limits,
            nodes: Vec::new(),
            strings: String::new(),
            items: Vec::new(),
            entries: Vec::new(),
            rare: Rare::default(),
            root: None,
            span: Span::default(),
            marker: None,
            stack: Vec::new(),
            open_items: Vec::new(),
            open_entries: Vec::new(),
            anchors: HashMap::default(),
            alias_extra: 0,
            expansion: 0,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<Option<Document>, BuildError> {
        match event {
            Event::DocumentStart(explicit, _) => {
                self.nodes.clear();
                self.strings.clear();
                self.items.clear();
                self.entries.clear();
                self.rare = Rare::default();
                self.root = None;
                self.span = Span::empty(if explicit { span.end } else { span.start });
                self.marker = explicit.then_some(span);
                self.stack.clear();
                self.anchors.clear();
                self.alias_extra = 0;
                self.open_items.clear();
                self.open_entries.clear();
                self.expansion = 0;
            }
            Event::DocumentEnd => {
                let mut rare = std::mem::take(&mut self.rare);
                let rare = if rare.duplicate_keys.is_empty() && rare.tags.is_empty() {
                    None
                } else {
                    crate::sort::ascending(&mut rare.shadowed);
                    Some(Box::new(rare))
                };
                let document = Document {
                    nodes: self.nodes.as_slice().to_vec(),
                    strings: self.strings.as_str().to_owned(),
                    items: self.items.as_slice().to_vec(),
                    entries: self.entries.as_slice().to_vec(),
                    root: self.root,
                    span: Span::new(self.span.start, span.end.max(self.span.start)),
                    marker: self.marker,
                    rare,
                };
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
                let at = self.strings.len();
                self.strings.push_str(&value);
                let id = self.push(span, Shape::Scalar(style), small(at), small(value.len()));
                if let Some(tag) = tag {
                    let text = format!("{}{}", tag.original_handle(), tag.suffix());
                    self.rare.tags.push((id, text.into_boxed_str()));
                }
                self.anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let Some(&(target, weight)) = self.anchors.get(&anchor) else {
                    return Err((ErrorKind::Syntax, "unknown alias".into(), span));
                };
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
                let id = self.push(span, Shape::Alias, target.0, 0);
                self.alias_extra += weight - 1;
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
                let shape = if is_mapping {
                    Shape::Mapping(style)
                } else {
                    Shape::Sequence(style)
                };
                let id = self.push(span, shape, 0, 0);
                // Priced 1 until it closes (what an alias from inside it costs).
                self.anchor(anchor, id);
                let priced = Priced {
                    extra: self.alias_extra,
                    anchor,
                };
                self.stack.push(if is_mapping {
                    Frame::Mapping {
                        id,
                        start: self.open_entries.len(),
                        key: None,
                        priced,
                    }
                } else {
                    Frame::Sequence {
                        id,
                        start: self.open_items.len(),
                        priced,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self
                    .stack
                    .pop()
                    .expect("the parser balances collection start and end events");
                let (id, children_end, priced, at, count) = match frame {
                    Frame::Sequence { id, start, priced } => {
                        let at = self.items.len();
                        self.items.extend(self.open_items.drain(start..));
                        let items = &self.items[at..];
                        let end = items.last().map(|&last| self.span_of(last).end);
                        (id, end, priced, at, items.len())
                    }
                    Frame::Mapping {
                        id, start, priced, ..
                    } => {
                        let at = self.entries.len();
                        self.entries.extend(self.open_entries.drain(start..));
                        self.find_duplicate_keys(at);
                        let entries = &self.entries[at..];
                        let end = entries.last().map(|&(_, value)| self.span_of(value).end);
                        (id, end, priced, at, entries.len())
                    }
                };
                if priced.anchor != 0 {
                    // The collection's expanded size: itself and its descendants.
                    let size = (self.nodes.len() - id.0 as usize) as u64
                        + (self.alias_extra - priced.extra);
                    if let Some(entry) = self.anchors.get_mut(&priced.anchor)
                        && entry.0 == id
                    {
                        entry.1 = size;
                    }
                }
                let node = &mut self.nodes[id.0 as usize];
                node.a = small(at);
                node.b = small(count);
                let flow = matches!(
                    node.shape,
                    Shape::Sequence(CollectionStyle::Flow) | Shape::Mapping(CollectionStyle::Flow)
                );
                node.end = if flow {
                    small(span.end)
                } else {
                    small(children_end.unwrap_or(node.start as usize)).max(node.start)
                };
                self.attach(id);
            }
            // Stream markers and (disabled) comment or anchor metadata carry no nodes.
            _ => {}
        }
        Ok(None)
    }

    /// Records keys written twice in the mapping whose entries start at
    /// `at` in `entries`. Linear: a hash set past a handful of entries, so a
    /// 100,000-key mapping costs no more than reading it.
    fn find_duplicate_keys(&mut self, at: usize) {
        let entries = &self.entries[at..];
        if entries.len() < 2 {
            return;
        }
        let (nodes, strings) = (&self.nodes, &self.strings);
        let key_text = |id: NodeId| {
            let node = nodes[id.0 as usize];
            match node.shape {
                Shape::Scalar(style) => {
                    let value = &strings[node.a as usize..(node.a + node.b) as usize];
                    (!(value == "<<" && style == ScalarStyle::Plain)).then_some(value)
                }
                _ => None,
            }
        };
        let mut found = Vec::new();
        if entries.len() <= SMALL_MAPPING {
            // Each key's text looked up once, not once per pair.
            let mut texts = [None; SMALL_MAPPING];
            for (i, &(key, _)) in entries.iter().enumerate() {
                texts[i] = key_text(key);
                let Some(text) = texts[i] else { continue };
                if let Some(j) = texts[..i].iter().rposition(|&other| other == Some(text)) {
                    found.push(DuplicateKey {
                        first: entries[j].0,
                        repeat: key,
                    });
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
            self.rare.shadowed.push(duplicate.first);
            self.rare.duplicate_keys.push(duplicate);
        }
    }

    fn push(&mut self, span: Span, shape: Shape, a: u32, b: u32) -> NodeId {
        let id = NodeId(small(self.nodes.len()));
        self.nodes.push(Node {
            start: small(span.start),
            end: small(span.end),
            shape,
            a,
            b,
        });
        id
    }

    fn anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor != 0 {
            self.anchors.insert(anchor, (id, 1));
        }
    }

    fn span_of(&self, id: NodeId) -> Span {
        let node = self.nodes[id.0 as usize];
        Span::new(node.start as usize, node.end as usize)
    }

    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            None => {
                self.root = Some(id);
                // Block documents start at their first node, not at `---`.
                let start = self.nodes[id.0 as usize].start as usize;
                if self.marker.is_none() {
                    self.span.start = self.span.start.min(start);
                }
            }
            Some(Frame::Sequence { .. }) => self.open_items.push(id),
            Some(Frame::Mapping { key, .. }) => match key.take() {
                None => *key = Some(id),
                Some(k) => self.open_entries.push((k, id)),
            },
        }
        // A block mapping or sequence has no start token: it starts at its first child.
        if let Some(parent) = self.stack.last() {
            let parent = match parent {
                Frame::Sequence { id, .. } | Frame::Mapping { id, .. } => *id,
            };
            let child_start = self.nodes[id.0 as usize].start;
            let node = &mut self.nodes[parent.0 as usize];
            if node.start == node.end && child_start < node.start {
                node.start = child_start;
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
    fn aliases_are_priced_at_their_targets_expanded_size() {
        // Sizes in nodes: `*b` 3 ([y, z]), `*a` 5 ([x, [y, z]]); `&e`'s two
        // `*a` cost 10 and make `e` 11 (itself plus twice 5); `*e` costs 11.
        let text = "a: &a [x, &b [y, z]]\nc: *b\nd: *a\ne: &e [*a, *a]\nf: *e\n";
        let with_budget = |max_alias_expansion| {
            let limits = Limits {
                max_alias_expansion,
                ..Limits::default()
            };
            parse(text, &limits).unwrap().errors
        };
        assert!(with_budget(3 + 5 + 10 + 11).is_empty());
        let refused = with_budget(3 + 5 + 10 + 11 - 1);
        assert!(matches!(refused[0].kind, ErrorKind::AliasBudget { .. }));
        assert_eq!(refused[0].span.slice(text), "*e");
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
