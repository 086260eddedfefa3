//! MM008 `kustomize-unlisted-file`: objects in a kustomization's directory
//! that no kustomization lists are part of no build; they are left out.

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::model::kustomize::display_dir;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
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
            &RULE.meta,
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

rule! {
    code: "MM008",
    name: "kustomize-unlisted-file",
    severity: Info,
    category: Input,
    summary: "A file next to a kustomization is not listed by it: no build deploys it, and it is not analyzed.",
    docs: "mm008_kustomize_unlisted_file.md",
}
