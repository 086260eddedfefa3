//! Is this text a number? Answered without parsing it.
//!
//! Why: the core only ever asks *whether* a scalar reads as a float (a
//! literal under a secret-sounding key is not a secret; a plain scalar that
//! reads as a number needs quotes). `str::parse::<f64>` answers that too,
//! but links std's float parser and its power-of-five table into the
//! browser module (15 KB gzipped, measured) to compute a value we never use.

/// True when `text` is exactly what `text.parse::<f64>()` accepts:
/// an optional sign, then `inf`, `infinity` or `nan` (any case), or digits
/// with an optional fraction and exponent (`1`, `1.`, `.5`, `6.02e23`).
pub(crate) fn is_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let body = match bytes.first() {
        Some(b'+' | b'-') => &bytes[1..],
        _ => bytes,
    };
    if ["inf", "infinity", "nan"]
        .iter()
        .any(|word| body.eq_ignore_ascii_case(word.as_bytes()))
    {
        return true;
    }
    let digits = |from: usize| {
        body[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(0);
    let mut at = whole;
    let mut fraction = 0;
    if body.get(at) == Some(&b'.') {
        fraction = digits(at + 1);
        at += 1 + fraction;
    }
    if whole + fraction == 0 {
        return false;
    }
    if matches!(body.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(body.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return false;
        }
        at += exponent;
    }
    at == body.len()
}

/// What Kubernetes' YAML decoder makes of a scalar bound for an integer
/// field (a port, a nodePort).
///
/// `kubectl` and Helm turn YAML into JSON with `sigs.k8s.io/yaml`: go-yaml v2
/// resolves each plain scalar by YAML 1.1 rules (`resolve.go`), then
/// `encoding/json` prints it. So the API server sees:
/// - integers after removing every `_`, through Go's `strconv.ParseInt(s, 0,
///   64)`: optional sign, decimal, `0x`/`0X` hex, `0o`/`0O` octal, `0b`/`0B`
///   binary, and a leading `0` as octal (`0673` is 443; `08`, not octal, falls
///   through to the float rule and is 8);
/// - floats matching `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`:
///   JSON prints an integral float below 10²¹ as an integer (`443.0`, `4.43e2`
///   and `44300e-2` all arrive as `443`), anything else with a fraction or
///   an exponent, which no integer field accepts;
/// - `.inf`/`.nan`: JSON cannot encode them, the whole object is refused;
/// - `true`/`yes`/`on`/`y` …, `null`/`~`/empty, and everything quoted (or
///   tagged `!!str`) or not a number: a bool, a null or a string, which an
///   integer field refuses (a null leaves it unset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum YamlInt {
    /// An integer value (exact; saturated far beyond any field's range).
    Int(i128),
    /// A float that JSON prints with a fraction or an exponent.
    Fraction,
    /// `.inf`, `-.inf`, `.nan`.
    NotFinite,
    /// A YAML 1.1 boolean.
    Bool,
    /// A null (the field stays unset).
    Null,
    /// A string.
    Str,
}

/// Resolves a scalar as go-yaml v2 does (`plain`: written without quotes
/// and without a `!!str` tag; `tag`: an explicit `!!int`/`!!float` makes a
/// quoted scalar resolve too).
pub(crate) fn yaml_int(text: &str, plain: bool) -> YamlInt {
    if !plain {
        return YamlInt::Str;
    }
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" | "n"
        | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return YamlInt::Bool;
        }
        "" | "~" | "null" | "Null" | "NULL" => return YamlInt::Null,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return YamlInt::NotFinite,
        _ => {}
    }
    match text.as_bytes()[0] {
        b'.' => float(text),
        b'+' | b'-' | b'0'..=b'9' => {
            if is_timestamp(text) {
                return YamlInt::Str;
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            go_parse_int(&plain).unwrap_or_else(|| float(&plain))
        }
        _ => YamlInt::Str,
    }
}

/// go-yaml tries a timestamp first for anything that starts with `YYYY-`.
fn is_timestamp(text: &str) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    digits == 4 && text.as_bytes().get(4) == Some(&b'-')
}

/// `strconv.ParseInt(s, 0, 64)`, then `ParseUint` for the unsigned upper
/// half; `None` when Go would fail too (the float rule comes next).
fn go_parse_int(text: &str) -> Option<YamlInt> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &body[2..]),
        Some("0o") => (8, &body[2..]),
        Some("0b") => (2, &body[2..]),
        _ if body.len() > 1 && body.starts_with('0') => (8, &body[1..]),
        _ => (10, body),
    };
    if digits.is_empty() {
        return None;
    }
    let signed = body.len() != text.len();
    let mut value: i128 = 0;
    for c in digits.chars() {
        let digit = i128::from(c.to_digit(radix)?);
        // Saturate far beyond u64: only the range checks read it.
        value = (value * i128::from(radix) + digit).min(i128::from(u64::MAX) * 16);
    }
    let value = if negative { -value } else { value };
    let fits = i64::try_from(value).is_ok() || (!signed && u64::try_from(value).is_ok());
    // Out of Go's ranges a decimal still reads as a (huge) float; a
    // prefixed number becomes a string.
    Some(if fits || radix == 10 {
        YamlInt::Int(value)
    } else {
        YamlInt::Str
    })
}

