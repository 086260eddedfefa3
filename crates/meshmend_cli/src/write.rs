//! `fix --write`: every change lands, or none does.
//!
//! Three phases, so that a failure anywhere leaves the files as they were:
//! 1. **stage**: each new content goes to a temporary file with an
//!    unpredictable name (`tempfile`) in its target's directory, with the
//!    original's permissions, and is fsynced;
//! 2. **check**: each file to replace or delete still holds exactly the
//!    bytes that were read (someone else's edit is never overwritten);
//! 3. **commit**: replacements (each original is first kept as a
//!    hard-linked backup, then the staged file is renamed over it), then new
//!    files (never over an existing one), then deletions (backup first,
//!    too). If a step fails, every step done is undone in reverse order by
//!    renaming the backups back.
//!
//! Temporary files and backups are removed on every path; only a failed
//! rollback keeps a backup, and the error names it. A symlinked input is
//! written through: the file it points to gets the new content and the
//! link stays a link. Deleting a symlinked input is refused (the fix cannot
//! tell whether the link or the file it points to should go).

use std::fs::{self, Permissions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use meshmend_core::refactor::{FileStatus, FixOutcome};
use tempfile::{Builder, NamedTempFile, TempPath};

/// Writes every added, modified and deleted file of `outcome`, all or nothing.
pub(crate) fn write_outcome(outcome: &FixOutcome) -> anyhow::Result<()> {
    let planned = plan(outcome)?;
    if planned.is_empty() {
        return Ok(());
    }
    let mut created_dirs = Vec::new();
    let staged = match stage(&planned, &mut created_dirs) {
        Ok(staged) => staged,
        Err(error) => {
            remove_created_dirs(&created_dirs);
            return Err(error.context("nothing was written"));
        }
    };
    test_hook::before_check();
    if let Err(error) = check_unchanged(&planned) {
        drop(staged);
        remove_created_dirs(&created_dirs);
        return Err(error.context("nothing was written"));
    }
    let mut done = Vec::new();
    match commit(&planned, staged, &mut done) {
        Ok(()) => {
            sync_dirs(&planned);
            Ok(())
        }
        Err(error) => {
            let unrestored = rollback(done);
            remove_created_dirs(&created_dirs);
            if unrestored.is_empty() {
                Err(error.context("nothing was written: every change was rolled back"))
            } else {
                Err(error.context(format!(
                    "rollback failed, restore by hand: {}",
                    unrestored.join("; ")
                )))
            }
        }
    }
}

/// One file to write, with the path it is written at.
struct Planned<'a> {
    /// The path as the fix names it (messages).
    shown: &'a str,
    /// Where the bytes go: the path, or the file a symlink points to.
    target: PathBuf,
    action: Action<'a>,
}

