//! Unified diffs, git style: `similar` finds the changed lines, the hunks
//! are written here, and read back into numbered lines ([`files`]) for
//! viewers, so the page renders structure instead of parsing diff text.
//!
//! Why not `similar`'s own writer: it splits lines at a lone `\r` too, so a
//! file with classic-Mac line ends became "lines" that `git apply` and
//! `patch` (which split at `\n` only) cannot match; and a diff computed over
//! a window of the file could slide a change into the window's edge and lose
//! its trailing context (both tools then anchor the hunk at end of file and
//! refuse it). Lines here end at `\n` only, and every hunk gets
//! `min(3, lines available)` context on each side of the changed region.

use std::ops::Range;

use similar::{Algorithm, DiffOp};

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

/// A unified diff of one file with 3 lines of context, headed
/// `--- a/PATH` / `+++ b/PATH` (or `/dev/null` for added/deleted files).
/// Empty when nothing changed.
pub fn unified_diff(path: &str, before: Option<&str>, after: Option<&str>) -> String {
    let (old, new) = (before.unwrap_or(""), after.unwrap_or(""));
    if before.is_some() && after.is_some() && old == new {
        return String::new();
    }
    let old_lines = lines(old);
    let new_lines = lines(new);
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let body = hunks(&old_lines, &new_lines, ops);
    if body.is_empty() && before.is_some() && after.is_some() {
        return String::new();
    }
    format!("{}{body}", header(path, before.is_some(), after.is_some()))
}

/// The diff of `old` → `new` where only the given line regions differ:
/// each `(old lines, new lines)` range pair is diffed on its own and
/// everything between is known to be equal. Regions must be sorted, must
/// not overlap, and the lines between consecutive regions (and before the
/// first, after the last) must be the same in both texts. Cost is linear
/// in the size of the regions plus the line split, not quadratic in the
/// file. Returns `None` when the regions do not describe the texts (the
/// caller then diffs the whole files).
pub fn region_diff(
    path: &str,
    old: &str,
    new: &str,
    regions: &[(Range<usize>, Range<usize>)],
) -> Option<String> {
    let old_lines = lines(old);
    let new_lines = lines(new);
    let mut ops = Vec::with_capacity(regions.len() * 4 + 1);
    let (mut old_at, mut new_at) = (0, 0);
    for (old_range, new_range) in regions {
        let gap = old_range.start.checked_sub(old_at)?;
        if new_range.start.checked_sub(new_at)? != gap
            || old_range.end > old_lines.len()
            || new_range.end > new_lines.len()
            || old_range.start > old_range.end
            || new_range.start > new_range.end
        {
            return None;
        }
        if gap > 0 {
            push_op(
                &mut ops,
                DiffOp::Equal {
                    old_index: old_at,
                    new_index: new_at,
                    len: gap,
                },
            );
        }
        let region = similar::capture_diff_slices(
            Algorithm::Myers,
            &old_lines[old_range.clone()],
            &new_lines[new_range.clone()],
        );
        for op in region {
            push_op(&mut ops, shift(op, old_range.start, new_range.start));
        }
        (old_at, new_at) = (old_range.end, new_range.end);
    }
    let tail = old_lines.len().checked_sub(old_at)?;
    if new_lines.len().checked_sub(new_at)? != tail {
        return None;
    }
    if tail > 0 {
        push_op(
            &mut ops,
            DiffOp::Equal {
                old_index: old_at,
                new_index: new_at,
                len: tail,
            },
        );
    }
    let body = hunks(&old_lines, &new_lines, ops);
    if body.is_empty() {
        return Some(String::new());
    }
    Some(format!("{}{body}", header(path, true, true)))
}

/// `text` split after each `\n` (only: `git apply` and `patch` do not treat
/// a lone `\r` as a line end). The last line may lack its `\n`.
pub fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn header(path: &str, before: bool, after: bool) -> String {
    let old = if before {
        format!("a/{path}")
    } else {
        "/dev/null".into()
    };
    let new = if after {
        format!("b/{path}")
    } else {
        "/dev/null".into()
    };
    format!("--- {old}\n+++ {new}\n")
}

