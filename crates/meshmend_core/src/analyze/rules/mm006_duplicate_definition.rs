//! MM006 `duplicate-definition`: one object (group, kind, namespace, name)
//! is defined more than once; only the last definition is analyzed.

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::model::identity::Duplicate;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for duplicate in &cx.bundle.layout.duplicates {
        // A copy of a kind the model does not read changes no finding:
        // deduplicated silently.
        if crate::model::READ_KINDS.contains(&duplicate.identity.kind.as_str()) {
            out.push(report(duplicate));
        }
    }
}

fn report(duplicate: &Duplicate) -> Diagnostic {
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
        &RULE.meta,
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

rule! {
    code: "MM006",
    name: "duplicate-definition",
    severity: Info,
    category: Input,
    summary: "An object is defined more than once; only the last definition is analyzed.",
    docs: "mm006_duplicate_definition.md",
}
