//! Parity with Istio's Gateway API status: runs the 21 cases of
//! `tests/gateway-api-peer-suite/` (Istio's own conversion test cases, a copy
//! of `../shared/peer-suites/istio-gateway-api/` with its licence)
//! through `meshmend status environment.yaml CASE.yaml --format json` and
//! compares with each golden file by the suite README's rule: per object
//! (kind, namespace, name) the condition type → (status, reason); per
//! listener `attachedRoutes` and conditions, no extra listeners; per route
//! parent (matched by parentRef) `controllerName` and conditions, no extra
//! parents. `cargo test -p meshmend_cli --test status_peer_suite --
//! --nocapture` prints each case and the score.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use meshmend_core::model::tree::NodeRef;
use meshmend_core::{Limits, parse};
use serde_json::Value;

const KINDS: &[&str] = &[
    "GatewayClass",
    "Gateway",
    "ListenerSet",
    "HTTPRoute",
    "GRPCRoute",
    "TLSRoute",
    "TCPRoute",
];

/// The suite folder: `MESHMEND_PEER_SUITES/istio-gateway-api` when set (to
/// score other cases of Istio's testdata directory), else the copy in
/// `tests/gateway-api-peer-suite/` (the 21 cases of
/// `../shared/peer-suites/istio-gateway-api/`, Apache-2.0, with its LICENSE
/// and README), so a fresh clone runs it with nothing next to it.
fn suite() -> PathBuf {
    if let Some(dir) = std::env::var_os("MESHMEND_PEER_SUITES") {
        return PathBuf::from(dir).join("istio-gateway-api");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gateway-api-peer-suite")
}

/// A YAML tree as JSON with every scalar a string (the goldens quote some
/// numbers and not others; the comparison is on text).
fn to_value(node: NodeRef<'_>) -> Value {
    let node = node.resolve();
    if node.is_mapping() {
        let map = node
            .entries()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), to_value(v))))
            .collect();
        return Value::Object(map);
    }
    if node.is_sequence() {
        return Value::Array(node.items().map(to_value).collect());
    }
    if node.is_null() {
        return Value::Null;
    }
    Value::String(node.as_str().unwrap_or_default().to_string())
}

fn stringify(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, stringify(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(stringify).collect()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        other => other,
    }
}

type Key = (String, String, String);

fn key(doc: &Value) -> Key {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (
        s(&doc["kind"]),
        s(&doc["metadata"]["namespace"]),
        s(&doc["metadata"]["name"]),
    )
}

fn golden(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let stream = parse(&text, &Limits::default()).unwrap();
    stream
        .documents
        .iter()
        .filter_map(meshmend_core::model::tree::Document::root)
        .map(to_value)
        .filter(|d| KINDS.contains(&d["kind"].as_str().unwrap_or_default()))
        .collect()
}

fn run_case(env: &Path, case: &Path) -> Result<Vec<Value>, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_meshmend"))
        .arg("status")
        .arg(env)
        .arg(case)
        .args(["--format", "json"])
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "exit {:?}: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let docs: Vec<Value> = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    Ok(docs.into_iter().map(stringify).collect())
}

