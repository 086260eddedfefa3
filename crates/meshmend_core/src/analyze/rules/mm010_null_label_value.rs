//! MM010 `null-label-value`: see `mm010_null_label_value.md`.

use crate::analyze::Rule;
use crate::diagnostic::{Category, RuleMeta, Severity};
use crate::model::validate::ProblemKind;

/// See `mm010_null_label_value.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM010",
        name: "null-label-value",
        severity: Severity::Warning,
        istio_code: None,
        category: Category::Input,
        summary: "A label or selector key with no value: pruned from a Gateway selector (wider selector), \"\" elsewhere.",
        docs: include_str!("mm010_null_label_value.md"),
        fixable: false,
    },
    check: |cx, out| super::report_problems(&RULE, cx, ProblemKind::NullLabel, out),
};
