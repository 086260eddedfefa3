//! The one place a value a fix writes becomes YAML text, and the one
//! quoting decision behind it.
//!
//! Why a decision of its own: Kubernetes does not read YAML by the YAML 1.2
//! core schema. `kubectl`, Helm and the API server's clients go through
//! `sigs.k8s.io/yaml`, which resolves plain scalars with go-yaml v2's YAML
//! 1.1 rules (`resolve.go` in <https://github.com/go-yaml/yaml>, branch
//! `v2`) and then turns the result into JSON. So `1_000`, `0b101`, `0o17`,
//! `+0x1F` and `012` are integers, `yes`/`off`/`y` booleans, `~` null,
//! `.inf` a float JSON cannot hold, and `2001-12-14` a timestamp that JSON
//! prints as `2001-12-14T00:00:00Z`. A name or host a fix writes plain
//! must resolve to the same string, or it is quoted.

use crate::escape;
use crate::model::tree::ScalarStyle;
use crate::numeric::{YamlInt, yaml_int};

/// A value a fix writes into YAML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scalar<'a> {
    /// A string (a name, a host, a label).
    Str(&'a str),
    /// An integer (a port), written plain (or in the quotes of the Helm
    /// value it replaces).
    Int(i64),
}

/// YAML text for one value, made only by this module: holding one means
/// the quoting decision was taken here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Encoded(String);

impl Encoded {
    /// `value` written in the style of the scalar it replaces or joins
    /// (`like`; [`ScalarStyle::Plain`] for new text): plain only when go-yaml
    /// and our parser both read it back as the same value, single-quoted
    /// when that is how its neighbours are written and it fits on a line,
    /// otherwise double-quoted (block styles too).
    pub(crate) fn scalar(value: Scalar<'_>, like: ScalarStyle) -> Self {
        let value = match value {
            // Digits never need escapes. A quoted number is kept quoted: only
            // Helm values get here with one (a manifest's quoted port is
            // refused, MM003), and the chart prints it bare.
            Scalar::Int(n) => {
                let quote = match like {
                    ScalarStyle::SingleQuoted => "'",
                    ScalarStyle::DoubleQuoted => "\"",
                    _ => "",
                };
                let mut out = String::from(quote);
                out.push_str(&n.to_string());
                out.push_str(quote);
                return Self(out);
            }
            Scalar::Str(value) => value,
        };
        Self(match like {
            ScalarStyle::Plain if plain_safe(value) => value.to_string(),
            ScalarStyle::SingleQuoted if !needs_escapes(value) => {
                let mut out = String::with_capacity(value.len() + 2);
                out.push('\'');
                out.push_str(&value.replace('\'', "''"));
                out.push('\'');
                out
            }
            _ => double_quoted(value),
        })
    }

    /// A string in the default style (plain when safe).
    pub(crate) fn str(value: &str) -> Self {
        Self::scalar(Scalar::Str(value), ScalarStyle::Plain)
    }

