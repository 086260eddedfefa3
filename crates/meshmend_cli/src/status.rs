//! `meshmend status [PATH|-]... [--format yaml|json]`: the status Istio will
//! write on each Gateway API object it handles, predicted from the files
//! alone (`meshmend_core::gateway_api::status`), one document per object in
//! the shape `kubectl get -o yaml` shows.
//!
//! Exit codes: 0 (a prediction is not a check), 2 for usage and I/O errors.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use meshmend_core::Limits;
use meshmend_core::gateway_api::status::{self, Condition, ObjectStatus, ParentRefStatus};
use serde_json::{Map, Value, json};

use crate::input::{load_bundle, read_inputs};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Files or directories (walked for *.yaml, *.yml, Kubernetes *.json); `-` reads stdin (the default).
    paths: Vec<PathBuf>,
    /// Output format: multi-document YAML, or one JSON array.
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
    /// Namespace for resources that do not set one.
    #[arg(long, default_value = "default")]
    namespace: String,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Yaml,
    Json,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    let files = read_inputs(&args.paths, limits.max_input_bytes)?;
    let bundle = load_bundle(files, &args.namespace, limits)?;
    let report = status::predict(&bundle);
    let documents: Vec<Value> = report.objects.iter().map(document).collect();
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &documents)?;
            writeln!(out)?;
        }
        Format::Yaml => {
            for (i, doc) in documents.iter().enumerate() {
                if i > 0 {
                    writeln!(out, "---")?;
                }
                let mut text = String::new();
                yaml(doc, 0, &mut text);
                out.write_all(text.as_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One object's document: `apiVersion`, `kind`, `metadata`, `status`.
pub(crate) fn document(object: &ObjectStatus) -> Value {
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(object.name));
    if let Some(ns) = &object.namespace {
        metadata.insert("namespace".into(), json!(ns));
    }
    let mut status = Map::new();
    if !object.conditions.is_empty() {
        status.insert("conditions".into(), conditions(&object.conditions));
    }
    if !object.addresses.is_empty() {
        let addresses: Vec<Value> = object
            .addresses
            .iter()
            .map(|(t, v)| {
                if t.is_empty() {
                    json!({"value": v})
                } else {
                    json!({"type": t, "value": v})
                }
            })
            .collect();
        status.insert("addresses".into(), Value::Array(addresses));
    }
    if let Some(count) = object.attached_listener_sets {
        status.insert("attachedListenerSets".into(), json!(count));
    }
    let is_listener_owner = matches!(
        object.kind.as_str(),
        "Gateway" | "ListenerSet" | "XListenerSet"
    );
    if is_listener_owner && !object.listeners.is_empty() {
        let listeners: Vec<Value> = object
            .listeners
            .iter()
            .map(|l| {
                json!({
                    "name": l.name,
                    "attachedRoutes": l.attached_routes,
                    "conditions": conditions(&l.conditions),
                    "supportedKinds": l.supported_kinds.iter()
                        .map(|(g, k)| json!({"group": g, "kind": k}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        status.insert("listeners".into(), Value::Array(listeners));
    }
    if !matches!(
        object.kind.as_str(),
        "Gateway" | "GatewayClass" | "ListenerSet" | "XListenerSet"
    ) {
        let parents: Vec<Value> = object
            .parents
            .iter()
            .map(|p| {
                json!({
                    "parentRef": parent_ref(&p.parent_ref),
                    "controllerName": p.controller_name,
                    "conditions": conditions(&p.conditions),
                })
            })
            .collect();
        status.insert("parents".into(), Value::Array(parents));
    }
    json!({
        "apiVersion": object.api_version,
        "kind": object.kind,
        "metadata": metadata,
        "status": status,
    })
}

fn conditions(conditions: &[Condition]) -> Value {
    let mut sorted: Vec<&Condition> = conditions.iter().collect();
    sorted.sort_by(|a, b| a.kind.cmp(&b.kind));
    Value::Array(
        sorted
            .into_iter()
            .map(|c| {
                json!({
                    "type": c.kind,
                    "status": c.status_str(),
                    "reason": c.reason,
                    "message": c.message,
                })
            })
            .collect(),
    )
}

fn parent_ref(p: &ParentRefStatus) -> Value {
    let mut map = Map::new();
    if let Some(g) = &p.group {
        map.insert("group".into(), json!(g));
    }
    if let Some(k) = &p.kind {
        map.insert("kind".into(), json!(k));
    }
    map.insert("name".into(), json!(p.name));
    if let Some(ns) = &p.namespace {
        map.insert("namespace".into(), json!(ns));
    }
    if let Some(s) = &p.section_name {
        map.insert("sectionName".into(), json!(s));
    }
    if let Some(port) = p.port {
        map.insert("port".into(), json!(port));
    }
    Value::Object(map)
}

/// Block-style YAML for a JSON value (keys sorted, as kubectl prints them).
/// Strings are plain when a YAML 1.1 reader reads them back as the same
/// string, else double-quoted (JSON escaping is valid YAML).
fn yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                out.push_str(&pad);
                out.push_str(key);
                out.push(':');
                write_child(v, indent, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        let mut first = true;
                        for (key, v) in map {
                            if first {
                                out.push(' ');
                                first = false;
                            } else {
                                out.push_str(&pad);
                                out.push_str("  ");
                            }
                            out.push_str(key);
                            out.push(':');
                            write_child(v, indent + 2, out);
                        }
                    }
                    other => {
                        out.push(' ');
                        out.push_str(&scalar(other));
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn write_child(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            yaml(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            yaml(v, indent, out);
        }
        Value::Object(_) => out.push_str(" {}\n"),
        Value::Array(_) => out.push_str(" []\n"),
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) if plain_safe(s) => s.clone(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// Plain only for names: letters first, then name characters, and not a
/// YAML 1.1 boolean or null.
fn plain_safe(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
}