enum Action<'a> {
    Replace { original: &'a str, patched: &'a str },
    Create { patched: &'a str },
    Delete { original: &'a str },
}

/// Resolves targets and refuses what cannot be written safely, before any
/// file is touched.
fn plan(outcome: &FixOutcome) -> anyhow::Result<Vec<Planned<'_>>> {
    let mut planned: Vec<Planned<'_>> = Vec::new();
    for file in &outcome.files {
        let path = Path::new(&file.path);
        let shown = file.path.as_str();
        let original = file.original.as_deref().unwrap_or_default();
        let action = match file.status {
            FileStatus::Unchanged => continue,
            FileStatus::Modified => Action::Replace {
                original,
                patched: file.patched.as_deref().unwrap_or_default(),
            },
            FileStatus::Added => {
                if fs::symlink_metadata(path).is_ok() {
                    bail!(
                        "{shown}: the fix would create this file, but it already exists; move it away first"
                    );
                }
                Action::Create {
                    patched: file.patched.as_deref().unwrap_or_default(),
                }
            }
            FileStatus::Deleted => {
                if is_symlink(path) {
                    bail!(
                        "{shown}: the fix deletes this file, but it is a symlink; delete the link or the file it points to yourself, or pass that file instead"
                    );
                }
                Action::Delete { original }
            }
        };
        // Written through: the link stays, the file it points to changes.
        let target = if matches!(action, Action::Replace { .. }) && is_symlink(path) {
            fs::canonicalize(path).with_context(|| format!("{shown}: cannot resolve symlink"))?
        } else {
            path.to_path_buf()
        };
        if target.file_name().is_none() {
            bail!("{shown}: not a file path");
        }
        let same = |p: &Planned<'_>| {
            p.target == target
                || fs::canonicalize(&p.target)
                    .is_ok_and(|c| fs::canonicalize(&target).is_ok_and(|t| t == c))
        };
        if let Some(other) = planned.iter().find(|p| same(p)) {
            bail!("{shown}: same file as {}", other.shown);
        }
        planned.push(Planned {
            shown,
            target,
            action,
        });
    }
    // Replacements first, deletions last: a half-run never loses content
    // that has not landed elsewhere yet.
    planned.sort_by_key(|p| match p.action {
        Action::Replace { .. } => 0,
        Action::Create { .. } => 1,
        Action::Delete { .. } => 2,
    });
    Ok(planned)
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The directory a target lives in (`.` for a bare file name).
fn dir_of(target: &Path) -> &Path {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Names temporary files and backups: hidden, unpredictable (random part),
/// recognisable (`.meshmend-*.tmp`, `.meshmend-*.orig`).
fn temp_builder(suffix: &'static str) -> Builder<'static, 'static> {
    let mut builder = Builder::new();
    builder.prefix(".meshmend-").suffix(suffix);
    builder
}

/// Writes each new content to a synced temporary sibling of its target.
/// `None` for deletions.
fn stage(
    planned: &[Planned<'_>],
    created_dirs: &mut Vec<PathBuf>,
) -> anyhow::Result<Vec<Option<NamedTempFile>>> {
    let mut staged = Vec::with_capacity(planned.len());
    for (index, p) in planned.iter().enumerate() {
        test_hook::fail_stage(index).with_context(|| format!("{}: cannot stage", p.shown))?;
        let (patched, permissions) = match p.action {
            Action::Delete { .. } => {
                staged.push(None);
                continue;
            }
            Action::Replace { patched, .. } => {
                let metadata =
                    fs::metadata(&p.target).with_context(|| format!("{}: cannot read", p.shown))?;
                if !metadata.is_file() {
                    bail!("{}: not a regular file any more", p.shown);
                }
                (patched, Some(metadata.permissions()))
            }
            Action::Create { patched } => {
                create_dirs(dir_of(&p.target), created_dirs)?;
                (patched, new_file_permissions())
            }
        };
        let dir = dir_of(&p.target);
        let mut builder = temp_builder(".tmp");
        if let Some(permissions) = &permissions {
            builder.permissions(permissions.clone());
        }
        let mut temp = builder
            .tempfile_in(dir)
            .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
        let result = (|| -> std::io::Result<()> {
            temp.write_all(patched.as_bytes())?;
            // The umask applied at creation; a replacement keeps the
            // original's exact mode (set after the owner: chown clears
            // setuid/setgid bits).
            if let (Action::Replace { .. }, Some(permissions)) = (&p.action, permissions) {
                keep_owner(&p.target, temp.as_file());
                fs::set_permissions(temp.path(), permissions)?;
            }
            temp.as_file().sync_all()
        })();
        result.with_context(|| format!("{}: cannot write", temp.path().display()))?;
        staged.push(Some(temp));
    }
    Ok(staged)
}

/// Gives the replacement the original's owner and group, where allowed
/// (root editing another user's file); otherwise the writer owns it, as
/// with any editor that saves by rename.
fn keep_owner(original: &Path, replacement: &fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(old), Ok(new)) = (fs::metadata(original), replacement.metadata())
            && (old.uid(), old.gid()) != (new.uid(), new.gid())
        {
            std::os::unix::fs::fchown(replacement, Some(old.uid()), Some(old.gid())).ok();
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (original, replacement);
    }
}

/// What a new file gets: the default mode (0666 less the umask, which
/// applies at creation).
#[cfg_attr(unix, expect(clippy::unnecessary_wraps, reason = "`None` off unix"))]
fn new_file_permissions() -> Option<Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(Permissions::from_mode(0o666))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Creates `dir` and its missing parents, recording each one created so a
/// failure can remove them again.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d).with_context(|| format!("{}: cannot create directory", d.display()))?;
        created.push(d);
    }
    Ok(())
}

fn remove_created_dirs(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        fs::remove_dir(dir).ok();
    }
}

