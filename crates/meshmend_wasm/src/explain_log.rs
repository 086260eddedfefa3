//! The page's "Paste an error" box: `explain_log` over the core's table.
//!
//! Log text can hold secrets (tokens in URLs, headers), so it goes through
//! the session's redaction first: the lines the page shows, and anything it
//! may later hand to an LLM, are the redacted ones. The lines are linked to
//! findings on the page's (real) manifests, as `meshmend explain-log` does.

use meshmend_core::explain_log::{ExplainedLine, explain};
use meshmend_core::{Bundle, SourceFile};
use wasm_bindgen::prelude::*;

use meshmend_core::report::{Locator, Shape};

use crate::input::{COLUMNS, InputFile, PageOptions, input_files, source_files, to_js};
use crate::redact::redact_report;

#[wasm_bindgen(typescript_custom_section)]
const TS_LOG_LINE: &str = r#"
export interface LogLine { number: number; text: string; pattern: string | null; source: string;
  meaning: string; rules: string[]; findings: Finding[] }
"#;

/// Explains `log` against `files`. Native twin of [`explain_log`].
pub fn explain_log_report(
    log: &str,
    files: Vec<InputFile>,
    options: &PageOptions,
) -> Result<Vec<ExplainedLine>, meshmend_core::Error> {
    let redacted = redact_report(&[SourceFile::new("log", log)]);
    let text = redacted.files.first().map_or("", |f| f.redacted.as_str());
    let (load, analyze_options) = options.resolve();
    let bundle = Bundle::load(source_files(files), load)?;
    let diagnostics = meshmend_core::analyze(&bundle, &analyze_options);
    let locator = Locator::of_bundle(&bundle, COLUMNS);
    Ok(explain(text)
        .iter()
        .map(|line| ExplainedLine::new(line, &diagnostics, &locator, Shape::Page))
        .collect())
}

/// Explains pasted log lines (`LogLine[]`): what each means, which rules
/// cover it, and the findings on the files (`names[i]`, `texts[i]`) that
/// caused it. The log is redacted first; options as in `analyze`.
#[wasm_bindgen(js_name = explain_log, unchecked_return_type = "LogLine[]")]
#[expect(clippy::needless_pass_by_value, reason = "takes the JS settings over")]
pub fn explain_log(
    log: &str,
    names: Vec<String>,
    texts: Vec<String>,
    options: PageOptions,
) -> Result<JsValue, JsError> {
    to_js(&explain_log_report(
        log,
        input_files(names, texts)?,
        &options,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_lines_are_redacted_and_linked() {
        let (name, text) = crate::EXAMPLE;
        let files = vec![crate::input::file(name, text)];
        let log = "skipping server on gateway istio-system/staging-gateway, duplicate host names: [prod.example.com]\n\
                   curl https://admin:Sup3rS3cret-Pg@prod.example.com/ failed\n";
        let lines = explain_log_report(log, files, &PageOptions::default()).unwrap();
        assert_eq!(lines[0].pattern, Some("duplicate-host"));
        assert_eq!(lines[0].findings.len(), 1);
        assert_eq!(lines[0].findings[0].code, "MM102");
        assert_eq!(lines[1].pattern, None);
        assert!(!lines[1].text.contains("Sup3rS3cret"), "{}", lines[1].text);
    }
}
