//! MM001 `yaml-syntax`: a document that cannot be parsed (or breaks a limit).

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::ErrorKind;

/// User documentation: What / Why / Example.
static DOCS: &str = "## What it does\n\
 Reports a document of the YAML stream that does not parse, with the line and \
 column where the parser gave up. Other documents are still analyzed.\n\n\
 ## Why is this bad?\n\
 `kubectl apply` and Helm refuse the whole file; a half-applied bundle is worse \
 than none. Documents whose aliases would expand to more than a million nodes \
 (\"billion laughs\") or that nest deeper than 128 levels are refused the same way.\n\n\
 ## Example\n\
 ```yaml\n\
 spec:\n  hosts: [a.example.com\n\
 ```\n\
 The flow sequence is never closed.\n";

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct YamlSyntax;

impl Rule for YamlSyntax {
    fn code(&self) -> &'static str {
        "MM001"
    }

    fn name(&self) -> &'static str {
        "yaml-syntax"
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn summary(&self) -> &'static str {
        "A YAML document cannot be parsed, or exceeds a safety limit."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
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
                Diagnostic::new(self, file, error.span, format!("{what}: {}", error.message))
                    .note(note),
            );
        }
    }
}
