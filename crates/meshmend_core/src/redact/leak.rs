//! The placeholder grammar and the last guard before redacted text leaves
//! the machine (the page's LLM request body).
//!
//! One implementation for every consumer: the page asks the wasm crate,
//! which checks a body against the session vault without the secrets ever
//! crossing into JavaScript.

use super::Vault;
use crate::escape;

/// The labels of the secrets in `body` ([`find_leaks`]) among those behind
/// `placeholders` and behind every placeholder written in `texts` (the
/// redacted text the body was built from). A base64 placeholder also
/// brings its decoded form, which the vault maps to the decoded secret.
/// Placeholders the vault does not know are skipped.
pub fn guard(vault: &Vault, body: &str, texts: &[&str], placeholders: &[&str]) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut add = |token: String| {
        if !tokens.contains(&token) {
            tokens.push(token);
        }
    };
    for &placeholder in placeholders {
        add(placeholder.to_string());
    }
    for text in texts {
        for token in self::placeholders(text) {
            add(token.to_string());
            if token.starts_with(BASE64_PREFIX)
                && let Some(decoded) =
                    super::decode_base64(token).and_then(|b| String::from_utf8(b).ok())
            {
                add(decoded);
            }
        }
    }
    let known: Vec<(String, String)> = tokens
        .into_iter()
        .filter_map(|token| {
            let secret = vault.rehydrate(&token);
            (secret != token).then_some((token, secret))
        })
        .collect();
    let pairs: Vec<(&str, &str)> = known
        .iter()
        .map(|(p, s)| (p.as_str(), s.as_str()))
        .collect();
    find_leaks(body, &pairs)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The base64 of `__REDACTE`: how every placeholder written into a
/// `Secret.data` value (which holds base64) begins.
pub const BASE64_PREFIX: &str = "X19SRURBQ1RF";

/// Placeholders as the redactor writes them, in order of first occurrence,
/// each once: `__REDACTED_<FAMILY>_<n>__`, and in `Secret.data` their
/// base64 (`X19SRURBQ1RF…`, padding included).
pub fn placeholders(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found: Vec<&str> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let end = if bytes[at..].starts_with(b"__REDACTED_") {
            written_end(bytes, at)
        } else if bytes[at..].starts_with(BASE64_PREFIX.as_bytes()) {
            Some(base64_end(bytes, at + BASE64_PREFIX.len()))
        } else {
            None
        };
        match end {
            Some(end) => {
                if !found.contains(&&text[at..end]) {
                    found.push(&text[at..end]);
                }
                at = end;
            }
            None => at += 1,
        }
    }
    found
}

/// The end of `__REDACTED_[A-Z0-9_]*?_<digits>__` starting at `start`: the
/// shortest such token (a lazy family, as the redactor's names never end
/// in `_<digits>__` before the counter).
fn written_end(bytes: &[u8], start: usize) -> Option<usize> {
    let body = start + "__REDACTED_".len();
    let mut i = body;
    while i < bytes.len() && is_name(bytes[i]) {
        // A `_<digits>__` here closes the token, if the family before it
        // is not empty of what the grammar allows (`[A-Z0-9_]*?` may be empty).
        if bytes[i] == b'_' {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let close = i + 1 + digits;
            if digits > 0 && bytes[close..].starts_with(b"__") {
                return Some(close + 2);
            }
        }
        i += 1;
    }
    None
}

fn base64_end(bytes: &[u8], from: usize) -> usize {
    let mut end = from;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'+' | b'/'))
    {
        end += 1;
    }
    let pad = bytes[end..]
        .iter()
        .take(2)
        .take_while(|&&b| b == b'=')
        .count();
    end + pad
}

fn is_name(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'
}

/// Distinct tokens shaped like a placeholder, possibly mangled (an
/// underscore lost, the counter dropped): `REDACTED_` after up to two
/// underscores and not after a letter or digit, then `[A-Z0-9_]`
/// characters ending in a letter or digit, then up to two underscores.
/// Run on rehydrated text, these are the tokens this session never issued.
pub fn placeholder_like(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found: Vec<&str> = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find("REDACTED_") {
        let word = from + offset;
        let mut start = word;
        // Leftmost start: two underscores back, then one, then none, where
        // the character before the start is not a letter or digit.
        for back in [2, 1, 0] {
            let Some(candidate) = word.checked_sub(back) else {
                continue;
            };
            let underscores = bytes[candidate..word].iter().all(|&b| b == b'_');
            let boundary = candidate == 0 || !bytes[candidate - 1].is_ascii_alphanumeric();
            if candidate >= from && underscores && boundary {
                start = candidate;
                break;
            }
            start = usize::MAX;
        }
        let body = word + "REDACTED_".len();
        let run = bytes[body..].iter().take_while(|&&b| is_name(b)).count();
        let last = bytes[body..body + run]
            .iter()
            .rposition(u8::is_ascii_alphanumeric);
        match (start, last) {
            (usize::MAX, _) | (_, None) => from = word + 1,
            (start, Some(last)) => {
                let after = body + last + 1;
                let end = after + (body + run - after).min(2);
                if !found.contains(&&text[start..end]) {
                    found.push(&text[start..end]);
                }
                from = end;
            }
        }
    }
    found
}

