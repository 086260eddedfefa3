//! Applying units: all edits of a file merged into one [`Fix`], applied once;
//! new and deleted files; one diff over the set.

use crate::hash::HashSet;
use std::ops::Range;

use super::Unit;
use crate::diff::unified_diff;
use crate::edit::{Edit, Fix, apply as apply_fixes};
use crate::model::Bundle;
use crate::sort;

/// What happens to a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// Edited.
    Modified,
    /// Created by the fix.
    Added,
    /// Every document in it was removed.
    Deleted,
    /// Untouched.
    Unchanged,
}

/// One file before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileOutcome {
    /// Path as given (or chosen, for added files).
    pub path: String,
    /// What happens to it.
    pub status: FileStatus,
    /// Text before (`None` for added files).
    pub original: Option<String>,
    /// Text after (`None` for deleted files).
    pub patched: Option<String>,
    /// The edits on `original` that give `patched`, sorted (empty for added
    /// and unchanged files).
    pub edits: Vec<Edit>,
}

/// Applies `units` to the bundle's files. On overlapping edits, returns the
/// indices of the units that must be withdrawn (the later of each clash).
pub(crate) fn apply(bundle: &Bundle, units: &[Unit]) -> Result<Vec<FileOutcome>, Vec<usize>> {
    let mut clashing = Vec::new();
    let mut files = Vec::with_capacity(bundle.files.len());
    let mut per_file: Vec<Vec<(usize, &Edit)>> = vec![Vec::new(); bundle.files.len()];
    for (index, unit) in units.iter().enumerate() {
        for (file, edit) in &unit.edits {
            per_file[*file].push((index, edit));
        }
    }
    for (file, mut edits) in per_file.into_iter().enumerate() {
        let text = &bundle.files[file].text;
        // Stable: inserts at one offset keep unit order, then edit order.
        sort::by_key(&mut edits, |(_, e)| (e.span.start, e.span.end));
        // Overlapping deletions (neighbouring documents, each taking a
        // separator) compose: merge them. Any other overlap is a clash.
        let mut merged: Vec<(usize, Edit)> = Vec::with_capacity(edits.len());
        for (unit, edit) in edits {
            let bad_span = edit.span.end > text.len()
                || edit.span.start > edit.span.end
                || !text.is_char_boundary(edit.span.start)
                || !text.is_char_boundary(edit.span.end);
            if bad_span {
                clashing.push(unit);
                continue;
            }
            if let Some((_, last)) = merged.last_mut() {
                let deletions = last.content.is_empty()
                    && edit.content.is_empty()
                    && !last.span.is_empty()
                    && !edit.span.is_empty();
                if deletions && edit.span.start <= last.span.end {
                    last.span.end = last.span.end.max(edit.span.end);
                    continue;
                }
                if edit.span.start < last.span.end {
                    clashing.push(unit);
                    continue;
                }
            }
            merged.push((unit, edit.clone()));
        }
        let edits = merged;
        let original = text.clone();
        if edits.is_empty() {
            files.push(FileOutcome {
                path: bundle.files[file].name.clone(),
                status: FileStatus::Unchanged,
                patched: Some(original.clone()),
                original: Some(original),
                edits: Vec::new(),
            });
            continue;
        }
        let units_here: Vec<usize> = edits.iter().map(|(unit, _)| *unit).collect();
        // The merge above already withdrew the later edit of each clash (a
        // `Fix` names spans, not units); should one slip through, the fix
        // refuses it and every unit editing this file is withdrawn.
        let fix = Fix::new(edits.into_iter().map(|(_, e)| e).collect());
        if fix.is_err() {
            clashing.extend(units_here);
        }
        let (patched, edits) = match fix {
            Ok(fix) if clashing.is_empty() => {
                (apply_fixes(text, [&fix]).text, fix.edits().to_vec())
            }
            Ok(fix) => (original.clone(), fix.edits().to_vec()),
            Err(_) => (original.clone(), Vec::new()),
        };
        let status = if patched == original {
            FileStatus::Unchanged
        } else if is_empty_stream(&patched) {
            FileStatus::Deleted
        } else {
            FileStatus::Modified
        };
        files.push(FileOutcome {
            path: bundle.files[file].name.clone(),
            status,
            patched: (status != FileStatus::Deleted).then_some(patched),
            original: Some(original),
            edits,
        });
    }
    if !clashing.is_empty() {
        sort::ascending(&mut clashing);
        clashing.dedup();
        return Err(clashing);
    }
    let mut taken: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
    for unit in units {
        for (path, text) in &unit.added {
            let path = unique_path(path, &taken);
            taken.insert(path.clone());
            files.push(FileOutcome {
                path,
                status: FileStatus::Added,
                original: None,
                patched: Some(text.clone()),
                edits: Vec::new(),
            });
        }
    }
    Ok(files)
}