    /// A one-line flow mapping, `{key: value, …}`, keys and values encoded.
    pub(crate) fn flow_map(entries: &[(&str, Scalar<'_>)]) -> Self {
        let mut out = String::from("{");
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(Self::str(key).as_str());
            out.push_str(": ");
            out.push_str(Self::scalar(*value, ScalarStyle::Plain).as_str());
        }
        out.push('}');
        Self(out)
    }

    /// Text copied from the input as written (it reads back as it did).
    pub(crate) fn verbatim(written: &str) -> Self {
        Self(written.to_string())
    }

    /// The YAML text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The YAML text, owned.
    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

/// What go-yaml v2 makes of a plain scalar (`resolve()` in `resolve.go`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A string: the text itself.
    Str,
    /// `true`/`yes`/`on`/`y`, `false`/`no`/`off`/`n`, in three cases.
    Bool,
    /// `~`, `null` (three cases) or nothing.
    Null,
    /// An integer in any notation go's `ParseInt(s, 0, 64)` reads once `_`
    /// is removed, or a float.
    Number,
    /// `YYYY-M-D`, optionally with a time: JSON prints it reformatted.
    Timestamp,
    /// `<<`, the merge key.
    Merge,
}

/// go-yaml v2's resolution of a plain scalar: the resolve map (booleans,
/// nulls, `.inf`/`.nan`, `<<`), then for text starting with a digit or a
/// sign a timestamp, an integer or a float, for text starting with `.` a
/// float (`numeric::yaml_int` already reproduces the numeric part).
pub(crate) fn resolve(plain: &str) -> Resolved {
    if plain == "<<" {
        return Resolved::Merge;
    }
    if matches!(plain.as_bytes().first(), Some(b'0'..=b'9')) && is_timestamp(plain) {
        return Resolved::Timestamp;
    }
    match yaml_int(plain, true) {
        YamlInt::Str => Resolved::Str,
        YamlInt::Bool => Resolved::Bool,
        YamlInt::Null => Resolved::Null,
        YamlInt::Int(_) | YamlInt::Fraction | YamlInt::NotFinite => Resolved::Number,
    }
}

/// go-yaml's timestamp formats all start with a date, `YYYY-M-D` (one or
/// two digit month and day), then end or go on with `T`, `t` or a space
/// and a time. Text of that shape whose time does not parse stays a string
/// in go-yaml; it is quoted anyway (a quote too many costs nothing).
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes.get(from..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    if digits(0) != 4 || bytes.get(4) != Some(&b'-') {
        return false;
    }
    let month = digits(5);
    if !(1..=2).contains(&month) || bytes.get(5 + month) != Some(&b'-') {
        return false;
    }
    let day_at = 6 + month;
    let day = digits(day_at);
    (1..=2).contains(&day) && matches!(bytes.get(day_at + day), None | Some(b'T' | b't' | b' '))
}

/// True when `value` written plain (in block or flow context) reads back as
/// the same string, by our parser and by Kubernetes' decoder.
pub(crate) fn plain_safe(value: &str) -> bool {
    plain_syntax_ok(value) && resolve(value) == Resolved::Str && !reads_as_non_string(value)
}

/// True when `value` can be written as a plain scalar at all, in block and
/// flow context: no indicator first, no `: ` or ` #`, no flow punctuation,
/// no surrounding or special whitespace, nothing that needs an escape.
pub(crate) fn plain_syntax_ok(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    value == value.trim()
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !value.contains([',', '[', ']', '{', '}'])
        && !needs_escapes(value)
}

/// Values the YAML 1.2 core schema (our parser, and most tools besides
/// go-yaml) reads as something else, checked loosely: any case of the
/// boolean and null words, anything Rust's float syntax accepts
/// (`inf`, `nan`, `1e3`), `0x`/`0o` prefixes, `.inf`/`.nan`.
fn reads_as_non_string(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    ) || crate::numeric::is_float(value)
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || matches!(lower.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan")
}

/// True when `value` holds a character only a double-quoted escape can
/// write: a line break (YAML 1.1 also breaks at NEL, U+2028 and U+2029),
/// a tab, a control character or a byte order mark.
fn needs_escapes(value: &str) -> bool {
    value
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

/// A YAML double-quoted string (every character that could be read as a
/// break or is not printable is escaped).
pub(crate) fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if escape::push_short(&mut out, c) {
            continue;
        }
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
            let code = u32::from(c);
            if code < 0x100 {
                escape::push_hex(&mut out, "\\x", code, 2);
            } else {
                escape::push_hex(&mut out, "\\u", code, 4);
            }
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, parse};
    use proptest::prelude::*;

