//! The status istiod writes on Gateway API objects, predicted offline.
//!
//! Follows Istio's `pilot/pkg/config/kube/gateway/` (conversion.go,
//! conditions.go, listenerset*.go, route_collections.go): only classes
//! Istio owns get a verdict; each entry keeps the span of the object,
//! listener or parentRef it is about so rules can point at it.

pub mod address;
pub mod class;
pub mod gateways;
pub mod listeners;
pub mod refs;
pub mod routes;

use crate::model::{Bundle, Labels};
use crate::span::Span;

use super::{Inventory, Meta};

/// One status condition as Kubernetes shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// `type` (`Accepted`, `Programmed`, `ResolvedRefs`, `Conflicted`, …).
    pub kind: String,
    /// `status`: `"True"` when true.
    pub status: bool,
    /// `reason`.
    pub reason: String,
    /// `message`.
    pub message: String,
}

impl Condition {
    /// A condition.
    pub fn new(kind: &str, status: bool, reason: &str, message: impl Into<String>) -> Self {
        Condition {
            kind: kind.to_string(),
            status,
            reason: reason.to_string(),
            message: message.into(),
        }
    }

    /// `"True"` or `"False"`.
    pub fn status_str(&self) -> &'static str {
        if self.status { "True" } else { "False" }
    }
}

/// `status.listeners[]` of a Gateway or ListenerSet.
#[derive(Clone, Debug)]
pub struct ListenerStatus {
    /// `name`.
    pub name: String,
    /// The listener in the input: its `port` value when written, else the listener.
    pub span: Span,
    /// For a listener that lost a conflict: the listener it lost to (file, span).
    pub conflicts_with: Option<(usize, Span)>,
    /// `attachedRoutes`.
    pub attached_routes: u32,
    /// `supportedKinds`: group, kind.
    pub supported_kinds: Vec<(String, String)>,
    /// `conditions`.
    pub conditions: Vec<Condition>,
}

/// A route status' `parentRef`, as Istio writes it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParentRefStatus {
    /// `group`.
    pub group: Option<String>,
    /// `kind`.
    pub kind: Option<String>,
    /// `name`.
    pub name: String,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `sectionName`.
    pub section_name: Option<String>,
    /// `port`.
    pub port: Option<u32>,
}

/// `status.parents[]` of a route.
#[derive(Clone, Debug)]
pub struct RouteParentStatus {
    /// `parentRef`.
    pub parent_ref: ParentRefStatus,
    /// `controllerName`.
    pub controller_name: String,
    /// `conditions`.
    pub conditions: Vec<Condition>,
    /// The `parentRefs[]` entry in the input (`None` for entries another
    /// controller wrote).
    pub span: Option<Span>,
    /// The listener the parentRef wanted (file, span), when one was named
    /// or only one could have matched.
    pub listener: Option<(usize, Span)>,
}

/// The status of one object.
#[derive(Clone, Debug)]
pub struct ObjectStatus {
    /// `apiVersion` of the input object.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (`None` for a GatewayClass).
    pub namespace: Option<String>,
    /// Index in [`Bundle::resources`].
    pub resource: usize,
    /// File index.
    pub file: usize,
    /// The object in the input.
    pub span: Span,
    /// `status.conditions`.
    pub conditions: Vec<Condition>,
    /// `status.addresses`: type, value (Gateways).
    pub addresses: Vec<(String, String)>,
    /// `status.listeners` (Gateways and ListenerSets).
    pub listeners: Vec<ListenerStatus>,
    /// `status.attachedListenerSets` (Gateways that allow ListenerSets).
    pub attached_listener_sets: Option<u32>,
    /// `status.parents` (routes).
    pub parents: Vec<RouteParentStatus>,
}

impl ObjectStatus {
    /// An empty status for an object.
    pub fn new(meta: &Meta, namespace: Option<&str>) -> ObjectStatus {
        ObjectStatus {
            api_version: meta.api_version.clone(),
            kind: meta.kind.clone(),
            name: meta.name.value.clone(),
            namespace: namespace.map(str::to_string),
            resource: meta.resource,
            file: meta.file,
            span: meta.span,
            conditions: Vec::new(),
            addresses: Vec::new(),
            listeners: Vec::new(),
            attached_listener_sets: None,
            parents: Vec::new(),
        }
    }

    /// The condition of this type, if written.
    pub fn condition(&self, kind: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }
}

/// Every status Istio would write, in input order of the objects.
#[derive(Clone, Debug, Default)]
pub struct StatusReport {
    /// One entry per object Istio handles.
    pub objects: Vec<ObjectStatus>,
}

/// The inventory and the status predicted from it, kept together for the
/// rules (which need both the objects' spans and the verdicts).
#[derive(Clone, Debug)]
pub struct Prediction {
    /// Every Gateway API object.
    pub inventory: Inventory,
    /// The status Istio writes on them.
    pub status: StatusReport,
}

impl Prediction {
    /// Builds the inventory and predicts its status.
    pub fn new(bundle: &Bundle) -> Prediction {
        let inventory = Inventory::build(bundle);
        let status = predict_with(bundle, &inventory);
        Prediction { inventory, status }
    }

    /// The status of the object at `resource` (an index in the bundle).
    pub fn status_of(&self, resource: usize) -> Option<&ObjectStatus> {
        self.status.objects.iter().find(|o| o.resource == resource)
    }
}

/// Predicts the status of every Gateway API object of the bundle.
pub fn predict(bundle: &Bundle) -> StatusReport {
    predict_with(bundle, &Inventory::build(bundle))
}

/// [`predict`] with an inventory already built.
pub fn predict_with(bundle: &Bundle, inventory: &Inventory) -> StatusReport {
    let mut objects = Vec::new();
    if inventory.is_empty() {
        return StatusReport { objects };
    }
    let namespaces = known_namespaces(bundle, inventory);
    class::class_statuses(inventory, &mut objects);
    let parents = gateways::predict(bundle, inventory, &namespaces, &mut objects);
    routes::predict(bundle, inventory, &parents, &mut objects);
    StatusReport { objects }
}

/// The listeners routes can attach to (those Istio makes a server for),
/// for the fix engine, which repoints parentRefs at one of them.
pub fn parents(bundle: &Bundle, inventory: &Inventory) -> Vec<gateways::Parent> {
    let namespaces = known_namespaces(bundle, inventory);
    gateways::predict(bundle, inventory, &namespaces, &mut Vec::new())
}

/// Every namespace with its labels: Namespace objects, and the namespaces
/// other objects live in (no labels; Istio still implies
/// `kubernetes.io/metadata.name`).
pub(crate) fn known_namespaces(bundle: &Bundle, inventory: &Inventory) -> Vec<(String, Labels)> {
    let mut out: Vec<(String, Labels)> = inventory
        .namespaces
        .iter()
        .map(|n| (n.name.clone(), n.labels.clone()))
        .collect();
    for resource in &bundle.resources {
        if !out.iter().any(|(name, _)| *name == resource.namespace) {
            out.push((resource.namespace.clone(), Labels::new()));
        }
    }
    out
}

#[cfg(test)]
mod tests;
