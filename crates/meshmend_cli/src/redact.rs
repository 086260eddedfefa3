//! `meshmend redact`: print the input with every secret replaced by a
//! placeholder. The placeholder map stays in this process and is dropped.
//! Several files print as one YAML stream that keeps them apart (see
//! [`concatenate`]); `--format json` also has each file's text alone.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use meshmend_core::redact;
use meshmend_core::report::Locator;

use crate::input::read_inputs;
use crate::output;

/// Output format.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum Format {
    /// The redacted input.
    Text,
    /// `{"redacted": "...", "findings": [...]}`.
    Json,
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Files or directories (walked for *.yaml, *.yml, Kubernetes *.json); `-` reads stdin.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(serde::Serialize)]
struct Finding<'a> {
    rule: &'a str,
    family: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    placeholder: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct FileOutput<'a> {
    file: &'a str,
    redacted: &'a str,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    /// Same text as `--format text` prints.
    redacted: &'a str,
    findings: Vec<Finding<'a>>,
    files: Vec<FileOutput<'a>>,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let files = read_inputs(
        &args.paths,
        meshmend_core::Limits::default().max_input_bytes,
    )?;
    let redaction = redact(&files);
    let texts = redaction.apply(&files);
    let combined = concatenate(&files, &texts);
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Text => stdout.write_all(combined.as_bytes())?,
        Format::Json => {
            let locator = Locator::new(
                files.iter().map(|f| (f.name.as_str(), f.text.as_str())),
                output::COLUMNS,
            );
            let findings = redaction
                .findings
                .iter()
                .map(|f| {
                    let at = locator.point(f.file, f.span.start);
                    Finding {
                        rule: f.rule,
                        family: f.family,
                        file: locator.name(f.file),
                        line: at.line,
                        column: at.column,
                        placeholder: &f.placeholder,
                        note: f.note,
                    }
                })
                .collect();
            let report = Report {
                redacted: &combined,
                findings,
                files: files
                    .iter()
                    .zip(&texts)
                    .map(|(f, t)| FileOutput {
                        file: &f.name,
                        redacted: t,
                    })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One input prints as itself. Several print as one YAML stream that
/// `kubectl apply -f -` and other tools read document by document, each file
/// introduced by a comment naming it (`# ==> name <==`, as `head` does):
///
/// - a file that does not start a document itself gets a `---` before its
///   comment, so the last document of one file and the first of the next
///   never merge into one (keys of two files in one mapping);
/// - a file that starts with its own `---` or a `%` directive gets `...`
///   (document end) instead: the previous document ends there (a directive
///   is only valid after one), and no empty document is added;
/// - a byte order mark is an encoding signature, valid only at the start of
///   the stream: the first file's is kept there, the others' are left out
///   (inside a stream a BOM would be content).
fn concatenate(files: &[meshmend_core::SourceFile], texts: &[String]) -> String {
    if texts.len() == 1 {
        return texts[0].clone();
    }
    let mut out = String::new();
    for (index, (file, text)) in files.iter().zip(texts).enumerate() {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) if index == 0 => {
                out.push('\u{feff}');
                rest
            }
            Some(rest) => rest,
            None => text,
        };
        if index > 0 {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(if starts_document(text) {
                "...\n"
            } else {
                "---\n"
            });
        }
        out.push_str(&format!("# ==> {} <==\n", file.name));
        out.push_str(text);
    }
    out
}

/// Whether the first line that is not blank or a comment is a `---`
/// document marker or a `%` directive.
fn starts_document(text: &str) -> bool {
    text.lines()
        .map(str::trim_end)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| {
            l.starts_with('%')
                || l.strip_prefix("---")
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshmend_core::{Limits, SourceFile, parse};

    #[test]
    fn several_files_stay_separate_documents() {
        let files = [
            SourceFile::new("a.yaml", "kind: ConfigMap\nmetadata:\n  name: a\n"),
            SourceFile::new("b.yaml", "kind: Secret\nmetadata:\n  name: b"),
            SourceFile::new("c.yaml", "# c\n---\nkind: Service\n"),
        ];
        let texts: Vec<String> = files.iter().map(|f| f.text.clone()).collect();
        let out = concatenate(&files, &texts);
        let stream = parse(&out, &Limits::default()).unwrap();
        assert_eq!(stream.documents.len(), 3, "{out}");
        assert!(out.contains("---\n# ==> b.yaml <==\nkind: Secret"), "{out}");
        assert!(
            out.contains("name: b\n...\n# ==> c.yaml <==\n# c\n---\n"),
            "{out}"
        );
    }

    #[test]
    fn document_starts_are_markers_and_directives_only() {
        assert!(starts_document("# x\n\n--- \na: 1\n"));
        assert!(starts_document("---\r\na: 1\r\n"));
        assert!(starts_document("%YAML 1.2\n---\n"));
        assert!(!starts_document("----\n"));
        assert!(!starts_document("a: 1\n---\n"));
        assert!(!starts_document(""));
    }
}
