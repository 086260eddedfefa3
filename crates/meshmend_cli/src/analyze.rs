//! `meshmend analyze`, `rules` and `explain`.
//!
//! Exit codes (see `main.rs`): 0 when nothing is at or above the failure
//! threshold, 1 when something is, 2 for usage and I/O errors. A closed
//! stdout (`meshmend analyze … | head`) is not an error: output stops, the
//! exit code still reflects the findings.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use meshmend_core::analyze::istio_version;
use meshmend_core::{AnalyzeOptions, Limits, Severity};

use crate::input::{load_bundle, read_inputs};
use crate::output::{self, Findings};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Compiler-style diagnostics with source lines and carets.
    Text,
    /// Stable JSON (version 1).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// GitLab Code Quality report JSON.
    Gitlab,
    /// JUnit XML (Jenkins, Azure DevOps, CircleCI).
    Junit,
    /// A Markdown incident report for a ticket, secrets redacted.
    Markdown,
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

impl Threshold {
    fn severity(self) -> Option<Severity> {
        match self {
            Threshold::Error => Some(Severity::Error),
            Threshold::Warning => Some(Severity::Warning),
            Threshold::Info => Some(Severity::Info),
            Threshold::None => None,
        }
    }
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Files or directories (walked for *.yaml, *.yml, Kubernetes *.json); `-` reads stdin (the default).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value = "error")]
    failure_threshold: Threshold,
    /// Report what `istioctl analyze` would (IST codes and its semantics), for parity checks.
    #[arg(long)]
    istio_compat: bool,
    /// Namespace for resources that do not set one.
    #[arg(long, default_value = "default")]
    namespace: String,
    /// The cluster's `--service-node-port-range`, inclusive.
    #[arg(long, value_name = "MIN-MAX", default_value = "30000-32767", value_parser = parse_port_range)]
    nodeport_range: (i64, i64),
    /// The Istio release whose istiod to simulate: 1.MINOR or 1.MINOR.PATCH
    /// (1.22 or newer; a minor alone means its newest patch).
    #[arg(long, value_name = "X.Y[.Z]", default_value_t = meshmend_core::IstioVersion::default())]
    istio_version: meshmend_core::IstioVersion,
}

/// Parses `30000-32767`.
pub(crate) fn parse_port_range(text: &str) -> Result<(i64, i64), String> {
    let invalid = || format!("`{text}` is not a port range like 30000-32767");
    let (low, high) = text.split_once('-').ok_or_else(invalid)?;
    let low: u16 = low.trim().parse().map_err(|_| invalid())?;
    let high: u16 = high.trim().parse().map_err(|_| invalid())?;
    if low == 0 || low > high {
        return Err(format!(
            "`{text}`: the range must be MIN-MAX with 1 <= MIN <= MAX <= 65535"
        ));
    }
    Ok((i64::from(low), i64::from(high)))
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    let files = read_inputs(&args.paths, limits.max_input_bytes)?;
    let bundle = load_bundle(files, &args.namespace, limits)?;
    let options = AnalyzeOptions {
        nodeport_range: args.nodeport_range,
        istio_compat: args.istio_compat,
        istio_version: args.istio_version,
    };
    let diagnostics = meshmend_core::analyze(&bundle, &options);
    let findings = Findings::new(&bundle, &diagnostics);

    let mut stdout = BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        Format::Text => {
            output::text::write(&mut stdout, &findings, output::text::stdout_wants_colour())
        }
        Format::Json => output::json::write(&mut stdout, &findings),
        Format::Sarif => output::sarif::write(&mut stdout, &findings),
        Format::Github => output::github::write(&mut stdout, &findings),
        Format::Gitlab => output::gitlab::write(&mut stdout, &findings),
        Format::Junit => {
            output::junit::write(&mut stdout, &findings, args.failure_threshold.severity())
        }
        Format::Markdown => {
            output::markdown::write(&mut stdout, &bundle, &diagnostics, &options, None)
        }
    }
    .and_then(|()| stdout.flush());
    ignore_broken_pipe(written)?;

    let failed = args
        .failure_threshold
        .severity()
        .is_some_and(|t| diagnostics.iter().any(|d| d.severity >= t));
    // The process ends right after this: freeing millions of small tree
    // allocations would add ~15% to a large run for nothing (ripgrep does
    // the same with its searchers).
    std::mem::forget(bundle);
    Ok(ExitCode::from(u8::from(failed)))
}

