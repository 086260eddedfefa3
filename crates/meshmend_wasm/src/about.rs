//! What the page shows about this build: capabilities (which features and
//! Istio releases) and the preloaded example.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::input::to_js;

/// Which core features this build carries (the page shows only those).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Capabilities {
    /// Crate version.
    pub version: &'static str,
    /// Always true.
    pub analyze: bool,
    /// Secret redaction and rehydration.
    pub redact: bool,
    /// Refactoring fixes.
    pub fix: bool,
    /// Istio releases the version picker offers, newest first: each
    /// modelled minor release (its newest patch) and, where a behaviour
    /// changed in a patch release, the last patch before it.
    pub istio_versions: Vec<String>,
}

/// What this build can do. Native twin of [`capabilities`].
pub fn capability_report() -> Capabilities {
    Capabilities {
        version: env!("CARGO_PKG_VERSION"),
        analyze: true,
        redact: true,
        fix: true,
        istio_versions: istio_versions(),
    }
}

/// See [`Capabilities::istio_versions`].
fn istio_versions() -> Vec<String> {
    use meshmend_core::analyze::istio_version::{CHANGES, NEWEST, OLDEST_MINOR};
    let mut out = Vec::new();
    for minor in (OLDEST_MINOR..=NEWEST.minor).rev() {
        out.push(format!("1.{minor}"));
        for change in CHANGES {
            for &(_, patch) in change.since.iter().filter(|&&(m, p)| m == minor && p > 0) {
                out.push(format!("1.{minor}.{}", patch - 1));
            }
        }
    }
    out
}

/// The page's preloaded example: two Gateways on 443 with overlapping hosts
/// and different certificates, a VirtualService bound to the losing one, a
/// NodePort collision and a Secret with credentials.
pub const EXAMPLE: (&str, &str) = (
    "seed-conflict.yaml",
    include_str!("../../../examples/seed-conflict.yaml"),
);

/// Which features this build carries (`Capabilities`).
#[wasm_bindgen(unchecked_return_type = "Capabilities")]
pub fn capabilities() -> Result<JsValue, JsError> {
    to_js(&capability_report())
}

/// The preloaded example as an `InputFile` (`{name, text}`).
#[wasm_bindgen(unchecked_return_type = "InputFile")]
pub fn example() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Example {
        name: &'static str,
        text: &'static str,
    }
    to_js(&Example {
        name: EXAMPLE.0,
        text: EXAMPLE.1,
    })
}
