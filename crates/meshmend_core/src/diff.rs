//! Unified diffs, git style: `similar` finds the changed lines, the hunks
//! are written here.
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
