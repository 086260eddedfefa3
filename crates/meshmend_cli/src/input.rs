//! Reading inputs: files, directories (walked for `*.yaml`/`*.yml`) and stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use meshmend_core::SourceFile;

/// Reads every input path (`-` is stdin) into source files, in a stable order.
pub(crate) fn read_inputs(paths: &[PathBuf]) -> anyhow::Result<Vec<SourceFile>> {
    let mut files = Vec::new();
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        paths.to_vec()
    };
    for path in &paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading stdin")?;
            files.push(SourceFile::new("-", decode("-", bytes)?));
        } else if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            if found.is_empty() {
                bail!(
                    "{}: directory contains no *.yaml or *.yml files",
                    path.display()
                );
            }
            found.sort();
            for file in found {
                files.push(read_file(&file)?);
            }
        } else {
            files.push(read_file(path)?);
        }
    }
    Ok(files)
}

fn read_file(path: &Path) -> anyhow::Result<SourceFile> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let name = path.display().to_string();
    let text = decode(&name, bytes)?;
    Ok(SourceFile::new(name, text))
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
            let column = String::from_utf8_lossy(&prefix[line_start..])
                .chars()
                .count()
                + 1;
            bail!("{name}:{line}:{column}: input is not valid UTF-8 (binary file?)")
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read directory", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        {
            out.push(path);
        }
    }
    Ok(())
}
