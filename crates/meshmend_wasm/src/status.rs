//! `status`: what Istio will write in the status of each Gateway API object
//! (`meshmend status`), for the page's "Istio status" tab. The prediction
//! is the core's (`gateway_api::status::predict`); this module only
//! positions each object and listener and turns conditions into plain rows.

use meshmend_core::Bundle;
use meshmend_core::gateway_api::status::{self, Condition, ObjectStatus, RouteParentStatus};
use meshmend_core::report::Locator;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::input::{COLUMNS, InputFile, PageOptions, input_files, source_files, to_js};

/// One status condition, as `kubectl get -o yaml` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatusCondition {
    /// `type` (`Accepted`, `Programmed`, `ResolvedRefs`, `Conflicted`, …).
    #[serde(rename = "type")]
    #[cfg_attr(test, ts(rename = "type"))]
    pub kind: String,
    /// `"True"` or `"False"`.
    pub status: &'static str,
    /// `reason`.
    pub reason: String,
    /// `message`.
    pub message: String,
}

/// A listener's status, or a route's status for one parent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StatusEntry {
    /// The listener name, or the parentRef (`Gateway ns/name`, `:section`, `:port`).
    pub name: String,
    /// 1-based line of the listener or parentRef in its file (0: not in the input).
    pub line: usize,
    /// `attachedRoutes` of a listener.
    pub attached_routes: Option<u32>,
    /// Conditions.
    pub conditions: Vec<StatusCondition>,
}

/// The predicted status of one Gateway API object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ObjectView {
    /// `kind`.
    pub kind: String,
    /// `namespace/name` (just `name` for a GatewayClass).
    pub name: String,
    /// Index of the file in the input list.
    pub file_index: usize,
    /// 1-based line where the object starts.
    pub line: usize,
    /// `status.conditions`.
    pub conditions: Vec<StatusCondition>,
    /// `status.attachedListenerSets`, for Gateways that allow ListenerSets.
    pub attached_listener_sets: Option<u32>,
    /// `status.listeners` (Gateways, ListenerSets) or `status.parents` (routes).
    pub entries: Vec<StatusEntry>,
}

/// Predicts the status of every Gateway API object Istio handles. Native
/// twin of [`status()`].
pub fn status_report(
    files: Vec<InputFile>,
    options: &PageOptions,
) -> Result<Vec<ObjectView>, meshmend_core::Error> {
    let (load, _) = options.resolve();
    let bundle = Bundle::load(source_files(files), load)?;
    let locator = Locator::of_bundle(&bundle, COLUMNS);
    let line = |file: usize, span| locator.point(file, span).line;
    Ok(status::predict(&bundle)
        .objects
        .iter()
        .map(|o| ObjectView {
            kind: o.kind.clone(),
            name: o
                .namespace
                .as_ref()
                .map_or_else(|| o.name.clone(), |ns| format!("{ns}/{}", o.name)),
            file_index: o.file,
            line: line(o.file, o.span.start),
            conditions: conditions(&o.conditions),
            attached_listener_sets: o.attached_listener_sets,
            entries: entries(o, |span| line(o.file, span)),
        })
        .collect())
}

fn entries(object: &ObjectStatus, line: impl Fn(usize) -> usize) -> Vec<StatusEntry> {
    let listeners = object.listeners.iter().map(|l| StatusEntry {
        name: l.name.clone(),
        line: line(l.span.start),
        attached_routes: Some(l.attached_routes),
        conditions: conditions(&l.conditions),
    });
    let parents = object.parents.iter().map(|p| StatusEntry {
        name: parent_name(p),
        line: p.span.map_or(0, |s| line(s.start)),
        attached_routes: None,
        conditions: conditions(&p.conditions),
    });
    listeners.chain(parents).collect()
}

/// "Gateway istio-system/web:https".
fn parent_name(parent: &RouteParentStatus) -> String {
    let r = &parent.parent_ref;
    let mut out = format!("{} ", r.kind.as_deref().unwrap_or("Gateway"));
    if let Some(ns) = &r.namespace {
        out.push_str(ns);
        out.push('/');
    }
    out.push_str(&r.name);
    if let Some(section) = &r.section_name {
        out.push(':');
        out.push_str(section);
    }
    if let Some(port) = r.port {
        out.push(':');
        out.push_str(&port.to_string());
    }
    out
}

fn conditions(list: &[Condition]) -> Vec<StatusCondition> {
    list.iter()
        .map(|c| StatusCondition {
            kind: c.kind.clone(),
            status: c.status_str(),
            reason: c.reason.clone(),
            message: c.message.clone(),
        })
        .collect()
}

/// The status Istio will write on each Gateway API object of the files
/// (`names[i]`, `texts[i]`) as `ObjectView[]`; options as in `analyze`.
/// Only with the `status` feature (the prediction is ~35 KB of gzipped
/// wasm: the page has it in the engines module); the page hides its tab
/// without it.
#[wasm_bindgen(unchecked_return_type = "ObjectView[]")]
#[expect(clippy::needless_pass_by_value, reason = "takes the JS settings over")]
pub fn status(
    names: Vec<String>,
    texts: Vec<String>,
    options: PageOptions,
) -> Result<JsValue, JsError> {
    to_js(&status_report(input_files(names, texts)?, &options)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Vec<InputFile> {
        vec![crate::input::file("gw.yaml", text)]
    }

    #[test]
    fn listener_conditions_are_positioned_rows() {
        let text = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: web, namespace: prod}\nspec:\n  gatewayClassName: istio\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n  - name: udp\n    port: 53\n    protocol: UDP\n";
        let objects = status_report(file(text), &PageOptions::default()).unwrap();
        let gateway = objects.iter().find(|o| o.kind == "Gateway").unwrap();
        assert_eq!(gateway.name, "prod/web");
        assert_eq!(gateway.line, 1);
        let names: Vec<_> = gateway.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["http", "udp"]);
        // The `udp` listener: its entry (line 10) or its port (line 11).
        assert!((10..=11).contains(&gateway.entries[1].line));
        let accepted = |e: &StatusEntry| {
            e.conditions
                .iter()
                .find(|c| c.kind == "Accepted")
                .map(|c| c.status)
        };
        assert_eq!(accepted(&gateway.entries[0]), Some("True"));
        assert_eq!(accepted(&gateway.entries[1]), Some("False"));
    }

    #[test]
    fn istio_objects_have_no_status_here() {
        let (name, text) = crate::EXAMPLE;
        let files = vec![crate::input::file(name, text)];
        assert!(
            status_report(files, &PageOptions::default())
                .unwrap()
                .is_empty()
        );
    }
}
