//! Reading inputs: files, directories (walked for `*.yaml`, `*.yml` and
//! Kubernetes `*.json`) and stdin.
//!
//! Every failure here is an I/O or usage error (exit code 2) that names the
//! path, and for undecodable text the line and column: a missing file or a
//! directory without manifests must never look like a clean run.
//!
//! Every read is bounded: at most the remaining budget plus one byte is read
//! from any source (regular file, stdin, FIFO, `/dev/zero`, `/proc` files
//! that report size 0), so the limit never trusts a reported size.

use std::collections::HashSet;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use meshmend_core::{Bundle, Limits, LoadOptions, SourceFile};

/// Lowers the input limit (never raises it), so tests can cross it with a
/// few kilobytes instead of 64 MiB.
const LIMIT_OVERRIDE: &str = "MESHMEND_MAX_INPUT_BYTES";

/// Reads every input path (`-` is stdin) into source files, in a stable order.
///
/// `max_bytes` bounds the total input, read or not: a regular file larger
/// than what is left is refused from its metadata without reading it, and
/// every other source is read through [`Read::take`].
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
        limit: effective_limit(max_bytes),
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
                let bytes = read_bounded(std::io::stdin().lock(), "-", &mut budget, 0)?;
                files.push(SourceFile::new("-", decode("-", bytes)?));
            }
        } else if path.is_dir() {
            let walked = walk(path)?;
            for skipped in &walked.skipped {
                note(skipped);
            }
            let mut manifests = 0;
            for file in walked.found {
                // A manifest read before under another name still counts:
                // that directory is not empty.
                match read_walked(&file, &mut budget, &mut first_time)? {
                    Walked::Read(source) => {
                        manifests += 1;
                        files.push(source);
                    }
                    Walked::Seen => manifests += 1,
                    Walked::NotManifest => {}
                }
            }
            if manifests == 0 {
                bail!(
                    "{}: directory contains no *.yaml, *.yml or Kubernetes *.json files",
                    path.display()
                );
            }
        } else if first_time(path) {
            let name = display_name(path);
            let bytes = read_file(path, &name, &mut budget)?;
            files.push(SourceFile::new(name.clone(), decode(&name, bytes)?));
        }
    }
    Ok(files)
}

/// `max_bytes`, or less when [`LIMIT_OVERRIDE`] asks for less.
fn effective_limit(max_bytes: usize) -> usize {
    std::env::var(LIMIT_OVERRIDE)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(max_bytes, |v| v.min(max_bytes))
}

#[expect(
    clippy::print_stderr,
    reason = "skipped walk entries are a note on stderr"
)]
fn note(message: &str) {
    eprintln!("meshmend: note: {message}");
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
                "{name}: input too large: over the {} limit (all inputs together)",
                human_size(self.limit)
            );
        }
        Ok(())
    }

    fn remaining(&self) -> usize {
        self.limit - self.used.min(self.limit)
    }
}

/// `64 MiB`, or an exact byte count for limits that are not whole MiB.
fn human_size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes}-byte")
    }
}

/// Reads at most one byte more than the budget allows (which tells "exactly
/// at the limit" from "over it") and charges what was read.
fn read_bounded(
    source: impl Read,
    name: &str,
    budget: &mut Budget,
    size_hint: usize,
) -> anyhow::Result<Vec<u8>> {
    let bytes = read_at_most(source, name, budget.remaining(), size_hint)?;
    budget.take(name, bytes.len())?;
    Ok(bytes)
}

/// At most `limit + 1` bytes of `source`.
/// `size_hint` (a regular file's size) sizes the buffer once: growing by
/// doubling would hold up to twice the input (issue 15: memory).
fn read_at_most(
    source: impl Read,
    name: &str,
    limit: usize,
    size_hint: usize,
) -> anyhow::Result<Vec<u8>> {
    let allowed = u64::try_from(limit).unwrap_or(u64::MAX);
    let mut bytes = Vec::with_capacity(size_hint.min(limit));
    source
        .take(allowed.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("{name}: cannot read"))?;
    Ok(bytes)
}

/// A named path: a regular file is refused from its size before reading;
/// anything else the user named (a FIFO, `<(yes)`, `/dev/stdin`, a
/// character device) is read through the same bound.
fn read_file(path: &Path, name: &str, budget: &mut Budget) -> anyhow::Result<Vec<u8>> {
    let file = File::open(path).with_context(|| format!("{name}: cannot read"))?;
    let metadata = file
        .metadata()
        .with_context(|| format!("{name}: cannot read"))?;
    if metadata.is_file()
        && usize::try_from(metadata.len()).unwrap_or(usize::MAX) > budget.remaining()
    {
        budget.take(name, usize::try_from(metadata.len()).unwrap_or(usize::MAX))?;
    }
    let size_hint = if metadata.is_file() {
        usize::try_from(metadata.len()).unwrap_or(0)
    } else {
        0
    };
    read_bounded(file, name, budget, size_hint)
}

/// What became of a file found by a walk.
enum Walked {
    /// Read; a manifest.
    Read(SourceFile),
    /// A manifest already read under another name.
    Seen,
    /// Not a manifest (JSON that holds no Kubernetes object).
    NotManifest,
}

