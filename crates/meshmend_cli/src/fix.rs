//! `meshmend fix`: plan, verify and print (or write) the smallest correct change.
//!
//! Output goes to stdout in the chosen format; the human summary (what
//! changed, what was withdrawn and why, what remains) goes to stderr.
//! Exit codes: 0 the output is conflict-free, 1 conflicts remain that have
//! no verified fix, 2 usage or I/O error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use meshmend_core::refactor::{
    Change, FileStatus, FixOptions, FixOutcome, NodePortMode, Strategy, fix as plan_fix,
};
use meshmend_core::report::{FixView, Locator, Shape, VerificationReport};
use meshmend_core::{AnalyzeOptions, Limits};

use crate::input::{load_bundle, read_inputs};
use crate::output;

/// How a nodePort that must change is changed.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum NodePortArg {
    /// Let Kubernetes allocate: remove the pinned `nodePort`.
    Auto,
    /// Pin a free port from the static band (30000–30085 by default).
    Pick,
}

/// Findings fixed besides errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum IncludeArg {
    /// Also fix warnings (`merged-http-host`, `duplicate-certificate`, …).
    Warnings,
}

/// What to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Unified diff, git style (`git apply`, `patch -p1`).
    Diff,
    /// The patched content of the single input.
    Manifest,
    /// Stable JSON (version 1).
    Json,
    /// A Markdown incident report (findings, the fix as a redacted diff, its verification).
    Markdown,
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Files or directories (walked for *.yaml, *.yml, Kubernetes *.json); `-` reads stdin.
    paths: Vec<PathBuf>,
    /// How to resolve Gateway conflicts (nodePort problems are always renumbered).
    #[arg(long, default_value = "consolidate", value_parser = strategy_parser())]
    strategy: Strategy,
    /// Pick free nodePorts, or remove pinned ones and let Kubernetes allocate.
    #[arg(long, value_enum, default_value = "pick")]
    nodeport: NodePortArg,
    /// Fix warnings too (by default only errors are fixed).
    #[arg(long, value_enum, value_name = "warnings")]
    include: Option<IncludeArg>,
    /// Add the ReferenceGrant each refused cross-namespace reference needs
    /// (reference-not-permitted, MM504). Off by default: it widens access.
    #[arg(long)]
    grant_references: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "diff")]
    format: Format,
    /// Write the changes to the files (all or nothing: any error rolls every file back).
    #[arg(long)]
    write: bool,
    /// Namespace for resources that do not set one.
    #[arg(long, default_value = "default")]
    namespace: String,
    /// The cluster's `--service-node-port-range`, inclusive.
    #[arg(long, value_name = "MIN-MAX", default_value = "30000-32767", value_parser = crate::analyze::parse_port_range)]
    nodeport_range: (i64, i64),
    /// The Istio release whose istiod to simulate: 1.MINOR or 1.MINOR.PATCH
    /// (1.22 or newer; a minor alone means its newest patch).
    #[arg(long, value_name = "X.Y[.Z]", default_value_t = meshmend_core::IstioVersion::default())]
    istio_version: meshmend_core::IstioVersion,
}

