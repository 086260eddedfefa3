//! The rule documentation the page shows (the rule index and each rule's
//! dialog). In the engines module: ~40 KB of Markdown the first findings do
//! not need (the page asks for it after them).

use meshmend_core::Severity;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::input::to_js;

/// One rule's documentation: the same text `meshmend explain` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RuleDoc {
    /// Code.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// The `istioctl analyze` equivalent, if any.
    pub istio_code: Option<&'static str>,
    /// One line.
    pub summary: &'static str,
    /// Markdown: *What it does*, *Why is this bad?*, *Example*.
    pub docs: &'static str,
    /// True when the rule's findings have a mechanical fix.
    pub has_fix: bool,
}

/// Every rule's documentation, in documentation order. Native twin of [`rules`].
pub fn rule_docs() -> Vec<RuleDoc> {
    meshmend_core::all_rules()
        .iter()
        .map(|rule| RuleDoc {
            code: rule.meta.code,
            name: rule.meta.name,
            severity: rule.meta.severity,
            istio_code: rule.meta.istio_code,
            summary: rule.meta.summary,
            docs: rule.meta.docs,
            has_fix: rule.meta.fixable,
        })
        .collect()
}

/// Every rule's documentation (`RuleDoc[]`), shipped with the page.
#[wasm_bindgen(unchecked_return_type = "RuleDoc[]")]
pub fn rules() -> Result<JsValue, JsError> {
    to_js(&rule_docs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_docs_match_the_registry() {
        let docs = rule_docs();
        assert_eq!(docs.len(), meshmend_core::all_rules().len());
        assert!(docs.iter().any(|d| d.code == "MM001" && !d.docs.is_empty()));
    }
}
