//! Route status (Istio's `extractParentReferenceInfo`, `referenceAllowed`
//! and `createRouteStatus`): which listeners each parentRef attaches to,
//! why the others refuse it, and the backend errors in `ResolvedRefs`.

use super::gateways::Parent;
use super::refs::{self, RefError};
use super::{Condition, ObjectStatus, ParentRefStatus, RouteParentStatus};
use crate::gateway_api::model::{ParentRef, Route};
use crate::gateway_api::{GROUP, Inventory};
use crate::model::Bundle;

/// Istio's controller name on every route parent it writes.
pub const CONTROLLER_NAME: &str = "istio.io/gateway-controller";

/// What a parentRef names, once its group and kind are normalised.
#[derive(PartialEq, Eq)]
enum ParentKind {
    Gateway,
    ListenerSet,
    Service,
    ServiceEntry,
}

fn parent_kind(p: &ParentRef) -> Option<ParentKind> {
    match (p.group(), p.kind()) {
        (GROUP, "Gateway") => Some(ParentKind::Gateway),
        (GROUP, "ListenerSet") | (crate::gateway_api::X_GROUP, "XListenerSet") => {
            Some(ParentKind::ListenerSet)
        }
        ("" | "core", "Service") => Some(ParentKind::Service),
        ("networking.istio.io", "ServiceEntry") => Some(ParentKind::ServiceEntry),
        _ => None,
    }
}

/// One parentRef checked against one listener.
struct Outcome<'p> {
    denied: Option<(&'static str, String)>,
    parent: Option<&'p Parent>,
}

