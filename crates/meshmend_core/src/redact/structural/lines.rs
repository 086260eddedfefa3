//! The line scanner: `KEY=value`, `key: value`, `"key": "value"`,
//! `<key>value</key>` and `--flag value` in text that is not (or not only)
//! YAML: block scalars, comments, documents that do not parse.

use super::super::{Candidate, DATA_PRIORITY, Encoding, KEYED_PRIORITY, allow, decode_base64};
use super::keys::{classify_key, has_secret_word, value_passes};
use super::template::template_literal;
use crate::span::Span;

/// Line-oriented scanning for text that is not (or not only) YAML.
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent per-line states of one scanner"
)]
pub(super) struct LineScanner<'t, 'o> {
    text: &'t str,
    out: &'o mut Vec<Candidate>,
    /// Track `kind: Secret` `data:` blocks (for text that does not parse).
    yaml_state: bool,
    is_secret: bool,
    /// Indentation of an open `data:`/`stringData:` key, and whether base64.
    data_block: Option<(usize, bool)>,
    /// An env-style `name:` seen on a recent line, with its family.
    pending_name: Option<(&'static str, usize)>,
    /// Prose (comments): the key is the last word before `:` or `=`.
    pub(super) loose: bool,
    /// Set when a line may hold a secret that only the YAML tree can see
    /// (multi-line or flow values under secret words, a Secret document).
    pub(super) needs_tree: bool,
}

impl<'t, 'o> LineScanner<'t, 'o> {
    pub(super) fn new(text: &'t str, out: &'o mut Vec<Candidate>, yaml_state: bool) -> Self {
        Self {
            text,
            out,
            yaml_state,
            is_secret: false,
            data_block: None,
            pending_name: None,
            loose: false,
            needs_tree: false,
        }
    }

    fn push(&mut self, span: Span, rule: &'static str, family: &'static str, encoding: Encoding) {
        if span.is_empty() {
            return;
        }
        let identity = if encoding == Encoding::Base64 {
            decode_base64(&self.text[span.range()]).and_then(|d| String::from_utf8(d).ok())
        } else {
            None
        };
        self.out.push(Candidate {
            span,
            rule,
            family,
            priority: if encoding == Encoding::Base64 {
                DATA_PRIORITY
            } else {
                KEYED_PRIORITY
            },
            encoding,
            identity,
            scalar: None,
        });
    }

    pub(super) fn scan(&mut self, span: Span) {
        let mut start = span.start;
        for line in self.text[span.range()].split_inclusive('\n') {
            let end = start + line.trim_end_matches(['\n', '\r']).len();
            self.line(Span::new(start, end));
            start += line.len();
        }
    }

