//! MM003 `invalid-field`: see `mm003_invalid_field.md`.

use crate::analyze::Rule;
use crate::diagnostic::{Category, RuleMeta, Severity};
use crate::model::validate::ProblemKind;

/// See `mm003_invalid_field.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM003",
        name: "invalid-field",
        severity: Severity::Error,
        istio_code: None,
        category: Category::Input,
        summary: "A value the API server refuses (a non-string label or name, a port that is not a whole number in range): the object is left out.",
        docs: include_str!("mm003_invalid_field.md"),
        fixable: false,
    },
    check: |cx, out| super::report_problems(&RULE, cx, ProblemKind::InvalidField, out),
};