/// Rank of a denial: the least severe wins across a parentRef's listeners.
fn rank(denied: Option<&(&'static str, String)>) -> u8 {
    match denied.map(|d| d.0) {
        Some("NotAllowedByListeners") => 1,
        Some("NoMatchingListenerHostname") => 2,
        Some("ParentRefConflict") => 3,
        Some("NoMatchingParent") => 4,
        None | Some(_) => 0,
    }
}

/// Route statuses, appended to `out`; attached routes are added to the
/// listener statuses of `out` (Gateways and ListenerSets).
pub fn predict(
    bundle: &Bundle,
    inventory: &Inventory,
    parents: &[Parent],
    out: &mut Vec<ObjectStatus>,
) {
    let mut attachments: Vec<(usize, String, String, String)> = Vec::new();
    for route in &inventory.routes {
        let ns = route.meta.namespace.as_str();
        let gateway_error =
            refs::route_backend_error(bundle, inventory, route, true).map(|p| p.error);
        let mesh_error =
            refs::route_backend_error(bundle, inventory, route, false).map(|p| p.error);
        let mut entries: Vec<RouteParentStatus> = Vec::new();
        for parent_ref in &route.parent_refs {
            let Some(kind) = parent_kind(parent_ref) else {
                continue;
            };
            let target_ns = parent_ref.namespace_or(ns);
            let mesh = matches!(kind, ParentKind::Service | ParentKind::ServiceEntry);
            let route_error = if mesh { &mesh_error } else { &gateway_error };
            let outcomes: Vec<Outcome<'_>> = match kind {
                ParentKind::Service | ParentKind::ServiceEntry => {
                    let exists = if kind == ParentKind::Service {
                        bundle.model.services.iter().any(|s| {
                            s.name.value == parent_ref.target.name.value && s.namespace == target_ns
                        })
                    } else {
                        inventory.service_entries.iter().any(|e| {
                            e.name == parent_ref.target.name.value && e.namespace == target_ns
                        })
                    };
                    let denied = (!exists).then(|| {
                        (
                            "NoMatchingParent",
                            format!(
                                "parent service: {:?} not found",
                                parent_ref.target.name.value
                            ),
                        )
                    });
                    vec![Outcome {
                        denied,
                        parent: None,
                    }]
                }
                ParentKind::Gateway | ParentKind::ListenerSet => {
                    let owner_kind = if kind == ParentKind::Gateway {
                        "Gateway"
                    } else {
                        "ListenerSet"
                    };
                    parents
                        .iter()
                        .filter(|p| {
                            p.kind == owner_kind
                                && p.namespace == target_ns
                                && p.name == parent_ref.target.name.value
                        })
                        .map(|p| Outcome {
                            denied: reference_allowed(p, parent_ref, route),
                            parent: Some(p),
                        })
                        .collect()
                }
            };
            if outcomes.is_empty() {
                continue;
            }
            let successes = outcomes.iter().filter(|o| o.denied.is_none()).count();
            let mut best = &outcomes[0];
            let mut joined: Option<(&'static str, String)> = best.denied.clone();
            for o in &outcomes[1..] {
                if rank(o.denied.as_ref()) < rank(best.denied.as_ref()) {
                    best = o;
                    joined.clone_from(&o.denied);
                } else if rank(o.denied.as_ref()) == rank(best.denied.as_ref())
                    && let (Some(j), Some(d)) = (joined.as_mut(), o.denied.as_ref())
                {
                    j.1.push_str("; ");
                    j.1.push_str(&d.1);
                }
            }
            for o in outcomes.iter().filter(|o| o.denied.is_none()) {
                if let Some(p) = o.parent {
                    let key = (
                        p.status_index,
                        p.section.clone(),
                        route.kind.as_str().to_string(),
                        route.meta.full_name(),
                    );
                    if !attachments.contains(&key) {
                        attachments.push(key);
                    }
                }
            }
            if entries
                .iter()
                .any(|e| same_ref(&e.parent_ref, parent_ref, ns))
            {
                continue;
            }
            let accepted = match &joined {
                Some((reason, message)) => {
                    Condition::new("Accepted", false, reason, message.clone())
                }
                None if successes > 1 => Condition::new(
                    "Accepted",
                    true,
                    "Accepted",
                    format!("Route was valid, bound to {successes} parents"),
                ),
                None => Condition::new("Accepted", true, "Accepted", "Route was valid"),
            };
            let resolved = match route_error {
                Some(RefError { reason, message }) => {
                    Condition::new("ResolvedRefs", false, reason, message.clone())
                }
                None => Condition::new(
                    "ResolvedRefs",
                    true,
                    "ResolvedRefs",
                    "All references resolved",
                ),
            };
            let wanted = best
                .parent
                .or_else(|| outcomes.iter().find_map(|o| o.parent));
            entries.push(RouteParentStatus {
                parent_ref: written(parent_ref),
                controller_name: CONTROLLER_NAME.to_string(),
                conditions: vec![accepted, resolved],
                span: Some(parent_ref.target.span),
                listener: wanted.map(|p| (p.file, p.span)),
            });
        }
        let mut status = ObjectStatus::new(&route.meta, Some(ns));
        status.parents = merge_parents(route, entries);
        out.push(status);
    }
    for (index, section, _, _) in &attachments {
        if let Some(l) = out[*index]
            .listeners
            .iter_mut()
            .find(|l| &l.name == section)
        {
            l.attached_routes += 1;
        }
    }
}

/// Istio's `referenceAllowed` for a Gateway or ListenerSet listener: the
/// reason and message it refuses `parent_ref` with, `None` when it attaches.
pub fn reference_allowed(
    parent: &Parent,
    parent_ref: &ParentRef,
    route: &Route,
) -> Option<(&'static str, String)> {
    if let Some(port) = parent_ref.port.as_ref().map(|p| p.value)
        && port != 0
        && port != parent.port
    {
        return Some(("NoMatchingParent", format!("port {port} not found")));
    }
    if let Some(section) = parent_ref
        .section_name
        .as_ref()
        .filter(|s| !s.value.is_empty())
        && section.value != parent.section
    {
        return Some((
            "NoMatchingParent",
            format!("sectionName {:?} not found", section.value),
        ));
    }
    let local = route.meta.namespace.as_str();
    let hostnames: Vec<&str> = if route.hostnames.is_empty() {
        vec!["*"]
    } else {
        route.hostnames.iter().map(|h| h.value.as_str()).collect()
    };
    if !parent.hosts.is_empty() {
        let mut matched = false;
        let mut host_matched = false;
        'out: for route_host in &hostnames {
            for entry in &parent.hosts {
                let (entry_ns, entry_host) = entry.split_once('/').unwrap_or(("*", entry));
                let host_match = crate::analyze::hosts::matches(entry_host, route_host);
                let ns_match = entry_ns == "*" || entry_ns == local;
                host_matched |= host_match;
                if host_match && ns_match {
                    matched = true;
                    break 'out;
                }
            }
        }
        if !matched {
            return Some(if host_matched {
                (
                    "NotAllowedByListeners",
                    format!(
                        "hostnames matched parent hostname {:?}, but namespace {local:?} is not allowed by the parent",
                        parent.hostname
                    ),
                )
            } else {
                (
                    "NoMatchingListenerHostname",
                    format!("no hostnames matched parent hostname {:?}", parent.hostname),
                )
            });
        }
    }
    let kind = route.kind.as_str();
    if !parent
        .allowed_kinds
        .iter()
        .any(|(g, k)| g == GROUP && k == kind)
    {
        return Some((
            "NotAllowedByListeners",
            format!("kind {GROUP}/v1, Kind={kind} is not allowed"),
        ));
    }
    None
}

