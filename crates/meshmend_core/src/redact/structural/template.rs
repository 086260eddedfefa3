//! Literal secrets inside or beside templates: Helm's `default "lit"`,
//! `{{ "lit" | b64enc }}`, shell's `${VAR:-lit}`; the template itself stays.

use super::super::allow;
use crate::span::Span;

/// The literal in a Helm `{{ .Values.x | default "literal" }}`: a template
/// is a placeholder, but its default value ships in the chart. Handles
/// `"…"`, `'…'` and `\"…\"` (inside a double-quoted YAML scalar).
fn template_default(text: &str, span: Span) -> Option<Span> {
    let value = &text[span.range()];
    if !value.contains("{{") {
        return None;
    }
    let at = value.find("default ")?;
    let rest = &value[at + "default ".len()..];
    let rest_trimmed = rest.trim_start();
    let mut start = span.start + at + "default ".len() + (rest.len() - rest_trimmed.len());
    let (open, close): (&str, &str) = if rest_trimmed.starts_with("\\\"") {
        ("\\\"", "\\\"")
    } else if rest_trimmed.starts_with('"') {
        ("\"", "\"")
    } else if rest_trimmed.starts_with('\'') {
        ("'", "'")
    } else {
        return None;
    };
    start += open.len();
    let len = text[start..span.end].find(close)?;
    let literal = Span::new(start, start + len);
    allow::keyed_value_is_secret(&text[literal.range()]).then_some(literal)
}

/// A literal secret inside or beside a template, under a secret key:
/// Helm's `default "lit"`, `{{ "lit" | b64enc }}`, shell's `${VAR:-lit}`,
/// and text outside the expressions (`{{ .Values.prefix }}Lantern-6610`).
/// The template itself stays, so the reader still sees where values come from.
pub(super) fn template_literal(text: &str, span: Span) -> Option<Span> {
    if let Some(literal) = template_default(text, span) {
        return Some(literal);
    }
    let value = &text[span.range()];
    if !(value.contains("{{") || value.contains("${")) {
        return None;
    }
    let secret = |s: Span| allow::keyed_value_is_secret(&text[s.range()]).then_some(s);
    // `{{ "literal" | b64enc }}`
    if let Some(at) = value.find("{{") {
        let rest = &value[at + 2..];
        let trimmed = rest.trim_start_matches('-').trim_start();
        let open = at + 2 + (rest.len() - trimmed.len());
        let quote = if trimmed.starts_with("\\\"") {
            Some("\\\"")
        } else if trimmed.starts_with('"') {
            Some("\"")
        } else if trimmed.starts_with('\'') {
            Some("'")
        } else {
            None
        };
        if let Some(quote) = quote {
            let start = open + quote.len();
            if let Some(len) = value[start..].find(quote) {
                return secret(Span::new(span.start + start, span.start + start + len));
            }
        }
    }
    // `${VAR:-literal}` / `${VAR:=literal}`
    if let Some(at) = value.find("${")
        && let Some(close) = value[at..].find('}')
    {
        let inner = &value[at + 2..at + close];
        if let Some(d) = inner.find(":-").or_else(|| inner.find(":=")) {
            let start = at + 2 + d + 2;
            return secret(Span::new(span.start + start, span.start + at + close));
        }
    }
    // The longest piece outside `{{…}}` / `${…}`.
    let mut best = Span::empty(span.start);
    let mut at = 0;
    while at < value.len() {
        let next = [value[at..].find("{{"), value[at..].find("${")]
            .into_iter()
            .flatten()
            .min()
            .map_or(value.len(), |n| at + n);
        let piece = Span::new(span.start + at, span.start + next);
        if piece.len() > best.len() {
            best = piece;
        }
        let close = if value[next..].starts_with("{{") {
            "}}"
        } else {
            "}"
        };
        at = match value[next..].find(close) {
            Some(c) if next < value.len() => next + c + close.len(),
            _ => value.len(),
        };
    }
    let piece = &text[best.range()];
    let trimmed = piece.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '-' | '_' | ':' | '/' | '.' | '@')
    });
    if trimmed.len() < 6 {
        return None;
    }
    let start = best.start + piece.find(trimmed).unwrap_or(0);
    secret(Span::new(start, start + trimmed.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_default_literals_are_secrets() {
        let text = r#"{{ .Values.db.password | default "Orchid-2294" | quote }}"#;
        let literal = template_default(text, Span::new(0, text.len())).unwrap();
        assert_eq!(literal.slice(text), "Orchid-2294");
        let text = r#"{{ .Values.db.password | default \"Orchid-2294\" }}"#;
        let literal = template_default(text, Span::new(0, text.len())).unwrap();
        assert_eq!(literal.slice(text), "Orchid-2294");
        let text = r#"{{ .Values.db.password | default "" }}"#;
        assert!(template_default(text, Span::new(0, text.len())).is_none());
        let text = r#"{{ .Values.db.password | default "changeme" }}"#;
        assert!(template_default(text, Span::new(0, text.len())).is_none());
    }
}
