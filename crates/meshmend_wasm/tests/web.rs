//! The wasm API as JS sees it, run under Node by `wasm-bindgen-test-runner`:
//! `cargo test --target wasm32-unknown-unknown -p meshmend_wasm --test web`
//! (no `-q`: the runner rejects `--quiet`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const EXAMPLE: &str = include_str!("../../../examples/seed-conflict.yaml");

fn files(list: &[(&str, &str)]) -> JsValue {
    let array = js_sys::Array::new();
    for (name, text) in list {
        let file = js_sys::Object::new();
        js_sys::Reflect::set(&file, &"name".into(), &(*name).into()).unwrap();
        js_sys::Reflect::set(&file, &"text".into(), &(*text).into()).unwrap();
        array.push(&file);
    }
    array.into()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn analyze_returns_plain_objects_with_utf16_positions() {
    let text = "# 🚀\nkind: Gateway\nspec: [\n";
    let report = meshmend_wasm::analyze(files(&[("gw.yaml", text)]), JsValue::UNDEFINED).unwrap();
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
    let report = meshmend_wasm::analyze(
        files(&[("seed.yaml", EXAMPLE), ("broken.yaml", "a: [\n")]),
        JsValue::UNDEFINED,
    )
    .unwrap();
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
    let result = meshmend_wasm::analyze(JsValue::from_str("not files"), JsValue::UNDEFINED);
    assert!(result.is_err());
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
