//! A strict unified-diff applier, independent of the code that writes the
//! diff (`diff.rs`), so verification can check the diff a reviewer pipes
//! into `git apply` or `patch` rather than trusting it.
//!
//! Strict where those tools are strict, and a little more: context and
//! removed lines must match exactly (no fuzz, no offset search, no
//! whitespace leniency), hunks come in order at the line their header
//! names, header counts must match the body, `\ No newline at end of file`
//! marks the line before it as unterminated, and a hunk with less context
//! on one side than on the other must sit at that end of the file (both
//! tools anchor such a hunk there and refuse it elsewhere).

/// One file section of a diff, applied.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Patched {
    /// Path after `a/` (or `b/` for added files).
    pub path: String,
    /// True when the old side is `/dev/null`.
    pub added: bool,
    /// The new text, `None` when the new side is `/dev/null`.
    pub text: Option<String>,
}

/// Applies every file section of `diff` to the text `original` returns for
/// its path (`None`: the file does not exist). Errors say which file and
/// hunk failed and why.
pub(crate) fn apply<'a>(
    diff: &str,
    original: impl Fn(&str) -> Option<&'a str>,
) -> Result<Vec<Patched>, String> {
    let lines: Vec<&str> = diff.split_inclusive('\n').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let old = header(lines[i], "--- ").ok_or_else(|| {
            format!(
                "line {}: expected a `--- ` file header, found {:?}",
                i + 1,
                lines[i]
            )
        })?;
        let new = lines
            .get(i + 1)
            .and_then(|l| header(l, "+++ "))
            .ok_or_else(|| format!("line {}: expected a `+++ ` file header", i + 2))?;
        i += 2;
        let old_path = old.path().map(|p| strip(p, "a/")).transpose()?;
        let new_path = new.path().map(|p| strip(p, "b/")).transpose()?;
        let path = match (&old_path, &new_path) {
            (Some(a), Some(b)) if a != b => {
                return Err(format!("{a}: the diff renames it to {b}"));
            }
            (Some(p), _) | (None, Some(p)) => p.clone(),
            (None, None) => return Err("a file section with /dev/null on both sides".into()),
        };
        let source = if let Some(p) = &old_path {
            original(p).ok_or_else(|| format!("{p}: no such file to patch"))?
        } else {
            if original(&path).is_some() {
                return Err(format!("{path}: the diff creates it, but it exists"));
            }
            ""
        };
        let old_lines: Vec<&str> = source.split_inclusive('\n').collect();
        let mut result = String::with_capacity(source.len());
        let mut cursor = 0;
        let mut produced = 0;
        let mut hunks = 0;
        while i < lines.len() && lines[i].starts_with("@@ ") {
            hunks += 1;
            let (old_start, old_len, new_start, new_len) = hunk_header(lines[i])
                .ok_or_else(|| format!("{path}: bad hunk header {:?}", lines[i]))?;
            i += 1;
            let at = if old_len == 0 {
                old_start
            } else {
                old_start
                    .checked_sub(1)
                    .ok_or_else(|| format!("{path}: hunk {hunks} starts at line 0"))?
            };
            if at < cursor || at > old_lines.len() {
                return Err(format!(
                    "{path}: hunk {hunks} at line {old_start} is out of order or past the end"
                ));
            }
            for line in &old_lines[cursor..at] {
                result.push_str(line);
            }
            produced += at - cursor;
            let expected_new_start = if new_len == 0 { produced } else { produced + 1 };
            if new_start != expected_new_start {
                return Err(format!(
                    "{path}: hunk {hunks} says the new text starts at line {new_start}, it starts at {expected_new_start}"
                ));
            }
            // Body: (sign, content) until both counts are used up.
            let mut body: Vec<(u8, String)> = Vec::new();
            let (mut seen_old, mut seen_new) = (0, 0);
            while seen_old < old_len || seen_new < new_len {
                let line = lines
                    .get(i)
                    .ok_or_else(|| format!("{path}: hunk {hunks} ends early"))?;
                i += 1;
                let sign = line.as_bytes()[0];
                let mut content = line[1..].to_string();
                if lines.get(i).is_some_and(|l| l.starts_with('\\')) {
                    i += 1;
                    if content.pop() != Some('\n') {
                        return Err(format!("{path}: hunk {hunks}: bad no-newline marker"));
                    }
                }
                match sign {
                    b' ' => {
                        seen_old += 1;
                        seen_new += 1;
                    }
                    b'-' => seen_old += 1,
                    b'+' => seen_new += 1,
                    _ => {
                        return Err(format!(
                            "{path}: hunk {hunks}: line {line:?} is not context, removal or addition"
                        ));
                    }
                }
                body.push((sign, content));
            }
            if seen_old != old_len || seen_new != new_len {
                return Err(format!(
                    "{path}: hunk {hunks}: its body does not match the header's counts"
                ));
            }
            let leading = body.iter().take_while(|(s, _)| *s == b' ').count();
            let trailing = body.iter().rev().take_while(|(s, _)| *s == b' ').count();
            if leading < trailing && at != 0 {
                return Err(format!(
                    "{path}: hunk {hunks} has less leading than trailing context, so `git apply` and `patch` anchor it at the start of the file, but it starts at line {old_start}"
                ));
            }
            if trailing < leading && at + old_len != old_lines.len() {
                return Err(format!(
                    "{path}: hunk {hunks} has less trailing than leading context, so `git apply` and `patch` anchor it at the end of the file, but it ends before line {}",
                    old_lines.len()
                ));
            }
            let mut position = at;
            for (sign, content) in &body {
                if *sign != b'+' {
                    let actual = old_lines.get(position).copied().unwrap_or_default();
                    if actual != content {
                        return Err(format!(
                            "{path}: hunk {hunks}: line {} is {actual:?}, the diff expects {content:?}",
                            position + 1
                        ));
                    }
                    position += 1;
                }
                if *sign != b'-' {
                    result.push_str(content);
                    produced += 1;
                }
            }
            cursor = position;
        }
        if hunks == 0 {
            return Err(format!("{path}: a file section without hunks"));
        }
        for line in &old_lines[cursor..] {
            result.push_str(line);
        }
        let text = match new_path {
            Some(_) => Some(result),
            None if result.is_empty() => None,
            None => return Err(format!("{path}: deleted, but the diff leaves text in it")),
        };
        out.push(Patched {
            path,
            added: old_path.is_none(),
            text,
        });
    }
    Ok(out)
}

