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
        self.json["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default")
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
        let yaml11_number = yaml
            .split(|c: char| c.is_whitespace() || ",{}[]".contains(c))
            .any(|w| {
                w.starts_with("0x")
                    || (w.contains('_') && w.chars().all(|c| c.is_ascii_digit() || c == '_'))
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
        if !json["metadata"]["namespace"].is_string() && !cluster_scoped(&json) {
            json["metadata"]["namespace"] = json!("default");
        }
        let object = Object { yaml, json };
        if refused_by_gateway_api_crd(&object) {
            continue;
        }
        out.push(object);
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
    let mut text = String::new();
    for o in objects {
        text.push_str("---\n");
        text.push_str(&o.yaml);
    }
    let bundle = Bundle::from_text("cluster.yaml", &text).expect("within limits");
    analyze(&bundle, &AnalyzeOptions::default())
        .into_iter()
        .filter(|d| d.severity == Severity::Error && rules.contains(&d.code))
        .filter(|d| {
            d.resource.as_ref().is_some_and(|r| {
                r.kind == object.kind()
                    && r.name == object.name()
                    && r.namespace == object.namespace()
            })
        })
        .map(|d| (d.code.to_string(), d.message))
        .collect()
}

/// Kinds the API server keeps without a namespace (of those the policy syncs).
fn cluster_scoped(json: &Json) -> bool {
    matches!(
        json["kind"].as_str(),
        Some("GatewayClass" | "Namespace" | "ClusterRole" | "CustomResourceDefinition")
    )
}

/// Gatekeeper's inventory: `namespace[ns][groupversion][kind][name]`, and
/// `cluster[groupversion][kind][name]` for cluster-scoped kinds.
fn inventory(objects: &[&Object]) -> Json {
    let mut namespaces = serde_json::Map::new();
    let mut cluster = serde_json::Map::new();
    for o in objects {
        let gv = o.json["apiVersion"].as_str().unwrap_or("");
        let slot = if cluster_scoped(&o.json) {
            &mut cluster
        } else {
            namespaces
                .entry(o.namespace().to_string())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("object")
        };
        let kinds = slot.entry(gv.to_string()).or_insert_with(|| json!({}));
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
    json!({"inventory": {"namespace": namespaces, "cluster": cluster}})
}

/// The generated multi-document YAML, parsed.
fn generated(yaml: &str) -> Vec<Json> {
    documents(yaml)
        .iter()
        .filter(|d| {
            d.lines()
                .any(|l| !l.trim().is_empty() && !l.starts_with('#'))
        })
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

/// Admission orders the fixtures do not have: a translating Service after
/// the Gateways (the older Gateway loses, so nothing is denied), a TLS server
/// between two plaintext binds, a cascade of repeated hosts, and a Gateway
/// re-applied with a new conflict.
const EXTRA: &[(&str, &str)] = &[
    (
        "extra: Service admitted after the Gateways it makes collide",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: igw, namespace: istio-system}\nspec:\n  template:\n    metadata:\n      labels: {istio: ingressgateway, app: igw}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: web, namespace: a, creationTimestamp: '2024-01-01T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 8080, name: http, protocol: HTTP}\n    hosts: [a.example.com]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: db, namespace: b, creationTimestamp: '2024-01-02T00:00:00Z'}\nspec:\n  selector: {app: igw}\n  servers:\n  - port: {number: 80, name: tcp, protocol: TCP}\n    hosts: ['*']\n---\napiVersion: v1\nkind: Service\nmetadata: {name: igw, namespace: istio-system, creationTimestamp: '2024-01-03T00:00:00Z'}\nspec:\n  selector: {app: igw}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: late, namespace: c, creationTimestamp: '2024-01-04T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: tcp, protocol: TCP}\n    hosts: ['*']\n",
    ),
    (
        "extra: repeated hosts in a cascade",
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: a, namespace: x, creationTimestamp: '2024-01-01T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [a.example.com]\n    tls: {mode: SIMPLE, credentialName: a}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: b, namespace: x, creationTimestamp: '2024-01-02T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [a.example.com, b.example.com]\n    tls: {mode: SIMPLE, credentialName: b}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: c, namespace: x, creationTimestamp: '2024-01-03T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [b.example.com]\n    tls: {mode: SIMPLE, credentialName: c}\n",
    ),
    (
        "extra: a Gateway re-applied with a conflict",
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: web, namespace: x, creationTimestamp: '2024-01-01T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [a.example.com]\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: db, namespace: y, creationTimestamp: '2024-01-02T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 81, name: tcp, protocol: TCP}\n    hosts: ['*']\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: db, namespace: y, creationTimestamp: '2024-01-02T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: tcp, protocol: TCP}\n    hosts: ['*']\n",
    ),
];

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
            let name = file
                .strip_prefix(&root)
                .expect("under root")
                .display()
                .to_string();
            out.push((name, std::fs::read_to_string(&file).expect("fixture")));
        }
    }
    for (name, yaml) in EXTRA {
        out.push(((*name).to_string(), (*yaml).to_string()));
    }
    // Admission orders of Gateway API and Istio objects the rule fixtures
    // do not have (one cluster's history per file).
    let mixed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/policy_scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&mixed)
        .expect("policy scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for file in files {
        let name = format!(
            "policy_scenarios/{}",
            file.file_name().expect("file").to_string_lossy()
        );
        out.push((name, std::fs::read_to_string(&file).expect("scenario")));
    }
    for (row, run) in scenarios::ROWS.iter().enumerate() {
        scenarios::SEEN.with(|s| s.borrow_mut().clear());
        run();
        let seen = scenarios::SEEN.with(std::cell::RefCell::take);
        for (i, yaml) in seen.into_iter().enumerate() {
            out.push((format!("scenarios.rs row {} #{}", row + 1, i + 1), yaml));
        }
    }
    out
}

