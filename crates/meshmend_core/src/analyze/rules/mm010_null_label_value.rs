//! MM010 `null-label-value`: see `mm010_null_label_value.md`.

super::load_problem_rule! {
    kind: NullLabel,
    code: "MM010",
    name: "null-label-value",
    severity: Warning,
    summary: "A label or selector key with no value: pruned from a Gateway selector (wider selector), \"\" elsewhere.",
    docs: "mm010_null_label_value.md",
}
