//! Unified diffs, git style, over `similar`.

use similar::TextDiff;

/// A unified diff of one file with 3 lines of context, headed
/// `--- a/PATH` / `+++ b/PATH` (or `/dev/null` for added/deleted files).
/// Empty when nothing changed.
pub fn unified_diff(path: &str, before: Option<&str>, after: Option<&str>) -> String {
    let (old, new) = (before.unwrap_or(""), after.unwrap_or(""));
    if before.is_some() && old == new {
        return String::new();
    }
    let old_header = before.map_or_else(|| "/dev/null".to_string(), |_| format!("a/{path}"));
    let new_header = after.map_or_else(|| "/dev/null".to_string(), |_| format!("b/{path}"));
    let diff = TextDiff::from_lines(old, new);
    let mut out = format!("--- {old_header}\n+++ {new_header}\n");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&hunk.to_string());
        if !out.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
    out
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
        assert!(diff.starts_with("--- /dev/null\n+++ b/values.yaml\n@@ -0,0 +1 @@\n+x: 1\n"));
    }

    #[test]
    fn unchanged_is_empty() {
        assert_eq!(unified_diff("f", Some("a\n"), Some("a\n")), "");
    }
}
