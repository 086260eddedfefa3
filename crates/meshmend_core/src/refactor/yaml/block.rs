//! Writing a new YAML file (a fix's added files): comments, keys and
//! `key: value` lines at an indentation, with keys and values encoded by
//! `scalar.rs`. Lines end in `\n`.

use super::scalar::{Encoded, Scalar};

/// A block-style YAML text under construction.
#[derive(Debug, Default)]
pub(crate) struct Block {
    out: String,
}

impl Block {
    /// `# line` for each line of `text`.
    pub(crate) fn comment(&mut self, text: &str) -> &mut Self {
        for line in text.split('\n') {
            self.out.push('#');
            if !line.is_empty() {
                self.out.push(' ');
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
        self
    }

    /// `key:` opening a nested block at `indent`.
    pub(crate) fn open(&mut self, indent: usize, key: &str) -> &mut Self {
        self.key(indent, "", key);
        self.out.push('\n');
        self
    }

    /// `key: value` at `indent`.
    pub(crate) fn entry(&mut self, indent: usize, key: &str, value: Scalar<'_>) -> &mut Self {
        self.key(indent, "", key);
        self.value(value)
    }

    /// `- key: value` at `indent`: the first entry of a new sequence item
    /// (its other entries go at `indent + 2`).
    pub(crate) fn item(&mut self, indent: usize, key: &str, value: Scalar<'_>) -> &mut Self {
        self.key(indent, "- ", key);
        self.value(value)
    }

    fn key(&mut self, indent: usize, dash: &str, key: &str) {
        self.out.push_str(&" ".repeat(indent));
        self.out.push_str(dash);
        self.out.push_str(Encoded::str(key).as_str());
        self.out.push(':');
    }

    fn value(&mut self, value: Scalar<'_>) -> &mut Self {
        self.out.push(' ');
        self.out
            .push_str(Encoded::scalar(value, crate::model::tree::ScalarStyle::Plain).as_str());
        self.out.push('\n');
        self
    }

    /// The text.
    pub(crate) fn finish(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_blocks_with_encoded_keys_and_values() {
        let text = Block::default()
            .comment("made by a test\n  indented")
            .entry(0, "name", Scalar::Str("gw"))
            .open(0, "labels")
            .entry(2, "istio", Scalar::Str("2001-12-14"))
            .entry(2, "on", Scalar::Str("x"))
            .open(0, "ports")
            .item(0, "port", Scalar::Int(80))
            .entry(2, "name", Scalar::Str("http"))
            .finish();
        assert_eq!(
            text,
            "# made by a test\n#   indented\nname: gw\nlabels:\n  istio: \"2001-12-14\"\n  \"on\": x\nports:\n- port: 80\n  name: http\n"
        );
    }
}