#[test]
fn gatekeeper_rego_agrees_with_the_analyzer() {
    let engine = rego_engine();
    let mut tally = Tally::default();
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
            let expected = errors_on(&with, object, ENFORCED_RULES)
                .into_iter()
                .filter(|e| !old.contains(e))
                .map(|(code, _)| code);
            let got = rego_denies(&engine, &before, object);
            tally.compare(expected, &got, |expected, got| {
                format!(
                    "{name}: admitting #{} {}: analyzer {expected:?}, Rego {got:?}",
                    k + 1,
                    object.label()
                )
            });
        }
    }
    let headline = format!(
        "Rego agreement: {}/{} admissions ({:.1}%) over {} scenarios; the analyzer denies {}",
        tally.agree,
        tally.total,
        tally.percent(),
        scenarios.len(),
        tally.denials
    );
    println!("{}", tally.report(&headline));
    tally.assert_agrees(11);
}

/// Admission decisions compared between the analyzer and a policy engine.
#[derive(Default)]
struct Tally {
    total: u32,
    agree: u32,
    denials: u32,
    disagreements: Vec<String>,
}

impl Tally {
    /// Compares the analyzer's codes (`expected`, in any order, repeats
    /// allowed) with the engine's (`got`, sorted, unique); `describe` words
    /// a disagreement from both lists.
    fn compare(
        &mut self,
        expected: impl Iterator<Item = String>,
        got: &[String],
        describe: impl FnOnce(&[String], &[String]) -> String,
    ) {
        let mut expected: Vec<String> = expected.collect();
        expected.sort();
        expected.dedup();
        self.total += 1;
        self.denials += u32::from(!expected.is_empty());
        if expected == got {
            self.agree += 1;
        } else {
            self.disagreements.push(describe(&expected, got));
        }
    }

    fn percent(&self) -> f64 {
        100.0 * f64::from(self.agree) / f64::from(self.total.max(1))
    }

