//! `meshmend`: the CI front-end over `meshmend_core`.
//!
//! Exit codes: 0 clean, 1 findings at or above the threshold, 2 usage or I/O error.

mod analyze;
mod explain_log;
mod fix;
mod input;
mod output;
mod policy;
mod redact;
mod status;
mod write;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Find and fix Istio ingress Gateway conflicts, from files alone.
#[derive(Parser)]
#[command(name = "meshmend", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report conflicts the way istiod will resolve them at runtime.
    Analyze(analyze::Args),
    /// Fix conflicts with minimal, verified edits (prints a diff by default).
    Fix(fix::Args),
    /// Print the input with every secret replaced by a placeholder.
    Redact(redact::Args),
    /// List every rule.
    Rules(analyze::RulesArgs),
    /// Print an admission policy (Gatekeeper or ValidatingAdmissionPolicy) enforcing the conflict rules.
    Policy(policy::Args),
    /// Print a rule's documentation.
    Explain {
        /// Rule name (`protocol-conflict`) or code (`MM101`).
        rule: String,
    },
    /// Explain istiod/Envoy/kubectl log lines and find their cause in manifests.
    ExplainLog(explain_log::Args),
    /// Print the status Istio will write on each Gateway API object (Gateway, ListenerSet, routes).
    Status(status::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Rules(args) => analyze::rules(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Redact(args) => redact::run(&args),
        Command::Policy(args) => policy::run(&args),
        Command::Explain { rule } => analyze::explain(&rule),
        Command::ExplainLog(args) => explain_log::run(&args),
        Command::Status(args) => status::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            #[expect(clippy::print_stderr, reason = "the CLI reports errors on stderr")]
            {
                eprintln!("meshmend: error: {error:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
