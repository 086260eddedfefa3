//! The wasm API as JS sees it, run under Node by `wasm-bindgen-test-runner`:
//! `cargo test --target wasm32-unknown-unknown -p meshmend_wasm --test web`
//! (no `-q`: the runner rejects `--quiet`).
#![cfg(target_arch = "wasm32")]

use meshmend_wasm::{PageFixOptions, PageOptions};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const EXAMPLE: &str = include_str!("../../../examples/seed-conflict.yaml");

/// The two string arrays the exports take for `[{name, text}]`.
fn files(list: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    list.iter()
        .map(|(name, text)| ((*name).to_string(), (*text).to_string()))
        .unzip()
}

fn analyze(list: &[(&str, &str)]) -> Result<JsValue, wasm_bindgen::JsError> {
    let (names, texts) = files(list);
    meshmend_wasm::analyze(names, texts, PageOptions::default())
}

/// `analyze` with the settings the page can pass (the worker builds the same
/// `PageOptions` class from its option object).
fn analyze_with(
    (names, texts): &(Vec<String>, Vec<String>),
    nodeport_min: Option<u32>,
    nodeport_max: Option<u32>,
    istio_version: Option<&str>,
) -> Result<JsValue, wasm_bindgen::JsError> {
    let options = PageOptions::new(
        None,
        nodeport_min,
        nodeport_max,
        istio_version.map(str::to_string),
    )?;
    meshmend_wasm::analyze(names.clone(), texts.clone(), options)
}

/// `fix` with one strategy and the default settings.
fn fix_with(
    (names, texts): (Vec<String>, Vec<String>),
    strategy: &str,
) -> Result<JsValue, wasm_bindgen::JsError> {
    let options = PageFixOptions::new(
        PageOptions::default(),
        Some(strategy.into()),
        None,
        None,
        None,
    );
    meshmend_wasm::fix(names, texts, options)
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn analyze_returns_plain_objects_with_utf16_positions() {
    let text = "# 🚀\nkind: Gateway\nspec: [\n";
    let report = analyze(&[("gw.yaml", text)]).unwrap();
    let findings = js_sys::Array::from(&get(&report, "findings"));
    assert!(findings.length() >= 1);
    let first = findings.get(0);
    assert_eq!(get(&first, "name").as_string().unwrap(), "yaml-syntax");
    assert_eq!(get(&first, "file").as_string().unwrap(), "gw.yaml");
    assert_eq!(get(&first, "severity").as_string().unwrap(), "error");
    assert!(get(&first, "line").as_f64().unwrap() >= 3.0);
    assert!(get(&first, "note").is_null() || get(&first, "note").is_string());
    assert!(js_sys::Array::is_array(&get(&first, "related")));
}

#[wasm_bindgen_test]
fn example_keeps_file_names_across_files() {
    let report = analyze(&[("seed.yaml", EXAMPLE), ("broken.yaml", "a: [\n")]).unwrap();
    let summaries = js_sys::Array::from(&get(&report, "files"));
    assert_eq!(summaries.length(), 2);
    assert_eq!(
        get(&summaries.get(0), "name").as_string().unwrap(),
        "seed.yaml"
    );
    assert!(get(&summaries.get(0), "resources").as_f64().unwrap() >= 6.0);
    let findings = js_sys::Array::from(&get(&report, "findings"));
    let broken = findings
        .iter()
        .find(|f| get(f, "name").as_string().as_deref() == Some("yaml-syntax"))
        .expect("the broken file is reported");
    assert_eq!(get(&broken, "file").as_string().unwrap(), "broken.yaml");
    let index = get(&broken, "file_index").as_f64().unwrap();
    assert!((index - 1.0).abs() < f64::EPSILON, "file_index {index}");
}

#[wasm_bindgen_test]
fn bad_arguments_are_js_errors_not_panics() {
    let unpaired = meshmend_wasm::analyze(vec!["a.yaml".into()], vec![], PageOptions::default());
    assert!(unpaired.is_err());
    let seed = files(&[("seed.yaml", EXAMPLE)]);
    let upside_down = analyze_with(&seed, Some(32000), Some(30000), None);
    assert!(upside_down.is_err());
    let half = analyze_with(&seed, Some(30000), None, None);
    assert!(half.is_err());
    for version in ["latest", "1.21", "2.x"] {
        let bad = analyze_with(&seed, None, None, Some(version));
        assert!(bad.is_err(), "{version}");
    }
    let unknown = fix_with(seed, "teleport");
    assert!(unknown.is_err());
}

#[wasm_bindgen_test]
fn options_reach_the_core() {
    // The seed's NodePort 31390 is valid by default and outside 30000–30999.
    let seed = files(&[("seed.yaml", EXAMPLE)]);
    let names_of = |report: &JsValue| -> Vec<String> {
        js_sys::Array::from(&get(report, "findings"))
            .iter()
            .filter_map(|f| get(&f, "name").as_string())
            .collect()
    };
    let default = analyze_with(&seed, None, None, None).unwrap();
    assert!(!names_of(&default).contains(&"nodeport-out-of-range".to_string()));
    let narrow = analyze_with(&seed, Some(30000), Some(30999), None).unwrap();
    assert!(names_of(&narrow).contains(&"nodeport-out-of-range".to_string()));
    let fix = fix_with(seed, "renumber").unwrap();
    assert_eq!(get(&fix, "strategy").as_string().unwrap(), "renumber");
}

/// The page's version picker reaches the simulation: a plain-HTTP server on
/// 443 after an HTTPS one takes the port from 1.28.1 on (istio/istio#57707),
/// and the picker offers the last release before that change.
#[wasm_bindgen_test]
fn istio_version_reaches_the_core() {
    const SHAPE: &str = include_str!(
        "../../meshmend_core/tests/rules/MM101-protocol-conflict/invalid-plaintext-takes-tls-port.yaml"
    );
    let shape = files(&[("shape.yaml", SHAPE)]);
    let codes = |version: &str| -> Vec<String> {
        let report = analyze_with(&shape, None, None, Some(version)).unwrap();
        js_sys::Array::from(&get(&report, "findings"))
            .iter()
            .filter_map(|f| get(&f, "code").as_string())
            .collect()
    };
    assert_eq!(codes("1.28.1"), ["MM101"]);
    assert!(codes("1.28.0").is_empty());
    let offered: Vec<String> = js_sys::Array::from(&get(
        &meshmend_wasm::capabilities().unwrap(),
        "istio_versions",
    ))
    .iter()
    .filter_map(|v| v.as_string())
    .collect();
    for version in ["1.30", "1.28", "1.28.0", "1.27.3", "1.26.7", "1.22"] {
        assert!(
            offered.iter().any(|v| v == version),
            "{version}: {offered:?}"
        );
    }
}

#[wasm_bindgen_test]
fn rules_carry_their_docs() {
    let rules = js_sys::Array::from(&meshmend_wasm::rules().unwrap());
    assert!(rules.length() >= 1);
    let first = rules.get(0);
    assert_eq!(get(&first, "code").as_string().unwrap(), "MM001");
    assert!(!get(&first, "docs").as_string().unwrap().is_empty());
    let caps = meshmend_wasm::capabilities().unwrap();
    assert_eq!(get(&caps, "analyze").as_bool(), Some(true));
}
