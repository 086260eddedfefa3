//! The page's "Incident report" button: the core's Markdown report
//! (`meshmend fix --format markdown`, the same text) over the same inputs
//! and options as [`fix`](crate::fix). Returns a plain string: no serde.

use meshmend_core::markdown_report::{ReportFix, markdown_report};
use meshmend_core::refactor;
use meshmend_core::{Bundle, analyze};
use wasm_bindgen::prelude::*;

use crate::PageFixOptions;
use crate::input::{InputFile, input_files, source_files};
use crate::redact::VAULT;

/// The incident report for `files` with `options`. It continues the
/// session's vault, so its placeholders are the ones the page already shows.
/// Native twin of [`incident_report`].
pub fn incident_report_text(
    files: Vec<InputFile>,
    options: &PageFixOptions,
) -> Result<String, String> {
    let (load, fix_options) = options.resolve()?;
    let bundle = Bundle::load(source_files(files), load).map_err(|e| e.to_string())?;
    let diagnostics = analyze(&bundle, &fix_options.analyze);
    let outcome = refactor::fix(&bundle, &fix_options);
    let fix = Some(ReportFix {
        options: &fix_options,
        outcome: &outcome,
    });
    Ok(VAULT.with_borrow_mut(|vault| {
        let (text, grown) = markdown_report(
            &bundle,
            &diagnostics,
            &fix_options.analyze,
            fix,
            std::mem::take(vault),
        );
        *vault = grown;
        text
    }))
}

/// The Markdown incident report (what breaks, where, the fix as a redacted
/// diff, its verification): the text `meshmend fix --format markdown`
/// prints. Arguments as in [`fix`](crate::fix).
#[wasm_bindgen]
#[expect(clippy::needless_pass_by_value, reason = "takes the JS settings over")]
pub fn incident_report(
    names: Vec<String>,
    texts: Vec<String>,
    options: PageFixOptions,
) -> Result<String, JsError> {
    incident_report_text(input_files(names, texts)?, &options).map_err(|e| JsError::new(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../examples/seed-conflict.yaml");

    #[test]
    fn the_report_is_the_cli_text() {
        let files = vec![crate::input::file("seed.yaml", SEED)];
        let text = incident_report_text(files, &PageFixOptions::default()).unwrap();
        let bundle = Bundle::from_text("seed.yaml", SEED).unwrap();
        let options = refactor::FixOptions::default();
        let outcome = refactor::fix(&bundle, &options);
        let expected = markdown_report(
            &bundle,
            &analyze(&bundle, &options.analyze),
            &options.analyze,
            Some(ReportFix {
                options: &options,
                outcome: &outcome,
            }),
            meshmend_core::Vault::default(),
        )
        .0;
        assert_eq!(text, expected);
        assert!(text.contains("```diff\n--- a/seed.yaml"), "{text}");
    }
}