    /// `headline` and every disagreement, one a line.
    fn report(&self, headline: &str) -> String {
        let mut out = headline.to_string();
        for d in &self.disagreements {
            out.push_str(&format!("\n  disagreement: {d}"));
        }
        out
    }

    /// Passes when there is no disagreement and the analyzer denied at
    /// least `min_denials` times.
    fn assert_agrees(&self, min_denials: u32) {
        assert!(
            self.denials >= min_denials,
            "the scenarios exercise denials"
        );
        assert!(self.disagreements.is_empty(), "{:#?}", self.disagreements);
    }
}

fn cel_context(object: &Object) -> cel::Context<'static, 'static> {
    let mut env = cel::Env::stdlib();
    env.add_extension(cel::extensions::strings)
        .expect("strings extension");
    let mut context = cel::Context::with_env(std::sync::Arc::new(env));
    context
        .add_variable("object", object.json.clone())
        .expect("object converts");
    context
}

/// Evaluates a boolean CEL expression over `object`.
fn cel_holds(context: &cel::Context<'_, '_>, expression: &str, object: &Object) -> bool {
    let program = cel::Program::compile(expression)
        .unwrap_or_else(|e| panic!("CEL compiles: {expression}: {e:?}"));
    match program.execute(context) {
        Ok(cel::Value::Bool(b)) => b,
        other => panic!("{} on {}: {other:?}", expression, object.label()),
    }
}

/// The Gateway API CRD's own validations of `spec.listeners`
/// (kubernetes-sigs/gateway-api, `apis/v1/gateway_types.go`, v1.2 and
/// later; `self` is the listener list): the API server refuses a Gateway
/// that fails one, so it is never admitted and the VAP does not repeat them.
const GATEWAY_API_CRD_LISTENER_RULES: &[&str] = &[
    "self.all(l1, self.exists_one(l2, l1.name == l2.name))",
    "self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == l2.protocol && (has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) && !has(l2.hostname))))",
];

/// Does the API server's CRD validation refuse this Gateway API Gateway?
fn refused_by_gateway_api_crd(object: &Object) -> bool {
    let api_version = object.json["apiVersion"].as_str().unwrap_or("");
    if object.kind() != "Gateway" || !api_version.starts_with("gateway.networking.k8s.io/") {
        return false;
    }
    let Some(listeners) = object.json["spec"]["listeners"].as_array() else {
        return false;
    };
    let mut context = cel_context(object);
    context
        .add_variable("self", Json::Array(listeners.clone()))
        .expect("listeners convert");
    GATEWAY_API_CRD_LISTENER_RULES
        .iter()
        .any(|rule| !cel_holds(&context, rule, object))
}

fn cel_denies(policy: &Json, object: &Object) -> Vec<String> {
    let context = cel_context(object);
    let conditions = policy["spec"]["matchConditions"].as_array();
    for condition in conditions.into_iter().flatten() {
        let expression = condition["expression"].as_str().expect("expression");
        if !cel_holds(&context, expression, object) {
            return Vec::new();
        }
    }
    let validations = policy["spec"]["validations"].as_array().expect("list");
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
    let docs = generated(&policy::validating_admission_policy(
        &PolicyOptions::default(),
    ));
    // (apiGroup, resource) → policy.
    let policies: BTreeMap<(String, String), Json> = docs
        .iter()
        .filter(|d| d["kind"] == "ValidatingAdmissionPolicy")
        .map(|d| {
            let rule = &d["spec"]["matchConstraints"]["resourceRules"][0];
            let group = rule["apiGroups"][0].as_str().expect("group").to_string();
            let resource = rule["resources"][0].as_str().expect("resource").to_string();
            ((group, resource), d.clone())
        })
        .collect();
    let mut tally = Tally::default();
    for (name, text) in scenarios() {
        for object in admissible(&text) {
            let api_version = object.json["apiVersion"].as_str().unwrap_or("");
            let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
            let resource = match object.kind() {
                "Gateway" => "gateways",
                "Service" => "services",
                _ => continue,
            };
            let Some(policy) = policies.get(&(group.to_string(), resource.to_string())) else {
                continue;
            };

            let expected = errors_on(&[&object], &object, SINGLE_OBJECT_RULES)
                .into_iter()
                .map(|(code, _)| code);
            let got = cel_denies(policy, &object);
            tally.compare(expected, &got, |expected, got| {
                format!(
                    "{name}: {}: analyzer {expected:?}, CEL {got:?}",
                    object.label()
                )
            });
        }
    }
    let headline = format!(
        "CEL agreement: {}/{} objects ({:.1}%); the analyzer denies {}",
        tally.agree,
        tally.total,
        tally.percent(),
        tally.denials
    );
    println!("{}", tally.report(&headline));
    tally.assert_agrees(3);
}

