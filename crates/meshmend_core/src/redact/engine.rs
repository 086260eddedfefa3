//! The regex engine behind the rule table, behind one tiny interface so the
//! engine can be swapped (feature `regex-full`) and measured.
//!
//! Default: `regex-lite` (ASCII-only classes, no bytes API, worst-case linear
//! time, small in wasm). With `regex-full`: `regex::bytes` with Unicode off.

use std::ops::Range;

/// One compiled rule pattern.
#[derive(Debug)]
pub(crate) struct Pattern {
    #[cfg(not(feature = "regex-full"))]
    inner: regex_lite::Regex,
    #[cfg(feature = "regex-full")]
    inner: regex::bytes::Regex,
}

impl Pattern {
    /// Compiles `pattern`; the error is the engine's message.
    pub(crate) fn new(pattern: &str) -> Result<Self, String> {
        #[cfg(not(feature = "regex-full"))]
        let inner = regex_lite::Regex::new(pattern).map_err(|e| e.to_string())?;
        #[cfg(feature = "regex-full")]
        let inner = regex::bytes::RegexBuilder::new(pattern)
            .unicode(false)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { inner })
    }

    /// Calls `found` with the byte range of capture group 1 (or of the whole
    /// match when the pattern has no group) of every match in `haystack`.
    pub(crate) fn for_each_secret(&self, haystack: &str, mut found: impl FnMut(Range<usize>)) {
        #[cfg(not(feature = "regex-full"))]
        let hay = haystack;
        #[cfg(feature = "regex-full")]
        let hay = haystack.as_bytes();
        for caps in self.inner.captures_iter(hay) {
            if let Some(m) = caps.get(1).or_else(|| caps.get(0)) {
                let range = m.range();
                // `regex::bytes` can split a UTF-8 sequence; never hand out such a span.
                if haystack.is_char_boundary(range.start) && haystack.is_char_boundary(range.end) {
                    found(range);
                }
            }
        }
    }
}