    pub(super) fn line(&mut self, line: Span) {
        let raw = &self.text[line.range()];
        let indent = raw.len() - raw.trim_start().len();
        let body_start = line.start + indent;
        let mut body = &self.text[body_start..line.end];
        if body.is_empty() {
            return;
        }
        if self.yaml_state {
            if body == "---" || body.starts_with("--- ") {
                self.is_secret = false;
                self.data_block = None;
                self.pending_name = None;
                return;
            }
            if let Some((block_indent, _)) = self.data_block
                && indent <= block_indent
            {
                self.data_block = None;
            }
            if let Some(kind) = body.strip_prefix("kind:") {
                self.is_secret = kind.trim().trim_matches(['"', '\'']) == "Secret";
                self.needs_tree |= self.is_secret;
            }
        }
        // `- name: X` then `value: Y` (list marker stripped below).
        let mut offset = body_start;
        if let Some(rest) = body.strip_prefix("- ") {
            offset += 2;
            body = rest.trim_start();
            offset += rest.len() - body.len();
        }
        if body.starts_with("export ") {
            offset += 7;
        }
        if self.json_pairs(Span::new(offset, line.end)) {
            return;
        }
        if self.xml_pair(Span::new(offset, line.end)) {
            return;
        }
        let Some((key, value)) =
            split_key_value(self.text, Span::new(offset, line.end)).or_else(|| {
                self.loose
                    .then(|| loose_key_value(self.text, Span::new(offset, line.end)))
                    .flatten()
            })
        else {
            self.needs_tree |= has_secret_word(&self.text[offset..line.end]);
            self.cli(Span::new(offset, line.end));
            return;
        };
        let key_text = self.text[key.range()].trim_matches(['"', '\'']);
        // A flow, block, quoted multi-line or alias value: the tree decides.
        if value.is_empty()
            && !self.text[value.start..line.end].trim().is_empty()
            && has_secret_word(&self.text[offset..line.end])
        {
            self.needs_tree = true;
        }
        if self.yaml_state && value.is_empty() && self.is_secret {
            match key_text {
                "data" | "binaryData" => self.data_block = Some((indent, true)),
                "stringData" => self.data_block = Some((indent, false)),
                _ => {}
            }
            return;
        }
        let value_text = &self.text[value.range()];
        if let Some((_, base64)) = self.data_block
            && indent > self.data_block.map_or(0, |b| b.0)
        {
            if !base64 && let Some(literal) = template_literal(self.text, value) {
                let family = classify_key(key_text).unwrap_or("SECRET_DATA");
                self.push(literal, "secret-string-data", family, Encoding::Plain);
            } else if !allow::is_placeholder(value_text) && !allow::is_public_material(value_text) {
                if base64 {
                    if decode_base64(value_text).is_some_and(|d| {
                        !String::from_utf8_lossy(&d).contains("CERTIFICATE")
                            && !String::from_utf8_lossy(&d).contains("__REDACTED_")
                    }) {
                        self.push(value, "secret-data", "SECRET_DATA", Encoding::Base64);
                    }
                } else if allow::keyed_value_is_secret(value_text) {
                    let family = classify_key(key_text).unwrap_or("SECRET_DATA");
                    self.push(value, "secret-string-data", family, Encoding::Plain);
                }
            }
            return;
        }
        if key_text == "name" {
            self.pending_name = classify_key(value_text.trim_matches(['"', '\'']))
                .map(|family| (family, line.start));
            return;
        }
        if key_text == "value"
            && let Some((family, _)) = self.pending_name.take()
        {
            self.needs_tree |= value.is_empty();
            if let Some(literal) = template_literal(self.text, value) {
                self.push(literal, "env-secret", family, Encoding::Plain);
            } else if value_passes(family, value_text) {
                self.push(value, "env-secret", family, Encoding::Plain);
            }
            return;
        }
        if let Some(family) = classify_key(key_text) {
            self.needs_tree |= value.is_empty();
            if let Some(literal) = template_literal(self.text, value) {
                self.push(literal, "config-line-secret", family, Encoding::Plain);
            } else if value_passes(family, value_text) && !value_text.contains("PRIVATE KEY-----") {
                self.push(value, "config-line-secret", family, Encoding::Plain);
            }
            return;
        }
        self.cli(Span::new(offset, line.end));
    }

    /// `"key": "value"` pairs anywhere on the line (JSON, last-applied
    /// annotations). Returns true when the line had any such pair.
    fn json_pairs(&mut self, line: Span) -> bool {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut strings = Vec::new();
        let mut i = line.start;
        while i < line.end {
            if bytes[i] == b'"' {
                let start = i + 1;
                let mut j = start;
                while j < line.end && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= line.end {
                    break;
                }
                strings.push(Span::new(start, j));
                i = j + 1;
            } else {
                i += 1;
            }
        }
        let mut any = false;
        for pair in strings.windows(2) {
            let between = &text[pair[0].end + 1..pair[1].start - 1];
            if between.trim() != ":" {
                continue;
            }
            any = true;
            let key = &text[pair[0].range()];
            let value = &text[pair[1].range()];
            if let Some(family) = classify_key(key)
                && allow::keyed_value_is_secret(value)
                && !value.contains("PRIVATE KEY-----")
            {
                self.push(pair[1], "config-line-secret", family, Encoding::Plain);
            }
        }
        any
    }

    /// `<password>value</password>`.
    fn xml_pair(&mut self, line: Span) -> bool {
        let body = &self.text[line.range()];
        let Some(rest) = body.strip_prefix('<') else {
            return false;
        };
        let Some(close) = rest.find('>') else {
            return false;
        };
        let tag = &rest[..close];
        if tag.is_empty()
            || !tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            return false;
        }
        let value_start = 1 + close + 1;
        let end_tag = format!("</{tag}>");
        let Some(value_len) = body[value_start..].find(&end_tag) else {
            return false;
        };
        let value = &body[value_start..value_start + value_len];
        if let Some(family) = classify_key(tag)
            && allow::keyed_value_is_secret(value)
        {
            let start = line.start + value_start;
            self.push(
                Span::new(start, start + value_len),
                "config-line-secret",
                family,
                Encoding::Plain,
            );
        }
        true
    }