// ---------------------------------------------------------------- Gatekeeper's CRD schemas

/// The subset of a CRD's structural schema the API server applies: types,
/// `properties` (unknown fields would be pruned silently, so they are errors
/// here unless `x-kubernetes-preserve-unknown-fields`), `required`, `items`,
/// `enum`, `additionalProperties`.
fn check_schema(value: &Json, schema: &Json, path: &str, errors: &mut Vec<String>) {
    if let Some(t) = schema["type"].as_str() {
        let ok = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{path}: expected {t}, got {value}"));
            return;
        }
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        errors.push(format!("{path}: {value} not in {allowed:?}"));
    }
    for field in schema["required"].as_array().into_iter().flatten() {
        let field = field.as_str().expect("field name");
        if value.get(field).is_none() {
            errors.push(format!("{path}: missing required `{field}`"));
        }
    }
    if let (Some(object), Some(properties)) = (value.as_object(), schema["properties"].as_object())
    {
        for (key, item) in object {
            match properties.get(key) {
                Some(sub) => check_schema(item, sub, &format!("{path}.{key}"), errors),
                None if schema["x-kubernetes-preserve-unknown-fields"] == true => {}
                None => errors.push(format!("{path}: unknown field `{key}` (pruned)")),
            }
        }
    } else if let (Some(object), Some(sub)) =
        (value.as_object(), schema.get("additionalProperties"))
    {
        for (key, item) in object {
            check_schema(item, sub, &format!("{path}.{key}"), errors);
        }
    }
    if let (Some(items), Some(sub)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check_schema(item, sub, &format!("{path}[{i}]"), errors);
        }
    }
}

fn strings() -> Json {
    json!({"type": "array", "items": {"type": "string"}})
}

/// `ConstraintTemplate` `templates.gatekeeper.sh/v1`, from Gatekeeper's
/// `config/crd/bases/constrainttemplate-customresourcedefinition.yaml`
/// (open-policy-agent/gatekeeper, commit 0ce480f), descriptions dropped.
fn constraint_template_schema() -> Json {
    json!({"type": "object", "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        "spec": {"type": "object", "properties": {
            "crd": {"type": "object", "properties": {
                "spec": {"type": "object", "properties": {
                    "names": {"type": "object", "properties": {
                        "kind": {"type": "string"},
                        "shortNames": strings(),
                    }},
                    "validation": {"type": "object", "properties": {
                        "legacySchema": {"type": "boolean"},
                        "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                    }},
                }},
            }},
            "targets": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "array", "items": {"type": "object", "required": ["engine", "source"],
                    "properties": {"engine": {"type": "string"},
                        "source": {"x-kubernetes-preserve-unknown-fields": true}}}},
                "libs": strings(),
                "operations": {"type": "array", "items": {"type": "string",
                    "enum": ["*", "CREATE", "DELETE", "UPDATE", "CONNECT"]}},
                "rego": {"type": "string"},
                "target": {"type": "string"},
            }}},
        }},
    }})
}

