//! MM004 `missing-api-version`: see `mm004_missing_api_version.md`.

super::load_problem_rule! {
    kind: MissingApiVersion,
    code: "MM004",
    name: "missing-api-version",
    severity: Error,
    summary: "A Gateway or VirtualService without apiVersion: ambiguous, refused by kubectl, not analyzed.",
    docs: "mm004_missing_api_version.md",
}
