//! MM003 `invalid-field`: see `mm003_invalid_field.md`.

super::load_problem_rule! {
    kind: InvalidField,
    code: "MM003",
    name: "invalid-field",
    severity: Error,
    summary: "A value the API server refuses (a non-string label or name, a port that is not a whole number in range): the object is left out.",
    docs: "mm003_invalid_field.md",
}
