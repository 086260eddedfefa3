//! MM004 `missing-api-version`: see [`DOCS`].

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::validate::ProblemKind;

/// User documentation: What / Why / Example.
static DOCS: &str = r"## What it does
Reports a `Gateway` or `VirtualService` that has a `kind` but no
`apiVersion`; it is not analyzed. (Built-in kinds such as `Service` have a
single API and are still read without one.)

## Why is this bad?
`kind: Gateway` alone could be Istio's `networking.istio.io` Gateway or the
Gateway API's `gateway.networking.k8s.io` one, which istiod treats very
differently; `kubectl apply` refuses any object without `apiVersion`
(`apiVersion not set`). Snippets copied from blog posts often lack it.

## Example
```yaml
kind: Gateway               # which API?
metadata: {name: public}
spec:
  selector: {istio: ingressgateway}
```
";

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct MissingApiVersion;

impl Rule for MissingApiVersion {
    fn code(&self) -> &'static str {
        "MM004"
    }

    fn name(&self) -> &'static str {
        "missing-api-version"
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn summary(&self) -> &'static str {
        "A Gateway or VirtualService without apiVersion: ambiguous, refused by kubectl, not analyzed."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::report_problems(self, cx, ProblemKind::MissingApiVersion, out);
    }
}
