//! The status istiod writes on Gateway API objects, predicted offline.
//!
//! Follows Istio's `pilot/pkg/config/kube/gateway/` (conversion.go,
//! conditions.go, listenerset*.go, route_collections.go): only classes
//! Istio owns get a verdict; each entry keeps the span of the object,
//! listener or parentRef it is about so rules can point at it.

use crate::model::Bundle;
use crate::span::Span;

use super::Inventory;

/// One status condition as Kubernetes shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// `type` (`Accepted`, `Programmed`, `ResolvedRefs`, `Conflicted`, …).
    pub kind: &'static str,
    /// `status`: `"True"` when true.
    pub status: bool,
    /// `reason`.
    pub reason: String,
    /// `message`.
    pub message: String,
}

impl Condition {
    /// A condition.
    pub fn new(kind: &'static str, status: bool, reason: &str, message: impl Into<String>) -> Self {
        Condition {
            kind,
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
    /// The listener in the input.
    pub span: Span,
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

/// Predicts the status of every Gateway API object of the bundle.
pub fn predict(bundle: &Bundle) -> StatusReport {
    predict_with(bundle, &Inventory::build(bundle))
}

/// [`predict`] with an inventory already built.
pub fn predict_with(_bundle: &Bundle, _inventory: &Inventory) -> StatusReport {
    StatusReport::default()
}
