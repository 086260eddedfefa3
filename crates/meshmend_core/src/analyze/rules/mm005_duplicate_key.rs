//! MM005 `duplicate-key`: see [`DOCS`].

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::validate::ProblemKind;

/// User documentation: What / Why / Example.
static DOCS: &str = r#"## What it does
Reports a key written twice in one mapping of a Kubernetes object, at the
second occurrence, with the first as the related location. meshmend reads
the last value, as the API server receives it.

## Why is this bad?
YAML forbids duplicate keys, but tools disagree on them: `kubectl apply -f`
and Helm convert YAML to JSON and keep the last value without a word
(kubernetes/kubernetes#89303); kustomize (`kubectl apply -k`, Flux, Argo CD)
refuses the file (`mapping key "port" already defined`). Either way one of
the two values is not what runs.

## Example
```yaml
spec:
  ports:
  - name: https
    port: 443
    port: 8443              # wins with kubectl apply -f
```
"#;

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct DuplicateKey;

impl Rule for DuplicateKey {
    fn code(&self) -> &'static str {
        "MM005"
    }

    fn name(&self) -> &'static str {
        "duplicate-key"
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn summary(&self) -> &'static str {
        "A mapping key written twice: kubectl keeps the last value silently, kustomize refuses the file."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::report_problems(self, cx, ProblemKind::DuplicateKey, out);
    }
}