    /// Strings Kubernetes would misread if written plain, with what it
    /// reads (go-yaml v2 `resolve.go`).
    const MISREAD: &[(&str, Resolved)] = &[
        ("1_000", Resolved::Number),
        ("0b101", Resolved::Number),
        ("-0b101", Resolved::Number),
        ("0o17", Resolved::Number),
        ("0x1F", Resolved::Number),
        ("+0x1F", Resolved::Number),
        ("012", Resolved::Number),
        ("1e3", Resolved::Number),
        ("1_0.5", Resolved::Number),
        (".5", Resolved::Number),
        (".inf", Resolved::Number),
        ("-.Inf", Resolved::Number),
        (".NaN", Resolved::Number),
        ("yes", Resolved::Bool),
        ("No", Resolved::Bool),
        ("ON", Resolved::Bool),
        ("off", Resolved::Bool),
        ("y", Resolved::Bool),
        ("N", Resolved::Bool),
        ("~", Resolved::Null),
        ("null", Resolved::Null),
        ("NULL", Resolved::Null),
        ("2001-12-14", Resolved::Timestamp),
        ("2001-1-2", Resolved::Timestamp),
        ("2001-12-14t21:59:43.10-05:00", Resolved::Timestamp),
        ("2001-12-14 21:59:43.10", Resolved::Timestamp),
        ("<<", Resolved::Merge),
    ];

    #[test]
    fn go_yaml_resolution_of_the_misread_strings() {
        for &(text, expected) in MISREAD {
            assert_eq!(resolve(text), expected, "{text}");
            assert!(!plain_safe(text), "{text} must be quoted");
            assert_eq!(Encoded::str(text).as_str(), format!("\"{text}\""), "{text}");
        }
        for text in [
            "istio-ingressgateway",
            "a.example.com",
            "1-foo",
            "0b102",
            "2001-12",
            "20011-12-14",
            "yes-please",
            "1.2.3",
            "v1",
            "https",
        ] {
            assert_eq!(resolve(text), Resolved::Str, "{text}");
            assert!(plain_safe(text), "{text}");
        }
    }

    #[test]
    fn styles_follow_the_neighbour_and_integers_stay_plain() {
        let style = |v, s| Encoded::scalar(Scalar::Str(v), s).into_string();
        assert_eq!(style("gw", ScalarStyle::Plain), "gw");
        assert_eq!(style("*.x.com", ScalarStyle::Plain), "\"*.x.com\"");
        assert_eq!(style("it's", ScalarStyle::SingleQuoted), "'it''s'");
        assert_eq!(style("8080", ScalarStyle::Plain), "\"8080\"");
        assert_eq!(style("a\"b", ScalarStyle::DoubleQuoted), "\"a\\\"b\"");
        assert_eq!(style("a\u{85}b", ScalarStyle::SingleQuoted), "\"a\\x85b\"");
        assert_eq!(style("a\u{2028}", ScalarStyle::Plain), "\"a\\u2028\"");
        assert_eq!(style("x", ScalarStyle::Literal), "\"x\"");
        let int = |n, s| Encoded::scalar(Scalar::Int(n), s).into_string();
        assert_eq!(int(30000, ScalarStyle::Plain), "30000");
        assert_eq!(int(-1, ScalarStyle::Literal), "-1");
        assert_eq!(int(30001, ScalarStyle::DoubleQuoted), "\"30001\"");
        assert_eq!(
            Encoded::flow_map(&[("istio", Scalar::Str("on")), ("port", Scalar::Int(80))]).as_str(),
            "{istio: \"on\", port: 80}"
        );
    }