/// A reader that went away (`| head`) is not our failure.
fn ignore_broken_pipe(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Output format of `meshmend rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RulesFormat {
    /// An aligned table.
    Text,
    /// `{"version":1,"rules":[{"code","name","severity","istio_code","summary","fix_available"}]}`.
    Json,
}

#[derive(clap::Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: RulesFormat,
}

pub(crate) fn rules(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    let rules = meshmend_core::all_rules();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        RulesFormat::Text => {
            let header = ["CODE", "NAME", "SEVERITY", "ISTIO", "SUMMARY"];
            let rows: Vec<[&str; 5]> = rules
                .iter()
                .map(|r| {
                    [
                        r.meta.code,
                        r.meta.name,
                        r.meta.severity.as_str(),
                        r.meta.istio_code.unwrap_or("-"),
                        r.meta.summary,
                    ]
                })
                .collect();
            let mut widths = header.map(str::len);
            for row in &rows {
                for (width, cell) in widths.iter_mut().zip(row) {
                    *width = (*width).max(cell.len());
                }
            }
            std::iter::once(header)
                .chain(rows)
                .try_for_each(|row| {
                    for (i, cell) in row.iter().enumerate().take(4) {
                        write!(out, "{cell:<width$}  ", width = widths[i])?;
                    }
                    writeln!(out, "{}", row[4])
                })
                .and_then(|()| {
                    let dependent: Vec<&str> = istio_version::RULE_VERSIONS
                        .iter()
                        .map(|(code, _)| *code)
                        .collect();
                    writeln!(
                        out,
                        "\nIstio releases modelled: 1.{} to {} (default; pick with \
                         --istio-version). Release-dependent: {} (`meshmend explain CODE`).",
                        istio_version::OLDEST_MINOR,
                        istio_version::NEWEST,
                        dependent.join(", ")
                    )
                })
        }
        RulesFormat::Json => {
            let json = serde_json::json!({
                "version": 1,
                "rules": rules.iter().map(|r| serde_json::json!({
                    "code": r.meta.code,
                    "name": r.meta.name,
                    "severity": r.meta.severity,
                    "istio_code": r.meta.istio_code,
                    "summary": r.meta.summary,
                    "fix_available": r.meta.fixable,
                    "istio_versions": istio_version::rule_versions(r.meta.code),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &json)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
    }
    .and_then(|()| out.flush());
    ignore_broken_pipe(written)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn explain(key: &str) -> anyhow::Result<ExitCode> {
    let Some(rule) = meshmend_core::find_rule(key) else {
        // An istioctl analyze code (`--istio-compat` prints them): name the
        // meshmend rules that report the same problem.
        let covering: Vec<String> = meshmend_core::all_rules()
            .iter()
            .filter(|r| {
                r.meta
                    .istio_code
                    .is_some_and(|c| c.eq_ignore_ascii_case(key))
            })
            .map(|r| format!("{} {}", r.meta.code, r.meta.name))
            .collect();
        if !covering.is_empty() {
            bail!(
                "`{key}` is an istioctl analyze code; the meshmend rules that report it: {} (`meshmend explain {}`)",
                covering.join(", "),
                covering[0].split(' ').next().unwrap_or_default()
            );
        }
        let needle = key.to_ascii_lowercase();
        let similar: Vec<String> = meshmend_core::all_rules()
            .iter()
            .filter(|r| {
                r.meta.name.contains(&needle)
                    || needle
                        .split('-')
                        .any(|w| w.len() > 3 && r.meta.name.contains(w))
            })
            .map(|r| format!("{} {}", r.meta.code, r.meta.name))
            .collect();
        if similar.is_empty() {
            bail!("no rule named or coded `{key}`; `meshmend rules` lists them");
        }
        bail!(
            "no rule named or coded `{key}`; did you mean: {}?",
            similar.join(", ")
        );
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = (|| {
        writeln!(out, "# {} `{}`\n", rule.meta.code, rule.meta.name)?;
        writeln!(out, "{}\n", rule.meta.summary)?;
        writeln!(
            out,
            "Severity: {} · istioctl equivalent: {} · automatic fix: {}\n",
            rule.meta.severity,
            rule.meta.istio_code.unwrap_or("none"),
            if rule.meta.fixable {
                "yes (`meshmend fix`)"
            } else {
                "no"
            }
        )?;
        writeln!(
            out,
            "Istio releases: {}.\n",
            istio_version::rule_versions(rule.meta.code)
        )?;
        writeln!(out, "{}", rule.meta.docs.trim_end())?;
        out.flush()
    })();
    ignore_broken_pipe(written)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_parses_and_validates() {
        assert_eq!(parse_port_range("30000-32767"), Ok((30000, 32767)));
        assert_eq!(parse_port_range("80-80"), Ok((80, 80)));
        assert!(parse_port_range("32767-30000").is_err());
        assert!(parse_port_range("0-10").is_err());
        assert!(parse_port_range("30000").is_err());
        assert!(parse_port_range("1-70000").is_err());
    }
}
