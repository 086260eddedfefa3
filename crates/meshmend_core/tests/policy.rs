//! The admission policies of `meshmend policy`, executed by real engines and
//! compared with the analyzer.
//!
//! Rego (`regorus`, Microsoft's Rust OPA): every scenario of the rule
//! fixtures (`tests/rules/*/*.yaml`) and of the scenario matrix
//! (`tests/scenarios.rs`) is admitted one object at a time, in
//! creationTimestamp order (file order when absent), with Gatekeeper's
//! `data.inventory` holding the objects admitted before. The policy must deny
//! object *k* exactly when `analyze` on objects 1..*k* reports a new
//! error-level finding of an enforced rule on object *k*.
//!
//! CEL (`cel`, cel-rust): every Gateway and Service on its own; the
//! ValidatingAdmissionPolicy must deny it exactly when `analyze` on that
//! object alone reports an error of a single-object rule on it.

#[path = "scenarios.rs"]
mod scenarios;

use std::collections::BTreeMap;
use std::path::Path;

use meshmend_core::policy::{self, ENFORCED_RULES, PolicyOptions, SINGLE_OBJECT_RULES};
use meshmend_core::{AnalyzeOptions, Bundle, Severity, analyze};
use serde_json::{Value as Json, json};

/// One admissible Kubernetes object of a scenario.
struct Object {
    yaml: String,
    json: Json,
}

impl Object {
    fn kind(&self) -> &str {
        self.json["kind"].as_str().unwrap_or("")
    }
    fn name(&self) -> &str {
        self.json["metadata"]["name"].as_str().unwrap_or("")
    }
    fn namespace(&self) -> &str {
        self.json["metadata"]["namespace"].as_str().unwrap_or("default")
    }
    fn label(&self) -> String {
        format!("{} {}/{}", self.kind(), self.namespace(), self.name())
    }
}

/// Documents of a scenario (`---`-separated; `# file:` lines are comments).
fn documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" || line.starts_with("--- ") {
            docs.push(String::new());
        } else {
            docs.last_mut().expect("one open document").push_str(line);
        }
    }
    docs
}

/// The objects the API server would accept, in admission order. Anything
/// else (Helm values, kustomizations, broken YAML, fields the API server
/// refuses: meshmend's input rules MM001–MM010) is never admitted.
fn admissible(text: &str) -> Vec<Object> {
    let mut out: Vec<Object> = Vec::new();
    for yaml in documents(text) {
        let Ok(value) = regorus::Value::from_yaml_str(&yaml) else {
            continue;
        };
        let Ok(json) = value.to_json_str() else {
            continue;
        };
        let Ok(mut json) = serde_json::from_str::<Json>(&json) else {
            continue;
        };
        let is_object = json["apiVersion"].is_string()
            && json["kind"].is_string()
            && json["metadata"]["name"].is_string()
            && json["kind"] != "Kustomization"
            && json["kind"] != "List"
            // An install spec: the cluster holds the Service and Deployment
            // the operator renders from it, which the inventory would show.
            && json["kind"] != "IstioOperator";
        // kubectl reads YAML 1.1 (`3_0080`, `0x1F90`); the YAML 1.2 reader
        // here would turn those into strings, so such objects stay out.
        let yaml11_number = yaml.split(|c: char| c.is_whitespace() || ",{}[]".contains(c)).any(|w| {
            w.starts_with("0x") || (w.contains('_') && w.chars().all(|c| c.is_ascii_digit() || c == '_'))
        });
        if !is_object || yaml11_number {
            continue;
        }
        let alone = Bundle::from_text("object.yaml", &yaml).expect("within limits");
        let refused = analyze(&alone, &AnalyzeOptions::default())
            .iter()
            .any(|d| d.code < "MM100");
        if refused {
            continue;
        }
        if !json["metadata"]["namespace"].is_string() {
            json["metadata"]["namespace"] = json!("default");
        }
        out.push(Object { yaml, json });
    }
    // Stable: file order among equal (or absent) timestamps.
    out.sort_by(|a, b| {
        let ts = |o: &Object| {
            o.json["metadata"]["creationTimestamp"]
                .as_str()
                .unwrap_or("")
                .to_string()
        };
        ts(a).cmp(&ts(b))
    });
    out
}

