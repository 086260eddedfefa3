//! Reading inputs: files, directories (walked for `*.yaml`/`*.yml`) and stdin.
//!
//! Every failure here is an I/O or usage error (exit code 2) that names the
//! path, and for undecodable text the line and column: a missing file or a
//! directory without YAML must never look like a clean run.

use std::collections::HashSet;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use meshmend_core::{Bundle, Limits, LoadOptions, SourceFile};

/// Reads every input path (`-` is stdin) into source files, in a stable order.
///
/// `max_bytes` bounds the total input; it is checked against file metadata
/// before reading, so an oversized file is refused without loading it.
pub(crate) fn read_inputs(paths: &[PathBuf], max_bytes: usize) -> anyhow::Result<Vec<SourceFile>> {
    let stdin = [PathBuf::from("-")];
    if paths.is_empty() && std::io::stdin().is_terminal() {
        bail!(
            "no input: name files or directories, or pipe YAML in (`helm template . | meshmend analyze -`)"
        );
    }
    let paths = if paths.is_empty() { &stdin[..] } else { paths };
    let mut budget = Budget {
        used: 0,
        limit: max_bytes,
    };
    let mut files = Vec::new();
    // A file named twice (`k8s/ k8s/gw.yaml`, `- -`) is read once: a second
    // copy would collide with itself (same nodePorts, same hosts).
    let mut seen = HashSet::new();
    let mut first_time = |path: &Path| {
        seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    };
    for path in paths {
        if path.as_os_str() == "-" {
            if first_time(path) {
                files.push(read_stdin(&mut budget)?);
            }
        } else if path.is_dir() {
            let found = walk(path)?;
            if found.is_empty() {
                bail!(
                    "{}: directory contains no *.yaml or *.yml files",
                    path.display()
                );
            }
            for file in found {
                if first_time(&file) {
                    files.push(read_file(&file, &mut budget)?);
                }
            }
        } else if first_time(path) {
            files.push(read_file(path, &mut budget)?);
        }
    }
    Ok(files)
}

/// Bytes read so far against the limit.
struct Budget {
    used: usize,
    limit: usize,
}

impl Budget {
    fn take(&mut self, name: &str, size: usize) -> anyhow::Result<()> {
        self.used = self.used.saturating_add(size);
        if self.used > self.limit {
            bail!(
                "{name}: input too large: {} bytes in total, the limit is {} bytes",
                self.used,
                self.limit
            );
        }
        Ok(())
    }

    fn remaining(&self) -> usize {
        self.limit - self.used.min(self.limit)
    }
}

fn read_stdin(budget: &mut Budget) -> anyhow::Result<SourceFile> {
    let mut bytes = Vec::new();
    // One byte more than allowed tells "exactly at the limit" from "over it".
    let allowed = u64::try_from(budget.remaining()).unwrap_or(u64::MAX);
    std::io::stdin()
        .lock()
        .take(allowed.saturating_add(1))
        .read_to_end(&mut bytes)
        .context("-: cannot read stdin")?;
    budget.take("-", bytes.len())?;
    Ok(SourceFile::new("-", decode("-", bytes)?))
}

fn read_file(path: &Path, budget: &mut Budget) -> anyhow::Result<SourceFile> {
    let name = display_name(path);
    let metadata = std::fs::metadata(path).with_context(|| format!("{name}: cannot read"))?;
    budget.take(&name, usize::try_from(metadata.len()).unwrap_or(usize::MAX))?;
    let bytes = std::fs::read(path).with_context(|| format!("{name}: cannot read"))?;
    let text = decode(&name, bytes)?;
    Ok(SourceFile::new(name, text))
}

/// The path as the user wrote it, with `/` separators and no leading `./`.
fn display_name(path: &Path) -> String {
    let name = path.to_string_lossy().replace('\\', "/");
    match name.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => name,
    }
}

/// UTF-8 only; invalid bytes are an error that names line and column.
fn decode(name: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let prefix = &error.as_bytes()[..valid];
            let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = prefix
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            // The prefix is valid UTF-8 by construction.
            let column = String::from_utf8_lossy(&prefix[line_start..])
                .chars()
                .count()
                + 1;
            bail!("{name}:{line}:{column}: input is not valid UTF-8 (binary file?)")
        }
    }
}

/// `*.yaml`/`*.yml` files under `dir`, sorted by path; hidden entries below
/// `dir` (`.git`, `.cache`) are skipped, and symlinks to directories are not
/// followed, so a link cycle cannot loop.
fn walk(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("{}: cannot walk directory", dir.display()))?;
        let is_yaml = entry
            .path()
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        // A symlinked file counts (ConfigMap mounts, shared manifests); a
        // symlinked directory is not entered.
        let is_file =
            entry.file_type().is_file() || (entry.path_is_symlink() && entry.path().is_file());
        if is_file && is_yaml {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

/// Parses the inputs into a bundle; resources without a namespace get `namespace`.
pub(crate) fn load_bundle(
    files: Vec<SourceFile>,
    namespace: &str,
    limits: Limits,
) -> anyhow::Result<Bundle> {
    let options = LoadOptions {
        default_namespace: namespace.to_string(),
        limits,
    };
    Bundle::load(files, options).context("input refused")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let error = decode("x.yaml", b"a: 1\nbb: \xff\n".to_vec()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.yaml:2:5: input is not valid UTF-8 (binary file?)"
        );
    }

    #[test]
    fn budget_refuses_past_the_limit() {
        let mut budget = Budget { used: 0, limit: 10 };
        budget.take("a", 10).unwrap();
        let error = budget.take("b", 1).unwrap_err().to_string();
        assert!(error.starts_with("b: input too large"), "{error}");
    }

    #[test]
    fn display_name_drops_leading_dot_slash() {
        assert_eq!(display_name(Path::new("./k8s/gw.yaml")), "k8s/gw.yaml");
        assert_eq!(display_name(Path::new("gw.yaml")), "gw.yaml");
    }
}