    /// Parses `text` and returns the scalar at `path` of the first
    /// document (an empty path: the first key of the root): value, style,
    /// tag. A sequence on the way stands for its first item.
    fn read_back(text: &str, path: &[&str]) -> (String, ScalarStyle, Option<String>) {
        let stream = parse(text, &Limits::default())
            .unwrap_or_else(|e| panic!("{text:?} does not parse: {e:?}"));
        let mut node = stream.documents[0].root().expect("a root");
        if path.is_empty() {
            node = node.entries().next().expect("an entry").0;
        }
        for key in path {
            node = node
                .get(key)
                .unwrap_or_else(|| panic!("no {key} in {text:?}"));
            if node.is_sequence() {
                node = node.items().next().expect("an item");
            }
        }
        match node.kind() {
            crate::model::tree::NodeKind::Scalar { value, style, tag } => {
                (value.to_string(), style, tag.map(str::to_string))
            }
            other => panic!("{text:?}: {path:?} is {other:?}"),
        }
    }

    /// Every context a fix writes a value in: a block mapping value, flow
    /// mapping values, flow and block sequence items, a block mapping key.
    fn contexts(encoded: &str) -> [(String, &'static [&'static str]); 6] {
        [
            (format!("k: {encoded}\nnext: 1\n"), &["k"]),
            (format!("m: {{a: 1, k: {encoded}}}\n"), &["m", "k"]),
            (format!("m: {{k: {encoded}}}\n"), &["m", "k"]),
            (format!("k: [{encoded}, x]\n"), &["k"]),
            (format!("k:\n  - {encoded}\n  - x\n"), &["k"]),
            (format!("{encoded}: v\n"), &[]),
        ]
    }

    /// Asserts that `value`, encoded in `style`, reads back as the string
    /// `value` in every context, by our parser and by go-yaml's rules.
    fn assert_reads_back_as_string(value: &str, style: ScalarStyle) {
        let encoded = Encoded::scalar(Scalar::Str(value), style).into_string();
        for (text, path) in contexts(&encoded) {
            let (read, read_style, tag) = read_back(&text, path);
            assert_eq!(read, value, "{text:?}");
            assert_eq!(tag, None, "{text:?}");
            if read_style == ScalarStyle::Plain {
                assert_eq!(
                    resolve(&read),
                    Resolved::Str,
                    "{text:?} is misread by Kubernetes"
                );
            }
        }
    }

    /// Asserts that an integer reads back plain, as that integer, by both.
    fn assert_reads_back_as_int(n: i64) {
        let encoded = Encoded::scalar(Scalar::Int(n), ScalarStyle::Plain).into_string();
        for (text, path) in &contexts(&encoded)[..5] {
            let (read, style, _) = read_back(text, path);
            assert_eq!(style, ScalarStyle::Plain, "{text:?}");
            assert_eq!(
                yaml_int(&read, true),
                YamlInt::Int(i128::from(n)),
                "{text:?}"
            );
            assert_eq!(resolve(&read), Resolved::Number, "{text:?}");
        }
    }

    fn tricky() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::sample::select(
                MISREAD
                    .iter()
                    .map(|(s, _)| (*s).to_string())
                    .collect::<Vec<_>>()
            ),
            // Kubernetes names and Istio hosts, as generated names are made.
            "[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?",
            "(\\*\\.)?[a-z0-9-]{1,8}(\\.[a-z0-9-]{1,8}){0,3}",
            // Number-, date- and word-shaped text.
            "[-+]?(0[xXoObB])?[0-9a-fA-F_.eE]{1,8}",
            "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9:.]{0,10})?",
            "(y|Y|n|N|yes|Yes|no|NO|on|On|off|OFF|true|False|null|Null|~|<<)[a-z]{0,1}",
            // Anything printable, and anything at all.
            "[ -~]{0,12}",
            "\\PC{0,8}",
            any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn written_strings_read_back_as_those_strings(value in tricky()) {
            for style in [
                ScalarStyle::Plain,
                ScalarStyle::SingleQuoted,
                ScalarStyle::DoubleQuoted,
                ScalarStyle::Literal,
            ] {
                assert_reads_back_as_string(&value, style);
            }
        }

        #[test]
        fn written_ports_read_back_as_integers(n in prop_oneof![0_i64..=65535, any::<i64>()]) {
            assert_reads_back_as_int(n);
        }
    }
}