/// Appends `op`, joining it to a preceding equal run: a hunk's context is
/// counted per op, so two runs in a row would give it more context on one
/// side than the other (which `patch` only applies with fuzz).
fn push_op(ops: &mut Vec<DiffOp>, op: DiffOp) {
    if let (Some(DiffOp::Equal { len: last, .. }), DiffOp::Equal { len, .. }) =
        (ops.last_mut(), &op)
    {
        *last += len;
        return;
    }
    ops.push(op);
}

fn shift(op: DiffOp, old: usize, new: usize) -> DiffOp {
    match op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => DiffOp::Equal {
            old_index: old_index + old,
            new_index: new_index + new,
            len,
        },
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } => DiffOp::Delete {
            old_index: old_index + old,
            old_len,
            new_index: new_index + new,
        },
        DiffOp::Insert {
            old_index,
            new_index,
            new_len,
        } => DiffOp::Insert {
            old_index: old_index + old,
            new_index: new_index + new,
            new_len,
        },
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } => DiffOp::Replace {
            old_index: old_index + old,
            old_len,
            new_index: new_index + new,
            new_len,
        },
    }
}

/// The hunks of `ops` with [`CONTEXT`] lines around each change.
fn hunks(old: &[&str], new: &[&str], ops: Vec<DiffOp>) -> String {
    let mut out = String::new();
    for group in similar::group_diff_ops(ops, CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range_header(&old_range),
            range_header(&new_range)
        ));
        for op in &group {
            match *op {
                DiffOp::Equal { old_index, len, .. } => {
                    push_lines(&mut out, ' ', &old[old_index..old_index + len]);
                }
                DiffOp::Delete {
                    old_index, old_len, ..
                } => push_lines(&mut out, '-', &old[old_index..old_index + old_len]),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => push_lines(&mut out, '+', &new[new_index..new_index + new_len]),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    push_lines(&mut out, '-', &old[old_index..old_index + old_len]);
                    push_lines(&mut out, '+', &new[new_index..new_index + new_len]);
                }
            }
        }
    }
    out
}

/// One file of a diff, read back into the parts a viewer shows (the page's
/// unified and side-by-side views), so no viewer parses diff text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileDiff {
    /// The old side as the `---` header names it: `a/PATH` or `/dev/null`.
    pub old: String,
    /// The new side as the `+++` header names it: `b/PATH` or `/dev/null`.
    pub new: String,
    /// `modified`, `added` (old side `/dev/null`) or `deleted`.
    pub status: &'static str,
    /// The hunks, in order.
    pub hunks: Vec<Hunk>,
}

/// One hunk: its `@@` header, the ranges it states, and its lines.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hunk {
    /// The `@@ -a,b +c,d @@` line.
    pub header: String,
    /// First old line (1-based; the line before an empty range).
    pub old_start: usize,
    /// Old lines in the hunk.
    pub old_len: usize,
    /// First new line (1-based; the line before an empty range).
    pub new_start: usize,
    /// New lines in the hunk.
    pub new_len: usize,
    /// Context, removed and added lines, in diff order.
    pub lines: Vec<HunkLine>,
}

/// One line of a hunk.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HunkLine {
    /// `ctx`, `del` or `add`.
    pub kind: &'static str,
    /// The line without its sign and its `\n`. Its numbers follow from the
    /// hunk's starts: context and removed lines count on the old side,
    /// context and added lines on the new side.
    pub text: String,
    /// True when the line has no `\n` (the diff says `\ No newline at end of file`).
    pub no_newline: bool,
}