/// True when nothing but comments, blank lines and document markers is left.
/// Lines end at `\n`, `\r\n` or a lone `\r`, as in YAML (with `\n` only, a
/// file with classic-Mac line ends that opens with a comment was one
/// comment line, and was deleted).
fn is_empty_stream(text: &str) -> bool {
    text.split(['\r', '\n']).all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    })
}

/// `path`, or `stem-2.ext`, `stem-3.ext`, … when taken.
fn unique_path(path: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(path) {
        return path.to_string();
    }
    let (stem, ext) = match path.rfind('.') {
        Some(dot) if !path[dot..].contains('/') => (&path[..dot], &path[dot..]),
        _ => (path, ""),
    };
    (2..=taken.len() + 2)
        .map(|n| format!("{stem}-{n}{ext}"))
        .find(|candidate| !taken.contains(candidate))
        .expect("some numbered name is free")
}

/// One unified diff over every changed file.
pub(crate) fn diff(files: &[FileOutcome]) -> String {
    let mut out = String::new();
    for file in files {
        if file.status == FileStatus::Unchanged {
            continue;
        }
        let path = diff_path(&file.path);
        match (&file.original, &file.patched) {
            (Some(original), Some(patched)) if file.status == FileStatus::Modified => {
                out.push_str(&windowed_diff(&path, original, patched, &file.edits));
            }
            _ => out.push_str(&unified_diff(
                &path,
                file.original.as_deref(),
                file.patched.as_deref(),
            )),
        }
    }
    out
}

/// Applies `diff` to the original texts of `files` with the independent
/// applier (`patch.rs`) and compares the result with each patched text.
/// `Err((path, reason))` names the first file that does not come out
/// right (`None` when the diff as a whole cannot be read).
pub(crate) fn check_diff(
    files: &[FileOutcome],
    diff: &str,
) -> Result<(), (Option<String>, String)> {
    let originals: crate::hash::HashMap<String, &str> = files
        .iter()
        .filter_map(|f| Some((diff_path(&f.path), f.original.as_deref()?)))
        .collect();
    let patched = super::patch::apply(diff, |path| originals.get(path).copied())
        .map_err(|reason| (None, reason))?;
    let mut expected: crate::hash::HashMap<String, &FileOutcome> = files
        .iter()
        .filter(|f| f.status != FileStatus::Unchanged)
        .map(|f| (diff_path(&f.path), f))
        .collect();
    for section in patched {
        let Some(file) = expected.remove(&section.path) else {
            return Err((
                None,
                format!(
                    "{}: in the diff twice, or not changed by the fix",
                    section.path
                ),
            ));
        };
        if section.text != file.patched || section.added != (file.status == FileStatus::Added) {
            return Err((
                Some(file.path.clone()),
                format!(
                    "{}: applying the printed diff does not give the patched text",
                    file.path
                ),
            ));
        }
    }
    if let Some(path) = expected.into_values().map(|f| f.path.clone()).min() {
        return Err((
            Some(path.clone()),
            format!("{path}: changed, but not in the diff"),
        ));
    }
    Ok(())
}

/// The diff of `files` computed over whole texts, for outcomes that no edit
/// list describes (the redacted twin of a fix).
pub(crate) fn whole_file_diff(files: &[FileOutcome]) -> String {
    files
        .iter()
        .filter(|file| file.status != FileStatus::Unchanged)
        .map(|file| {
            unified_diff(
                &diff_path(&file.path),
                file.original.as_deref(),
                file.patched.as_deref(),
            )
        })
        .collect()
}

