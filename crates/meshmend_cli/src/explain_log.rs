//! `meshmend explain-log [FILE|-] [MANIFESTS…]`: what a log line means,
//! which rule covers it, and, given the manifests, the findings (resources
//! and lines) that caused it with their fix. The table and the matching are
//! in `meshmend_core::explain_log`; this file reads input and prints.
//!
//! Exit codes: 0 (explaining is not a check), 2 for usage and I/O errors.
//! `--format json` prints one object (version 1) for tools: every line with
//! its pattern, the names it carries and the findings linked to it.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use meshmend_core::explain_log::{Clues, ExplainedLine, Line, explain, link};
use meshmend_core::report::{Locator, Shape};
use meshmend_core::{AnalyzeOptions, Diagnostic, Limits};
use serde::Serialize;

use crate::input::{load_bundle, read_inputs};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The log: istiod, Envoy or kubectl output, `istioctl analyze` lines; `-` reads stdin (the default).
    log: Option<PathBuf>,
    /// Manifests (files or directories) to find the resources responsible in.
    manifests: Vec<PathBuf>,
    /// Namespace for resources that do not set one.
    #[arg(long, default_value = "default")]
    namespace: String,
    /// The Istio release whose istiod to simulate (as in `analyze`).
    #[arg(long, value_name = "X.Y[.Z]", default_value_t = meshmend_core::IstioVersion::default())]
    istio_version: meshmend_core::IstioVersion,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Output format of `meshmend explain-log`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One paragraph per line, for people.
    Text,
    /// One JSON object (version 1), for tools.
    Json,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    let log_path = args.log.clone().unwrap_or_else(|| PathBuf::from("-"));
    let log = read_inputs(&[log_path], limits.max_input_bytes)?;
    let text: String = log.iter().map(|f| f.text.as_str()).collect();
    let lines = explain(&text);

    let bundle = if args.manifests.is_empty() {
        None
    } else {
        let files = read_inputs(&args.manifests, limits.max_input_bytes)?;
        Some(load_bundle(files, &args.namespace, limits)?)
    };
    let options = AnalyzeOptions {
        istio_version: args.istio_version,
        ..AnalyzeOptions::default()
    };
    let diagnostics = bundle
        .as_ref()
        .map(|b| meshmend_core::analyze(b, &options))
        .unwrap_or_default();
    let locator = bundle.as_ref().map(crate::output::locator);

    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.format == Format::Json {
        write_json(&mut out, &lines, &diagnostics, locator.as_ref())?;
        return flushed(out);
    }
    let (mut known, mut linked) = (0, 0);
    for line in &lines {
        let Some(pattern) = line.pattern else {
            writeln!(
                out,
                "line {}: not recognised\n  > {}\n",
                line.number, line.text
            )?;
            continue;
        };
        known += 1;
        writeln!(
            out,
            "line {}: {} ({})",
            line.number, pattern.id, pattern.source
        )?;
        writeln!(out, "  > {}", line.text)?;
        writeln!(out, "  meaning: {}", pattern.meaning)?;
        if pattern.rules.is_empty() {
            writeln!(out, "  rule: none; no manifest check finds this cause")?;
        }
        for code in pattern.rules {
            if let Some(rule) = meshmend_core::find_rule(code) {
                writeln!(
                    out,
                    "  rule: {code} {} (`meshmend explain {code}`)",
                    rule.meta.name
                )?;
            }
        }
        if let Some(names) = describe(&line.clues) {
            writeln!(out, "  names: {names}")?;
        }
        match &locator {
            None if !pattern.rules.is_empty() => writeln!(
                out,
                "  cause: give the manifests after the log to find the resources responsible"
            )?,
            None => {}
            Some(locator) => {
                let found = link(line, &diagnostics);
                if found.is_empty() && !pattern.rules.is_empty() {
                    writeln!(
                        out,
                        "  cause: no finding of {} in the manifests matches this line",
                        pattern.rules.join(", ")
                    )?;
                }
                if !found.is_empty() {
                    linked += 1;
                }
                for d in found.iter().map(|&i| &diagnostics[i]) {
                    let range = locator.range(d.file, d.span);
                    writeln!(
                        out,
                        "  cause: {}:{}:{}: {}[{}] {}",
                        locator.name(d.file),
                        range.line,
                        range.column,
                        d.severity,
                        d.code,
                        d.message
                    )?;
                    for r in &d.related {
                        let range = locator.range(r.file, r.span);
                        let name = locator.name(r.file);
                        writeln!(
                            out,
                            "    {name}:{}:{}: {}",
                            range.line, range.column, r.message
                        )?;
                    }
                    if let Some(help) = &d.help {
                        writeln!(out, "    help: {help}")?;
                    }
                    if d.fix_available {
                        writeln!(out, "    fix: `meshmend fix {}`", locator.name(d.file))?;
                    }
                }
            }
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{} line(s): {known} recognised, {} not recognised{}",
        lines.len(),
        lines.len() - known,
        if locator.is_some() {
            format!(", {linked} linked to findings in the manifests")
        } else {
            String::new()
        }
    )?;
    flushed(out)
}

