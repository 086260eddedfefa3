//! `fix --write` is all or nothing: a failure at any step leaves every file
//! byte-identical and no temporary file behind; a file edited since it was
//! read is never overwritten; modes are kept; symlinks are written through.
//!
//! Failures are injected with `MESHMEND_TEST_WRITE_HOOK`, which only debug
//! builds (these tests) honour: permissions cannot inject them when the
//! tests run as root.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

const SEED: &str = include_str!("../../../examples/seed-conflict.yaml");
const HOOK: &str = "MESHMEND_TEST_WRITE_HOOK";

fn run(dir: &Path, args: &[&str], hook: Option<&str>) -> Output {
    let env: Vec<_> = hook.map(|hook| (HOOK, hook)).into_iter().collect();
    common::run(dir, args, &env, None)
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("meshmend exits normally")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The seed example split into three files, with the staging Gateway
/// serving only the host prod already serves: `consolidate` then modifies
/// one file (`rest.yaml`: the VirtualService reference and the nodePort) and
/// deletes one (the emptied staging Gateway); `isolate` modifies two and
/// adds one. (With a host of its own left, consolidate would only trim the
/// repeated host, and nothing would be deleted.)
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("write-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("deploy")).unwrap();
    let docs: Vec<&str> = SEED.split("\n---\n").collect();
    assert!(docs.len() > 3, "the seed example has changed shape");
    std::fs::write(dir.join("deploy/prod.yaml"), format!("{}\n", docs[0])).unwrap();
    let staging = docs[1].replace("        - staging.example.com\n", "");
    assert_ne!(
        staging, docs[1],
        "the seed's staging Gateway has changed shape"
    );
    std::fs::write(dir.join("deploy/staging.yaml"), format!("{staging}\n")).unwrap();
    std::fs::write(dir.join("deploy/rest.yaml"), docs[2..].join("\n---\n")).unwrap();
    dir
}

const PATHS: [&str; 3] = [
    "deploy/prod.yaml",
    "deploy/staging.yaml",
    "deploy/rest.yaml",
];

/// Every file under `dir` (recursively) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

fn fix_args(strategy: &str) -> Vec<&str> {
    let mut args = vec!["fix", "--write", "--strategy", strategy];
    args.extend(PATHS);
    args
}

#[test]
fn a_failure_at_any_commit_step_changes_nothing() {
    // consolidate: replace, delete; isolate: replace, replace, create.
    for (strategy, steps) in [("consolidate", 2), ("isolate", 3)] {
        let dir = scratch(&format!("fail-{strategy}"));
        let before = snapshot(&dir);
        for step in 0..steps {
            let hook = format!("fail-step={step}");
            let output = run(&dir, &fix_args(strategy), Some(&hook));
            assert_eq!(code(&output), 2, "{strategy} {hook}: {}", stderr(&output));
            let message = stderr(&output);
            assert!(
                message.contains("every change was rolled back")
                    && message.contains(&format!("injected failure at step {step}")),
                "{strategy} {hook}: {message}"
            );
            assert_eq!(snapshot(&dir), before, "{strategy} {hook}");
        }
        // Without a failure, every step lands and nothing else is left.
        let output = run(&dir, &fix_args(strategy), None);
        assert_eq!(code(&output), 0, "{strategy}: {}", stderr(&output));
        let after = snapshot(&dir);
        assert_ne!(after, before, "{strategy}");
        assert!(
            after
                .keys()
                .all(|p| !p.to_string_lossy().contains("meshmend")),
            "{strategy}: {:?}",
            after.keys()
        );
    }
}

#[test]
fn a_file_edited_since_it_was_read_is_not_overwritten() {
    let dir = scratch("edited");
    let edited = dir.join("deploy/rest.yaml");
    let hook = format!("edit-before-check={}", edited.display());
    let output = run(&dir, &fix_args("consolidate"), Some(&hook));
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("deploy/rest.yaml: changed since meshmend read it")
            && message.contains("nothing was written"),
        "{message}"
    );
    // The other files are untouched; the edit survives.
    let mut expected = snapshot(&scratch("edited-expected"));
    let rest = PathBuf::from("deploy/rest.yaml");
    expected
        .get_mut(&rest)
        .unwrap()
        .extend(b"# edited meanwhile\n");
    assert_eq!(snapshot(&dir), expected);
}