/// `--strategy`: the values and their help from [`Strategy::ALL`].
fn strategy_parser() -> impl clap::builder::TypedValueParser<Value = Strategy> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(
        Strategy::ALL.map(|s| PossibleValue::new(s.id()).help(s.about().summary)),
    )
    .try_map(|name| name.parse::<Strategy>())
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    let files = read_inputs(&args.paths, limits.max_input_bytes)?;
    if args.format == Format::Manifest && files.len() != 1 {
        bail!(
            "--format manifest prints one patched input, but {} files were given; use --format diff, json or --write",
            files.len()
        );
    }
    if args.write && files.iter().any(|f| f.name == "-") {
        bail!("--write cannot write to stdin; pass file paths, or use --format diff or manifest");
    }
    let bundle = load_bundle(files, &args.namespace, limits)?;
    let options = FixOptions {
        strategy: args.strategy,
        nodeport: match args.nodeport {
            NodePortArg::Auto => NodePortMode::Auto,
            NodePortArg::Pick => NodePortMode::Pick,
        },
        analyze: AnalyzeOptions {
            nodeport_range: args.nodeport_range,
            istio_version: args.istio_version,
            ..AnalyzeOptions::default()
        },
        include_warnings: args.include == Some(IncludeArg::Warnings),
        grant_references: args.grant_references,
    };
    let outcome = plan_fix(&bundle, &options);
    if args.format == Format::Manifest
        && let Some(added) = outcome.files.iter().find(|f| f.status == FileStatus::Added)
    {
        bail!(
            "the fix also creates {}, which --format manifest cannot show; use --format json or --write",
            added.path
        );
    }
    if args.write {
        crate::write::write_outcome(&outcome)?;
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Diff => stdout.write_all(outcome.diff.as_bytes())?,
        Format::Manifest => {
            let patched = outcome.files[0].patched.as_deref().unwrap_or_default();
            stdout.write_all(patched.as_bytes())?;
        }
        Format::Json => writeln!(stdout, "{}", to_json(&outcome)?)?,
        Format::Markdown => {
            let found = meshmend_core::analyze(&bundle, &options.analyze);
            let fixed = Some((&options, &outcome));
            crate::output::markdown::write(&mut stdout, &bundle, &found, &options.analyze, fixed)?;
        }
    }
    stdout.flush()?;
    if !matches!(args.format, Format::Json | Format::Markdown) {
        summary(&outcome, args.write);
    }
    Ok(ExitCode::from(u8::from(!outcome.conflict_free())))
}

/// `fix --format json` version 1: the core's report types, printed compact
/// with sorted keys (through `serde_json::Value`, as version 1 always was).
#[derive(serde::Serialize)]
struct Report<'a> {
    version: u32,
    #[serde(flatten)]
    view: FixView,
    changes: &'a [Change],
    verification: VerificationReport,
}

/// The JSON (version 1) form of an outcome.
fn to_json(outcome: &FixOutcome) -> serde_json::Result<serde_json::Value> {
    serde_json::to_value(Report {
        version: 1,
        view: FixView::of(outcome),
        changes: &outcome.changes,
        verification: VerificationReport::new(outcome, output::COLUMNS, Shape::JsonV1),
    })
}

#[expect(clippy::print_stderr, reason = "the human summary goes to stderr")]
fn summary(outcome: &FixOutcome, wrote: bool) {
    for change in &outcome.changes {
        eprintln!("fix: [{}] {}", change.rule, change.title);
        for line in change.detail.lines() {
            eprintln!("       {line}");
        }
    }
    for rejected in &outcome.verification.rejected {
        eprintln!("not fixed: {}: {}", rejected.title, rejected.reason);
    }
    let locator = Locator::of_patched(outcome, output::COLUMNS);
    for d in &outcome.verification.remaining {
        let at = locator.point(d.file, d.span.start);
        eprintln!(
            "remains: {}:{}:{}: {} [{}] {}: {}",
            locator.name(d.file),
            at.line,
            at.column,
            d.severity,
            d.code,
            d.name,
            d.message
        );
    }
    let verdict = if !outcome.has_edits() && outcome.verification.ok {
        "nothing to change".to_string()
    } else if outcome.verification.ok {
        "every change verified".to_string()
    } else {
        format!(
            "every change made is verified; {} conflict fix(es) not made (see `not fixed:`)",
            outcome.verification.rejected.len()
        )
    };
    let written = if wrote && outcome.has_edits() {
        ", written"
    } else {
        ""
    };
    let remaining = &outcome.verification.remaining;
    let errors = remaining
        .iter()
        .filter(|d| d.severity == meshmend_core::Severity::Error)
        .count();
    let left = if outcome.conflict_free() && remaining.is_empty() {
        "no conflict remains".to_string()
    } else if outcome.conflict_free() {
        format!(
            "no conflict the fix targets remains; {} warning(s) left as they are (fix them with --include warnings)",
            remaining.len() - errors
        )
    } else {
        format!(
            "conflicts remain: {errors} error(s), {} warning(s)",
            remaining.len() - errors
        )
    };
    eprintln!(
        "meshmend fix: {} change(s), {verdict}{written}; {left}",
        outcome.changes.len()
    );
}
