//! What the CLI test binaries share: running the built `meshmend` (one
//! function, so that every binary that includes this module uses all of it).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The variables that change what `meshmend` prints or accepts; removed for
/// every run so the machine's environment cannot leak into a test, then set
/// again only where a test passes them in `env`.
const VARIABLES: [&str; 4] = [
    "CLICOLOR_FORCE",
    "NO_COLOR",
    "MESHMEND_MAX_INPUT_BYTES",
    "MESHMEND_TEST_WRITE_HOOK",
];

/// Runs `meshmend ARGS` in `dir` with `env` set and `stdin` on its standard
/// input (closed at once when `None`), capturing both outputs. The binary may
/// stop reading early (input limits, usage errors): a broken pipe is fine.
pub(crate) fn run(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_meshmend"));
    command.args(args).current_dir(dir);
    for name in VARIABLES {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the meshmend binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    if let Some(bytes) = stdin {
        let _ = pipe.write_all(bytes);
    }
    drop(pipe);
    child.wait_with_output().expect("meshmend exits")
}
