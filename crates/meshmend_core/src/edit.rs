//! Text edits: the one mechanism behind redaction, analyzer fixes and refactors.
//!
//! Untouched bytes are copied verbatim, so comments, key order, quoting and
//! indentation survive by construction.

use crate::sort;
use crate::span::Span;

/// Replace `span` with `content` ("" deletes; an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Edit {
    /// Bytes replaced.
    pub span: Span,
    /// Replacement text.
    pub content: String,
}

impl Edit {
    /// Replaces `span` with `content`.
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Self {
            span,
            content: content.into(),
        }
    }

    /// Inserts `content` at `offset`.
    pub fn insert(offset: usize, content: impl Into<String>) -> Self {
        Self::replace(Span::empty(offset), content)
    }

    /// Deletes `span`.
    pub fn delete(span: Span) -> Self {
        Self::replace(span, "")
    }
}

/// How safe a fix is to apply without review. Ordered: compare with `>=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Applicability {
    /// Shown, never applied.
    DisplayOnly,
    /// Changes behaviour; needs a human.
    Unsafe,
    /// Keeps intended behaviour.
    Safe,
}

/// A titled set of non-overlapping edits on one text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fix {
    /// One line for humans.
    pub title: String,
    /// Safety level.
    pub applicability: Applicability,
    edits: Vec<Edit>,
}

impl Fix {
    /// A fix from edits (sorted here by start offset).
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Self {
        sort::by_key(&mut edits, |e| (e.span.start, e.span.end));
        Self {
            title: title.into(),
            applicability,
            edits,
        }
    }

    /// Edits, sorted by start offset.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// Bytes covered, from the first edit's start to the last edit's end.
    pub fn span(&self) -> Option<Span> {
        let first = self.edits.first()?;
        let last = self.edits.iter().map(|e| e.span.end).max()?;
        Some(Span::new(first.span.start, last))
    }
}

/// Result of [`apply`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The new text.
    pub text: String,
    /// Fixes applied.
    pub applied: usize,
    /// Fixes skipped because they overlapped one already applied or were below the threshold.
    pub skipped: usize,
}

/// Applies every fix at or above `min`, skipping fixes that overlap one
/// already applied. Untouched bytes are copied verbatim.
pub fn apply<'a>(
    source: &str,
    fixes: impl IntoIterator<Item = &'a Fix>,
    min: Applicability,
) -> Applied {
    let mut fixes: Vec<&Fix> = fixes.into_iter().collect();
    sort::by_key(&mut fixes, |f| f.span().map(|s| (s.start, s.end)));
    let mut out = String::with_capacity(source.len());
    let mut copied_to = 0;
    let mut last_end: Option<usize> = None;
    let (mut applied, mut skipped) = (0, 0);
    for fix in fixes {
        let Some(span) = fix.span() else { continue };
        let overlaps = last_end.is_some_and(|end| span.start < end);
        if fix.applicability < min || overlaps || span.end > source.len() {
            skipped += 1;
            continue;
        }
        for edit in &fix.edits {
            out.push_str(&source[copied_to..edit.span.start]);
            out.push_str(&edit.content);
            copied_to = edit.span.end;
        }
        last_end = Some(span.end);
        applied += 1;
    }
    out.push_str(&source[copied_to..]);
    Applied {
        text: out,
        applied,
        skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix::new("t", Applicability::Safe, edits)
    }

    #[test]
    fn no_fixes_is_byte_identical() {
        let text = "a: 1 # keep\r\n";
        assert_eq!(apply(text, &[], Applicability::Safe).text, text);
    }

    #[test]
    fn untouched_bytes_survive() {
        let text = "port: 80 # conflicts\nname: http\n";
        let out = apply(
            text,
            &[fix(vec![Edit::replace(Span::new(6, 8), "8081")])],
            Applicability::Safe,
        );
        assert_eq!(out.text, "port: 8081 # conflicts\nname: http\n");
    }

    #[test]
    fn overlapping_fix_is_skipped() {
        let text = "abcdef";
        let fixes = [
            fix(vec![Edit::replace(Span::new(1, 3), "X")]),
            fix(vec![Edit::replace(Span::new(2, 4), "Y")]),
        ];
        let out = apply(text, &fixes, Applicability::Safe);
        assert_eq!(
            (out.text.as_str(), out.applied, out.skipped),
            ("aXdef", 1, 1)
        );
    }

    #[test]
    fn fixes_below_threshold_are_skipped() {
        let unsafe_fix = Fix::new(
            "u",
            Applicability::Unsafe,
            vec![Edit::delete(Span::new(0, 1))],
        );
        assert_eq!(apply("ab", [&unsafe_fix], Applicability::Safe).text, "ab");
    }
}
