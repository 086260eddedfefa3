//! The guarded entropy layer: a value with neither a secret-sounding key nor
//! a known token shape is still redacted when it looks like random key
//! material (`HIGH_ENTROPY`). It runs last, only where no other layer found
//! anything, and is gated so that what Kubernetes config is full of stays:
//!
//! - hex (digests, git SHAs, checksums) of the lengths hashes have (40, 64)
//!   or under a key that says hash, digest, commit, revision…;
//! - UUIDs, `sha256:`/`@sha256:`/`sha512-`/`h1:` hashes (images, lock files,
//!   `go.sum`), SOPS `ENC[…]` lines, JWKS public keys;
//! - PEM blocks (private keys have their own rule; certificates are public);
//! - names, paths and identifiers: a token must mix upper case, lower case
//!   and digits, and switch between them as often as random text does
//!   (`observabilityTracingEnabled` does not; `Zq3xT9vLk2` does);
//! - base64 of text (a ConfigMap `binaryData` banner decodes to words);
//! - ids in links to published documents (`docs.google.com/document/d/…`);
//! - blobs longer than 256 characters (certificates, bundles).

use super::{Candidate, Encoding, decode_base64};
use crate::span::Span;

/// Priority of entropy findings: after every other layer.
pub(crate) const ENTROPY_PRIORITY: u32 = 20_000;
const MIN_LEN: usize = 20;
const MAX_LEN: usize = 256;

/// Keys whose values are hashes, ids or public material, never secrets.
const HASH_KEY_WORDS: &[&str] = &[
    "sha",
    "digest",
    "checksum",
    "hash",
    "commit",
    "revision",
    "integrity",
    "fingerprint",
    "etag",
    "uid",
    "uuid",
    "image",
    "version",
    "jwks",
    "kid",
    "nonce",
    "trace",
    "span",
    "requestid",
    "correlation",
];

/// Adds a `HIGH_ENTROPY` candidate for every gated random-looking run in
/// `text` that no candidate in `found` already covers.
pub(crate) fn scan(text: &str, found: &[Candidate], out: &mut Vec<Candidate>) {
    let mut taken: Vec<Span> = found.iter().map(|c| c.span).collect();
    crate::sort::by_key(&mut taken, |s| s.start);
    let mut in_pem = false;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let line_start = start;
        start += line.len();
        if line.len() < MIN_LEN {
            continue;
        }
        let dashes = line.contains("-----");
        if in_pem {
            in_pem = !(dashes && line.contains("-----END"));
            continue;
        }
        if dashes && line.contains("-----BEGIN") {
            in_pem = !line.contains("-----END");
            continue;
        }
        // Most lines have no run that could pass; the gates below cost more.
        if !has_mixed_run(line.as_bytes()) {
            continue;
        }
        if line.contains("ENC[")
            || line.contains("\"kty\"")
            || line.contains("ssh-rsa ")
            || line.contains("ssh-ed25519 ")
            || line.contains("ecdsa-sha2-")
            || key_says_hash(line)
        {
            continue;
        }
        scan_line(text, line_start, line, &taken, out);
    }
}

/// A run of at least [`MIN_LEN`] token bytes with an upper-case letter, a
/// lower-case letter and a digit (what [`looks_random`] requires first).
fn has_mixed_run(bytes: &[u8]) -> bool {
    let (mut len, mut upper, mut lower, mut digit) = (0, false, false, false);
    for &b in bytes {
        if is_run_byte(b) {
            len += 1;
            upper |= b.is_ascii_uppercase();
            lower |= b.is_ascii_lowercase();
            digit |= b.is_ascii_digit();
            if len >= MIN_LEN && upper && lower && digit {
                return true;
            }
        } else {
            (len, upper, lower, digit) = (0, false, false, false);
        }
    }
    false
}

/// The key of a `key: value` / `key=value` line (or the flag before `=`)
/// names a hash, id or version.
fn key_says_hash(line: &str) -> bool {
    let trimmed = line.trim_start().trim_start_matches("- ");
    let end = trimmed.find([':', '=']).unwrap_or(0);
    let key = &trimmed.as_bytes()[..end];
    HASH_KEY_WORDS.iter().any(|w| {
        key.windows(w.len())
            .any(|window| window.eq_ignore_ascii_case(w.as_bytes()))
    })
}