/// Refuses when a file to replace or delete no longer holds the bytes that
/// were read: someone else changed it, and their edit must not be lost.
fn check_unchanged(planned: &[Planned<'_>]) -> anyhow::Result<()> {
    for p in planned {
        let (Action::Replace { original, .. } | Action::Delete { original }) = p.action else {
            continue;
        };
        let file = fs::File::open(&p.target)
            .with_context(|| format!("{}: cannot read it again before writing", p.shown))?;
        let mut now = Vec::new();
        let limit = u64::try_from(original.len()).unwrap_or(u64::MAX);
        file.take(limit.saturating_add(1))
            .read_to_end(&mut now)
            .with_context(|| format!("{}: cannot read it again before writing", p.shown))?;
        if now != original.as_bytes() {
            bail!(
                "{}: changed since meshmend read it; run meshmend fix again",
                p.shown
            );
        }
    }
    Ok(())
}

/// A step that was done, and how to undo it.
enum Done {
    /// `target` was replaced; `backup` is the original.
    Replaced { target: PathBuf, backup: TempPath },
    /// `target` did not exist.
    Created { target: PathBuf },
    /// `target` was removed; `backup` is the original.
    Deleted { target: PathBuf, backup: TempPath },
}

fn commit(
    planned: &[Planned<'_>],
    staged: Vec<Option<NamedTempFile>>,
    done: &mut Vec<Done>,
) -> anyhow::Result<()> {
    for (step, (p, temp)) in planned.iter().zip(staged).enumerate() {
        test_hook::fail_at(step).with_context(|| format!("{}: cannot write", p.shown))?;
        let dir = dir_of(&p.target);
        match (&p.action, temp) {
            (Action::Replace { .. }, Some(temp)) => {
                let backup = temp_builder(".orig")
                    .make_in(dir, |path| link_or_copy(&p.target, path))
                    .with_context(|| format!("{}: cannot keep a backup", p.shown))?
                    .into_temp_path();
                temp.persist(&p.target)
                    .map_err(|e| e.error)
                    .with_context(|| format!("{}: cannot replace", p.shown))?;
                done.push(Done::Replaced {
                    target: p.target.clone(),
                    backup,
                });
            }
            (Action::Create { .. }, Some(temp)) => {
                temp.persist_noclobber(&p.target)
                    .map_err(|e| e.error)
                    .with_context(|| format!("{}: cannot create", p.shown))?;
                done.push(Done::Created {
                    target: p.target.clone(),
                });
            }
            (Action::Delete { .. }, None) => {
                let backup = temp_builder(".orig")
                    .make_in(dir, |path| link_or_copy(&p.target, path))
                    .with_context(|| format!("{}: cannot keep a backup", p.shown))?
                    .into_temp_path();
                fs::remove_file(&p.target)
                    .with_context(|| format!("{}: cannot delete", p.shown))?;
                done.push(Done::Deleted {
                    target: p.target.clone(),
                    backup,
                });
            }
            _ => unreachable!("staged exactly for replacements and creations"),
        }
    }
    Ok(())
}

/// A hard link keeps the original inode (owner, mode, xattrs) at no cost;
/// a copy where the file system has no hard links. Neither replaces an
/// existing `to` (the random name is retried instead).
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    match fs::hard_link(from, to) {
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Err(error),
        Err(_) => {
            let mut copy = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(to)?;
            let result = std::io::copy(&mut fs::File::open(from)?, &mut copy)
                .and_then(|_| copy.set_permissions(fs::metadata(from)?.permissions()))
                .and_then(|()| copy.sync_all());
            if result.is_err() {
                fs::remove_file(to).ok();
            }
            result
        }
        Ok(()) => Ok(()),
    }
}

/// Undoes `done` in reverse order; returns what could not be restored.
fn rollback(done: Vec<Done>) -> Vec<String> {
    let mut unrestored = Vec::new();
    for step in done.into_iter().rev() {
        match step {
            Done::Replaced { target, backup } | Done::Deleted { target, backup } => {
                if let Err(error) = backup.persist(&target) {
                    let kept = error
                        .path
                        .keep()
                        .map_or_else(|_| "(lost)".to_string(), |p| p.display().to_string());
                    unrestored.push(format!(
                        "{}: {} (original kept at {kept})",
                        target.display(),
                        error.error
                    ));
                }
            }
            Done::Created { target } => {
                if let Err(error) = fs::remove_file(&target) {
                    unrestored.push(format!("{}: cannot remove: {error}", target.display()));
                }
            }
        }
    }
    unrestored
}

/// Makes the renames durable (best effort: not every platform can sync a
/// directory).
fn sync_dirs(planned: &[Planned<'_>]) {
    let mut dirs: Vec<&Path> = planned.iter().map(|p| dir_of(&p.target)).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        if let Ok(handle) = fs::File::open(dir) {
            handle.sync_all().ok();
        }
    }
}

/// Failure injection for the CLI tests, compiled into debug builds only
/// (release builds ignore the variable): `MESHMEND_TEST_WRITE_HOOK` is
/// `fail-stage=N` (staging file N fails), `fail-step=N` (commit step N
/// fails) or `edit-before-check=PATH` (PATH is changed between staging and
/// the check, as a concurrent editor would).
mod test_hook {
    const VAR: &str = "MESHMEND_TEST_WRITE_HOOK";

    fn value(key: &str) -> Option<String> {
        if !cfg!(debug_assertions) {
            return None;
        }
        let hook = std::env::var(VAR).ok()?;
        hook.strip_prefix(key)?
            .strip_prefix('=')
            .map(str::to_string)
    }

    pub(super) fn fail_at(step: usize) -> std::io::Result<()> {
        if value("fail-step").is_some_and(|n| n.parse() == Ok(step)) {
            return Err(std::io::Error::other(format!(
                "injected failure at step {step}"
            )));
        }
        Ok(())
    }

    pub(super) fn fail_stage(index: usize) -> std::io::Result<()> {
        if value("fail-stage").is_some_and(|n| n.parse() == Ok(index)) {
            return Err(std::io::Error::other(format!(
                "injected failure staging file {index}"
            )));
        }
        Ok(())
    }

    pub(super) fn before_check() {
        if let Some(path) = value("edit-before-check") {
            let mut text = std::fs::read_to_string(&path).unwrap_or_default();
            text.push_str("# edited meanwhile\n");
            std::fs::write(&path, text).ok();
        }
    }
}