/// go-yaml's float rule and `encoding/json`'s float printing, decided on
/// the decimal text (no float parser: see the module doc).
fn float(text: &str) -> YamlInt {
    let bytes = text.as_bytes();
    let (negative, body) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let whole = body.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut at = whole;
    let mut fraction: &[u8] = &[];
    if body.get(at) == Some(&b'.') {
        let len = body[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        fraction = &body[at + 1..at + 1 + len];
        at += 1 + len;
        // `.5` needs fraction digits; `5.` is fine.
        if whole == 0 && len == 0 {
            return YamlInt::Str;
        }
    } else if whole == 0 {
        return YamlInt::Str;
    }
    let mut exponent: i64 = 0;
    if matches!(body.get(at), Some(b'e' | b'E')) {
        at += 1;
        let sign = match body.get(at) {
            Some(b'-') => {
                at += 1;
                -1
            }
            Some(b'+') => {
                at += 1;
                1
            }
            _ => 1,
        };
        let len = body[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 {
            return YamlInt::Str;
        }
        for &b in &body[at..at + len] {
            exponent = (exponent * 10 + i64::from(b - b'0')).min(1_000_000);
        }
        exponent *= sign;
        at += len;
    }
    if at != body.len() {
        return YamlInt::Str;
    }
    // Significant digits and where the decimal point sits among them.
    let digits: Vec<u8> = body[..whole]
        .iter()
        .chain(fraction)
        .map(|b| b - b'0')
        .skip_while(|&d| d == 0)
        .collect();
    if digits.is_empty() {
        return YamlInt::Int(0);
    }
    let leading_zeros = whole + fraction.len() - digits.len();
    // Position of the point counted from the first significant digit.
    let point = i64::try_from(whole).unwrap_or(i64::MAX)
        - i64::try_from(leading_zeros).unwrap_or(0)
        + exponent;
    let integer_digits = point;
    let significant = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let trailing = digits.iter().rev().take_while(|&&d| d == 0).count();
    let needed = significant - i64::try_from(trailing).unwrap_or(0);
    if integer_digits < needed {
        return YamlInt::Fraction; // a non-zero digit after the point
    }
    if integer_digits > 21 {
        return YamlInt::Fraction; // ≥ 10²¹: JSON prints `1e+21`
    }
    let mut value: i128 = 0;
    for i in 0..integer_digits {
        let digit = usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .copied()
            .unwrap_or(0);
        value = value * 10 + i128::from(digit);
    }
    if integer_digits == 21 && value >= 10_i128.pow(21) {
        return YamlInt::Fraction;
    }
    YamlInt::Int(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    #[test]
    fn integer_literals_resolve_like_kubernetes() {
        use super::{YamlInt::*, yaml_int};
        let plain = |t| yaml_int(t, true);
        for (text, expected) in [
            ("443", Int(443)),
            ("+443", Int(443)),
            ("-1", Int(-1)),
            ("0x1BB", Int(443)),
            ("0X1bb", Int(443)),
            ("-0x1BB", Int(-443)),
            ("0o673", Int(443)),
            ("0O673", Int(443)),
            ("0673", Int(443)),
            ("0b110111011", Int(443)),
            ("1_000", Int(1000)),
            ("0x_1_BB", Int(443)),
            ("08", Int(8)),
            ("0778", Int(778)),
            ("0", Int(0)),
            ("00", Int(0)),
            ("443.0", Int(443)),
            ("443.", Int(443)),
            ("4.43e2", Int(443)),
            ("4.43E+2", Int(443)),
            ("44300e-2", Int(443)),
            ("0.0443e4", Int(443)),
            ("-0.0", Int(0)),
            ("443.5", Fraction),
            ("0.5", Fraction),
            (".5", Fraction),
            (".5e1", Int(5)),
            ("1e21", Fraction),
            ("1e20", Int(100_000_000_000_000_000_000)),
            ("99999999999999999999", Int(99_999_999_999_999_999_999)),
            ("9223372036854775808", Int(9_223_372_036_854_775_808)),
            (".inf", NotFinite),
            ("-.Inf", NotFinite),
            (".nan", NotFinite),
            ("true", Bool),
            ("yes", Bool),
            ("on", Bool),
            ("y", Bool),
            ("Off", Bool),
            ("null", Null),
            ("~", Null),
            ("", Null),
            ("0x", Str),
            ("0xG", Str),
            ("0b2", Str),
            ("1e", Str),
            ("80a", Str),
            ("http", Str),
            ("2024-01-01", Str),
            ("1,000", Str),
            ("Infinity", Str),
            ("0xFFFFFFFFFFFFFFFFFF", Str),
        ] {
            assert_eq!(plain(text), expected, "{text:?}");
        }
        assert_eq!(yaml_int("443", false), Str, "quoted");
    }

    use proptest::prelude::*;

    use super::is_float;

    #[test]
    fn agrees_with_std_on_the_edge_cases() {
        for text in [
            "",
            "0",
            "-0",
            "+1",
            "1.",
            ".5",
            ".",
            "-.",
            "1e5",
            "1E-5",
            "1e",
            "1e+",
            "e5",
            "1.5e3",
            "inf",
            "-Infinity",
            "NaN",
            "+nan",
            "infinit",
            "1_000",
            " 1",
            "1 ",
            "0x10",
            "1.2.3",
            "++1",
            "١",
            "12345678901234567890123",
            "1e99999",
        ] {
            assert_eq!(is_float(text), text.parse::<f64>().is_ok(), "{text:?}");
        }
    }

    proptest! {
        /// Same answer as `str::parse::<f64>` on strings built from the
        /// characters a float can hold, plus a few that it cannot.
        #[test]
        fn agrees_with_std(text in "[-+0-9.eEinfatyINFATY _x]{0,12}") {
            prop_assert_eq!(is_float(&text), text.parse::<f64>().is_ok(), "{:?}", text);
        }
    }
}
