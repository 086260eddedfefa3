//! Applying units: all edits of a file merged into one [`Fix`], applied once;
//! new and deleted files; one diff over the set.

use std::collections::HashSet;

use super::Unit;
use crate::diff::unified_diff;
use crate::edit::{Applicability, Edit, Fix, apply as apply_fixes};
use crate::model::Bundle;
use crate::sort;

/// What happens to a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
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
        let edits: Vec<Edit> = edits.into_iter().map(|(_, e)| e).collect();
        let fix = Fix::new("plan", Applicability::Safe, edits.clone());
        let patched = if clashing.is_empty() {
            apply_fixes(text, [&fix], Applicability::Safe).text
        } else {
            original.clone()
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
fn is_empty_stream(text: &str) -> bool {
    text.lines().all(|line| {
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

/// Lines of context around each change, as `unified_diff` uses.
const CONTEXT: usize = 3;

/// The unified diff of `original` → `patched` (which `edits` produce),
/// computed only over windows around each cluster of edits: the same hunks
/// a whole-file diff gives, at a cost linear in the size of the changes
/// rather than in the size of the file.
fn windowed_diff(path: &str, original: &str, patched: &str, edits: &[Edit]) -> String {
    let old_lines = LineStarts::new(original);
    let new_lines = LineStarts::new(patched);
    // (old byte range, new byte range) of each edit.
    let mut ranges = Vec::with_capacity(edits.len());
    let mut delta: isize = 0;
    for edit in edits {
        let start_new = edit.span.start.checked_add_signed(delta).unwrap_or(0);
        ranges.push((edit.span, start_new, start_new + edit.content.len()));
        delta += edit.content.len().cast_signed() - edit.span.len().cast_signed();
    }
    let mut out = String::new();
    let mut i = 0;
    while i < ranges.len() {
        // Grow a cluster while the next edit's context would touch it.
        let first_line = old_lines.line_of(ranges[i].0.start);
        let mut j = i;
        let mut last_line = old_lines.line_of(ranges[j].0.end.max(ranges[j].0.start));
        while j + 1 < ranges.len()
            && old_lines.line_of(ranges[j + 1].0.start) <= last_line + 2 * CONTEXT + 1
        {
            j += 1;
            last_line = last_line.max(old_lines.line_of(ranges[j].0.end.max(ranges[j].0.start)));
        }
        let old_first = first_line.saturating_sub(CONTEXT);
        let old_end_line = (last_line + CONTEXT + 1).min(old_lines.count());
        let old_start = old_lines.start(old_first);
        let old_end = old_lines.start(old_end_line).min(original.len());
        // The window's edges lie outside every edit: map them through.
        let new_start = map_offset(old_start, &ranges[..i], edits);
        let new_end = map_offset(old_end, &ranges[..=j], edits);
        let new_first = new_lines.line_of(new_start);
        let window = unified_diff(
            path,
            Some(&original[old_start..old_end]),
            Some(&patched[new_start..new_end.min(patched.len())]),
        );
        for line in window.split_inclusive('\n').skip(2) {
            match line.strip_prefix("@@ ") {
                Some(header) => out.push_str(&shift_header(header, old_first, new_first)),
                None => out.push_str(line),
            }
        }
        i = j + 1;
    }
    if out.is_empty() {
        return String::new();
    }
    format!("--- a/{path}\n+++ b/{path}\n{out}")
}

/// `offset` (outside every edit in `before`) in the patched text.
fn map_offset(
    offset: usize,
    before: &[(crate::span::Span, usize, usize)],
    edits: &[Edit],
) -> usize {
    let delta: isize = before
        .iter()
        .zip(edits)
        .map(|(_, e)| e.content.len().cast_signed() - e.span.len().cast_signed())
        .sum();
    offset.checked_add_signed(delta).unwrap_or(0)
}

/// Rewrites `-a,b +c,d @@` (window-relative) to file line numbers.
fn shift_header(header: &str, old_first: usize, new_first: usize) -> String {
    let mut parts = header.splitn(3, ' ');
    let (Some(old), Some(new), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return format!("@@ {header}");
    };
    let shift = |range: &str, by: usize| -> String {
        let (start, count) = match range[1..].split_once(',') {
            Some((s, c)) => (s, Some(c)),
            None => (&range[1..], None),
        };
        let start: usize = start.parse().unwrap_or(0);
        // `-0,0` style starts (empty side) stay relative to the line before.
        let start = if start == 0 && count == Some("0") {
            by
        } else {
            start + by
        };
        match count {
            Some(c) => format!("{}{start},{c}", &range[..1]),
            None => format!("{}{start}", &range[..1]),
        }
    };
    format!(
        "@@ {} {} {rest}",
        shift(old, old_first),
        shift(new, new_first)
    )
}

/// Line start offsets.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        if starts.last() == Some(&text.len()) && !text.is_empty() {
            starts.pop();
        }
        Self(starts)
    }

    fn count(&self) -> usize {
        self.0.len()
    }

    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    fn start(&self, line: usize) -> usize {
        self.0.get(line).copied().unwrap_or(usize::MAX)
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
