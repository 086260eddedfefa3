//! `meshmend analyze`, `rules` and `explain`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use meshmend_core::{AnalyzeOptions, Bundle, Diagnostic, LineIndex, LoadOptions, Severity};

use crate::input::read_inputs;

/// Output format.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum Format {
    /// Compiler-style diagnostics.
    Text,
    /// Stable JSON (version 1).
    Json,
}

/// Exit non-zero at or above this severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Threshold {
    /// Errors only (default).
    Error,
    /// Warnings and errors.
    Warning,
    /// Everything.
    Info,
    /// Never fail on findings.
    None,
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Files or directories (walked for *.yaml, *.yml); `-` reads stdin.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value = "error")]
    failure_threshold: Threshold,
    /// Namespace for resources that do not set one.
    #[arg(long, default_value = "default")]
    namespace: String,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let files = read_inputs(&args.paths)?;
    let bundle = Bundle::load(
        files,
        LoadOptions {
            default_namespace: args.namespace.clone(),
            ..LoadOptions::default()
        },
    )?;
    let diagnostics = meshmend_core::analyze(&bundle, &AnalyzeOptions::default());
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Text => {
            for d in &diagnostics {
                let (file, pos) = position(&bundle, d);
                writeln!(
                    stdout,
                    "{file}:{}:{}: {} [{}] {}: {}",
                    pos.line, pos.column, d.severity, d.code, d.name, d.message
                )?;
            }
        }
        Format::Json => {
            let json = serde_json::json!({
                "version": 1,
                "diagnostics": diagnostics.iter().map(|d| {
                    let (file, pos) = position(&bundle, d);
                    serde_json::json!({"code": d.code, "name": d.name, "severity": d.severity, "message": d.message, "file": file, "line": pos.line, "column": pos.column})
                }).collect::<Vec<_>>(),
            });
            writeln!(stdout, "{json}")?;
        }
    }
    let threshold = match args.failure_threshold {
        Threshold::Error => Some(Severity::Error),
        Threshold::Warning => Some(Severity::Warning),
        Threshold::Info => Some(Severity::Info),
        Threshold::None => None,
    };
    let failed = threshold.is_some_and(|t| diagnostics.iter().any(|d| d.severity >= t));
    Ok(ExitCode::from(u8::from(failed)))
}

fn position<'a>(bundle: &'a Bundle, d: &Diagnostic) -> (&'a str, meshmend_core::LineCol) {
    let text = bundle.text(d.file);
    (
        &bundle.files[d.file].name,
        LineIndex::new(text).line_col(text, d.span.start),
    )
}

pub(crate) fn rules() -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    for rule in meshmend_core::all_rules() {
        writeln!(
            stdout,
            "{}  {:<36} {:<8} {:<8} {}",
            rule.code(),
            rule.name(),
            rule.severity(),
            rule.istio_code().unwrap_or("-"),
            rule.summary()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn explain(key: &str) -> anyhow::Result<ExitCode> {
    let Some(rule) = meshmend_core::find_rule(key) else {
        bail!("no rule named or coded `{key}`; `meshmend rules` lists them");
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "# {} `{}`\n\n{}\n",
        rule.code(),
        rule.name(),
        rule.summary()
    )?;
    writeln!(stdout, "{}", rule.docs())?;
    Ok(ExitCode::SUCCESS)
}
