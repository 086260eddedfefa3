//! The YAML node tree: an arena per document, every node and key with a byte span.
//!
//! Aliases are stored as references to the anchored node, never copied, so a
//! "billion laughs" document stays as small as its text (the parser also
//! refuses it by budget). [`NodeRef`] resolves aliases transparently.

use crate::span::Span;

/// Index of a node in its document's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// How a scalar was written; edits use it to keep the user's quoting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// `foo`
    Plain,
    /// `'foo'`
    SingleQuoted,
    /// `"foo"`
    DoubleQuoted,
    /// `|` block
    Literal,
    /// `>` block
    Folded,
}

/// Block (`- a` / `k: v`) or flow (`[a]` / `{k: v}`) notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectionStyle {
    /// Indentation-based.
    Block,
    /// Brackets and braces.
    Flow,
}

/// One YAML node as stored: 20 bytes. `a` and `b` depend on the shape: a
/// scalar's value is `strings[a..a + b]`, a sequence's items are
/// `items[a..a + b]`, a mapping's entries `entries[a..a + b]`, an alias
/// points at node `a`. Offsets are `u32`: [`super::parse`] refuses text
/// these cannot address.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) shape: Shape,
    pub(crate) a: u32,
    pub(crate) b: u32,
}

// The point of the layout (issue 15): a node is 20 bytes, not 72.
const _: () = assert!(std::mem::size_of::<Node>() == 20);

/// What a stored node is (one byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    Scalar(ScalarStyle),
    Sequence(CollectionStyle),
    Mapping(CollectionStyle),
    Alias,
}

impl Node {
    fn span(self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    fn range(self) -> std::ops::Range<usize> {
        self.a as usize..(self.a as usize + self.b as usize)
    }
}

/// The shape of a node, borrowed from its document.
#[derive(Clone, Copy, Debug)]
pub enum NodeKind<'a> {
    /// A scalar with its decoded value.
    Scalar {
        /// Value after unescaping and folding.
        value: &'a str,
        /// Quoting style as written.
        style: ScalarStyle,
        /// Explicit tag such as `!!str`, when written.
        tag: Option<&'a str>,
    },
    /// A sequence.
    Sequence {
        /// Items in order.
        items: &'a [NodeId],
        /// Notation.
        style: CollectionStyle,
    },
    /// A mapping.
    Mapping {
        /// `(key, value)` pairs in order (duplicates kept: YAML tools differ on them).
        entries: &'a [(NodeId, NodeId)],
        /// Notation.
        style: CollectionStyle,
    },
    /// `*name`, pointing at the anchored node.
    Alias(NodeId),
}

/// One document of a YAML stream.
///
/// Compact on purpose (issue 15: memory): fixed-size nodes in one arena,
/// every decoded scalar value in one string, every collection's children in
/// one shared list, so a document costs a handful of allocations however
/// many nodes it has.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub(crate) nodes: Vec<Node>,
    /// Decoded scalar values, back to back.
    pub(crate) strings: String,
    /// Items of every sequence, each sequence's contiguous.
    pub(crate) items: Vec<NodeId>,
    /// Entries of every mapping, each mapping's contiguous.
    pub(crate) entries: Vec<(NodeId, NodeId)>,
    pub(crate) root: Option<NodeId>,
    /// Bytes from the document's first byte (after any `---`) to its end.
    pub span: Span,
    /// Span of the `---` marker that opened it, if any.
    pub marker: Option<Span>,
    /// Duplicate keys and tags: rare, so kept out of line.
    pub(crate) rare: Option<Box<Rare>>,
}

/// What few documents have.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rare {
    /// Keys written twice in one mapping, in document order.
    pub(crate) duplicate_keys: Vec<DuplicateKey>,
    /// Earlier keys of those pairs, sorted: lookups skip them, because
    /// Kubernetes' YAML → JSON step keeps the *last* value of a repeated key.
    pub(crate) shadowed: Vec<NodeId>,
    /// Explicit scalar tags by node, in node order.
    pub(crate) tags: Vec<(NodeId, Box<str>)>,
}

/// A mapping key written again later in the same mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The earlier occurrence (its value is overridden).
    pub first: NodeId,
    /// The later occurrence (its value wins).
    pub repeat: NodeId,
}

