//! Findings as data: code, severity, message, spans, notes.

use std::fmt;

use crate::model::ResourceRef;
use crate::span::Span;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing breaks.
    Info,
    /// Likely a mistake, or behaviour the user probably did not intend.
    Warning,
    /// Istio or Kubernetes will reject or drop configuration at runtime.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is, as data: everything about it except its check. Lives here,
/// not in `analyze`, so a [`Diagnostic`] can be made from it without
/// depending on the analyzer.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, `MM` + 3 digits; never reused once retired.
    pub code: &'static str,
    /// Stable kebab-case name (part of the public contract).
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// The `istioctl analyze` code with the same intent, if any.
    pub istio_code: Option<&'static str>,
    /// What the rule is about; decides, among others, what `fix` must clear.
    pub category: Category,
    /// One line for `meshmend rules` and the page.
    pub summary: &'static str,
    /// Full documentation in Markdown: *What it does*, *Why is this bad?*,
    /// *Example* (with `### Invalid` / `### Valid` examples that a test runs).
    /// Empty without the `rule-docs` feature (the page's analysis module).
    pub docs: &'static str,
    /// True when `meshmend fix` has a mechanical fix for this rule's findings.
    pub fixable: bool,
}

/// What a rule is about (the hundreds digit of its code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// `MM0xx`: input that cannot be read, or not as written.
    Input,
    /// `MM1xx`: Gateways merged onto one gateway workload.
    Merge,
    /// `MM2xx`: node ports.
    NodePort,
    /// `MM3xx`: Gateway ↔ workload and Service wiring.
    Wiring,
    /// `MM4xx`: VirtualService ↔ Gateway binding.
    Binding,
    /// `MM5xx`: Kubernetes Gateway API objects Istio handles (the status it writes).
    GatewayApi,
}

impl Category {
    /// True for conflicts between resources, which a fix strategy exists to
    /// remove (merging and node ports).
    pub fn is_conflict(self) -> bool {
        matches!(self, Category::Merge | Category::NodePort)
    }
}

/// A secondary location: "the other side" of a conflict.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Related {
    /// File index in the bundle.
    pub file: usize,
    /// Where.
    pub span: Span,
    /// Why it is relevant.
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Stable rule code, `MM` + 3 digits (or an `IST` code in `--istio-compat` mode).
    pub code: &'static str,
    /// Stable kebab-case rule name.
    pub name: &'static str,
    /// The `istioctl analyze` code this corresponds to, if any.
    pub istio_code: Option<&'static str>,
    /// Severity.
    pub severity: Severity,
    /// What is wrong and what will happen at runtime.
    pub message: String,
    /// File index in the bundle.
    pub file: usize,
    /// Primary location (the losing side).
    pub span: Span,
    /// The resource the finding is about.
    pub resource: Option<ResourceRef>,
    /// Other locations involved.
    pub related: Vec<Related>,
    /// Why, in more detail.
    pub note: Option<String>,
    /// What to do.
    pub help: Option<String>,
    /// True when `meshmend fix` has a mechanical fix for this finding.
    pub fix_available: bool,
}

impl Diagnostic {
    /// A finding of `rule` at `span` in `file`.
    pub fn new(rule: &RuleMeta, file: usize, span: Span, message: impl Into<String>) -> Self {
        Self {
            code: rule.code,
            name: rule.name,
            istio_code: rule.istio_code,
            severity: rule.severity,
            message: message.into(),
            file,
            span,
            resource: None,
            related: Vec::new(),
            note: None,
            help: None,
            fix_available: rule.fixable,
        }
    }

    /// Names the resource the finding is about.
    #[must_use]
    pub fn resource(mut self, resource: ResourceRef) -> Self {
        self.resource = Some(resource);
        self
    }

    /// Adds a secondary location.
    #[must_use]
    pub fn related(mut self, file: usize, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// Explains why.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Says what to do.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the severity (some rules grade their findings).
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Overrides whether a fix exists for this particular finding.
    #[must_use]
    pub fn fix_available(mut self, available: bool) -> Self {
        self.fix_available = available;
        self
    }
}