    /// `--password x`, `--token=x`, `-requirepass x` in a command line.
    fn cli(&mut self, line: Span) {
        let text = self.text;
        let body = &text[line.range()];
        if !body.contains('-') {
            return;
        }
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in body.char_indices() {
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    words.push(Span::new(line.start + s, line.start + i));
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            words.push(Span::new(line.start + s, line.end));
        }
        for (index, word) in words.iter().enumerate() {
            let w = &text[word.range()];
            let Some(flag) = w.strip_prefix('-') else {
                continue;
            };
            let flag = flag.trim_start_matches('-');
            let (name, value) = match flag.find('=') {
                Some(eq) => {
                    let value_start = word.end - (flag.len() - eq - 1);
                    (&flag[..eq], Span::new(value_start, word.end))
                }
                None => match words.get(index + 1) {
                    Some(next) if !text[next.range()].starts_with('-') => (flag, *next),
                    _ => continue,
                },
            };
            // `--from-literal=api-token=value`: the key is inside the value.
            let (name, value) = if name == "from-literal"
                && let Some(eq) = text[value.range()].find('=')
            {
                (
                    &text[value.start..value.start + eq],
                    Span::new(value.start + eq + 1, value.end),
                )
            } else {
                (name, value)
            };
            if name.len() < 3 {
                continue;
            }
            let Some(family) = classify_key(name) else {
                continue;
            };
            let value = strip_quotes(text, value);
            let value_text = &text[value.range()];
            if allow::keyed_value_is_secret(value_text) {
                self.push(value, "cli-arg-secret", family, Encoding::Plain);
            }
        }
    }
}

/// Splits `key: value`, `key=value`, `key = "value"` into key and value
/// spans (value without quotes, trailing comment or separator).
fn split_key_value(text: &str, line: Span) -> Option<(Span, Span)> {
    let body = &text[line.range()];
    let bytes = body.as_bytes();
    let mut key_end = None;
    let mut value_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes.get(i + 1).is_none_or(|&n| n == b' ' || n == b'\t') => {
                key_end = Some(i);
                value_start = i + 1;
                break;
            }
            b'=' => {
                key_end = Some(i);
                value_start = i + 1;
                break;
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'"' | b'\'' | b'/' => {}
            b' ' | b'\t'
                if bytes[i + 1..].iter().find(|&&c| c != b' ' && c != b'\t') == Some(&b'=') => {}
            _ => return None,
        }
    }
    let key_end = key_end?;
    let key = body[..key_end].trim_end();
    if key.is_empty() {
        return None;
    }
    let mut value = &body[value_start..];
    let lead = value.len() - value.trim_start().len();
    value = value.trim_start();
    let mut start = line.start + value_start + lead;
    // Drop a trailing comment (` #…`) and separators.
    if value.starts_with('#') {
        value = "";
    }
    if let Some(hash) = value.find(" #") {
        value = &value[..hash];
    }
    value = value.trim_end().trim_end_matches([',', ';']);
    let mut end = start + value.len();
    if value.len() >= 2
        && (value.starts_with('"') && value.ends_with('"')
            || value.starts_with('\'') && value.ends_with('\''))
    {
        start += 1;
        end -= 1;
    } else if value.starts_with(['"', '\'', '|', '>', '{', '[', '&', '*', '!'])
        && !value.starts_with("{{")
    {
        return Some((
            Span::new(line.start, line.start + key.len()),
            Span::empty(start),
        ));
    }
    Some((
        Span::new(line.start, line.start + key.len()),
        Span::new(start, end),
    ))
}

/// In prose: `old admin password: hunter2` → (`password`, `hunter2`). The
/// key is the last word before the first `: ` or `=`, the value the next word.
fn loose_key_value(text: &str, line: Span) -> Option<(Span, Span)> {
    let body = &text[line.range()];
    let (sep, width) = match (body.find(": "), body.find('=')) {
        (Some(c), Some(e)) if e < c => (e, 1),
        (Some(c), _) => (c, 2),
        (None, Some(e)) => (e, 1),
        (None, None) => return None,
    };
    let before = body[..sep].trim_end();
    let key_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let rest = &body[sep + width..];
    let value_start = sep + width + (rest.len() - rest.trim_start().len());
    let value_len = body[value_start..]
        .find(char::is_whitespace)
        .unwrap_or(body.len() - value_start);
    let key = Span::new(line.start + key_start, line.start + before.len());
    let value = strip_quotes(
        text,
        Span::new(
            line.start + value_start,
            line.start + value_start + value_len,
        ),
    );
    (!key.is_empty()).then_some((key, value))
}

fn strip_quotes(text: &str, span: Span) -> Span {
    let v = &text[span.range()];
    if v.len() >= 2
        && (v.starts_with('"') && v.ends_with('"') || v.starts_with('\'') && v.ends_with('\''))
    {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_split() {
        let text = "DB_PASSWORD=\"hunter2\" # prod";
        let (k, v) = split_key_value(text, Span::new(0, text.len())).unwrap();
        assert_eq!((k.slice(text), v.slice(text)), ("DB_PASSWORD", "hunter2"));
        let text = "spring.datasource.password = s3cret";
        let (_, v) = split_key_value(text, Span::new(0, text.len())).unwrap();
        assert_eq!(v.slice(text), "s3cret");
        let text = "image: nginx:1.25";
        let (_, v) = split_key_value(text, Span::new(0, text.len())).unwrap();
        assert_eq!(v.slice(text), "nginx:1.25");
    }
}