impl Document {
    /// The root node, or `None` for an empty document.
    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.root.map(|id| NodeRef { doc: self, id })
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { doc: self, id }
    }

    /// Number of nodes in the arena.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Every node in text order of its start (aliases unresolved).
    pub fn nodes(&self) -> impl Iterator<Item = NodeRef<'_>> + '_ {
        (0..self.nodes.len()).map(move |i| NodeRef {
            doc: self,
            id: NodeId(u32::try_from(i).expect("node ids fit u32")),
        })
    }

    /// Keys written twice in one mapping, in document order.
    pub fn duplicate_keys(&self) -> &[DuplicateKey] {
        self.rare.as_ref().map_or(&[], |rare| &rare.duplicate_keys)
    }

    /// True when `key` is overridden by a later duplicate of itself.
    pub(crate) fn is_shadowed(&self, key: NodeId) -> bool {
        self.rare
            .as_ref()
            .is_some_and(|rare| rare.shadowed.binary_search(&key).is_ok())
    }

    fn tag(&self, id: NodeId) -> Option<&str> {
        let tags = &self.rare.as_ref()?.tags;
        let at = tags.binary_search_by_key(&id, |(node, _)| *node).ok()?;
        Some(&tags[at].1)
    }

    fn kind_of(&self, id: NodeId) -> NodeKind<'_> {
        let node = self.nodes[id.0 as usize];
        match node.shape {
            Shape::Scalar(style) => NodeKind::Scalar {
                value: &self.strings[node.range()],
                style,
                tag: self.tag(id),
            },
            Shape::Sequence(style) => NodeKind::Sequence {
                items: &self.items[node.range()],
                style,
            },
            Shape::Mapping(style) => NodeKind::Mapping {
                entries: &self.entries[node.range()],
                style,
            },
            Shape::Alias => NodeKind::Alias(NodeId(node.a)),
        }
    }
}

/// A borrowed node that resolves aliases and offers typed lookups.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Document,
    id: NodeId,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeRef({:?} @ {:?})", self.id, self.raw().span())
    }
}

impl<'a> NodeRef<'a> {
    fn raw(self) -> Node {
        self.doc.nodes[self.id.0 as usize]
    }

