//! Gateway API units (MM501-MM504, MM510): a Conflicted or shadowed
//! listener moves to a free port (`listeners.rs`), a route's parentRef is
//! repointed at the one listener that accepts it (`routes.rs`), and, only
//! with [`FixOptions::grant_references`](super::FixOptions::grant_references),
//! the narrowest ReferenceGrant is added (`grants.rs`).
//!
//! Planned by every strategy but `renumber` (which only touches nodePorts):
//! these units edit Gateway API objects only, which neither consolidate nor
//! isolate touches, so they go with both, as nodePort units go with all.
//! Verification is the engine's own (`verify.rs`): the output is
//! re-analyzed, so the status prediction runs again and a route that stops
//! being accepted, or a listener that becomes Conflicted, is a new finding
//! that withdraws the unit.

mod grants;
mod listeners;
mod routes;
mod split;

use super::{Change, Planning, Rejected, Unit};
use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::gateway_api::model::{Gateway, Listener, ListenerSet, Meta};
use crate::gateway_api::status::{self, Prediction, gateways::Parent};
use crate::model::Bundle;
use crate::model::tree::ScalarStyle;
use crate::span::Span;

use super::yaml;

/// What the Gateway API planners read.
pub(super) struct Cx<'a> {
    pub bundle: &'a Bundle,
    pub prediction: Prediction,
    pub parents: Vec<Parent>,
}

/// Adds one unit per targeted Gateway API finding, or a rejection with the
/// reason it has no safe mechanical fix.
pub(crate) fn plan(planning: &mut Planning<'_>) {
    let findings: Vec<&Diagnostic> = planning
        .before
        .iter()
        .filter(|d| d.code.starts_with("MM5"))
        .collect();
    if findings.is_empty() {
        return;
    }
    let bundle = planning.bundle;
    let prediction = Prediction::new(bundle);
    let parents = status::parents(bundle, &prediction.inventory);
    let cx = Cx {
        bundle,
        prediction,
        parents,
    };
    let mut taken = listeners::Taken::default();
    let mut done: Vec<(usize, Span)> = Vec::new();
    let mut repointed = Vec::new();
    let mut granted = Vec::new();
    for d in findings {
        if done.contains(&(d.file, d.span)) {
            continue;
        }
        done.push((d.file, d.span));
        let planned = match d.code {
            "MM501" | "MM502" => listeners::conflict(&cx, d, &mut taken),
            "MM510" => listeners::cross_api(&cx, d, &mut taken),
            "MM503" => routes::repoint(&cx, d, &mut repointed),
            "MM504" if planning.options.grant_references => grants::grant(&cx, d, &mut granted),
            _ => continue,
        };
        match planned {
            Ok(unit) => planning.units.push(unit),
            // Left to another unit (a route naming a Conflicted listener, a
            // grant another finding already asked for).
            Err(reason) if reason.is_empty() => {}
            Err(reason) => planning.rejected.push(Rejected {
                title: format!("{} [{}]: {}", d.name, d.code, resource_name(bundle, d)),
                reason,
            }),
        }
    }
}

/// `Kind namespace/name` of a finding's resource.
fn resource_name(bundle: &Bundle, d: &Diagnostic) -> String {
    d.resource.as_ref().map_or_else(
        || bundle.files[d.file].name.clone(),
        |r| format!("{} {}/{}", r.kind, r.namespace, r.name),
    )
}

/// A listener and the object that declares it.
pub(super) struct Found<'a> {
    pub listener: &'a Listener,
    /// The Gateway or ListenerSet.
    pub meta: &'a Meta,
    /// `Gateway` or `ListenerSet`.
    pub kind: &'static str,
    /// The Gateway whose address the listener is served on (itself, or the
    /// ListenerSet's parent).
    pub gateway: Option<&'a Gateway>,
}