/// The files of a diff written by [`unified_diff`] and [`region_diff`]
/// (any concatenation of them). A hunk's body
/// is read by its header's counts, so a removed `---` stays a removed
/// line. `None` when `diff` is not in that form.
pub fn files(diff: &str) -> Option<Vec<FileDiff>> {
    let mut lines = diff.split('\n');
    if diff.ends_with('\n') || diff.is_empty() {
        // `split` yields one empty piece after the last `\n`.
        lines.next_back();
    }
    let mut lines = lines.peekable();
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        let old = line.strip_prefix("--- ")?;
        let new = lines.next()?.strip_prefix("+++ ")?;
        let status = if old == "/dev/null" {
            "added"
        } else if new == "/dev/null" {
            "deleted"
        } else {
            "modified"
        };
        let mut file = FileDiff {
            old: old.to_string(),
            new: new.to_string(),
            status,
            hunks: Vec::new(),
        };
        while let Some(header) = lines.next_if(|l| l.starts_with("@@ ")) {
            let mut hunk = hunk_header(header)?;
            let (mut old_left, mut new_left) = (hunk.old_len, hunk.new_len);
            while old_left + new_left > 0 {
                let body = lines.next()?;
                let (kind, old_line, new_line) = match body.as_bytes().first() {
                    Some(b' ') if old_left > 0 && new_left > 0 => ("ctx", true, true),
                    Some(b'-') if old_left > 0 => ("del", true, false),
                    Some(b'+') if new_left > 0 => ("add", false, true),
                    _ => return None,
                };
                let no_newline = lines.next_if(|l| l.starts_with('\\')).is_some();
                hunk.lines.push(HunkLine {
                    kind,
                    text: body[1..].to_string(),
                    no_newline,
                });
                old_left -= usize::from(old_line);
                new_left -= usize::from(new_line);
            }
            file.hunks.push(hunk);
        }
        out.push(file);
    }
    Some(out)
}

