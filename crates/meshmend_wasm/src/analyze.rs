//! `analyze`: findings positioned in UTF-16 columns, counts, per-file summary.

use meshmend_core::report::{Finding, Locator, Shape};
use meshmend_core::{Bundle, Severity};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::input::{COLUMNS, InputFile, PageOptions, input_files, source_files, to_js};

/// Number of findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Counts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

/// What was read from one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FileSummary {
    /// File name.
    pub name: String,
    /// YAML documents seen (parsed or not).
    pub documents: usize,
    /// Kubernetes objects (and Helm values files) recognised.
    pub resources: usize,
}

/// Result of [`analyze`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AnalyzeReport {
    /// Findings sorted by file and position.
    pub findings: Vec<Finding>,
    /// Findings per severity.
    pub counts: Counts,
    /// Per-file summary.
    pub files: Vec<FileSummary>,
}

/// Analyzes a set of files. Native twin of [`analyze`].
pub fn analyze_report(
    files: Vec<InputFile>,
    options: &PageOptions,
) -> Result<AnalyzeReport, meshmend_core::Error> {
    let (load, analyze_options) = options.resolve();
    let bundle = Bundle::load(source_files(files), load)?;
    let diagnostics = meshmend_core::analyze(&bundle, &analyze_options);
    let locator = Locator::of_bundle(&bundle, COLUMNS);
    let mut counts = Counts::default();
    let findings = diagnostics
        .iter()
        .map(|d| {
            match d.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
            locator.finding(d, Shape::Page)
        })
        .collect();
    let files = bundle
        .files
        .iter()
        .enumerate()
        .map(|(index, file)| FileSummary {
            name: file.name.clone(),
            documents: bundle.streams[index].document_count(),
            resources: bundle.resources.iter().filter(|r| r.file == index).count(),
        })
        .collect();
    Ok(AnalyzeReport {
        findings,
        counts,
        files,
    })
}

/// Analyzes the files (`names[i]`, `texts[i]`) with `options` and returns an
/// `AnalyzeReport`.
///
/// Fails (throws) only on bad arguments or when the input breaks a
/// whole-input limit (size); YAML syntax errors are findings
/// (`yaml-syntax`), not failures.
#[wasm_bindgen(unchecked_return_type = "AnalyzeReport")]
#[expect(clippy::needless_pass_by_value, reason = "takes the JS settings over")]
pub fn analyze(
    names: Vec<String>,
    texts: Vec<String>,
    options: PageOptions,
) -> Result<JsValue, JsError> {
    to_js(&analyze_report(input_files(names, texts)?, &options)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::file;

    #[test]
    fn syntax_error_has_file_name_and_utf16_column() {
        // The rocket is 4 UTF-8 bytes and 2 UTF-16 units: columns count the latter.
        let text = "# 🚀\nkind: Gateway\nspec: [\n";
        let report = analyze_report(vec![file("gw.yaml", text)], &PageOptions::default()).unwrap();
        let finding = &report.findings[0];
        assert_eq!(finding.name, "yaml-syntax");
        assert_eq!(finding.location.file, "gw.yaml");
        assert!(finding.location.line >= 3, "{finding:?}");
        assert_eq!(report.counts.error, 1);
        assert_eq!(report.files[0].name, "gw.yaml");
    }

    #[test]
    fn positions_count_utf16_units_and_carry_every_page_field() {
        // `a: "` is 4 units, the rocket 2 more, then `" `: the `[` is column 9.
        let text = "a: \"🚀\" [\n";
        let report = analyze_report(vec![file("x.yaml", text)], &PageOptions::default()).unwrap();
        let finding = &report.findings[0];
        assert_eq!(finding.location.file_index, Some(0));
        assert!(finding.location.end_column.is_some());
        assert!(finding.note.is_some() && finding.help.is_some());
        let bundle = Bundle::from_text("x.yaml", text).unwrap();
        let at = text.find('[').unwrap();
        let range =
            Locator::of_bundle(&bundle, COLUMNS).range(0, meshmend_core::Span::new(at, at + 1));
        assert_eq!((range.line, range.column, range.end_column), (1, 9, 10));
    }

    #[test]
    fn files_keep_their_names_and_order() {
        let report = analyze_report(
            vec![
                file("a.yaml", "kind: Service\nmetadata: {name: a}\n"),
                file("b.yaml", "x: [\n"),
            ],
            &PageOptions::default(),
        )
        .unwrap();
        assert_eq!(
            report
                .files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            ["a.yaml", "b.yaml"]
        );
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.location.file == "b.yaml" && f.location.file_index == Some(1))
        );
    }
}
