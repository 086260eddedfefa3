//! `meshmend redact`: print the input with every secret replaced by a
//! placeholder. The placeholder map stays in this process and is dropped.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use meshmend_core::{LineIndex, redact};

use crate::input::read_inputs;

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
            let indexes: Vec<LineIndex> = files.iter().map(|f| LineIndex::new(&f.text)).collect();
            let findings = redaction
                .findings
                .iter()
                .map(|f| {
                    let file = &files[f.file];
                    let at = indexes[f.file].line_col(&file.text, f.span.start);
                    Finding {
                        rule: f.rule,
                        family: f.family,
                        file: &file.name,
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

/// One input prints as itself; several are concatenated, each after a YAML
/// comment naming it, and each starting a new document: without a `---`
/// between them, the last document of one file and the first of the next
/// would read as one document (keys of two files merged).
fn concatenate(files: &[meshmend_core::SourceFile], texts: &[String]) -> String {
    if texts.len() == 1 {
        return texts[0].clone();
    }
    let mut out = String::new();
    for (file, text) in files.iter().zip(texts) {
        if !out.is_empty() {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            if !starts_with_document_marker(text) {
                out.push_str("---\n");
            }
        }
        out.push_str(&format!("# ==> {} <==\n", file.name));
        out.push_str(text);
    }
    out
}

/// Whether the first line that is not blank or a comment is `---`.
fn starts_with_document_marker(text: &str) -> bool {
    text.lines()
        .map(str::trim_end)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l == "---" || l.starts_with("--- "))
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
        assert!(out.contains("# ==> b.yaml <==\nkind: Secret"), "{out}");
    }
}
