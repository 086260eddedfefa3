//! MM002 `unrendered-template`: see `mm002_unrendered_template.md`.

super::load_problem_rule! {
    kind: Template,
    code: "MM002",
    name: "unrendered-template",
    severity: Warning,
    summary: "A file is an unrendered Helm/Go, Jinja or Terraform template: render it, then analyze.",
    docs: "mm002_unrendered_template.md",
}
