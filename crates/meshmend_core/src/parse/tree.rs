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

/// One YAML node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Bytes the node was written in. For a block collection: from its first
    /// key or item to the end of its last value.
    pub span: Span,
    /// What it is.
    pub kind: NodeKind,
}

/// The shape of a node.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A scalar with its decoded value.
    Scalar {
        /// Value after unescaping and folding.
        value: String,
        /// Quoting style as written.
        style: ScalarStyle,
        /// Explicit tag such as `!!str`, when written.
        tag: Option<String>,
    },
    /// A sequence.
    Sequence {
        /// Items in order.
        items: Vec<NodeId>,
        /// Notation.
        style: CollectionStyle,
    },
    /// A mapping.
    Mapping {
        /// `(key, value)` pairs in order (duplicates kept: YAML tools differ on them).
        entries: Vec<(NodeId, NodeId)>,
        /// Notation.
        style: CollectionStyle,
    },
    /// `*name`, pointing at the anchored node.
    Alias(NodeId),
}

/// One document of a YAML stream.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<NodeId>,
    /// Bytes from the document's first byte (after any `---`) to its end.
    pub span: Span,
    /// Span of the `---` marker that opened it, if any.
    pub marker: Option<Span>,
    /// Keys written twice in one mapping, in document order.
    pub duplicate_keys: Vec<DuplicateKey>,
    /// Earlier keys of those pairs, sorted: lookups skip them, because
    /// Kubernetes' YAML → JSON step keeps the *last* value of a repeated key.
    pub(crate) shadowed: Vec<NodeId>,
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

    /// True when `key` is overridden by a later duplicate of itself.
    pub(crate) fn is_shadowed(&self, key: NodeId) -> bool {
        !self.shadowed.is_empty() && self.shadowed.binary_search(&key).is_ok()
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
        write!(f, "NodeRef({:?} @ {:?})", self.id, self.raw().span)
    }
}

impl<'a> NodeRef<'a> {
    fn raw(self) -> &'a Node {
        &self.doc.nodes[self.id.0 as usize]
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
        match self.raw().kind {
            NodeKind::Alias(target) => NodeRef {
                doc: self.doc,
                id: target,
            },
            _ => self,
        }
    }

    /// True when this node is written as `*alias`.
    pub fn is_alias(self) -> bool {
        matches!(self.raw().kind, NodeKind::Alias(_))
    }

    /// Where this node is written (for an alias: the `*name` token).
    pub fn span(self) -> Span {
        self.raw().span
    }

    /// The resolved node's kind.
    pub fn kind(self) -> &'a NodeKind {
        &self.resolve().raw().kind
    }

    /// Scalar value, if this is a scalar.
    pub fn as_str(self) -> Option<&'a str> {
        match self.kind() {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Scalar value and style.
    pub fn as_scalar(self) -> Option<(&'a str, ScalarStyle)> {
        match self.kind() {
            NodeKind::Scalar { value, style, .. } => Some((value, *style)),
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
        match self.kind() {
            NodeKind::Sequence { style, .. } | NodeKind::Mapping { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// Items of a sequence (empty for anything else).
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
        matches!(self.kind(), NodeKind::Sequence { .. })
    }

    /// True when this is a mapping.
    pub fn is_mapping(self) -> bool {
        matches!(self.kind(), NodeKind::Mapping { .. })
    }

    /// `(key, value)` pairs of a mapping (empty for anything else). Merge
    /// keys (`<<: *base`) are expanded after the mapping's own entries.
    pub fn entries(self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let doc = self.doc;
        let entries: &'a [(NodeId, NodeId)] = match self.kind() {
            NodeKind::Mapping { entries, .. } => entries,
            _ => &[],
        };
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
                    let entries: &'a [(NodeId, NodeId)] = match source.kind() {
                        NodeKind::Mapping { entries, .. } => entries,
                        _ => &[],
                    };
                    entries
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
        let NodeKind::Mapping { entries, .. } = self.kind() else {
            return None;
        };
        // One pass over the own keys (they win over merged ones); only a
        // mapping with a merge key (`<<`) needs the expanded walk on a miss.
        let mut has_merge_key = false;
        for &(k, v) in entries {
            if let NodeKind::Scalar { value, style, .. } = doc.node(k).kind() {
                if value == key && !doc.is_shadowed(k) {
                    return Some((doc.node(k), doc.node(v)));
                }
                has_merge_key |= value == "<<" && *style == ScalarStyle::Plain;
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
