//! MM006 `duplicate-definition`: one object (group, kind, namespace, name)
//! is defined more than once; only the last definition is analyzed.

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::identity::Duplicate;

/// User documentation: What / Why / Example.
static DOCS: &str = r"## What it does
Reports a Gateway, VirtualService, Service, Secret, workload or
IstioOperator that the input defines more than once: the same API
group, kind, namespace (after kustomize's `namespace:`; none for
cluster-scoped kinds) and name. meshmend analyzes **one** definition per
object, the last in input order (directories are read in lexical order,
as `kubectl apply -f dir/ -R` applies them, and the last apply wins), and
leaves the other copies out of every rule and of `meshmend fix`. The
finding names every copy and says whether it differs from the analyzed
one, and where.

The finding is **info**: copies are normal in repositories. When they
differ, the analysis describes the last one only; the cluster gets
whichever is applied last. Copies of other kinds (ConfigMaps, RBAC, CRDs)
are deduplicated the same way without a finding.

## Why is this bad?
The API server holds one object per identity; a second definition replaces
the first. Copies are normal in repositories (base and overlay,
`cluster1/` and `cluster2/`, the steps of a tutorial), but analyzing each
copy as its own object made an object conflict with itself. Differing
copies that are meant for different clusters or steps should be analyzed
separately (`meshmend analyze cluster1/`).

## Example
```yaml
# cluster1/gateway.yaml and cluster2/gateway.yaml, both:
kind: Gateway
metadata: {name: frontend-gateway, namespace: default}
```
";

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct DuplicateDefinition;

impl Rule for DuplicateDefinition {
    fn code(&self) -> &'static str {
        "MM006"
    }

    fn name(&self) -> &'static str {
        "duplicate-definition"
    }

    fn severity(&self) -> Severity {
        Severity::Info
    }

    fn summary(&self) -> &'static str {
        "An object is defined more than once; only the last definition is analyzed."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for duplicate in &cx.bundle.layout.duplicates {
            // A copy of a kind the model does not read changes no finding:
            // deduplicated silently.
            if crate::model::READ_KINDS.contains(&duplicate.identity.kind.as_str()) {
                out.push(report(self, duplicate));
            }
        }
    }
}

fn report(rule: &DuplicateDefinition, duplicate: &Duplicate) -> Diagnostic {
    let id = &duplicate.identity;
    let object = if id.namespace.is_empty() {
        format!("{} `{}`", id.kind, id.name)
    } else {
        format!("{} `{}/{}`", id.kind, id.namespace, id.name)
    };
    let copies = duplicate.dropped.len() + 1;
    let differing: Vec<&str> = duplicate
        .dropped
        .iter()
        .filter_map(|(_, difference)| difference.as_deref())
        .collect();
    let kept = &duplicate.kept;
    let mut diagnostic = Diagnostic::new(
        rule,
        kept.file,
        kept.name.span,
        format!(
            "{object} is defined {copies} times; this definition, the last in input order, is \
             the one analyzed"
        ),
    )
    .resource(kept.reference())
    .note(
        "the API server holds one object per API group, kind, namespace and name, and a later \
         definition replaces an earlier one (`kubectl apply -f dir/` applies files in lexical \
         order); the other definitions are left out of the analysis and of `meshmend fix`",
    );
    for (copy, difference) in &duplicate.dropped {
        let message = match difference {
            None => "an earlier definition with the same content, not analyzed".to_string(),
            Some(path) => {
                format!("an earlier definition that differs at `{path}`, not analyzed")
            }
        };
        diagnostic = diagnostic.related(copy.file, copy.name.span, message);
    }
    if differing.is_empty() {
        diagnostic.help(
            "nothing to do if the copies are meant to be the same object (overlays, per-cluster \
             directories); otherwise give them different names",
        )
    } else {
        diagnostic.help(
            "the copies differ, so the cluster gets whichever is applied last and only this one \
             was checked; if they are meant for different clusters or steps, analyze each \
             directory on its own",
        )
    }
}