/// Which `secrets` occur in `body`: raw, JSON-escaped, `\u`-escaped, or
/// inside any JSON string literal of the body once decoded. A multi-line
/// secret (a PEM key) also counts when any one of its key-material lines
/// (16+ base64 characters; not the BEGIN/END armor, which the redactor
/// keeps) shows up alone, e.g. re-indented elsewhere. Returns the labels
/// of the matching entries (never the secrets), in `secrets` order; empty
/// secrets never match.
pub fn find_leaks<'a>(body: &str, secrets: &[(&'a str, &str)]) -> Vec<&'a str> {
    let decoded = json_strings(body);
    let mut leaks = Vec::new();
    for &(label, secret) in secrets {
        if secret.is_empty() {
            continue;
        }
        let mut parts = vec![secret];
        if secret.contains('\n') {
            parts.extend(
                secret
                    .split('\n')
                    .map(|line| line.strip_suffix('\r').unwrap_or(line).trim())
                    .filter(|line| {
                        line.len() >= 16
                            && line.bytes().all(|b| {
                                b.is_ascii_alphanumeric()
                                    || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-')
                            })
                    }),
            );
        }
        let hit = parts.iter().any(|part| {
            body.contains(part)
                || body.contains(&json_escape(part, false))
                || body.contains(&json_escape(part, true))
                || decoded.iter().any(|s| s.contains(part))
        });
        if hit {
            leaks.push(label);
        }
    }
    leaks
}

/// `text` as `JSON.stringify` writes it, without the quotes; with `ascii`,
/// every UTF-16 unit from U+007F up as `\uXXXX` too.
fn json_escape(text: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if escape::push_short(&mut out, c) {
            continue;
        }
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' || (ascii && c >= '\u{7f}') => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    escape::push_hex(&mut out, "\\u", u32::from(*unit), 4);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Every JSON string literal of `body` (keys included), decoded. Reads
/// string literals wherever they are, so a body that is not valid JSON is
/// still checked; a literal that does not decode is skipped.
fn json_strings(body: &str) -> Vec<String> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        if end >= bytes.len() {
            break;
        }
        if let Some(text) = json_unescape(&body[start..end]) {
            out.push(text);
        }
        i = end + 1;
    }
    out
}

fn json_unescape(literal: &str) -> Option<String> {
    let mut out = String::with_capacity(literal.len());
    let mut chars = literal.chars();
    // A `\u` high surrogate waiting for its low half.
    let mut high: Option<u32> = None;
    while let Some(c) = chars.next() {
        let unit = if c == '\\' {
            match chars.next()? {
                'u' => {
                    let mut unit = 0;
                    for _ in 0..4 {
                        unit = unit * 16 + chars.next()?.to_digit(16)?;
                    }
                    Some(unit)
                }
                escaped => {
                    let plain = match escaped {
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        '"' | '\\' | '/' => escaped,
                        _ => return None,
                    };
                    push_char(&mut out, &mut high, plain);
                    None
                }
            }
        } else {
            push_char(&mut out, &mut high, c);
            None
        };
        if let Some(unit) = unit {
            if let Some(h) = high.take() {
                if (0xdc00..=0xdfff).contains(&unit) {
                    out.push(char::from_u32(
                        0x10000 + ((h - 0xd800) << 10) + (unit - 0xdc00),
                    )?);
                    continue;
                }
                out.push('\u{fffd}');
            }
            if (0xd800..=0xdbff).contains(&unit) {
                high = Some(unit);
            } else {
                out.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
            }
        }
    }
    if high.is_some() {
        out.push('\u{fffd}');
    }
    Some(out)
}