fn written(p: &ParentRef) -> ParentRefStatus {
    ParentRefStatus {
        group: p.target.group.clone(),
        kind: p.target.kind.clone(),
        name: p.target.name.value.clone(),
        namespace: p.target.namespace.as_ref().map(|n| n.value.clone()),
        section_name: p.section_name.as_ref().map(|s| s.value.clone()),
        port: p.port.as_ref().map(|p| p.value),
    }
}

fn same_ref(a: &ParentRefStatus, b: &ParentRef, ns: &str) -> bool {
    ref_string(a, ns) == ref_string(&written(b), ns)
}

/// Istio's `parentRefString`: the identity of a parentRef.
fn ref_string(p: &ParentRefStatus, ns: &str) -> String {
    format!(
        "{}/{}/{}/{}/{}.{}",
        p.group.as_deref().unwrap_or(GROUP),
        p.kind.as_deref().unwrap_or("Gateway"),
        p.name,
        p.section_name.as_deref().unwrap_or(""),
        p.port.unwrap_or(0),
        p.namespace.as_deref().unwrap_or(ns)
    )
}

/// Istio's `createRouteStatus` merge with the status already written:
/// other controllers' entries stay; an entry of ours for the same parentRef
/// is updated in place (conditions of other types kept); ours that no
/// longer apply are removed; new ones are appended, sorted by parentRef
/// string, descending.
fn merge_parents(route: &Route, entries: Vec<RouteParentStatus>) -> Vec<RouteParentStatus> {
    let ns = route.meta.namespace.as_str();
    let mut existing: Vec<Option<RouteParentStatus>> = route
        .foreign_parents
        .iter()
        .map(|f| {
            Some(RouteParentStatus {
                parent_ref: written(&f.parent_ref),
                controller_name: f.controller_name.clone(),
                conditions: f
                    .conditions
                    .iter()
                    .map(|[t, s, r, m]| Condition::new(t, s == "True", r, m.clone()))
                    .collect(),
                span: None,
                listener: None,
            })
        })
        .collect();
    let mut updated = vec![false; existing.len()];
    let mut appended = Vec::new();
    for entry in entries {
        let key = ref_string(&entry.parent_ref, ns);
        let position = existing.iter().position(|p| {
            p.as_ref().is_some_and(|p| {
                p.controller_name == CONTROLLER_NAME && ref_string(&p.parent_ref, ns) == key
            })
        });
        let Some(i) = position else {
            appended.push(entry);
            continue;
        };
        let mut conditions = existing[i].take().map(|p| p.conditions).unwrap_or_default();
        for c in &entry.conditions {
            match conditions.iter_mut().find(|o| o.kind == c.kind) {
                Some(o) => *o = c.clone(),
                None => conditions.push(c.clone()),
            }
        }
        existing[i] = Some(RouteParentStatus {
            conditions,
            ..entry
        });
        updated[i] = true;
    }
    crate::sort::by_key(&mut appended, |e| {
        std::cmp::Reverse(ref_string(&e.parent_ref, ns))
    });
    let mut result: Vec<RouteParentStatus> = existing
        .into_iter()
        .zip(updated)
        .filter_map(|(p, kept)| p.filter(|p| kept || p.controller_name != CONTROLLER_NAME))
        .collect();
    result.extend(appended);
    result
}
