//! MM001 `yaml-syntax`: a document that cannot be parsed (or breaks a limit).

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::error::ErrorKind;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (file, error) in cx.bundle.document_errors() {
        if cx.bundle.templates[file] {
            continue; // one `unrendered-template` finding says it all
        }
        let what = match error.kind {
            ErrorKind::Syntax => "YAML syntax error",
            ErrorKind::AliasBudget { .. } | ErrorKind::TooDeep { .. } => {
                "document refused by a safety limit"
            }
            _ => "document refused",
        };
        let documents = cx.bundle.streams[file].document_count();
        let note = if documents == 1 {
            "this file was not analyzed".to_string()
        } else {
            format!(
                "document {} of {documents} in this file was skipped; the others were analyzed",
                error.document + 1
            )
        };
        out.push(
            Diagnostic::new(
                &RULE.meta,
                file,
                error.span,
                format!("{what}: {}", error.message),
            )
            .note(note),
        );
    }
}

rule! {
    code: "MM001",
    name: "yaml-syntax",
    severity: Error,
    category: Input,
    summary: "A YAML document cannot be parsed, or exceeds a safety limit.",
    docs: "mm001_yaml_syntax.md",
}
