//! The unit of a plan, and the keys it records for verification. Its own
//! module so that strategies (which make units) and the verifier (which
//! checks them) both depend on it and not on each other.

use super::Change;
use crate::edit::Edit;
use crate::model::{Labels, labels_to_string};

/// One independently verifiable piece of a plan: one conflict group, or one
/// nodePort.
#[derive(Clone, Debug, Default)]
pub(crate) struct Unit {
    /// Summary, used when the unit is rejected.
    pub title: String,
    /// What it changes.
    pub changes: Vec<Change>,
    /// Edits as (file index, edit) on the original texts.
    pub edits: Vec<(usize, Edit)>,
    /// New files as (path, text).
    pub added: Vec<(String, String)>,
    /// Resources (indices into [`Bundle::resources`]) this unit is about; a
    /// verification failure on one of them withdraws the unit.
    pub resources: Vec<usize>,
    /// For verification: Gateways (`namespace/name`) this unit deliberately
    /// moves to another gateway workload, with that workload's key.
    pub moved: Vec<(String, WorkloadKey)>,
    /// For verification: Gateways (`namespace/name`) merged into another
    /// (`namespace/name`).
    pub merged: Vec<(String, String)>,
    /// A more invasive unit for the same conflict, tried when this one does
    /// not verify (dropping a repeated host first, merging Gateways next).
    pub fallback: Option<Box<Unit>>,
    /// Rules whose findings this unit sets out to remove (empty: every
    /// conflict rule on its resources). Another finding left on them is
    /// not this unit's failure.
    pub rules: Vec<&'static str>,
    /// For verification: Gateway API routes (reference, index in
    /// `parentRefs`) whose parentRef Istio must accept after the unit (the
    /// status engine is asked). A unit with such entries answers for
    /// `route-not-accepted` per parentRef, not per route: a route's other,
    /// untouched parentRef may stay refused.
    pub accepted: Vec<(crate::model::ResourceRef, usize)>,
}

impl Unit {
    /// True when a finding of rule `name` left on this unit's resources
    /// means the unit failed.
    pub(crate) fn claims(&self, name: &str) -> bool {
        if name == "route-not-accepted" && !self.accepted.is_empty() {
            return false;
        }
        self.rules.is_empty() || self.rules.contains(&name)
    }
}

/// A gateway workload, comparable across two bundles: pod namespace and labels.
pub(crate) type WorkloadKey = (Option<String>, String);

/// The key of a topology workload.
pub(crate) fn workload_key(namespace: Option<&str>, labels: &Labels) -> WorkloadKey {
    (namespace.map(str::to_string), labels_to_string(labels))
}