fn is_run_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-')
}

fn scan_line(text: &str, line_start: usize, line: &str, taken: &[Span], out: &mut Vec<Candidate>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !is_run_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < bytes.len() && is_run_byte(bytes[i]) {
            i += 1;
        }
        let mut run_end = i;
        // Base64 padding belongs to the run when nothing token-like follows.
        let mut pad = 0;
        while pad < 2 && bytes.get(run_end + pad) == Some(&b'=') {
            pad += 1;
        }
        if pad > 0
            && bytes
                .get(run_end + pad)
                .is_none_or(|&b| !b.is_ascii_alphanumeric())
        {
            run_end += pad;
            i = run_end;
        }
        if run_end - run_start < MIN_LEN {
            continue;
        }
        let before = &line[..run_start];
        if before.ends_with("sha256:")
            || before.ends_with("sha512:")
            || before.ends_with("sha1:")
            || before.ends_with("h1:")
            || before.ends_with('@')
            || before.ends_with('$')
            || before.ends_with('%')
            || before.ends_with('\\')
        {
            continue;
        }
        if in_public_link(line, run_start) {
            continue;
        }
        let run = &line[run_start..run_end];
        // npm `integrity` values: `sha512-` + base64 that may start with `/`.
        if ["sha512-", "sha384-", "sha256-", "sha1-"]
            .iter()
            .any(|p| run.starts_with(p))
        {
            continue;
        }
        for (offset, part) in pieces(run) {
            if looks_random(part) {
                let span = Span::new(
                    line_start + run_start + offset,
                    line_start + run_start + offset + part.len(),
                );
                if overlaps_any(taken, span) {
                    continue;
                }
                out.push(Candidate {
                    span,
                    rule: "high-entropy",
                    family: "HIGH_ENTROPY",
                    priority: ENTROPY_PRIORITY,
                    encoding: Encoding::Plain,
                    identity: None,
                    scalar: None,
                });
                debug_assert!(text.is_char_boundary(span.start));
            }
        }
    }
}