/// `spec.match` of every constraint: Gatekeeper's `match.gatekeeper.sh`
/// `embeddedMatch` (`config/crd/bases/match.gatekeeper.sh_matchcrd.yaml`,
/// commit 21ef4df), label selectors abbreviated.
fn match_schema() -> Json {
    let selector = json!({"type": "object", "properties": {
        "matchExpressions": {"type": "array"},
        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
    }});
    json!({"type": "object", "properties": {
        "excludedNamespaces": strings(),
        "kinds": {"type": "array", "items": {"type": "object", "properties": {
            "apiGroups": strings(), "kinds": strings()}}},
        "labelSelector": selector.clone(),
        "name": {"type": "string"},
        "namespaceSelector": selector,
        "namespaces": strings(),
        "processes": strings(),
        "scope": {"type": "string"},
        "source": {"type": "string", "enum": ["All", "Generated", "Original"]},
    }})
}

/// The constraint CRD Gatekeeper generates from a template: `spec.match`,
/// `spec.enforcementAction`, and `spec.parameters` typed by the template's
/// `openAPIV3Schema` (`pkg/target` and the constraint framework's CRD schema).
fn constraint_schema(parameters: &Json) -> Json {
    json!({"type": "object", "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        "spec": {"type": "object", "properties": {
            "enforcementAction": {"type": "string"},
            "match": match_schema(),
            "parameters": parameters,
        }},
    }})
}

/// `Config` `config.gatekeeper.sh/v1alpha1`
/// (`config/crd/bases/config.gatekeeper.sh_configs.yaml`), the parts used.
fn config_schema() -> Json {
    let gvk = json!({"type": "object", "properties": {
        "group": {"type": "string"}, "version": {"type": "string"}, "kind": {"type": "string"}}});
    json!({"type": "object", "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        "spec": {"type": "object", "properties": {
            "sync": {"type": "object", "properties": {
                "syncOnly": {"type": "array", "items": gvk}}},
            "match": {"type": "array"},
            "validation": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
            "readiness": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        }},
    }})
}

fn schema_errors(value: &Json, schema: &Json) -> Vec<String> {
    let mut errors = Vec::new();
    check_schema(value, schema, "", &mut errors);
    errors
}

