//! MM002 `unrendered-template`: see [`DOCS`].

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::validate::ProblemKind;

/// User documentation: What / Why / Example.
static DOCS: &str = r#"## What it does
Recognises a file that is a template rather than YAML: Helm/Go template
actions (`{{- if .Values.x }}`, `{{ include "x" . }}`, `name: {{ .Name }}`),
Jinja statements (`{% if %}`) or Terraform directives (`%{ if }`). It reports
one finding per file, at the first action, instead of the YAML errors the
actions cause, and keeps every object of the file out of the analysis.

`{{ … }}` inside a quoted or block string is not a template of this file: it
is data that another tool expands at run time (Prometheus alert
annotations, Argo Workflows parameters), and the file is analyzed as usual.

## Why is this bad?
What the file means depends on values meshmend does not have. Read as YAML,
`selector: {istio: {{ .Label }}}` is a mapping inside a mapping, and
guessing at it produced a Gateway that selected every workload. The
severity is *warning*: the file is not wrong, it just was not checked, so
`meshmend analyze repo/` in CI does not fail on a chart's `templates/`
(use `--failure-threshold warning` to make it).

## Example
```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: {{ .Release.Name }}-gateway
{{- with .Values.gateway.selector }}
spec:
  selector: {{ toYaml . | nindent 4 }}
{{- end }}
```
Render it first: `helm template my-release ./chart | meshmend analyze -`.
"#;

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct UnrenderedTemplate;

impl Rule for UnrenderedTemplate {
    fn code(&self) -> &'static str {
        "MM002"
    }

    fn name(&self) -> &'static str {
        "unrendered-template"
    }

    fn severity(&self) -> Severity {
        Severity::Warning
    }

    fn summary(&self) -> &'static str {
        "A file is an unrendered Helm/Go, Jinja or Terraform template: render it, then analyze."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::report_problems(self, cx, ProblemKind::Template, out);
    }
}
