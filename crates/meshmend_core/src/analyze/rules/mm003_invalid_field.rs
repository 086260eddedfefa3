//! MM003 `invalid-field`: see [`DOCS`].

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::validate::ProblemKind;

/// User documentation: What / Why / Example.
static DOCS: &str = r#"## What it does
Checks the fields meshmend models as the Kubernetes API server decodes
them: `metadata.name`, `metadata.namespace`, labels and selectors must be
strings; `port`, `nodePort`, `targetPort` of a Service and
`servers[].port.number` of a Gateway must be whole numbers in range. The
object is then left out of the analysis, as it never exists in the cluster.

Numbers are read as `kubectl` sends them (YAML 1.1 through
`sigs.k8s.io/yaml`): `443`, `+443`, `0x1BB`, `0o673`, `0673`,
`0b110111011`, `4_4_3`, `443.0` and `4.43e2` are all 443 and accepted;
`"443"` (quoted) is a string, `443.5` and `1e21` are not integers, `yes`
is a boolean, and all of these are refused. Ranges: Service `port` 1-65535,
`nodePort` 0-65535 (0 = allocate; the node-port range is MM202's),
`targetPort` 0-65535 or a name with a letter; Gateway port numbers
1-65535 (Istio's validation; the CRD schema alone allows 0-4294967295).

## Why is this bad?
`version: 1` as a label, `name: {{ .Name }}` (a mapping) or `port: "443"`
make the API server refuse the whole object
(`json: cannot unmarshal number into Go struct field … of type string`).
Modelling it anyway (a Gateway with no name and an empty selector) made
meshmend report conflicts with every other Gateway.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {version: 1}      # a number: quote it, "1"
spec:
  ports:
  - {port: "443"}           # a string: write 443
```
"#;

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct InvalidField;

impl Rule for InvalidField {
    fn code(&self) -> &'static str {
        "MM003"
    }

    fn name(&self) -> &'static str {
        "invalid-field"
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn summary(&self) -> &'static str {
        "A value the API server refuses (a non-string label or name, a port that is not a whole number in range): the object is left out."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        super::report_problems(self, cx, ProblemKind::InvalidField, out);
    }
}
