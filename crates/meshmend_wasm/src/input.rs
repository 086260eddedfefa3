//! What every export takes: files as two string arrays, optional settings as
//! plain arguments, and the conversion of results into JS values.

use meshmend_core::{AnalyzeOptions, Columns, IstioVersion, LoadOptions, SourceFile};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The page counts columns in UTF-16 code units: what JS strings,
/// `<textarea>.setSelectionRange` and JS editors count in.
pub(crate) const COLUMNS: Columns = Columns::Utf16;

/// One input file as the page sends it.
#[derive(Clone, Debug)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct InputFile {
    /// Display name (the dropped file's name, or `input.yaml` for a paste).
    pub name: String,
    /// Full text.
    pub text: String,
}

/// Page-side analysis settings (all optional). A JS class: the worker builds
/// one with `new PageOptions(namespace, nodeport_min, nodeport_max,
/// istio_version)` and hands it to the export, which takes it over.
#[wasm_bindgen]
#[derive(Clone, Debug, Default)]
pub struct PageOptions {
    /// Namespace for resources that do not set one (default `default`).
    #[wasm_bindgen(skip)]
    pub namespace: Option<String>,
    /// Valid nodePort range, inclusive (default 30000–32767).
    #[wasm_bindgen(skip)]
    pub nodeport_range: Option<(i64, i64)>,
    /// The Istio release whose istiod is simulated (default: the newest modelled).
    #[wasm_bindgen(skip)]
    pub istio_version: Option<IstioVersion>,
}

#[wasm_bindgen]
impl PageOptions {
    /// `namespace`: the default namespace; `nodeport_min`/`nodeport_max`:
    /// the valid nodePort range (default 30000–32767; both or neither);
    /// `istio_version`: the Istio release whose istiod is simulated (`1.28`,
    /// `1.27.4`; default the newest modelled, the list the page offers is in
    /// `capabilities().istio_versions`). Throws on a bad value.
    #[wasm_bindgen(constructor)]
    pub fn new(
        namespace: Option<String>,
        nodeport_min: Option<u32>,
        nodeport_max: Option<u32>,
        istio_version: Option<String>,
    ) -> Result<PageOptions, JsError> {
        let istio_version = istio_version
            .map(|v| v.parse::<IstioVersion>())
            .transpose()
            .map_err(|e| JsError::new(&format!("istio version: {e}")))?;
        let nodeport_range = match (nodeport_min, nodeport_max) {
            (None, None) => None,
            (Some(min), Some(max)) if min <= max => Some((i64::from(min), i64::from(max))),
            (Some(min), Some(max)) => {
                return Err(JsError::new(&format!(
                    "nodeport range {min}-{max}: the minimum is above the maximum"
                )));
            }
            _ => {
                return Err(JsError::new(
                    "nodeport range: give both the minimum and the maximum",
                ));
            }
        };
        Ok(PageOptions {
            namespace,
            nodeport_range,
            istio_version,
        })
    }
}

impl PageOptions {
    /// Core load and analysis settings.
    pub(crate) fn resolve(&self) -> (LoadOptions, AnalyzeOptions) {
        let mut load = LoadOptions::default();
        if let Some(namespace) = &self.namespace {
            load.default_namespace.clone_from(namespace);
        }
        let mut analyze = AnalyzeOptions::default();
        if let Some(range) = self.nodeport_range {
            analyze.nodeport_range = range;
        }
        if let Some(version) = self.istio_version {
            analyze.istio_version = version;
        }
        (load, analyze)
    }
}

pub(crate) fn source_files(files: Vec<InputFile>) -> Vec<SourceFile> {
    files
        .into_iter()
        .map(|f| SourceFile::new(f.name, f.text))
        .collect()
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The files of one call: wasm-bindgen passes the names and texts as two
/// string arrays (`worker.js` splits the `{name, text}` objects). No serde
/// `Deserialize` on the way in: serde-wasm-bindgen's deserializer and the
/// float formatting its errors pull in cost ~20 KB of the gzipped module.
pub(crate) fn input_files(
    names: Vec<String>,
    texts: Vec<String>,
) -> Result<Vec<InputFile>, JsError> {
    if names.len() != texts.len() {
        return Err(JsError::new(&format!(
            "files: {} names but {} texts",
            names.len(),
            texts.len()
        )));
    }
    Ok(names
        .into_iter()
        .zip(texts)
        .map(|(name, text)| InputFile { name, text })
        .collect())
}

#[cfg(test)]
pub(crate) fn file(name: &str, text: &str) -> InputFile {
    InputFile {
        name: name.to_string(),
        text: text.to_string(),
    }
}