/// Pushes `c`, first a U+FFFD for a high surrogate left without its low
/// half (as JS strings would hold it, it cannot match a secret from UTF-8 text).
fn push_char(out: &mut String, high: &mut Option<u32>, c: char) {
    if high.take().is_some() {
        out.push('\u{fffd}');
    }
    out.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_written_and_in_base64_in_order_once() {
        let text = "a: __REDACTED_POSTGRES_PASSWORD_1__\nb: X19SRURBQ1RFRF9QQVNTV09SRF8yX18=\nc: __REDACTED_POSTGRES_PASSWORD_1__ __REDACTED_X_2_3__";
        assert_eq!(
            placeholders(text),
            [
                "__REDACTED_POSTGRES_PASSWORD_1__",
                "X19SRURBQ1RFRF9QQVNTV09SRF8yX18=",
                "__REDACTED_X_2_3__",
            ]
        );
        assert!(placeholders("__REDACTED_NO_COUNTER__ REDACTED_1__").is_empty());
    }

    #[test]
    fn placeholder_like_finds_mangled_tokens() {
        let text = "see _REDACTED_PASSWORD_7_ and __REDACTED_X__, not xREDACTED_Y or REDACTED__";
        assert_eq!(
            placeholder_like(text),
            ["_REDACTED_PASSWORD_7_", "__REDACTED_X__"]
        );
        assert_eq!(placeholder_like("___REDACTED_A_1___"), ["__REDACTED_A_1__"]);
    }

    #[test]
    fn leaks_raw_json_escaped_and_unicode_escaped() {
        let secret = "pa\"ss\\wörd\n2";
        let vault = [("__REDACTED_PASSWORD_1__", secret)];
        let label = ["__REDACTED_PASSWORD_1__"];
        assert_eq!(find_leaks(&format!("x {secret} y"), &vault), label);
        assert_eq!(find_leaks(r#"{"a":"x pa\"ss\\wörd\n2 y"}"#, &vault), label);
        assert_eq!(find_leaks(r#"{"a":"pa\"ss\\w\u00f6rd\n2"}"#, &vault), label);
        assert_eq!(
            find_leaks(r#"{"a":"pa\u0022ss\\w\u00f6rd\n2"}"#, &vault),
            label
        );
        assert!(find_leaks(r#"{"a":"__REDACTED_PASSWORD_1__"}"#, &vault).is_empty());
        assert!(find_leaks("{}", &[("#1", "")]).is_empty());
    }

    #[test]
    fn a_pem_key_line_alone_is_a_leak() {
        let pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIG1TUHM+zjNblHmMLp2n6TpxRP6N\n-----END EC PRIVATE KEY-----";
        let vault = [("#1", pem)];
        assert_eq!(
            find_leaks(
                r#"{"a":"  MHcCAQEEIG1TUHM+zjNblHmMLp2n6TpxRP6N\n"}"#,
                &vault
            ),
            ["#1"]
        );
        assert!(find_leaks(r#"{"a":"-----BEGIN EC PRIVATE KEY-----"}"#, &vault).is_empty());
    }

    #[test]
    fn guard_checks_the_secrets_behind_the_placeholders_of_the_sent_text() {
        let source = crate::model::SourceFile::new(
            "s.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: Sup3rS3cret-Pg\n",
        );
        let redaction = crate::redact::redact(std::slice::from_ref(&source));
        let text = redaction.apply(std::slice::from_ref(&source)).remove(0);
        let [placeholder] = placeholders(&text)[..] else {
            panic!("one placeholder in {text}");
        };
        let leaked = format!("{{\"a\":\"{text} Sup3rS3cret-Pg\"}}");
        assert_eq!(
            guard(&redaction.vault, &leaked, &[&text], &[]),
            [placeholder]
        );
        assert_eq!(
            guard(&redaction.vault, &leaked, &[], &[placeholder]),
            [placeholder]
        );
        // Nothing to look for: no placeholder named, none in the text.
        assert!(guard(&redaction.vault, &leaked, &["no placeholders"], &[]).is_empty());
        assert!(
            guard(
                &redaction.vault,
                &format!("{{\"a\":{text:?}}}"),
                &[&text],
                &[]
            )
            .is_empty()
        );
    }

    #[test]
    fn astral_characters_escape_as_surrogate_pairs() {
        let vault = [("#1", "key🚀value")];
        assert_eq!(
            find_leaks(r#"{"a":"key\ud83d\ude80value"}"#, &vault),
            ["#1"]
        );
        assert_eq!(json_escape("🚀\u{7f}", true), "\\ud83d\\ude80\\u007f");
        assert_eq!(json_escape("\u{1}", false), "\\u0001");
        assert_eq!(json_unescape(r"\ud83d\ude80!").as_deref(), Some("🚀!"));
        assert_eq!(
            json_unescape(r"a\ud83db\ude80").as_deref(),
            Some("a\u{fffd}b\u{fffd}")
        );
        assert_eq!(json_unescape(r"\ud83d").as_deref(), Some("\u{fffd}"));
        assert_eq!(json_unescape(r"\x"), None);
    }
}