/// `@@ -a[,b] +c[,d] @@` (what [`range_header`] writes) as an empty hunk.
fn hunk_header(line: &str) -> Option<Hunk> {
    let ranges = line.strip_prefix("@@ -")?.strip_suffix(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(usize, usize)> {
        match r.split_once(',') {
            Some((start, len)) => Some((start.parse().ok()?, len.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let ((old_start, old_len), (new_start, new_len)) = (range(old)?, range(new)?);
    Some(Hunk {
        header: line.to_string(),
        old_start,
        old_len,
        new_start,
        new_len,
        lines: Vec::new(),
    })
}

/// `start,len` as unified diffs write it: 1-based, the line before an empty
/// range, `,len` left out when 1.
fn range_header(range: &Range<usize>) -> String {
    let len = range.len();
    match len {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        _ => format!("{},{len}", range.start + 1),
    }
}

fn push_lines(out: &mut String, sign: char, lines: &[&str]) {
    for line in lines {
        out.push(sign);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_line_only() {
        let diff = unified_diff("gw.yaml", Some("a\nb\nc\n"), Some("a\nB\nc\n"));
        assert_eq!(
            diff,
            "--- a/gw.yaml\n+++ b/gw.yaml\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
    }

    #[test]
    fn added_file_uses_dev_null() {
        let diff = unified_diff("values.yaml", None, Some("x: 1\n"));
        assert_eq!(
            diff,
            "--- /dev/null\n+++ b/values.yaml\n@@ -0,0 +1 @@\n+x: 1\n"
        );
    }

    #[test]
    fn deleted_file_uses_dev_null() {
        let diff = unified_diff("gw.yaml", Some("a\nb"), None);
        assert_eq!(
            diff,
            "--- a/gw.yaml\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn unchanged_is_empty() {
        assert_eq!(unified_diff("f", Some("a\n"), Some("a\n")), "");
    }

    #[test]
    fn lone_carriage_returns_are_not_line_ends() {
        let diff = unified_diff("f", Some("a\rb\r"), Some("a\rB\r"));
        assert_eq!(
            diff,
            "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\rb\r\n\\ No newline at end of file\n+a\rB\r\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn missing_final_newline_on_one_side_only() {
        let diff = unified_diff("f", Some("a\nb"), Some("a\nb\nc\n"));
        assert_eq!(
            diff,
            "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n"
        );
    }

    /// Writes `files` back as unified diff text: must give the diff read.
    fn write_back(files: &[FileDiff]) -> String {
        let mut out = String::new();
        for file in files {
            out += &format!("--- {}\n+++ {}\n", file.old, file.new);
            for hunk in &file.hunks {
                out += &hunk.header;
                out.push('\n');
                for line in &hunk.lines {
                    let sign = match line.kind {
                        "ctx" => ' ',
                        "del" => '-',
                        _ => '+',
                    };
                    out += &format!("{sign}{}\n", line.text);
                    if line.no_newline {
                        out += "\\ No newline at end of file\n";
                    }
                }
            }
        }
        out
    }

    #[test]
    fn files_read_back_every_written_shape() {
        let diffs = [
            unified_diff("gw.yaml", Some("a\nb\nc\n"), Some("a\nB\nc\n")),
            unified_diff("values.yaml", None, Some("x: 1\n")),
            unified_diff("gw.yaml", Some("a\nb"), None),
            unified_diff("f", Some("a\rb\r"), Some("a\rB\r")),
            unified_diff("f", Some("a\nb"), Some("a\nb\nc\n")),
            // A removed `---` and an added `+++` are body lines, not headers.
            unified_diff("f", Some("x\n---\ny\n"), Some("x\n+++\ny\n")),
        ];
        let all: String = diffs.concat();
        let files = files(&all).unwrap();
        assert_eq!(files.len(), diffs.len());
        assert_eq!(write_back(&files), all);
        assert_eq!(
            files.iter().map(|f| f.status).collect::<Vec<_>>(),
            [
                "modified", "added", "deleted", "modified", "modified", "modified"
            ]
        );
        let hunk = &files[0].hunks[0];
        assert_eq!(
            (hunk.old_start, hunk.old_len, hunk.new_start, hunk.new_len),
            (1, 3, 1, 3)
        );
        let lines: Vec<_> = hunk
            .lines
            .iter()
            .map(|l| (l.kind, l.text.as_str()))
            .collect();
        assert_eq!(
            lines,
            [("ctx", "a"), ("del", "b"), ("add", "B"), ("ctx", "c")]
        );
        assert!(files[2].hunks[0].lines[1].no_newline);
        assert_eq!(files[5].hunks[0].lines[1].text, "---");
        assert_eq!(super::files(""), Some(Vec::new()));
        assert_eq!(super::files("@@ -1 +1 @@\n"), None);
        assert_eq!(
            super::files("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n"),
            None
        );
    }

    #[test]
    fn a_region_keeps_full_context_when_its_change_could_slide() {
        // Deleting the middle one of three identical blocks: a diff of a
        // tight window may place the deletion at the window's end; region
        // diffs keep three lines of context after it.
        let block = "---\nkind: Gateway\nmetadata:\n";
        let old = format!("{block}  name: a\n{block}  name: b\n{block}  name: c\nend\n");
        let new = format!("{block}  name: a\n{block}  name: c\nend\n");
        let diff = region_diff("f", &old, &new, &[(4..8, 4..4)]).unwrap();
        let body: Vec<&str> = diff.lines().skip(3).collect();
        let leading = body.iter().take_while(|l| l.starts_with(' ')).count();
        let trailing = body.iter().rev().take_while(|l| l.starts_with(' ')).count();
        assert_eq!((leading, trailing), (3, 3), "{diff}");
    }

    #[test]
    fn regions_that_do_not_describe_the_texts_are_refused() {
        assert_eq!(
            region_diff("f", "a\nb\n", "a\nc\nd\n", &[(1..2, 1..2)]),
            None
        );
    }
}