/// Reads a file found by a walk.
///
/// A `.json` file is kept only when it could hold a Kubernetes object (it
/// mentions both `"apiVersion"` and `"kind"`): `package.json`,
/// `tsconfig.json` or a Grafana dashboard are not manifests, are skipped
/// silently and do not count against the limit. Such a file larger than the
/// budget is judged by the part that fits (`kubectl get -o json` starts
/// with `"apiVersion"`), and refused as too large only if it is a manifest.
fn read_walked(
    path: &Path,
    budget: &mut Budget,
    first_time: &mut impl FnMut(&Path) -> bool,
) -> anyhow::Result<Walked> {
    let name = display_name(path);
    let bytes = if is_json(path) {
        let file = File::open(path).with_context(|| format!("{name}: cannot read"))?;
        let bytes = read_at_most(file, &name, budget.remaining(), 0)?;
        if !might_be_kubernetes_json(&bytes) {
            return Ok(Walked::NotManifest);
        }
        if !first_time(path) {
            return Ok(Walked::Seen);
        }
        budget.take(&name, bytes.len())?;
        bytes
    } else {
        if !first_time(path) {
            return Ok(Walked::Seen);
        }
        read_file(path, &name, budget)?
    };
    Ok(Walked::Read(SourceFile::new(
        name.clone(),
        decode(&name, bytes)?,
    )))
}

fn might_be_kubernetes_json(bytes: &[u8]) -> bool {
    let mentions = |key: &[u8]| bytes.windows(key.len()).any(|w| w == key);
    mentions(b"\"apiVersion\"") && mentions(b"\"kind\"")
}

fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
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

/// What a walk found: manifest candidates, and notes on what it skipped.
struct WalkResult {
    found: Vec<PathBuf>,
    skipped: Vec<String>,
}

/// Directories a walk never enters besides hidden ones: vendored
/// JavaScript packages are never manifests and can be huge.
const SKIPPED_DIRS: &[&str] = &["node_modules"];

/// `*.yaml`, `*.yml` and `*.json` files under `dir`, sorted by path.
///
/// Hidden entries below `dir` (`.git`, `.cache`) and `node_modules` are
/// skipped. A symlink to a file is followed (ConfigMap mounts, shared
/// manifests); a symlink to a directory is not entered, so a link cycle
/// cannot loop. Only regular files are read: a FIFO, socket or device with a
/// manifest's name (which would block or never end) is skipped with a note,
/// as is a broken or looping symlink.
fn walk(dir: &Path) -> anyhow::Result<WalkResult> {
    let mut walked = WalkResult {
        found: Vec::new(),
        skipped: Vec::new(),
    };
    let entries = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0
                || !(name.starts_with('.')
                    || (entry.file_type().is_dir() && SKIPPED_DIRS.contains(&name.as_ref())))
        });
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot walk directory", dir.display()))?;
        let is_manifest = entry.path().extension().is_some_and(|e| {
            ["yaml", "yml", "json"]
                .iter()
                .any(|ext| e.eq_ignore_ascii_case(ext))
        });
        if !is_manifest || entry.file_type().is_dir() {
            continue;
        }
        // Follows a symlink (to a file) once; errors on a broken or looping one.
        match std::fs::metadata(entry.path()) {
            Ok(metadata) if metadata.is_file() => walked.found.push(entry.into_path()),
            Ok(metadata) if metadata.is_dir() => {} // a symlinked directory: not entered
            Ok(_) => walked.skipped.push(format!(
                "{}: skipped: not a regular file (FIFO, socket or device)",
                display_name(entry.path())
            )),
            Err(error) => walked
                .skipped
                .push(format!("{}: skipped: {error}", display_name(entry.path()))),
        }
    }
    Ok(walked)
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
    fn limits_read_as_mib_or_bytes() {
        assert_eq!(human_size(64 * 1024 * 1024), "64 MiB");
        assert_eq!(human_size(4096), "4096-byte");
    }

    #[test]
    fn kubernetes_json_needs_both_keys() {
        assert!(might_be_kubernetes_json(
            br#"{"apiVersion": "v1", "kind": "List"}"#
        ));
        assert!(!might_be_kubernetes_json(br#"{"kind": "dashboard"}"#));
        assert!(!might_be_kubernetes_json(
            br#"{"name": "web", "version": "1"}"#
        ));
    }

    #[test]
    fn a_bounded_read_stops_one_byte_past_the_limit() {
        let mut budget = Budget { used: 0, limit: 8 };
        let error = read_bounded(std::io::repeat(b'a'), "zero", &mut budget, 0).unwrap_err();
        assert!(
            error.to_string().contains("over the 8-byte limit"),
            "{error}"
        );
        let mut budget = Budget { used: 0, limit: 8 };
        assert_eq!(
            read_bounded(&b"12345678"[..], "x", &mut budget, 0)
                .unwrap()
                .len(),
            8
        );
    }

    #[test]
    fn display_name_drops_leading_dot_slash() {
        assert_eq!(display_name(Path::new("./k8s/gw.yaml")), "k8s/gw.yaml");
        assert_eq!(display_name(Path::new("gw.yaml")), "gw.yaml");
    }
}
