//! The YAML editing API of the fix engine (toml_edit's idea): bytes a fix
//! does not change are never rewritten, and every value a fix writes is
//! re-encoded in one place, with one quoting decision ([`Encoded`], in
//! `scalar.rs`), so that Kubernetes reads it back as intended.
//!
//! - `lines.rs`: where things are (lines, columns, item layout);
//! - `scalar.rs`: values → YAML text, and go-yaml v2's reading of plain text;
//! - `edits.rs`: structural edits on existing text, in its own style;
//! - `copy.rs`: input nodes copied as flow text or re-indented block items;
//! - `block.rs`: new files.
//!
//! Everything returns [`Edit`](crate::edit::Edit)s against the original
//! text, or new text.

mod block;
mod copy;
mod edits;
mod lines;
mod scalar;

pub(crate) use block::Block;
pub(crate) use copy::{Override, contains_alias, copy_block_item, flow_list_with, flow_with};
pub(crate) use edits::{
    ItemText, append_items, delete_document, delete_entry, delete_item, insert_entry,
    replace_scalar, style_of,
};
pub(crate) use scalar::{Encoded, Scalar};

/// Helpers shared by the tests of this module's files.
#[cfg(test)]
mod test_util {
    use crate::edit::{Edit, Fix, apply};
    use crate::model::tree::NodeRef;
    use crate::parse::Stream;

    /// `text` with `edit` applied.
    pub(super) fn run(text: &str, edit: Option<Edit>) -> String {
        apply(text, [&Fix::single(edit.expect("an edit"))]).text
    }

    /// The first document's root.
    pub(super) fn root(stream: &Stream) -> NodeRef<'_> {
        stream.documents[0].root().unwrap()
    }
}