/// The listener whose mapping holds `span` in `file`: Gateways first,
/// then ListenerSets.
pub(super) fn listener_at<'a>(cx: &'a Cx<'_>, file: usize, span: Span) -> Option<Found<'a>> {
    let inventory = &cx.prediction.inventory;
    let gateways = inventory
        .gateways
        .iter()
        .map(|g| (&g.meta, "Gateway", &g.listeners, Some(g)));
    let sets = inventory
        .listener_sets
        .iter()
        .filter(|set| set.meta.file == file)
        .map(|set| {
            (
                &set.meta,
                "ListenerSet",
                &set.listeners,
                parent_gateway(cx, set),
            )
        });
    gateways
        .filter(|(meta, ..)| meta.file == file)
        .chain(sets)
        .find_map(|(meta, kind, listeners, gateway)| {
            let listener = listeners
                .iter()
                .find(|l| l.span.start <= span.start && span.end <= l.span.end)?;
            Some(Found {
                listener,
                meta,
                kind,
                gateway,
            })
        })
}

/// The Gateway a ListenerSet names in `parentRef`.
pub(super) fn parent_gateway<'a>(cx: &'a Cx<'_>, set: &ListenerSet) -> Option<&'a Gateway> {
    let parent = set.parent_ref.as_ref()?;
    let namespace = parent.namespace_or(&set.meta.namespace);
    cx.prediction
        .inventory
        .gateways
        .iter()
        .find(|g| g.meta.name.value == parent.target.name.value && g.meta.namespace == namespace)
}

/// Why an object must not be edited or relied on: the input defines it
/// more than once (duplicate-definition, MM006), so which copy applies
/// depends on the order the files are applied in; as for Istio Gateways,
/// none of them is edited.
pub(super) fn copies_refusal(cx: &Cx<'_>, meta: &Meta) -> Result<(), String> {
    let resource = &cx.bundle.resources[meta.resource];
    let copies = cx.bundle.layout.duplicates.iter().any(|d| {
        d.kept.file == resource.file
            && d.kept.document == resource.document
            && d.kept.node == resource.node
    });
    if copies {
        return Err(format!(
            "the input defines {} {} more than once (duplicate-definition [MM006]): which copy applies depends on the order they are applied in, so the fix relies on none of them",
            meta.kind,
            meta.full_name()
        ));
    }
    Ok(())
}

/// The quoting style a scalar at `span` is written in.
pub(super) fn style_at(text: &str, span: Span) -> ScalarStyle {
    match span.slice(text).as_bytes().first() {
        Some(b'"') => ScalarStyle::DoubleQuoted,
        Some(b'\'') => ScalarStyle::SingleQuoted,
        _ => ScalarStyle::Plain,
    }
}

/// Replaces the scalar at `span` of `file` with `value`, in its own style.
pub(super) fn replace(cx: &Cx<'_>, file: usize, span: Span, value: yaml::Scalar<'_>) -> Edit {
    let like = style_at(cx.bundle.text(file), span);
    Edit::replace(span, yaml::Encoded::scalar(value, like).into_string())
}

/// The (route, parentRef index) a unit promises Istio accepts afterwards.
pub(super) fn accepted(
    cx: &Cx<'_>,
    route: &crate::gateway_api::model::Route,
    parent_ref: &crate::gateway_api::model::ParentRef,
) -> (crate::model::ResourceRef, usize) {
    let index = route
        .parent_refs
        .iter()
        .position(|p| p.target.span == parent_ref.target.span)
        .unwrap_or_default();
    (cx.bundle.resources[route.meta.resource].reference(), index)
}

/// Istio accepts `parent_ref` of `route` in the input. A listener that moves
/// takes its routes along and must keep each one it had; a parentRef that
/// was refused before (wrong namespace, another listener's hostname) stays
/// the user's decision, so no unit promises to make it accepted.
pub(super) fn accepted_before(
    cx: &Cx<'_>,
    route: &crate::gateway_api::model::Route,
    parent_ref: &crate::gateway_api::model::ParentRef,
) -> bool {
    cx.prediction
        .status_of(route.meta.resource)
        .is_some_and(|s| {
            s.parents.iter().any(|p| {
                p.span == Some(parent_ref.target.span)
                    && p.conditions
                        .iter()
                        .any(|c| c.kind == "Accepted" && c.status)
            })
        })
}

/// A unit of one change.
pub(super) fn unit(
    cx: &Cx<'_>,
    rule: &'static str,
    title: String,
    detail: String,
    resource: usize,
) -> Unit {
    Unit {
        title: title.clone(),
        changes: vec![Change {
            rule,
            title,
            detail,
            resource: Some(cx.bundle.resources[resource].reference()),
        }],
        resources: vec![resource],
        rules: vec![rule],
        ..Unit::default()
    }
}
