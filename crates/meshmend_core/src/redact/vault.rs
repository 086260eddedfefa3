//! Placeholders and the vault that maps them back to the original bytes.

use crate::hash::HashMap;

use aho_corasick::automaton::Automaton;
use aho_corasick::{MatchKind, nfa::noncontiguous::NFA};

use super::{Encoding, encode_base64};
use crate::model::SourceFile;

/// Placeholder → original bytes, for local rehydration. Lives in memory only;
/// its `Debug` output shows counts, never a secret.
///
/// Every placeholder *as written in the redacted text* (the token, or its
/// base64 for `Secret.data`) maps to the exact bytes it replaced, so
/// [`rehydrate`](Vault::rehydrate) restores the input byte for byte. When the
/// same secret is written two ways (quoted with escapes and plain, indented
/// differently), the second way gets a variant `__REDACTED_<FAMILY>_<n>_<v>__`.
#[derive(Clone, Default)]
pub struct Vault {
    /// Secret identity → (family, number).
    ids: HashMap<String, (&'static str, u32)>,
    /// Last number used per family.
    next: HashMap<&'static str, u32>,
    /// (base token, encoding, original bytes) → (reported placeholder, text written).
    forms: HashMap<(String, Encoding, String), (String, String)>,
    /// Variants used per base token.
    variants: HashMap<String, u32>,
    /// Text written → original bytes.
    entries: Vec<(String, String)>,
    /// The noncontiguous NFA, used directly: the keyword DFA is built from
    /// one anyway, so the wasm links no other automaton kind (the
    /// `AhoCorasick` wrapper links all three). Rehydrating the 10 MB bench
    /// text still runs at ~5 GiB/s.
    matcher: Option<NFA>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("secrets", &self.ids.len())
            .field("placeholders", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// Where the input already contains text that looks like one of our
/// placeholders (or its base64), so new placeholders never collide with it.
pub(crate) struct Existing<'a> {
    starts: Vec<&'a str>,
}

impl Existing<'_> {
    fn collides(&self, token: &str) -> bool {
        self.starts.iter().any(|s| s.starts_with(token))
    }
}

/// `base64("__REDACTE")`: every base64 placeholder starts with it.
const BASE64_PREFIX: &str = "X19SRURBQ1RF";
const TOKEN_PREFIX: &str = "__REDACTED_";

pub(crate) fn existing_tokens(files: &[SourceFile]) -> Existing<'_> {
    let mut starts = Vec::new();
    for file in files {
        let text = file.text.as_str();
        for prefix in [TOKEN_PREFIX, BASE64_PREFIX] {
            starts.extend(text.match_indices(prefix).map(|(at, _)| &text[at..]));
        }
    }
    Existing { starts }
}

fn token(family: &str, n: u32, variant: u32) -> String {
    if variant <= 1 {
        format!("{TOKEN_PREFIX}{family}_{n}__")
    } else {
        format!("{TOKEN_PREFIX}{family}_{n}_{variant}__")
    }
}

