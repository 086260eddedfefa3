//! MM008 `kustomize-unlisted-file`: objects in a kustomization's directory
//! that no kustomization lists are part of no build; they are left out.

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::kustomize::display_dir;

/// User documentation: What / Why / Example.
static DOCS: &str = r"## What it does
A directory with a `kustomization.yaml` is built with `kustomize build`
(or `kubectl apply -k`): only the files its kustomization lists (or
another kustomization of the input lists by path) reach the cluster.
meshmend leaves the other files of that directory out of the analysis, and
this rule says which, once per kustomization.

## Why is this bad?
Often nothing is: such files are patches kept for later, commented-out
entries or leftovers. But a file that was meant to be deployed and is
missing from `resources:` is silently never applied. Files in
subdirectories without a kustomization of their own are analyzed as
written.

## Example
```yaml
# app/kustomization.yaml
resources: [deployment.yaml]      # app/gateway.yaml is not listed
```
";

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct KustomizeUnlistedFile;

impl Rule for KustomizeUnlistedFile {
    fn code(&self) -> &'static str {
        "MM008"
    }

    fn name(&self) -> &'static str {
        "kustomize-unlisted-file"
    }

    fn severity(&self) -> Severity {
        Severity::Info
    }

    fn summary(&self) -> &'static str {
        "A file next to a kustomization is not listed by it: no build deploys it, and it is not analyzed."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for k in &cx.bundle.layout.kustomizations {
            if k.unlisted.is_empty() {
                continue;
            }
            let names: Vec<&str> = k
                .unlisted
                .iter()
                .map(|&(file, _)| {
                    let name = cx.bundle.files[file].name.as_str();
                    name.rsplit('/').next().unwrap_or(name)
                })
                .collect();

            let mut diagnostic = Diagnostic::new(
                self,
                k.file,
                k.resources_span.unwrap_or(k.span),
                format!(
                    "kustomization `{}` does not list {}; no build deploys {}, so {} not analyzed",
                    display_dir(&k.dir),
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if names.len() == 1 { "it" } else { "them" },
                    if names.len() == 1 {
                        "it is"
                    } else {
                        "they are"
                    },
                ),
            );
            for &(file, span) in &k.unlisted {
                diagnostic = diagnostic.related(file, span, "not listed by the kustomization");
            }
            out.push(diagnostic.help(
                "add the file to `resources:` (or `patches:`) if it should be deployed; otherwise \
                 nothing to do",
            ));
        }
    }
}