/// One side of a file header.
enum Side<'a> {
    /// `/dev/null`: the file does not exist on this side.
    Absent,
    /// A path as written (with its `a/` or `b/`).
    Path(&'a str),
}

impl<'a> Side<'a> {
    fn path(self) -> Option<&'a str> {
        match self {
            Side::Absent => None,
            Side::Path(p) => Some(p),
        }
    }
}

/// The side named by a `--- ` / `+++ ` line, `None` when `line` is not one.
fn header<'a>(line: &'a str, prefix: &str) -> Option<Side<'a>> {
    let path = line.strip_prefix(prefix)?.strip_suffix('\n')?;
    Some(if path == "/dev/null" {
        Side::Absent
    } else {
        Side::Path(path)
    })
}

fn strip(path: &str, prefix: &str) -> Result<String, String> {
    path.strip_prefix(prefix)
        .map(str::to_string)
        .ok_or_else(|| format!("{path}: expected a `{prefix}` path"))
}

/// `@@ -a[,b] +c[,d] @@…` → (a, b, c, d), counts 1 when left out.
fn hunk_header(line: &str) -> Option<(usize, usize, usize, usize)> {
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let (new, _) = rest.split_once(" @@")?;
    let range = |r: &str| -> Option<(usize, usize)> {
        match r.split_once(',') {
            Some((s, l)) => Some((s.parse().ok()?, l.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (a, b) = range(old)?;
    let (c, d) = range(new)?;
    Some((a, b, c, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::unified_diff;

    fn one(diff: &str, text: Option<&str>) -> Result<Option<String>, String> {
        let mut out = apply(diff, |_| text)?;
        assert_eq!(out.len(), 1);
        Ok(out.remove(0).text)
    }

    #[test]
    fn round_trips_the_diff_writer() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb", "a\nb\nc\n"),
            ("a\nb\n", "a\nb"),
            ("a\rb\r", "a\rB\r"),
            ("x\r\ny\r\n", "x\r\nz\r\n"),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
                "1\n3\n4\n5\n6\n7\n8\n9\nX\n",
            ),
        ];
        for (old, new) in cases {
            let diff = unified_diff("f", Some(old), Some(new));
            assert_eq!(one(&diff, Some(old)), Ok(Some(new.to_string())), "{diff}");
        }
    }

    #[test]
    fn added_and_deleted_files() {
        let diff = unified_diff("f", None, Some("x: 1\n"));
        assert_eq!(
            apply(&diff, |_| None),
            Ok(vec![Patched {
                path: "f".into(),
                added: true,
                text: Some("x: 1\n".into())
            }])
        );
        assert!(
            apply(&diff, |_| Some("x: 1\n")).is_err(),
            "creating an existing file"
        );
        let diff = unified_diff("f", Some("a\nb"), None);
        assert_eq!(one(&diff, Some("a\nb")), Ok(None));
    }

    #[test]
    fn context_must_match_exactly() {
        let diff = unified_diff("f", Some("a\nb\nc\n"), Some("a\nB\nc\n"));
        assert!(
            one(&diff, Some("a \nb\nc\n"))
                .unwrap_err()
                .contains("line 1")
        );
        assert!(
            one(&diff, Some("a\nb\nc")).is_err(),
            "newline at end differs"
        );
    }

    #[test]
    fn a_hunk_without_trailing_context_must_end_the_file() {
        let diff = "--- a/f\n+++ b/f\n@@ -1,4 +1,3 @@\n a\n b\n c\n-d\n";
        assert_eq!(
            one(diff, Some("a\nb\nc\nd\n")),
            Ok(Some("a\nb\nc\n".into()))
        );
        let err = one(diff, Some("a\nb\nc\nd\ne\n")).unwrap_err();
        assert!(err.contains("anchor it at the end"), "{err}");
    }

    #[test]
    fn counts_and_order_are_checked() {
        let short = "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n";
        assert!(one(short, Some("a\nb\nc\n")).is_err());
        let backwards = "--- a/f\n+++ b/f\n@@ -5 +5 @@\n-e\n+E\n@@ -1 +1 @@\n-a\n+A\n";
        assert!(one(backwards, Some("a\nb\nc\nd\ne\n")).is_err());
    }
}
