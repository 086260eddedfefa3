//! MM010 `null-label-value`: see [`DOCS`].

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::validate::ProblemKind;

/// User documentation: What / Why / Example.
static DOCS: &str = r#"## What it does
Reports a label or selector entry with no value (`istio:`, `~`, `null`).

## Why is this bad?
The API server does not refuse it, but reads it differently from how it
looks. In a custom resource such as an Istio `Gateway` the null is pruned
before the object is stored, so `selector: {istio: }` becomes `{}` and the
Gateway applies to every gateway workload; meshmend models exactly that.
In a built-in object (Service, Deployment) JSON decoding turns it into the
empty string, so the selector picks pods labelled `istio=""`.

## Example
```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public}
spec:
  selector:
    istio:                  # pruned: this Gateway now selects every gateway
```
"#;

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct NullLabelValue;

impl Rule for NullLabelValue {
    fn code(&self) -> &'static str {
        "MM010"
    }

    fn name(&self) -> &'static str {
        "null-label-value"
    }

    fn severity(&self) -> Severity {
        Severity::Warning
    }

    fn summary(&self) -> &'static str {
        "A label or selector key with no value: pruned from a Gateway selector (wider selector), \"\" elsewhere."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::report_problems(self, cx, ProblemKind::NullLabel, out);
    }
}
