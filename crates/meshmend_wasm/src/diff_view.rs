//! A fix view for the page: the unified diff text (what Copy and Download
//! give) and the same diff as files, hunks and numbered lines
//! (`meshmend_core::diff::files`), which the page renders without parsing.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::FixView;

impl Serialize for FixView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The core writes every diff it returns in the form `files` reads.
        let diff_files = meshmend_core::diff::files(&self.diff).unwrap_or_default();
        let mut view = serializer.serialize_struct("FixView", 3)?;
        view.serialize_field("diff", &self.diff)?;
        view.serialize_field("diff_files", &diff_files)?;
        view.serialize_field("files", &self.files)?;
        view.end()
    }
}

#[cfg(test)]
mod tests {
    use crate::{EXAMPLE, InputFile, PageFixOptions, fix_report};

    #[test]
    fn both_views_of_the_example_fix_read_back_into_files() {
        let input = InputFile {
            name: EXAMPLE.0.to_string(),
            text: EXAMPLE.1.to_string(),
        };
        let report = fix_report(vec![input], &PageFixOptions::default()).unwrap();
        for view in [&report.real, &report.redacted] {
            let files = meshmend_core::diff::files(&view.diff).expect("a diff the core wrote");
            assert!(!files.is_empty());
            assert_eq!(files[0].old, "a/seed-conflict.yaml");
        }
    }
}