impl Vault {
    /// Number of distinct secrets.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when nothing was redacted.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Every placeholder as it can appear in redacted text (tokens and their
    /// base64 forms), for highlighting or checking an answer.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(out, _)| out.as_str())
    }

    /// Restores every placeholder in `text` to the original bytes, in one
    /// Aho-Corasick pass (leftmost-longest, exact match). Text without
    /// placeholders comes back unchanged.
    pub fn rehydrate(&self, text: &str) -> String {
        match &self.matcher {
            Some(matcher) => {
                let mut out = String::with_capacity(text.len());
                matcher
                    .try_replace_all_with(text, &mut out, |m, _, dst| {
                        dst.push_str(&self.entries[m.pattern().as_usize()].1);
                        true
                    })
                    .expect("an unanchored automaton searches any haystack");
                out
            }
            None => text.to_string(),
        }
    }

    /// `text` with every secret this vault holds (4 bytes or longer) replaced
    /// by its placeholder, longest secret first so no tail of a longer one
    /// survives. The last guard on text written *about* the input (an
    /// incident report quotes messages and change details), not a redactor:
    /// it knows only secrets the redaction already found.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        let mut done = vec![false; self.entries.len()];
        // Selection by length instead of a sort: no new sort instantiation
        // in the wasm, and vaults hold few secrets.
        loop {
            let mut longest: Option<usize> = None;
            for (i, (_, original)) in self.entries.iter().enumerate() {
                if !done[i]
                    && original.len() >= 4
                    && longest.is_none_or(|l| original.len() > self.entries[l].1.len())
                {
                    longest = Some(i);
                }
            }
            let Some(i) = longest else { break };
            done[i] = true;
            let (placeholder, original) = &self.entries[i];
            if out.contains(original.as_str()) {
                out = out.replace(original.as_str(), placeholder);
            }
        }
        out
    }

    /// The placeholder for one occurrence of a secret, and the text to write
    /// in its place.
    pub(crate) fn assign(
        &mut self,
        identity: &str,
        family: &'static str,
        original: &str,
        encoding: Encoding,
        existing: &Existing<'_>,
    ) -> (String, String) {
        let (family, n) = if let Some(&id) = self.ids.get(identity) {
            id
        } else {
            {
                let mut n = self.next.get(family).copied().unwrap_or(0);
                loop {
                    n += 1;
                    let t = token(family, n, 1);
                    if !existing.collides(&t) && !existing.collides(&encode_base64(t.as_bytes())) {
                        break;
                    }
                }
                self.next.insert(family, n);
                self.ids.insert(identity.to_string(), (family, n));
                (family, n)
            }
        };
        let base = token(family, n, 1);
        let key = (base.clone(), encoding, original.to_string());
        if let Some(found) = self.forms.get(&key) {
            return found.clone();
        }
        let used = self.variants.entry(base.clone()).or_insert(0);
        let placeholder = loop {
            *used += 1;
            let t = token(family, n, *used);
            if !existing.collides(&t) && !existing.collides(&encode_base64(t.as_bytes())) {
                break t;
            }
        };
        let first = *used == 1;
        let written = match encoding {
            Encoding::Plain => placeholder.clone(),
            Encoding::Base64 => encode_base64(placeholder.as_bytes()),
        };
        self.entries.push((written.clone(), original.to_string()));
        self.forms
            .insert(key, (placeholder.clone(), written.clone()));
        if encoding == Encoding::Base64 && first {
            // The decoded secret, for answers that moved the value to
            // `stringData` or decoded the placeholder.
            let plain = (base.clone(), Encoding::Plain, identity.to_string());
            self.forms
                .entry(plain)
                .or_insert_with(|| (base.clone(), base.clone()));
            self.entries.push((base, identity.to_string()));
        }
        self.matcher = None;
        (placeholder, written)
    }

    /// Builds the rehydration matcher; called once redaction is done.
    pub(crate) fn seal(&mut self) {
        if self.entries.is_empty() {
            self.matcher = None;
            return;
        }
        self.matcher = NFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(self.entries.iter().map(|(out, _)| out))
            .ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vault fed (identity, family, original, encoding) in order, with no
    /// placeholders in the input, and what it assigned to each.
    fn assigned(calls: &[(&str, &'static str, &str, Encoding)]) -> (Vault, Vec<(String, String)>) {
        let existing = existing_tokens(&[]);
        let mut vault = Vault::default();
        let out = calls
            .iter()
            .map(|&(identity, family, original, encoding)| {
                vault.assign(identity, family, original, encoding, &existing)
            })
            .collect();
        (vault, out)
    }

    #[test]
    fn same_secret_same_placeholder_numbered_per_family() {
        let (_, found) = assigned(&[
            ("pw", "PASSWORD", "pw", Encoding::Plain),
            ("tok", "TOKEN", "tok", Encoding::Plain),
            ("pw", "PASSWORD", "pw", Encoding::Plain),
            ("pw2", "PASSWORD", "pw2", Encoding::Plain),
        ]);
        let [a, b, c, d] = &found[..] else {
            panic!("{found:?}")
        };
        assert_eq!(a.0, "__REDACTED_PASSWORD_1__");
        assert_eq!(b.0, "__REDACTED_TOKEN_1__");
        assert_eq!(c, a);
        assert_eq!(d.0, "__REDACTED_PASSWORD_2__");
    }

    #[test]
    fn numbers_skip_placeholders_already_in_the_input() {
        let files = [SourceFile::new("a", "x: __REDACTED_PASSWORD_1__\n")];
        let existing = existing_tokens(&files);
        let mut vault = Vault::default();
        let (placeholder, _) = vault.assign("pw", "PASSWORD", "pw", Encoding::Plain, &existing);
        assert_eq!(placeholder, "__REDACTED_PASSWORD_2__");
    }

    #[test]
    fn a_second_spelling_gets_a_variant_and_both_rehydrate() {
        let (mut vault, found) = assigned(&[
            ("p\"w", "PASSWORD", "p\\\"w", Encoding::Plain),
            ("p\"w", "PASSWORD", "p\"w", Encoding::Plain),
            ("p\"w", "PASSWORD", "cA==", Encoding::Base64),
        ]);
        let [a, b, c] = &found[..] else {
            panic!("{found:?}")
        };
        assert_eq!(a.0, "__REDACTED_PASSWORD_1__");
        assert_eq!(b.0, "__REDACTED_PASSWORD_1_2__");
        assert_eq!(c.0, "__REDACTED_PASSWORD_1_3__");
        vault.seal();
        let text = format!("{} {} {}", a.1, b.1, c.1);
        assert_eq!(vault.rehydrate(&text), "p\\\"w p\"w cA==");
    }

    #[test]
    fn debug_shows_no_secret() {
        let (vault, _) = assigned(&[("hunter2", "PASSWORD", "hunter2", Encoding::Plain)]);
        assert!(!format!("{vault:?}").contains("hunter2"));
    }

    #[test]
    fn base64_prefix_is_what_placeholders_encode_to() {
        assert!(encode_base64(b"__REDACTED_X_1__").starts_with(BASE64_PREFIX));
    }
}
