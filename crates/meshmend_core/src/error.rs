//! Failures (as opposed to findings): input the core refuses to process.

use std::fmt;

use crate::span::{LineCol, Span};

/// What went wrong. Callers branch on this (syntax vs. limits).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The YAML could not be parsed.
    Syntax,
    /// The input is larger than [`Limits::max_input_bytes`](crate::Limits).
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// Aliases would expand to more nodes than [`Limits::max_alias_expansion`](crate::Limits)
    /// (a "billion laughs" document).
    AliasBudget {
        /// The configured budget.
        limit: u64,
    },
    /// Collections nested deeper than [`Limits::max_depth`](crate::Limits).
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
}

/// A failure with the place it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    span: Option<Span>,
    position: Option<LineCol>,
}

impl Error {
    pub(crate) fn new(
        kind: ErrorKind,
        message: impl Into<String>,
        span: Option<Span>,
        position: Option<LineCol>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            span,
            position,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Human-readable description without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Byte span of the offending text, when known.
    pub fn span(&self) -> Option<Span> {
        self.span
    }

    /// 1-based line/column of the offending text, when known.
    pub fn position(&self) -> Option<LineCol> {
        self.position
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(LineCol { line, column }) => write!(f, "{line}:{column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}
