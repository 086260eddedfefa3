//! MM007 `kustomize-build-needed`: a kustomization's output cannot be known
//! from the files alone.

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::model::kustomize::{Kustomization, display_dir};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for kustomization in &cx.bundle.layout.kustomizations {
        if let Some(diagnostic) = report(kustomization) {
            out.push(diagnostic);
        }
    }
}

fn report(k: &Kustomization) -> Option<Diagnostic> {
    let (first, rest) = k.unknown.split_first()?;
    let dir = display_dir(&k.dir);
    let mut diagnostic = Diagnostic::new(
        &RULE.meta,
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

rule! {
    code: "MM007",
    name: "kustomize-build-needed",
    severity: Info,
    category: Input,
    summary: "A kustomization does something meshmend cannot model statically; analyze `kustomize build` output.",
    docs: "mm007_kustomize_build_needed.md",
}