/// Ids in links to published documents and videos (`docs.google.com/document/d/<id>`)
/// are random but public; design docs and release notes are full of them.
fn in_public_link(line: &str, run_start: usize) -> bool {
    const HOSTS: &[&str] = &[
        "docs.google.com",
        "drive.google.com",
        "youtube.com",
        "youtu.be",
        "gist.github.com",
        "bit.ly",
        "goo.gl",
    ];
    let Some(at) = line[..run_start].rfind("://") else {
        return false;
    };
    if line[at..run_start].contains([' ', '"', '\'', '(', ')', '[', ']']) {
        return false;
    }
    let host = line[at + 3..].split('/').next().unwrap_or("");
    HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// A run with `/` is either base64 (one token) or a path (judge each
/// segment): it is a path when a segment is a word or a short number-ish
/// piece (`v1`, `events`, `api`).
fn pieces(run: &str) -> Vec<(usize, &str)> {
    if !run.contains('/') || run.contains('+') {
        return vec![(0, run)];
    }
    let is_path = run.split('/').any(|s| {
        !s.is_empty()
            && s.len() <= 12
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if !is_path {
        return vec![(0, run)];
    }
    let mut out = Vec::new();
    let mut at = 0;
    for segment in run.split('/') {
        out.push((at, segment));
        at += segment.len() + 1;
    }
    out
}

fn overlaps_any(taken: &[Span], span: Span) -> bool {
    let after = taken.partition_point(|s| s.end <= span.start);
    taken[after..]
        .iter()
        .take_while(|s| s.start < span.end)
        .any(|s| s.start < span.end && span.start < s.end)
}

/// Random key material, not a name, hash or encoded text.
fn looks_random(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    let len = body.len();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return false;
    }
    let bytes = body.as_bytes();
    if bytes.iter().all(u8::is_ascii_hexdigit) || is_uuid(body) {
        return false; // hashes and ids; hex keys need a key or a prefix
    }
    for prefix in ["sha512-", "sha384-", "sha256-", "sha1-"] {
        if body.starts_with(prefix) {
            return false;
        }
    }
    let upper = bytes.iter().filter(|b| b.is_ascii_uppercase()).count();
    let lower = bytes.iter().filter(|b| b.is_ascii_lowercase()).count();
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    if upper < 2 || lower < 2 || digits < 1 {
        return false;
    }
    // Random text switches character class at ~60% of positions; words
    // and identifiers at their boundaries only.
    let class = |b: u8| match b {
        b'A'..=b'Z' => 0,
        b'a'..=b'z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let switches = bytes
        .windows(2)
        .filter(|w| class(w[0]) != class(w[1]))
        .count();
    if switches * 100 < (len - 1) * 35 {
        return false;
    }
    // Long lower-case words are not key material.
    let mut longest_lower = 0;
    let mut run = 0;
    for &b in bytes {
        run = if b.is_ascii_lowercase() { run + 1 } else { 0 };
        longest_lower = longest_lower.max(run);
    }
    if longest_lower >= 12 || word_share(bytes) * 2 >= len {
        return false;
    }
    if shannon(bytes) < threshold(len) {
        return false;
    }
    // Base64 of text (a banner, a config file) is not a secret.
    if (len.is_multiple_of(4) || token.ends_with('='))
        && let Some(decoded) = decode_base64(token)
        && let Ok(plain) = std::str::from_utf8(&decoded)
        && plain.contains(' ')
        && plain
            .chars()
            .all(|c| !c.is_control() || c == '\n' || c == '\t')
    {
        return false;
    }
    true
}

/// Characters in word-like pieces: lower-case runs of four or more, with
/// the capital that starts them (`AmazonRoute53FullAccess`: 17 of 23).
/// Random base62 rarely has half its characters in such pieces (simulated:
/// with the other gates, under 1% of random 32+ character tokens are
/// missed, 3–5% at 20–24 characters).
fn word_share(bytes: &[u8]) -> usize {
    let mut share = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower_start = i;
        while i < bytes.len() && bytes[i].is_ascii_lowercase() {
            i += 1;
        }
        if i - lower_start >= 4 {
            share += i - start;
        }
        if i == start {
            i += 1;
        }
    }
    share
}

/// Minimum Shannon entropy (bits per character) for a token of `len`
/// characters: 80% of what `len` distinct symbols would give, capped at 64.
fn threshold(len: usize) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "len ≤ 256")]
    let n = len.min(64) as f64;
    0.8 * n.log2()
}

fn shannon(bytes: &[u8]) -> f64 {
    let mut counts = [0u32; 128];
    for &b in bytes {
        counts[usize::from(b & 0x7f)] += 1;
    }
    #[expect(clippy::cast_precision_loss, reason = "len ≤ 256")]
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

fn is_uuid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_pass_and_names_hashes_and_text_do_not() {
        for token in [
            "Zq3xT9vLk2Pw8RtY4mNb7cJd",
            "h7Kp2Xw9Lq4Tz8Vn3Rb6Yc1Md5Fg0Js",
            "q9L+x2Rk/T7vWp3Zm8Nc4Yb6Hd1Fs5Jg0Ka=",
        ] {
            assert!(looks_random(token), "{token}");
        }
        for token in [
            "observabilityTracingEnabled",
            "FraudWorkerApplicationKt2026",
            "d6ee1deb422454be3d6758294f35c6a7fe3c365b",
            "0be374a6-a8ec-4bd6-a182-285c917e9ddc",
            "sha512-Zq3xT9vLk2Pw8RtY4mNb7cJdh7Kp2Xw9",
            "integrations-relay-7d9f8b6c5d-x2x9k",
            "V2VsY29tZSB0byB0aGUgY2hlY2tvdXQgc2VydmljZQ==",
            "ABCDEFGHIJabcdefghij0123456789",
            "AmazonRoute53FullAccess",
            "KubernetesClusterAdmin2024Policy",
        ] {
            assert!(!looks_random(token), "{token}");
        }
    }

    #[test]
    fn paths_are_judged_by_segment() {
        let run = "v1/forward/Zq3xT9vLk2Pw8RtY4mNb7cJd/events";
        let parts = pieces(run);
        assert!(parts.iter().any(|(_, p)| *p == "Zq3xT9vLk2Pw8RtY4mNb7cJd"));
        assert_eq!(pieces("q9L+x2Rk/T7vWp3Z").len(), 1);
    }
}
