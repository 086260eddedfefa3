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

#[cfg(test)]
mod tests {
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
