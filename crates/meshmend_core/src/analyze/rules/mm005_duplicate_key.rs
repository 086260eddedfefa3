//! MM005 `duplicate-key`: see `mm005_duplicate_key.md`.

use crate::analyze::Rule;
use crate::diagnostic::{Category, RuleMeta, Severity};
use crate::model::validate::ProblemKind;

/// See `mm005_duplicate_key.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM005",
        name: "duplicate-key",
        severity: Severity::Error,
        istio_code: None,
        category: Category::Input,
        summary: "A mapping key written twice: kubectl keeps the last value silently, kustomize refuses the file.",
        docs: include_str!("mm005_duplicate_key.md"),
        fixable: false,
    },
    check: |cx, out| super::report_problems(&RULE, cx, ProblemKind::DuplicateKey, out),
};
