//! MM004 `missing-api-version`: see `mm004_missing_api_version.md`.

use crate::analyze::Rule;
use crate::diagnostic::{Category, RuleMeta, Severity};
use crate::model::validate::ProblemKind;

/// See `mm004_missing_api_version.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM004",
        name: "missing-api-version",
        severity: Severity::Error,
        istio_code: None,
        category: Category::Input,
        summary: "A Gateway or VirtualService without apiVersion: ambiguous, refused by kubectl, not analyzed.",
        docs: include_str!("mm004_missing_api_version.md"),
        fixable: false,
    },
    check: |cx, out| super::report_problems(&RULE, cx, ProblemKind::MissingApiVersion, out),
};