/// The unified diff of `original` → `patched` (which `edits` produce),
/// computed only over the lines the edits touch: cost linear in the size
/// of the changes (plus one line split), not in the size of the file.
fn windowed_diff(path: &str, original: &str, patched: &str, edits: &[Edit]) -> String {
    let old_lines = LineStarts::new(original);
    let new_lines = LineStarts::new(patched);
    // (old lines, new lines) each edit touches, merged where they meet.
    let mut regions: Vec<(Range<usize>, Range<usize>)> = Vec::with_capacity(edits.len());
    let mut delta: isize = 0;
    for edit in edits {
        let start_new = edit.span.start.checked_add_signed(delta).unwrap_or(0);
        let end_new = start_new + edit.content.len();
        delta += edit.content.len().cast_signed() - edit.span.len().cast_signed();
        let old = old_lines.line_of(edit.span.start)..old_lines.through(edit.span.end);
        let new = new_lines.line_of(start_new)..new_lines.through(end_new);
        match regions.last_mut() {
            Some((last_old, last_new)) if old.start <= last_old.end => {
                last_old.end = last_old.end.max(old.end);
                last_new.end = last_new.end.max(new.end);
            }
            _ => regions.push((old, new)),
        }
    }
    crate::diff::region_diff(path, original, patched, &regions)
        .unwrap_or_else(|| unified_diff(path, Some(original), Some(patched)))
}

/// Line start offsets.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        if starts.last() == Some(&text.len()) {
            starts.pop();
        }
        Self(starts)
    }

    /// The line holding `offset` (the last line for the end of the text).
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// One past the line holding `offset`, at most the line count: the
    /// end of a region that covers `offset` and what follows it on its line.
    fn through(&self, offset: usize) -> usize {
        (self.line_of(offset) + 1).min(self.0.len())
    }
}

/// A path as git writes it in a diff header (relative, forward slashes).
fn diff_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    path.trim_start_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceFile;
    use crate::span::Span;

    fn bundle(files: &[(&str, &str)]) -> Bundle {
        Bundle::load(
            files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect(),
            crate::model::LoadOptions::default(),
        )
        .unwrap()
    }

    fn unit(edits: Vec<(usize, Edit)>) -> Unit {
        Unit {
            title: "u".into(),
            edits,
            ..Unit::default()
        }
    }

    #[test]
    fn interleaved_units_in_one_file_both_apply() {
        let b = bundle(&[("a.yaml", "a: 1\nb: 2\nc: 3\n")]);
        let units = [
            unit(vec![
                (0, Edit::replace(Span::new(3, 4), "9")),
                (0, Edit::replace(Span::new(13, 14), "9")),
            ]),
            unit(vec![(0, Edit::replace(Span::new(8, 9), "8"))]),
        ];
        let files = apply(&b, &units).unwrap();
        assert_eq!(files[0].patched.as_deref(), Some("a: 9\nb: 8\nc: 9\n"));
        assert_eq!(files[0].status, FileStatus::Modified);
    }

    #[test]
    fn overlapping_units_are_reported_not_applied() {
        let b = bundle(&[("a.yaml", "a: 1\n")]);
        let units = [
            unit(vec![(0, Edit::replace(Span::new(0, 4), "x"))]),
            unit(vec![(0, Edit::replace(Span::new(3, 4), "y"))]),
        ];
        assert_eq!(apply(&b, &units), Err(vec![1]));
    }

    #[test]
    fn emptied_files_are_deleted_and_new_files_get_free_names() {
        let b = bundle(&[("a.yaml", "# only\na: 1\n"), ("b.yaml", "b: 1\n")]);
        let mut u = unit(vec![(0, Edit::delete(Span::new(7, 12)))]);
        u.added.push(("b.yaml".into(), "new: 1\n".into()));
        let files = apply(&b, &[u]).unwrap();
        assert_eq!(files[0].status, FileStatus::Deleted);
        assert_eq!(files[0].patched, None);
        assert_eq!(files[2].path, "b-2.yaml");
        let diff = diff(&files);
        assert!(diff.contains("--- a/a.yaml\n+++ /dev/null\n"));
        assert!(diff.contains("--- /dev/null\n+++ b/b-2.yaml\n@@ -0,0 +1 @@\n+new: 1\n"));
    }
}
