//! The structural pass on the YAML tree: Secret `data`/`stringData`, env
//! `name`/`value` pairs, keyed values, CLI arguments in `args:` lists, and
//! the lines of multi-line scalars.

use super::super::{
    Candidate, DATA_PRIORITY, Encoding, KEYED_PRIORITY, allow, decode_base64, scan_rules_in,
};
use super::keys::{classify_key, data_family, is_descriptive_key, is_reference_key};
use super::lines::LineScanner;
use super::template::template_literal;
use crate::model::tree::{NodeKind, NodeRef, ScalarStyle};
use crate::span::Span;

/// The bytes of a scalar's content: inside quotes, without a block
/// scalar's header and trailing newlines.
fn content_span(text: &str, node: NodeRef<'_>) -> Option<Span> {
    let (_, style) = node.as_scalar()?;
    let span = node.span();
    if span.end > text.len() || span.start > span.end {
        return None;
    }
    let span = match style {
        ScalarStyle::Plain => span,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            if span.len() < 2 {
                return None;
            }
            Span::new(span.start + 1, span.end - 1)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let raw = &text[span.range()];
            Span::new(span.start, span.start + raw.trim_end().len())
        }
    };
    (text.is_char_boundary(span.start) && text.is_char_boundary(span.end)).then_some(span)
}

pub(super) struct Walker<'t, 'o> {
    pub(super) text: &'t str,
    pub(super) out: &'o mut Vec<Candidate>,
}

impl Walker<'_, '_> {
    fn push(&mut self, span: Span, rule: &'static str, family: &'static str, scalar: Span) {
        self.out.push(Candidate {
            span,
            rule,
            family,
            priority: KEYED_PRIORITY,
            encoding: Encoding::Plain,
            identity: None,
            scalar: Some(scalar),
        });
    }

    pub(super) fn node(&mut self, node: NodeRef<'_>, key: Option<&str>, in_ref: bool) {
        if node.is_alias() {
            return; // walked where the anchor is defined
        }
        match node.kind() {
            NodeKind::Mapping { .. } => self.mapping(node, in_ref),
            NodeKind::Sequence { .. } => self.sequence(node, in_ref),
            NodeKind::Scalar { .. } => self.scalar(node, key, in_ref),
            NodeKind::Alias(_) => {}
        }
    }

    fn mapping(&mut self, node: NodeRef<'_>, in_ref: bool) {
        let is_secret = node.get_str("kind") == Some("Secret");
        // `- name: DB_PASSWORD` / `value: …` (env, Argo CD parameters).
        let mut pair_value = None;
        if let (Some(name), Some(value)) = (node.get_str("name"), node.get("value"))
            && !in_ref
            && !value.is_alias()
            && let Some(family) = classify_key(name)
        {
            pair_value = Some(value.id());
            self.keyed(value, family, "env-secret");
        }
        for (k, v) in node.entries() {
            if pair_value == Some(v.id()) {
                continue;
            }
            let key = k.as_str();
            match key {
                Some("data" | "binaryData") if is_secret && v.is_mapping() => {
                    for (dk, dv) in v.entries() {
                        self.secret_data(dk.as_str().unwrap_or(""), dv);
                    }
                }
                Some("stringData") if is_secret && v.is_mapping() => {
                    for (dk, dv) in v.entries() {
                        self.string_data(dk.as_str().unwrap_or(""), dv);
                    }
                }
                _ => {
                    let child_ref = in_ref || key.is_some_and(is_reference_key);
                    self.node(v, key, child_ref);
                }
            }
        }
    }

    fn sequence(&mut self, node: NodeRef<'_>, in_ref: bool) {
        let items: Vec<NodeRef<'_>> = node.items().collect();
        let mut skip_next = false;
        for (index, item) in items.iter().enumerate() {
            if std::mem::take(&mut skip_next) || item.is_alias() {
                continue;
            }
            // `args: ["--requirepass", "hunter2"]`
            if let Some(flag) = item.as_str()
                && let Some(name) = flag.strip_prefix('-')
                && !name.contains(['=', ' '])
                && let Some(family) = classify_key(name.trim_start_matches('-'))
                && let Some(next) = items.get(index + 1)
                && next.as_str().is_some_and(|v| !v.starts_with('-'))
                && !next.is_alias()
            {
                self.keyed(*next, family, "cli-arg-secret");
                skip_next = true;
                continue;
            }
            self.node(*item, None, in_ref);
        }
    }

