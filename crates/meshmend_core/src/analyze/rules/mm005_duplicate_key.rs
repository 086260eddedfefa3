//! MM005 `duplicate-key`: see `mm005_duplicate_key.md`.

super::load_problem_rule! {
    kind: DuplicateKey,
    code: "MM005",
    name: "duplicate-key",
    severity: Error,
    summary: "A mapping key written twice: kubectl keeps the last value silently, kustomize refuses the file.",
    docs: "mm005_duplicate_key.md",
}