/// Per-field results of one compared object: (field, passed).
fn compare(expected: &Value, actual: Option<&Value>, fields: &mut Vec<(String, bool)>) {
    let Some(actual) = actual else {
        fields.push(("object present".into(), false));
        return;
    };
    fields.push(("object present".into(), true));
    compare_conditions(
        "",
        &expected["status"]["conditions"],
        &actual["status"]["conditions"],
        fields,
    );
    let kind = expected["kind"].as_str().unwrap_or_default();
    let none = Vec::new();
    let has_listeners = matches!(kind, "Gateway" | "ListenerSet");
    let listeners = expected["status"]["listeners"].as_array().unwrap_or(&none);
    if has_listeners {
        let got = actual["status"]["listeners"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for l in listeners {
            let name = l["name"].as_str().unwrap_or_default();
            let found = got.iter().find(|g| g["name"] == l["name"]);
            let attached = found.map(|g| g["attachedRoutes"].clone());
            fields.push((
                format!(
                    "listener {name} attachedRoutes {} got {:?}",
                    l["attachedRoutes"], attached
                ),
                attached.as_ref() == Some(&l["attachedRoutes"]),
            ));
            compare_conditions(
                &format!("listener {name} "),
                &l["conditions"],
                found.map_or(&Value::Null, |g| &g["conditions"]),
                fields,
            );
        }
        let extra: Vec<&Value> = got
            .iter()
            .filter(|g| !listeners.iter().any(|l| l["name"] == g["name"]))
            .collect();
        fields.push((format!("no extra listeners {extra:?}"), extra.is_empty()));
    }
    let parents = expected["status"]["parents"].as_array().unwrap_or(&none);
    if kind.ends_with("Route") {
        let route_ns = expected["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default();
        let got = actual["status"]["parents"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for p in parents {
            let k = parent_key(&p["parentRef"], route_ns);
            let found = got
                .iter()
                .find(|g| parent_key(&g["parentRef"], route_ns) == k);
            fields.push((
                format!("parent {k} controllerName"),
                found.is_some_and(|g| g["controllerName"] == p["controllerName"]),
            ));
            compare_conditions(
                &format!("parent {k} "),
                &p["conditions"],
                found.map_or(&Value::Null, |g| &g["conditions"]),
                fields,
            );
        }
        let extra: Vec<String> = got
            .iter()
            .map(|g| parent_key(&g["parentRef"], route_ns))
            .filter(|k| {
                !parents
                    .iter()
                    .any(|p| parent_key(&p["parentRef"], route_ns) == *k)
            })
            .collect();
        fields.push((format!("no extra parents {extra:?}"), extra.is_empty()));
    }
}

fn parent_key(p: &Value, route_ns: &str) -> String {
    let s = |k: &str, d: &str| p[k].as_str().unwrap_or(d).to_string();
    format!(
        "{}/{}/{}/{}/{}",
        s("kind", "Gateway"),
        s("namespace", route_ns),
        s("name", ""),
        s("sectionName", ""),
        s("port", "")
    )
}

fn compare_conditions(
    prefix: &str,
    expected: &Value,
    actual: &Value,
    fields: &mut Vec<(String, bool)>,
) {
    let got = actual.as_array().cloned().unwrap_or_default();
    for c in expected.as_array().into_iter().flatten() {
        let found = got.iter().find(|g| g["type"] == c["type"]);
        let ok = found.is_some_and(|g| g["status"] == c["status"] && g["reason"] == c["reason"]);
        fields.push((
            format!(
                "{prefix}condition {} want {}/{} got {:?}",
                c["type"],
                c["status"],
                c["reason"],
                found.map(|g| (g["status"].clone(), g["reason"].clone()))
            ),
            ok,
        ));
    }
}

#[test]
fn istio_gateway_api_status_suite() {
    let dir = suite();
    let env = dir.join("environment.yaml");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") && !p.ends_with("environment.yaml"))
        .collect();
    cases.sort();
    let (mut passed, mut field_pass, mut field_total) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy().to_string();
        let golden_path = dir.join(format!("{name}.status.yaml.golden"));
        let expected = golden(&golden_path);
        let mut fields = Vec::new();
        match run_case(&env, case) {
            Err(e) => {
                fields.push((format!("run: {e}"), false));
                for _ in &expected {
                    fields.push(("object".into(), false));
                }
            }
            Ok(actual) => {
                let by_key: BTreeMap<Key, &Value> = actual.iter().map(|d| (key(d), d)).collect();
                for doc in &expected {
                    let k = key(doc);
                    let before = fields.len();
                    compare(doc, by_key.get(&k).copied(), &mut fields);
                    for f in &mut fields[before..] {
                        f.0 = format!("{} {}/{}: {}", k.0, k.1, k.2, f.0);
                    }
                }
            }
        }
        let ok = fields.iter().filter(|f| f.1).count();
        field_pass += ok;
        field_total += fields.len();
        if ok == fields.len() {
            passed += 1;
            println!("pass {name}: {ok}/{} fields", fields.len());
        } else {
            println!("FAIL {name}: {ok}/{} fields", fields.len());
            for (what, _) in fields.iter().filter(|f| !f.1) {
                println!("    {what}");
            }
            failures.push(name);
        }
    }
    println!(
        "gateway-api status (istio peer suite): {passed}/{} cases, {field_pass}/{field_total} fields",
        cases.len()
    );
    assert_eq!(cases.len(), 21, "the suite has 21 cases");
    assert!(failures.is_empty(), "failing cases: {failures:?}");
}