    fn scalar(&mut self, node: NodeRef<'_>, key: Option<&str>, in_ref: bool) {
        let Some((value, _)) = node.as_scalar() else {
            return;
        };
        if !in_ref
            && let Some(key) = key
            && let Some(family) = classify_key(key)
        {
            self.keyed(node, family, "keyed-secret");
            return;
        }
        let Some(content) = content_span(self.text, node) else {
            return;
        };
        let mut lines = LineScanner::new(self.text, self.out, false);
        // A plain scalar folds its lines (`.env` text pasted as YAML is one
        // scalar): scan the source lines, as in a `|` block.
        if value.contains('\n') || self.text[content.range()].contains('\n') {
            lines.scan(content);
        } else if (value.contains('=') || value.contains('-')) && !in_ref {
            lines.line(content);
        }
    }

    /// A value under a secret-sounding key: redact it whole, unless it is
    /// multi-line text (then look inside) or an anchored rule owns it.
    fn keyed(&mut self, node: NodeRef<'_>, family: &'static str, rule: &'static str) {
        let Some((value, _)) = node.as_scalar() else {
            if !node.is_alias() {
                self.node(node, None, false);
            }
            return;
        };
        let Some(content) = content_span(self.text, node) else {
            return;
        };
        if value.contains("PRIVATE KEY-----") {
            return; // the PEM rule keeps the BEGIN/END lines
        }
        if family == "AWS_ACCOUNT"
            && !(value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()))
        {
            return;
        }
        // Look inside first: a DSN or URI under a secret key keeps its host.
        let mut inner = Vec::new();
        if value.contains('\n') && !allow::is_public_material(value) {
            LineScanner::new(self.text, &mut inner, false).scan(content);
        }
        scan_rules_in(self.text, content, &mut inner);
        if !inner.is_empty() {
            self.out.extend(inner);
            return;
        }
        if let Some(literal) = template_literal(self.text, content) {
            self.push(literal, rule, family, node.span());
            return;
        }
        if family != "AWS_ACCOUNT" && !allow::keyed_value_is_secret(value) {
            return;
        }
        self.push(content, rule, family, node.span());
    }

    fn secret_data(&mut self, key: &str, node: NodeRef<'_>) {
        if node.is_alias() {
            return;
        }
        let Some(content) = content_span(self.text, node) else {
            return;
        };
        let raw = &self.text[content.range()];
        if allow::is_placeholder(raw) {
            return;
        }
        let Some(decoded) = decode_base64(raw) else {
            // Not base64 (invalid Secret, or a template): treat as keyed.
            if allow::keyed_value_is_secret(raw) {
                self.push(content, "secret-data", "SECRET_DATA", node.span());
            }
            return;
        };
        let plain = String::from_utf8(decoded).ok();
        if let Some(plain) = &plain
            && (plain.trim().is_empty()
                || allow::is_public_material(plain)
                || plain.contains("__REDACTED_")
                || (allow::is_placeholder(plain)
                    && !plain.contains('\n')
                    && !plain.starts_with('{'))
                || (is_descriptive_key(key) && classify_key(key).is_none() && {
                    let mut inner = Vec::new();
                    scan_rules_in(plain, Span::new(0, plain.len()), &mut inner);
                    inner.is_empty()
                }))
        {
            return;
        }
        let family = data_family(key, plain.as_deref());
        self.out.push(Candidate {
            span: content,
            rule: "secret-data",
            family,
            priority: DATA_PRIORITY,
            encoding: Encoding::Base64,
            identity: plain.or_else(|| Some(raw.to_string())),
            scalar: Some(node.span()),
        });
    }

    fn string_data(&mut self, key: &str, node: NodeRef<'_>) {
        if node.is_alias() {
            return;
        }
        let Some((value, _)) = node.as_scalar() else {
            return;
        };
        let Some(content) = content_span(self.text, node) else {
            return;
        };
        let multi_line = value.contains('\n');
        if value.trim().is_empty()
            || allow::is_public_material(value)
            || (!multi_line && allow::is_placeholder(value))
            || value.contains("PRIVATE KEY-----")
        {
            return;
        }
        let mut inner = Vec::new();
        if value.contains('\n') {
            LineScanner::new(self.text, &mut inner, false).scan(content);
        }
        scan_rules_in(self.text, content, &mut inner);
        if !inner.is_empty() {
            self.out.extend(inner);
            return;
        }
        if is_descriptive_key(key) && classify_key(key).is_none() {
            return; // `username`, `url`, `host`: tolerated, and useful to the reader
        }
        if multi_line || allow::keyed_value_is_secret(value) {
            let family = data_family(key, Some(value));
            self.push(content, "secret-string-data", family, node.span());
        }
    }
}