/// `(code, message)` of the error-level findings of `rules` on `object`
/// when `objects` are applied together.
fn errors_on(objects: &[&Object], object: &Object, rules: &[&str]) -> Vec<(String, String)> {
    let text: String = objects
        .iter()
        .map(|o| format!("---\n{}", o.yaml))
        .collect();
    let bundle = Bundle::from_text("cluster.yaml", &text).expect("within limits");
    analyze(&bundle, &AnalyzeOptions::default())
        .into_iter()
        .filter(|d| d.severity == Severity::Error && rules.contains(&d.code))
        .filter(|d| {
            d.resource.as_ref().is_some_and(|r| {
                r.kind == object.kind() && r.name == object.name() && r.namespace == object.namespace()
            })
        })
        .map(|d| (d.code.to_string(), d.message))
        .collect()
}

/// Gatekeeper's inventory: `namespace[ns][groupversion][kind][name]`.
fn inventory(objects: &[&Object]) -> Json {
    let mut namespaces = serde_json::Map::new();
    for o in objects {
        let gv = o.json["apiVersion"].as_str().unwrap_or("");
        let slot = namespaces
            .entry(o.namespace().to_string())
            .or_insert_with(|| json!({}));
        let kinds = slot
            .as_object_mut()
            .expect("object")
            .entry(gv.to_string())
            .or_insert_with(|| json!({}));
        let names = kinds
            .as_object_mut()
            .expect("object")
            .entry(o.kind().to_string())
            .or_insert_with(|| json!({}));
        names
            .as_object_mut()
            .expect("object")
            .insert(o.name().to_string(), o.json.clone());
    }
    json!({"inventory": {"namespace": namespaces, "cluster": {}}})
}

/// The generated multi-document YAML, parsed.
fn generated(yaml: &str) -> Vec<Json> {
    documents(yaml)
        .iter()
        .filter(|d| d.lines().any(|l| !l.trim().is_empty() && !l.starts_with('#')))
        .map(|d| {
            let value = regorus::Value::from_yaml_str(d).expect("generated YAML parses");
            serde_json::from_str(&value.to_json_str().expect("json")).expect("json")
        })
        .collect()
}

fn rego_engine() -> regorus::Engine {
    let docs = generated(&policy::gatekeeper(&PolicyOptions::default()));
    let rego = docs[0]["spec"]["targets"][0]["rego"]
        .as_str()
        .expect("the template carries Rego");
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(true);
    engine
        .add_policy("template.rego".into(), rego.to_string())
        .expect("the generated Rego compiles");
    engine
}

/// Rule codes the Rego denies `object` with.
fn rego_denies(engine: &regorus::Engine, before: &[&Object], object: &Object) -> Vec<String> {
    let mut engine = engine.clone();
    engine
        .add_data_json(&inventory(before).to_string())
        .expect("inventory loads");
    let input = json!({
        "review": {"object": object.json, "operation": "CREATE", "kind": {"kind": object.kind()}},
        "parameters": {"nodePortMin": 30000, "nodePortMax": 32767},
    });
    engine
        .set_input_json(&input.to_string())
        .expect("input loads");
    let result = engine
        .eval_rule("data.meshmendgatewayconflicts.violation".into())
        .expect("the policy evaluates");
    let json: Json = serde_json::from_str(&result.to_json_str().expect("json")).expect("json");
    let mut codes: Vec<String> = json
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let msg = v["msg"].as_str()?;
            assert!(
                msg.starts_with(v["details"]["rule"].as_str()?),
                "message names the rule: {msg}"
            );
            Some(v["details"]["rule"].as_str()?.to_string())
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Every scenario: rule fixtures, then the scenario matrix rows.
fn scenarios() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let mut out = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    folders.sort();
    for folder in folders {
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for file in files {
            let name = file.strip_prefix(&root).expect("under root").display().to_string();
            out.push((name, std::fs::read_to_string(&file).expect("fixture")));
        }
    }
    for (row, run) in scenarios::ROWS.iter().enumerate() {
        scenarios::SEEN.with(|s| s.borrow_mut().clear());
        run();
        let seen = scenarios::SEEN.with(|s| s.take());
        for (i, yaml) in seen.into_iter().enumerate() {
            out.push((format!("scenarios.rs row {} #{}", row + 1, i + 1), yaml));
        }
    }
    out
}

