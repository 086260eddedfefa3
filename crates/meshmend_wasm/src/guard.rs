//! The LLM panel's last guard and the placeholder grammar, for the page
//! (`web/llm/guard.js`). The secrets stay in this module's vault: the page
//! gets back placeholders, never values.

use meshmend_core::redact::leak;
use wasm_bindgen::prelude::*;

use crate::redact::VAULT;

/// The placeholders of the session's secrets that occur in `body` (raw,
/// JSON-escaped or `\u`-escaped, or in a decoded JSON string), among the
/// secrets behind `placeholders` and behind every placeholder written in
/// `texts` (the redacted text the body was built from). Native twin of
/// [`leaks`].
pub fn leaks_in(body: &str, texts: &[String], placeholders: &[String]) -> Vec<String> {
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let placeholders: Vec<&str> = placeholders.iter().map(String::as_str).collect();
    VAULT.with_borrow(|vault| leak::guard(vault, body, &texts, &placeholders))
}

/// See [`leaks_in`]: an empty array means the body may be sent.
#[wasm_bindgen]
#[expect(
    clippy::needless_pass_by_value,
    reason = "wasm-bindgen passes JS string arrays as owned vectors"
)]
pub fn leaks(body: &str, texts: Vec<String>, placeholders: Vec<String>) -> Vec<String> {
    leaks_in(body, &texts, &placeholders)
}

/// Distinct tokens in `text` shaped like a (possibly mangled) placeholder,
/// in order: run on rehydrated text, the ones this session never issued.
#[wasm_bindgen]
pub fn placeholder_like(text: &str) -> Vec<String> {
    leak::placeholder_like(text)
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::redact_example;

    #[test]
    fn the_example_redacted_passes_and_a_secret_put_back_is_named() {
        let report = redact_example();
        let texts: Vec<String> = report.files.iter().map(|f| f.redacted.clone()).collect();
        let body = format!("{{\"user\":{:?}}}", texts[0]);
        assert!(leaks_in(&body, &texts, &[]).is_empty());
        let leaked = format!("{{\"user\":\"{}\"}}", "AKIAQ3EGRZ7XB4HV2KPD");
        let named = leaks_in(&leaked, &texts, &[]);
        assert_eq!(named.len(), 1, "{named:?}");
        assert!(named[0].starts_with("__REDACTED_"), "{named:?}");
        assert!(!named[0].contains("AKIA"));
    }
}
