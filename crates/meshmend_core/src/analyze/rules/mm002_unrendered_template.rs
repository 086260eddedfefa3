//! MM002 `unrendered-template`: see `mm002_unrendered_template.md`.

use crate::analyze::Rule;
use crate::diagnostic::{Category, RuleMeta, Severity};
use crate::model::validate::ProblemKind;

/// See `mm002_unrendered_template.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM002",
        name: "unrendered-template",
        severity: Severity::Warning,
        istio_code: None,
        category: Category::Input,
        summary: "A file is an unrendered Helm/Go, Jinja or Terraform template: render it, then analyze.",
        docs: include_str!("mm002_unrendered_template.md"),
        fixable: false,
    },
    check: |cx, out| super::report_problems(&RULE, cx, ProblemKind::Template, out),
};