fn flushed(mut out: impl Write) -> anyhow::Result<ExitCode> {
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// `--format json`: `{"version": 1, "lines": […], "summary": {…}}`.
#[derive(Serialize)]
struct JsonReport {
    version: u32,
    lines: Vec<JsonLine>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonLine {
    #[serde(flatten)]
    line: ExplainedLine,
    /// What the line names (empty when not recognised).
    names: JsonNames,
}

#[derive(Serialize)]
struct JsonNames {
    gateway: Option<String>,
    resource: Option<JsonResource>,
    port: Option<u32>,
    hosts: Vec<String>,
}

#[derive(Serialize)]
struct JsonResource {
    kind: String,
    name: String,
}

#[derive(Serialize)]
struct JsonSummary {
    lines: usize,
    recognised: usize,
    not_recognised: usize,
    /// Lines with at least one linked finding; `null` without manifests.
    linked: Option<usize>,
}

fn write_json(
    out: &mut impl Write,
    lines: &[Line<'_>],
    diagnostics: &[Diagnostic],
    locator: Option<&Locator<'_>>,
) -> anyhow::Result<()> {
    let has_manifests = locator.is_some();
    let empty = Locator::new(std::iter::empty(), crate::output::COLUMNS);
    let locator = locator.unwrap_or(&empty);
    let lines: Vec<JsonLine> = lines
        .iter()
        .map(|line| JsonLine {
            line: ExplainedLine::new(line, diagnostics, locator, Shape::JsonV1),
            names: JsonNames {
                gateway: line.clues.gateway.clone(),
                resource: line
                    .clues
                    .resource
                    .clone()
                    .map(|(kind, name)| JsonResource { kind, name }),
                port: line.clues.port,
                hosts: line.clues.hosts.clone(),
            },
        })
        .collect();
    let recognised = lines.iter().filter(|l| l.line.pattern.is_some()).count();
    let linked = lines.iter().filter(|l| !l.line.findings.is_empty()).count();
    let report = JsonReport {
        version: 1,
        summary: JsonSummary {
            lines: lines.len(),
            recognised,
            not_recognised: lines.len() - recognised,
            linked: has_manifests.then_some(linked),
        },
        lines,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)?;
    Ok(())
}

fn describe(clues: &Clues) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(gateway) = &clues.gateway {
        parts.push(format!("Gateway {gateway}"));
    }
    if let Some((kind, name)) = &clues.resource {
        parts.push(format!("{kind} {name}"));
    }
    if let Some(port) = clues.port {
        parts.push(format!("port {port}"));
    }
    if !clues.hosts.is_empty() {
        parts.push(format!("hosts {}", clues.hosts.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