#[test]
fn gatekeeper_rego_agrees_with_the_analyzer() {
    let engine = rego_engine();
    let (mut total, mut agree, mut denials) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let scenarios = scenarios();
    for (name, text) in &scenarios {
        let objects = admissible(text);
        for k in 0..objects.len() {
            let object = &objects[k];
            let before: Vec<&Object> = objects[..k].iter().collect();
            let with: Vec<&Object> = objects[..=k].iter().collect();
            let old = if before.iter().any(|o| o.label() == object.label()) {
                errors_on(&before, object, ENFORCED_RULES)
            } else {
                Vec::new()
            };
            let mut expected: Vec<String> = errors_on(&with, object, ENFORCED_RULES)
                .into_iter()
                .filter(|e| !old.contains(e))
                .map(|(code, _)| code)
                .collect();
            expected.sort();
            expected.dedup();
            let got = rego_denies(&engine, &before, object);
            total += 1;
            denials += usize::from(!expected.is_empty());
            if expected == got {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "{name}: admitting #{} {}: analyzer {expected:?}, Rego {got:?}",
                    k + 1,
                    object.label()
                ));
            }
        }
    }
    println!(
        "Rego agreement: {agree}/{total} admissions ({:.1}%) over {} scenarios; the analyzer denies {denials}",
        100.0 * agree as f64 / total.max(1) as f64,
        scenarios.len()
    );
    for d in &disagreements {
        println!("  disagreement: {d}");
    }
    assert!(denials > 10, "the scenarios exercise denials");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

fn cel_denies(validations: &[Json], object: &Object) -> Vec<String> {
    let mut env = cel::Env::stdlib();
    env.add_extension(cel::extensions::strings).expect("strings extension");
    let mut context = cel::Context::with_env(std::sync::Arc::new(env));
    context
        .add_variable("object", object.json.clone())
        .expect("object converts");
    let mut codes = Vec::new();
    for v in validations {
        let expression = v["expression"].as_str().expect("expression");
        let program = cel::Program::compile(expression)
            .unwrap_or_else(|e| panic!("CEL compiles: {expression}: {e:?}"));
        match program.execute(&context) {
            Ok(cel::Value::Bool(true)) => {}
            Ok(cel::Value::Bool(false)) => {
                let message = v["messageExpression"].as_str().expect("message");
                let text = cel::Program::compile(message)
                    .expect("message compiles")
                    .execute(&context)
                    .expect("message evaluates");
                let cel::Value::String(text) = text else {
                    panic!("message is a string: {text:?}")
                };
                codes.push(text[..5].to_string());
            }
            other => panic!("{} on {}: {other:?}", expression, object.label()),
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn validating_admission_policy_cel_agrees_with_the_analyzer() {
    let docs = generated(&policy::validating_admission_policy(&PolicyOptions::default()));
    let policies: BTreeMap<String, Vec<Json>> = docs
        .iter()
        .filter(|d| d["kind"] == "ValidatingAdmissionPolicy")
        .map(|d| {
            let resource = d["spec"]["matchConstraints"]["resourceRules"][0]["resources"][0]
                .as_str()
                .expect("resource")
                .to_string();
            let validations = d["spec"]["validations"].as_array().expect("list").clone();
            (resource, validations)
        })
        .collect();
    let (mut total, mut agree, mut denials) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for (name, text) in scenarios() {
        for object in admissible(&text) {
            let resource = match object.kind() {
                "Gateway" if object.json["apiVersion"].as_str().unwrap_or("").starts_with("networking.istio.io/") => "gateways",
                "Service" => "services",
                _ => continue,
            };
            let mut expected: Vec<String> = errors_on(&[&object], &object, SINGLE_OBJECT_RULES)
                .into_iter()
                .map(|(code, _)| code)
                .collect();
            expected.sort();
            expected.dedup();
            let got = cel_denies(&policies[resource], &object);
            total += 1;
            denials += usize::from(!expected.is_empty());
            if expected == got {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "{name}: {}: analyzer {expected:?}, CEL {got:?}",
                    object.label()
                ));
            }
        }
    }
    println!(
        "CEL agreement: {agree}/{total} objects ({:.1}%); the analyzer denies {denials}",
        100.0 * agree as f64 / total.max(1) as f64
    );
    for d in &disagreements {
        println!("  disagreement: {d}");
    }
    assert!(denials >= 3, "the scenarios exercise denials");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