#[test]
fn gatekeeper_output_fits_gatekeepers_crd_schemas() {
    let docs = generated(&policy::gatekeeper(&PolicyOptions::default()));
    let [template, constraint, config] = &docs[..] else {
        panic!("three documents: {docs:#?}")
    };
    assert_eq!(template["apiVersion"], "templates.gatekeeper.sh/v1");
    assert_eq!(template["kind"], "ConstraintTemplate");
    assert_eq!(
        schema_errors(template, &constraint_template_schema()),
        Vec::<String>::new()
    );
    // Gatekeeper: the template's name is its constraint kind, lowercased.
    let kind = template["spec"]["crd"]["spec"]["names"]["kind"]
        .as_str()
        .expect("kind");
    assert_eq!(
        template["metadata"]["name"].as_str(),
        Some(kind.to_ascii_lowercase().as_str())
    );
    assert_eq!(
        template["spec"]["targets"][0]["target"],
        "admission.k8s.gatekeeper.sh"
    );
    assert!(
        template["spec"]["targets"][0]["rego"]
            .as_str()
            .is_some_and(|r| r.contains("violation["))
    );

    assert_eq!(
        constraint["apiVersion"],
        "constraints.gatekeeper.sh/v1beta1"
    );
    assert_eq!(constraint["kind"], kind);
    let parameters = &template["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"];
    assert_eq!(
        schema_errors(constraint, &constraint_schema(parameters)),
        Vec::<String>::new()
    );

    assert_eq!(config["apiVersion"], "config.gatekeeper.sh/v1alpha1");
    assert_eq!(config["kind"], "Config");
    // Gatekeeper reads only the Config named `config` in its own namespace.
    assert_eq!(config["metadata"]["name"], "config");
    assert_eq!(config["metadata"]["namespace"], "gatekeeper-system");
    assert_eq!(
        schema_errors(config, &config_schema()),
        Vec::<String>::new()
    );
    // The inventory covers every kind the Rego reads.
    let synced: Vec<&str> = config["spec"]["sync"]["syncOnly"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    let rego = policy::GATEKEEPER_REGO;
    for kind in [
        "Gateway",
        "Service",
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ListenerSet",
        "XListenerSet",
        "GatewayClass",
        "ReferenceGrant",
        "Namespace",
        "Secret",
    ] {
        assert!(
            synced.contains(&kind) && rego.contains(kind),
            "{kind} synced and read"
        );
    }
    // The constraint reviews every kind the Rego can deny.
    let matched: Vec<(String, String)> = constraint["spec"]["match"]["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .flat_map(|k| {
            let groups = k["apiGroups"].as_array().expect("groups").clone();
            let kinds = k["kinds"].as_array().expect("kinds").clone();
            groups.into_iter().flat_map(move |g| {
                kinds.clone().into_iter().map(move |k| {
                    (
                        g.as_str().expect("group").to_string(),
                        k.as_str().expect("kind").to_string(),
                    )
                })
            })
        })
        .collect();
    for (group, kind) in [
        ("networking.istio.io", "Gateway"),
        ("", "Service"),
        ("gateway.networking.k8s.io", "Gateway"),
        ("gateway.networking.k8s.io", "ListenerSet"),
        ("gateway.networking.x-k8s.io", "XListenerSet"),
    ] {
        assert!(
            matched.contains(&(group.to_string(), kind.to_string())),
            "{group}/{kind} matched: {matched:?}"
        );
    }
}

#[test]
fn the_schema_check_catches_what_the_api_server_would_prune_or_refuse() {
    let mut docs = generated(&policy::gatekeeper(&PolicyOptions::default()));
    docs[0]["spec"]["targets"][0]["regoo"] = json!("typo");
    docs[0]["spec"]["targets"][0]["operations"] = json!(["PATCH"]);
    let errors = schema_errors(&docs[0], &constraint_template_schema());
    assert_eq!(errors.len(), 2, "{errors:?}");
    let parameters = docs[0]["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"].clone();
    docs[1]["spec"]["parameters"]["nodePortMin"] = json!("30000");
    assert_eq!(
        schema_errors(&docs[1], &constraint_schema(&parameters)).len(),
        1
    );
}

#[test]
fn the_gateway_api_crd_refuses_what_the_vap_leaves_to_it() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/policy_scenarios/gateway-api-listeners-of-one-gateway.yaml"),
    )
    .expect("scenario");
    let admitted: Vec<String> = admissible(&text).iter().map(Object::label).collect();
    for refused in ["same-name", "same-port-protocol-hostname"] {
        assert!(
            !admitted.iter().any(|l| l.ends_with(&format!("/{refused}"))),
            "the CRD refuses {refused}: {admitted:?}"
        );
    }
    assert!(admitted.iter().any(|l| l.ends_with("/http-and-https")));
}

#[test]
fn validating_admission_policy_has_the_required_structure() {
    let docs = generated(&policy::validating_admission_policy(
        &PolicyOptions::default(),
    ));
    let kinds: Vec<&str> = docs.iter().filter_map(|d| d["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding"
        ]
    );
    for pair in docs.chunks(2) {
        assert_eq!(pair[0]["apiVersion"], "admissionregistration.k8s.io/v1");
        assert_eq!(pair[1]["spec"]["policyName"], pair[0]["metadata"]["name"]);
        assert_eq!(pair[1]["spec"]["validationActions"], json!(["Deny"]));
        for v in pair[0]["spec"]["validations"]
            .as_array()
            .expect("validations")
        {
            assert!(v["expression"].is_string() && v["messageExpression"].is_string());
        }
    }
}