    /// This node's id (the alias itself when it is one).
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The document this node belongs to.
    pub fn document(self) -> &'a Document {
        self.doc
    }

    /// The node an alias points at, or the node itself.
    #[must_use]
    pub fn resolve(self) -> NodeRef<'a> {
        let node = self.raw();
        match node.shape {
            Shape::Alias => NodeRef {
                doc: self.doc,
                id: NodeId(node.a),
            },
            _ => self,
        }
    }

    /// True when this node is written as `*alias`.
    pub fn is_alias(self) -> bool {
        self.raw().shape == Shape::Alias
    }

    /// Where this node is written (for an alias: the `*name` token).
    pub fn span(self) -> Span {
        self.raw().span()
    }

    /// The resolved node's kind.
    pub fn kind(self) -> NodeKind<'a> {
        self.resolve().own_kind()
    }

    /// This node's own kind: [`NodeKind::Alias`] for an alias.
    pub fn own_kind(self) -> NodeKind<'a> {
        self.doc.kind_of(self.id)
    }

    /// Scalar value, if this is a scalar.
    pub fn as_str(self) -> Option<&'a str> {
        self.as_scalar().map(|(value, _)| value)
    }

    /// Scalar value and style.
    pub fn as_scalar(self) -> Option<(&'a str, ScalarStyle)> {
        let node = self.resolve().raw();
        match node.shape {
            Shape::Scalar(style) => Some((&self.doc.strings[node.range()], style)),
            _ => None,
        }
    }

    /// True for a plain `null`, `~` or empty scalar.
    pub fn is_null(self) -> bool {
        matches!(
            self.as_scalar(),
            Some(("" | "~" | "null" | "Null" | "NULL", ScalarStyle::Plain))
        )
    }

    /// A scalar read as an integer in every notation Kubernetes' YAML
    /// decoder accepts (`443`, `0x1BB`, `443.0`, …); quoted values too,
    /// since Helm values often quote numbers that a template prints bare.
    /// Manifests are read strictly elsewhere (`model::spanned_i64`).
    pub fn as_i64(self) -> Option<i64> {
        match crate::numeric::yaml_int(self.as_str()?.trim(), true) {
            crate::numeric::YamlInt::Int(value) => i64::try_from(value).ok(),
            _ => None,
        }
    }

    /// Collection style, for a sequence or mapping.
    pub fn collection_style(self) -> Option<CollectionStyle> {
        match self.resolve().raw().shape {
            Shape::Sequence(style) | Shape::Mapping(style) => Some(style),
            _ => None,
        }
    }

    /// Items of a sequence (empty for anything else); [`items_of`] for one
    /// that may be absent.
    pub fn items(self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let doc = self.doc;
        let items: &'a [NodeId] = match self.kind() {
            NodeKind::Sequence { items, .. } => items,
            _ => &[],
        };
        items.iter().map(move |&id| NodeRef { doc, id })
    }

    /// True when this is a sequence.
    pub fn is_sequence(self) -> bool {
        matches!(self.resolve().raw().shape, Shape::Sequence(_))
    }

    /// True when this is a mapping.
    pub fn is_mapping(self) -> bool {
        matches!(self.resolve().raw().shape, Shape::Mapping(_))
    }

    /// The own entries of a mapping (empty for anything else).
    fn own_entries(self) -> &'a [(NodeId, NodeId)] {
        let node = self.resolve().raw();
        match node.shape {
            Shape::Mapping(_) => &self.doc.entries[node.range()],
            _ => &[],
        }
    }

    /// `(key, value)` pairs of a mapping (empty for anything else). Merge
    /// keys (`<<: *base`) are expanded after the mapping's own entries.
    pub fn entries(self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let doc = self.doc;
        let entries = self.own_entries();
        let own = entries
            .iter()
            .map(move |&(k, v)| (NodeRef { doc, id: k }, NodeRef { doc, id: v }));
        let merged = entries
            .iter()
            .filter(move |&&(k, _)| {
                NodeRef { doc, id: k }.as_scalar() == Some(("<<", ScalarStyle::Plain))
            })
            .flat_map(move |&(_, v)| {
                let value = NodeRef { doc, id: v }.resolve();
                let sources: Vec<NodeRef<'a>> = if value.is_sequence() {
                    value.items().map(NodeRef::resolve).collect()
                } else {
                    vec![value]
                };
                sources.into_iter().flat_map(move |source| {
                    source
                        .own_entries()
                        .iter()
                        .map(move |&(k, v)| (NodeRef { doc, id: k }, NodeRef { doc, id: v }))
                })
            });
        own.filter(|(k, _)| k.as_scalar() != Some(("<<", ScalarStyle::Plain)))
            .chain(merged)
    }

    /// The value under `key` in a mapping (the last one if repeated, as
    /// Kubernetes reads it).
    pub fn get(self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The `(key, value)` entry for `key` in a mapping.
    pub fn entry(self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let doc = self.doc;
        if !self.is_mapping() {
            return None;
        }
        // One pass over the own keys (they win over merged ones); only a
        // mapping with a merge key (`<<`) needs the expanded walk on a miss.
        let mut has_merge_key = false;
        for &(k, v) in self.own_entries() {
            if let Some((value, style)) = doc.node(k).as_scalar() {
                if value == key && !doc.is_shadowed(k) {
                    return Some((doc.node(k), doc.node(v)));
                }
                has_merge_key |= value == "<<" && style == ScalarStyle::Plain;
            }
        }
        if !has_merge_key {
            return None;
        }
        self.entries().find(|(k, _)| k.as_str() == Some(key))
    }

    /// Follows a path of mapping keys: `node.path(&["spec", "selector"])`.
    pub fn path(self, keys: &[&str]) -> Option<NodeRef<'a>> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// String value under `key`.
    pub fn get_str(self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(NodeRef::as_str)
    }
}

/// Items of a sequence that may be absent (`items_of(node.get("ports"))`):
/// none when it is missing or not a sequence.
pub fn items_of(node: Option<NodeRef<'_>>) -> impl Iterator<Item = NodeRef<'_>> {
    node.into_iter().flat_map(NodeRef::items)
}