#[test]
fn a_staging_failure_writes_nothing() {
    for strategy in ["consolidate", "isolate"] {
        let dir = scratch(&format!("stage-{strategy}"));
        let before = snapshot(&dir);
        // Deletions stage nothing: consolidate stages one file, isolate three.
        let staged = if strategy == "isolate" { 3 } else { 1 };
        for index in 0..staged {
            let hook = format!("fail-stage={index}");
            let output = run(&dir, &fix_args(strategy), Some(&hook));
            assert_eq!(code(&output), 2, "{strategy} {hook}: {}", stderr(&output));
            let message = stderr(&output);
            assert!(
                message.contains("nothing was written")
                    && message.contains(&format!("injected failure staging file {index}")),
                "{strategy} {hook}: {message}"
            );
            assert_eq!(snapshot(&dir), before, "{strategy} {hook}");
        }
    }
}

#[test]
fn an_added_file_that_already_exists_writes_nothing() {
    // isolate adds deploy/istio-ingressgateway-staging-values.yaml; a
    // directory in its place is refused before any file is touched.
    let dir = scratch("added-exists");
    std::fs::create_dir(dir.join("deploy/istio-ingressgateway-staging-values.yaml")).unwrap();
    std::fs::write(
        dir.join("deploy/istio-ingressgateway-staging-values.yaml/keep"),
        "x",
    )
    .unwrap();
    let before = snapshot(&dir);
    let output = run(&dir, &fix_args("isolate"), None);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
#[cfg(unix)]
fn modes_are_kept_and_new_files_get_the_default_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("modes");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    // Group- and world-writable: bits a umask would strip from a new file.
    std::fs::set_permissions(
        dir.join("deploy/rest.yaml"),
        std::fs::Permissions::from_mode(0o766),
    )
    .unwrap();
    // A file this test process creates shows the default mode (same umask).
    std::fs::write(dir.join("default"), "").unwrap();
    let default = mode(&dir.join("default"));
    let output = run(&dir, &fix_args("isolate"), None);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(mode(&dir.join("deploy/rest.yaml")), 0o766);
    let added = dir.join("deploy/istio-ingressgateway-staging-values.yaml");
    assert_eq!(mode(&added), default);
}

#[test]
#[cfg(unix)]
fn a_symlinked_input_is_written_through() {
    let dir = scratch("symlink");
    // rest.yaml becomes a link into a shared directory.
    std::fs::create_dir(dir.join("shared")).unwrap();
    std::fs::rename(dir.join("deploy/rest.yaml"), dir.join("shared/rest.yaml")).unwrap();
    std::os::unix::fs::symlink("../shared/rest.yaml", dir.join("deploy/rest.yaml")).unwrap();
    let output = run(&dir, &fix_args("consolidate"), None);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let link = std::fs::symlink_metadata(dir.join("deploy/rest.yaml")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let target = std::fs::read_to_string(dir.join("shared/rest.yaml")).unwrap();
    assert!(
        target.contains("istio-system/prod-gateway"),
        "the linked file got the change:\n{target}"
    );
    assert!(
        snapshot(&dir)
            .keys()
            .all(|p| !p.to_string_lossy().contains("meshmend"))
    );
}

#[test]
#[cfg(unix)]
fn deleting_a_symlinked_input_is_refused() {
    let dir = scratch("symlink-delete");
    std::fs::create_dir(dir.join("shared")).unwrap();
    std::fs::rename(
        dir.join("deploy/staging.yaml"),
        dir.join("shared/staging.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../shared/staging.yaml", dir.join("deploy/staging.yaml")).unwrap();
    let before = snapshot(&dir);
    let output = run(&dir, &fix_args("consolidate"), None);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("deploy/staging.yaml: the fix deletes this file, but it is a symlink"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(&dir), before);
}
