//! `redact` and `rehydrate`: the session's vault stays in wasm memory.

use std::cell::RefCell;

use meshmend_core::report::{Location, Locator, Shape};
use meshmend_core::{SourceFile, Vault, sort};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::input::{COLUMNS, input_files, source_files, to_js};

thread_local! {
    /// Placeholder → secret, for this page session only (wasm memory, never
    /// serialised). Kept across calls so a placeholder keeps meaning the same
    /// secret while the user edits, and text redacted earlier (an LLM answer)
    /// can still be rehydrated.
    pub(crate) static VAULT: RefCell<Vault> = RefCell::new(Vault::default());
}

/// One redacted file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RedactedFile {
    /// File name.
    pub name: String,
    /// The text with every secret replaced by its placeholder.
    pub redacted: String,
}

/// One secret found (never its value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SecretFound {
    /// Rule id.
    pub rule: &'static str,
    /// Family (`AWS_ACCESS_KEY_ID`, `PASSWORD`, …).
    pub family: &'static str,
    /// Where, in the original text.
    #[serde(flatten)]
    pub location: Location,
    /// The placeholder that replaced it.
    pub placeholder: String,
    /// Anything the reader should know.
    pub note: Option<&'static str>,
}

/// Secrets per family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FamilyCount {
    /// Family.
    pub family: &'static str,
    /// Secrets redacted.
    pub count: usize,
}

/// Result of [`redact`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RedactReport {
    /// Redacted texts, in input order.
    pub files: Vec<RedactedFile>,
    /// Every secret redacted, in file and text order.
    pub secrets: Vec<SecretFound>,
    /// Count per family, most frequent first.
    pub families: Vec<FamilyCount>,
}

/// Redacts `files`, continuing the session's vault. Native twin of [`redact`].
pub fn redact_report(files: &[SourceFile]) -> RedactReport {
    let redaction = VAULT.with_borrow_mut(|vault| {
        let redaction = meshmend_core::redact_with(std::mem::take(vault), files);
        vault.clone_from(&redaction.vault);
        redaction
    });
    let texts = redaction.apply(files);
    let locator = Locator::new(
        files.iter().map(|f| (f.name.as_str(), f.text.as_str())),
        COLUMNS,
    );
    let mut families: Vec<FamilyCount> = Vec::new();
    for finding in &redaction.findings {
        match families.iter_mut().find(|f| f.family == finding.family) {
            Some(family) => family.count += 1,
            None => families.push(FamilyCount {
                family: finding.family,
                count: 1,
            }),
        }
    }
    sort::by(&mut families, |a, b| {
        b.count.cmp(&a.count).then(a.family.cmp(b.family))
    });
    RedactReport {
        secrets: redaction
            .findings
            .iter()
            .map(|f| SecretFound {
                rule: f.rule,
                family: f.family,
                location: locator.location(f.file, f.span, Shape::Page),
                placeholder: f.placeholder.clone(),
                note: f.note,
            })
            .collect(),
        files: files
            .iter()
            .zip(texts)
            .map(|(file, redacted)| RedactedFile {
                name: file.name.clone(),
                redacted,
            })
            .collect(),
        families,
    }
}

/// Restores every placeholder of this session in `text`. Native twin of [`rehydrate`].
pub fn rehydrate_text(text: &str) -> String {
    VAULT.with_borrow(|vault| vault.rehydrate(text))
}

/// Redacts the files (`names[i]`, `texts[i]`): returns a `RedactReport`. The
/// placeholder → secret map stays inside this module (see [`rehydrate`]).
#[wasm_bindgen(unchecked_return_type = "RedactReport")]
pub fn redact(names: Vec<String>, texts: Vec<String>) -> Result<JsValue, JsError> {
    let files = input_files(names, texts)?;
    to_js(&redact_report(&source_files(files)))
}

/// Restores the real values of every placeholder this session produced.
#[wasm_bindgen]
pub fn rehydrate(text: &str) -> String {
    rehydrate_text(text)
}

/// The preloaded example, redacted with the session's vault (tests of this
/// module and of `guard`).
#[cfg(test)]
pub(crate) fn redact_example() -> RedactReport {
    redact_report(&[SourceFile::new(crate::EXAMPLE.0, crate::EXAMPLE.1)])
}

/// Secrets of the preloaded example (tests of this module and of `fix`).
#[cfg(test)]
pub(crate) const SECRETS: [&str; 3] = [
    "Sup3rS3cret-Pg",
    "AKIAQ3EGRZ7XB4HV2KPD",
    "9dKq2hX8vR+fT4mW1nZ7pL0sY3bC6eJ5aG8uN2xQ",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::about::EXAMPLE;

    #[test]
    fn example_redacts_its_secrets_and_rehydrates_byte_for_byte() {
        let report = redact_example();
        let redacted = &report.files[0].redacted;
        for secret in SECRETS {
            assert!(!redacted.contains(secret), "{secret} leaked");
        }
        assert!(report.secrets.len() >= 3);
        assert_eq!(
            report.families.iter().map(|f| f.count).sum::<usize>(),
            report.secrets.len()
        );
        assert!(report.secrets.iter().all(|s| s.location.file == EXAMPLE.0));
        assert_eq!(rehydrate_text(redacted), EXAMPLE.1);
    }
}
