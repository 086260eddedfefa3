//! The backslash escapes JSON strings and YAML double-quoted scalars share,
//! written once (the leak guard escapes like `JSON.stringify`, the YAML
//! editor quotes values a fix writes).

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends the two-character escape of `c` when both syntaxes spell it the
/// same (`\"`, `\\`, `\n`, `\r`, `\t`); false, appending nothing, otherwise.
pub(crate) fn push_short(out: &mut String, c: char) -> bool {
    let escaped = match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => return false,
    };
    out.push_str(escaped);
    true
}

/// Appends `prefix` and then `code` as `digits` lower-case hex digits
/// (`\u00e9`, `\x7f`).
pub(crate) fn push_hex(out: &mut String, prefix: &str, code: u32, digits: u32) {
    out.push_str(prefix);
    for shift in (0..digits).rev() {
        out.push(char::from(HEX[((code >> (shift * 4)) & 0xf) as usize]));
    }
}
