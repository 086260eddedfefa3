//! From a symptom to its cause: recognise istiod, Envoy, API-server and
//! `istioctl analyze` log lines, say what each means and which rule covers
//! it, and link it to the findings on the manifests that caused it.
//!
//! ```
//! use meshmend_core::explain_log::explain;
//!
//! let log = "warn model skipping server on gateway istio-system/staging, duplicate host names: [a.example.com]\nhello";
//! let lines = explain(log);
//! assert_eq!(lines[0].pattern.unwrap().rules, ["MM102"]);
//! assert_eq!(lines[0].clues.gateway.as_deref(), Some("istio-system/staging"));
//! assert!(lines[1].pattern.is_none()); // not recognised
//! ```
//!
//! Matching is plain case-insensitive substring search over a small table
//! ([`PATTERNS`]): no regex engine (the page's wasm budget), and the table is
//! the one place the formats live. Clues (gateway, resource, port, hosts) are
//! cut out of the line by the fixed shapes of those messages.

mod clues;
mod patterns;
mod report;

pub use clues::Clues;
pub use patterns::{PATTERNS, Pattern};
pub use report::ExplainedLine;

use crate::Diagnostic;

/// Longest line looked at; the rest of a longer line is ignored.
const MAX_LINE: usize = 4096;

/// One non-blank input line and what it is.
#[derive(Debug)]
pub struct Line<'a> {
    /// 1-based line number in the input.
    pub number: usize,
    /// The line, trimmed (at most 4 KiB).
    pub text: &'a str,
    /// The pattern it matches; `None`: not recognised.
    pub pattern: Option<&'static Pattern>,
    /// What the line names.
    pub clues: Clues,
}

/// Classifies every non-blank line of `log`.
pub fn explain(log: &str) -> Vec<Line<'_>> {
    log.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let text = truncate(line.trim());
            if text.is_empty() {
                return None;
            }
            let lower = text.to_ascii_lowercase();
            let pattern = PATTERNS
                .iter()
                .find(|p| p.needles.iter().all(|n| lower.contains(n)));
            Some(Line {
                number: i + 1,
                text,
                pattern,
                clues: pattern.map(|_| Clues::of(text)).unwrap_or_default(),
            })
        })
        .collect()
}

fn truncate(text: &str) -> &str {
    if text.len() <= MAX_LINE {
        return text;
    }
    let mut end = MAX_LINE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Indexes of the findings in `diagnostics` that explain `line`: findings of
/// the pattern's rules that agree with every clue the line carries (the
/// gateway or resource it names, the port, a host).
pub fn link(line: &Line<'_>, diagnostics: &[Diagnostic]) -> Vec<usize> {
    let Some(pattern) = line.pattern else {
        return Vec::new();
    };
    diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| pattern.rules.contains(&d.code) && line.clues.agree(d))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_id_is_unique_and_needles_are_lower_case() {
        for (i, p) in PATTERNS.iter().enumerate() {
            assert!(PATTERNS[..i].iter().all(|q| q.id != p.id), "{}", p.id);
            assert!(!p.needles.is_empty());
            for needle in p.needles {
                assert_eq!(*needle, needle.to_ascii_lowercase(), "{}", p.id);
            }
        }
    }

    #[test]
    fn every_rule_named_exists() {
        for p in PATTERNS {
            for code in p.rules {
                assert!(crate::find_rule(code).is_some(), "{}: {code}", p.id);
            }
        }
    }

    #[test]
    fn long_lines_are_cut_on_a_character_boundary() {
        let line = "é".repeat(MAX_LINE);
        let lines = explain(&line);
        assert!(lines[0].text.len() <= MAX_LINE);
        assert!(lines[0].pattern.is_none());
    }
}
