//! MM007 `kustomize-build-needed`: a kustomization's output cannot be known
//! from the files alone.

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::kustomize::{Kustomization, display_dir};

/// User documentation: What / Why / Example.
static DOCS: &str = r"## What it does
meshmend reads kustomizations statically: `namespace:` is applied to the
resources a kustomization lists (bases included; the outermost one wins),
files listed as patches and documents with `$patch:` are not resources, and
a strategic-merge `$patch: delete` removes its target. This rule reports,
once per kustomization, what it does that meshmend does not model, so the
analysis of its files may differ from what `kustomize build` produces:

- `namePrefix`/`nameSuffix` (kustomize does not rewrite Istio references),
  `components`, `replacements`, `vars`, `helmCharts`, generator and
  transformer plugins;
- resources that are remote (`github.com/…`) or not in the input;
- patches that change Gateways, VirtualServices, IstioOperators, or the
  labels, selectors and ports of Services and workloads;
- a base that two overlays build into different namespaces (it is analyzed
  once, as built by the first overlay in input order).

## Why is this bad?
Nothing is wrong with the kustomization; the finding says where meshmend's
view of the files is not the cluster's. Render the overlay and analyze the
result for an exact answer:

```sh
kustomize build overlays/prod | meshmend analyze -
```

## Example
```yaml
# overlays/prod/kustomization.yaml
resources: [../../base]
namePrefix: prod-
```
";

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct KustomizeBuildNeeded;

impl Rule for KustomizeBuildNeeded {
    fn code(&self) -> &'static str {
        "MM007"
    }

    fn name(&self) -> &'static str {
        "kustomize-build-needed"
    }

    fn severity(&self) -> Severity {
        Severity::Info
    }

    fn summary(&self) -> &'static str {
        "A kustomization does something meshmend cannot model statically; analyze `kustomize build` output."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for kustomization in &cx.bundle.layout.kustomizations {
            if let Some(diagnostic) = report(self, kustomization) {
                out.push(diagnostic);
            }
        }
    }
}

fn report(rule: &KustomizeBuildNeeded, k: &Kustomization) -> Option<Diagnostic> {
    let (first, rest) = k.unknown.split_first()?;
    let dir = display_dir(&k.dir);
    let mut diagnostic = Diagnostic::new(
        rule,
        k.file,
        first.span,
        format!(
            "the output of kustomization `{dir}` is known only after `kustomize build`: {}",
            first.value
        ),
    );
    for reason in rest {
        diagnostic = diagnostic.related(k.file, reason.span, reason.value.clone());
    }
    let builds: Vec<&str> = if k.builds.is_empty() {
        vec![dir]
    } else {
        k.builds.iter().map(|b| display_dir(b)).collect()
    };
    let shown: Vec<String> = builds
        .iter()
        .take(3)
        .map(|b| format!("`kustomize build {b} | meshmend analyze -`"))
        .collect();
    let more = if builds.len() > 3 {
        format!(" (and {} more builds)", builds.len() - 3)
    } else {
        String::new()
    };
    Some(
        diagnostic
            .note(
                "meshmend applies `namespace:`, patch files and `$patch: delete` statically; the \
                 files of this kustomization are analyzed as written otherwise",
            )
            .help(format!(
                "for an exact analysis run {}{more}",
                shown.join(", ")
            )),
    )
}
