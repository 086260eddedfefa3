//! Text edits: the one mechanism behind redaction, analyzer fixes and refactors.
//!
//! Untouched bytes are copied verbatim, so comments, key order, quoting and
//! indentation survive by construction. A [`Fix`] holds edits that never
//! overlap (its constructor refuses them), so applying one is "copy the
//! gaps, write the edits" with nothing to decide.

use std::fmt;

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

/// Two edits of one [`Fix`] that touch the same bytes: which one would win
/// is a guess, so the fix is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlap {
    /// The earlier edit's span.
    pub first: Span,
    /// The span of the edit that starts inside it.
    pub second: Span,
}

impl fmt::Display for Overlap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "edits at bytes {}..{} and {}..{} overlap",
            self.first.start, self.first.end, self.second.start, self.second.end
        )
    }
}

impl std::error::Error for Overlap {}

/// Edits on one text, sorted by start offset, none overlapping another
/// (inserts at one offset keep their order, before a replacement that
/// starts there).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Fix {
    edits: Vec<Edit>,
}

impl Fix {
    /// Sorts `edits` by start offset (stably) and checks that none starts
    /// inside the bytes an earlier one replaces.
    pub fn new(mut edits: Vec<Edit>) -> Result<Self, Overlap> {
        sort::by_key(&mut edits, |e| (e.span.start, e.span.end));
        if let Some(pair) = edits
            .windows(2)
            .find(|pair| pair[1].span.start < pair[0].span.end)
        {
            return Err(Overlap {
                first: pair[0].span,
                second: pair[1].span,
            });
        }
        Ok(Self { edits })
    }

    /// A fix of one edit (which cannot overlap itself).
    pub fn single(edit: Edit) -> Self {
        Self { edits: vec![edit] }
    }

    /// Edits, sorted by start offset.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// Bytes covered, from the first edit's start to the last edit's end.
    pub fn span(&self) -> Option<Span> {
        let first = self.edits.first()?;
        let last = self.edits.last()?;
        Some(Span::new(first.span.start, last.span.end))
    }
}

/// Result of [`apply`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The new text.
    pub text: String,
    /// Fixes applied.
    pub applied: usize,
    /// Fixes skipped because they overlapped one already applied or reached
    /// past the end of the text.
    pub skipped: usize,
}

/// Applies every fix, skipping fixes that overlap one already applied.
/// Untouched bytes are copied verbatim.
pub fn apply<'a>(source: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> Applied {
    let mut fixes: Vec<&Fix> = fixes.into_iter().collect();
    sort::by_key(&mut fixes, |f| f.span().map(|s| (s.start, s.end)));
    let mut out = String::with_capacity(source.len());
    let mut copied_to = 0;
    let mut last_end: Option<usize> = None;
    let (mut applied, mut skipped) = (0, 0);
    for fix in fixes {
        let Some(span) = fix.span() else { continue };
        let overlaps = last_end.is_some_and(|end| span.start < end);
        if overlaps || span.end > source.len() {
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

    #[test]
    fn no_fixes_is_byte_identical() {
        let text = "a: 1 # keep\r\n";
        assert_eq!(apply(text, &[]).text, text);
    }

    #[test]
    fn untouched_bytes_survive() {
        let text = "port: 80 # conflicts\nname: http\n";
        let out = apply(text, &[Fix::single(Edit::replace(Span::new(6, 8), "8081"))]);
        assert_eq!(out.text, "port: 8081 # conflicts\nname: http\n");
    }

    #[test]
    fn overlapping_fix_is_skipped() {
        let text = "abcdef";
        let fixes = [
            Fix::single(Edit::replace(Span::new(1, 3), "X")),
            Fix::single(Edit::replace(Span::new(2, 4), "Y")),
        ];
        let out = apply(text, &fixes);
        assert_eq!(
            (out.text.as_str(), out.applied, out.skipped),
            ("aXdef", 1, 1)
        );
    }

    #[test]
    fn a_fix_refuses_overlapping_edits() {
        let overlap = Fix::new(vec![
            Edit::replace(Span::new(2, 4), "Y"),
            Edit::replace(Span::new(1, 3), "X"),
        ]);
        assert_eq!(
            overlap,
            Err(Overlap {
                first: Span::new(1, 3),
                second: Span::new(2, 4)
            })
        );
        // An insert strictly inside a replaced range overlaps it too.
        assert!(Fix::new(vec![Edit::delete(Span::new(1, 4)), Edit::insert(2, "I")]).is_err());
    }

    #[test]
    fn touching_edits_and_inserts_at_one_offset_compose_in_order() {
        let fix = Fix::new(vec![
            Edit::replace(Span::new(1, 3), "X"),
            Edit::insert(3, "1"),
            Edit::insert(3, "2"),
            Edit::insert(1, "<"),
            Edit::delete(Span::new(3, 4)),
        ])
        .unwrap();
        assert_eq!(apply("abcdef", [&fix]).text, "a<X12ef");
    }

    #[test]
    fn a_fix_past_the_end_is_skipped() {
        let fix = Fix::single(Edit::delete(Span::new(1, 9)));
        let out = apply("ab", [&fix]);
        assert_eq!((out.text.as_str(), out.skipped), ("ab", 1));
    }
}
