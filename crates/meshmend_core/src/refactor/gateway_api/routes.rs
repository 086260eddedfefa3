//! MM503: a route's parentRef names a section or port that no listener of
//! its parent accepts it on. When exactly one listener of that parent would
//! accept the route (its hostnames, kind and namespace), the parentRef's
//! `sectionName` (or `port`, when that is what it names) is repointed at
//! it. Ambiguous or no candidate: nothing is guessed, the finding stays
//! with the reason.

use super::{Cx, replace, unit};
use crate::diagnostic::Diagnostic;
use crate::gateway_api::model::{ParentRef, Route};
use crate::gateway_api::status::gateways::Parent;
use crate::gateway_api::status::routes::reference_allowed;

use super::super::Unit;
use super::super::yaml::Scalar;

/// `planned`: (route resource, listener) pairs already repointed in this
/// plan, so two parentRefs of one route are not sent to one listener.
pub(super) fn repoint(
    cx: &Cx<'_>,
    d: &Diagnostic,
    planned: &mut Vec<(usize, String)>,
) -> Result<Unit, String> {
    let (route, parent_ref) = cx
        .prediction
        .inventory
        .routes
        .iter()
        .find_map(|r| {
            let p = r
                .parent_refs
                .iter()
                .find(|p| r.meta.file == d.file && p.target.span == d.span)?;
            Some((r, p))
        })
        .ok_or("the parentRef was not found in the input")?;
    if parent_ref.section_name.is_none() && parent_ref.port.is_none() {
        return Err(
            "the parentRef names no section or port, and no listener of its parent accepts the route's hostnames, kind and namespace: change the route or a listener"
                .into(),
        );
    }
    // Only a wrong name, port or hostname is repointed. A listener that
    // refuses the route's namespace or kind (`NotAllowedByListeners`) made
    // an access decision: sending the route elsewhere would get round it.
    let reason = cx
        .prediction
        .status_of(route.meta.resource)
        .and_then(|s| {
            s.parents
                .iter()
                .find(|p| p.span == Some(parent_ref.target.span))
        })
        .and_then(|p| {
            p.conditions
                .iter()
                .find(|c| c.kind == "Accepted" && !c.status)
        })
        .map(|c| c.reason.as_str());
    if reason == Some("NotAllowedByListeners") {
        return Err(
            "the listener it names refuses the route's namespace or kind (allowedRoutes): that is an access decision, so the route is not sent to another listener; change allowedRoutes or the route"
                .into(),
        );
    }
    let kind = match parent_ref.kind() {
        "Gateway" => "Gateway",
        "ListenerSet" | "XListenerSet" => "ListenerSet",
        other => {
            return Err(format!(
                "its parent is a {other}, which has no listeners to choose from"
            ));
        }
    };
    let namespace = parent_ref.namespace_or(&route.meta.namespace);
    let listeners: Vec<&Parent> = cx
        .parents
        .iter()
        .filter(|p| {
            p.kind == kind && p.namespace == namespace && p.name == parent_ref.target.name.value
        })
        .collect();
    // A section that exists but is not programmed (Conflicted: the
    // listener units move it) keeps its name: repointing would undo what
    // the author meant. No unit, no refusal (an empty reason).
    if let Some(section) = &parent_ref.section_name
        && !listeners.iter().any(|p| p.section == section.value)
        && names_declared_listener(
            cx,
            kind,
            namespace,
            &parent_ref.target.name.value,
            &section.value,
        )
    {
        return Err(String::new());
    }
    super::copies_refusal(cx, &route.meta)?;
    let declared = |meta: &crate::gateway_api::Meta| {
        meta.namespace == namespace && meta.name.value == parent_ref.target.name.value
    };
    let inventory = &cx.prediction.inventory;
    let parent_meta = if kind == "Gateway" {
        inventory
            .gateways
            .iter()
            .map(|g| &g.meta)
            .find(|m| declared(m))
    } else {
        inventory
            .listener_sets
            .iter()
            .map(|s| &s.meta)
            .find(|m| declared(m))
    };
    if let Some(meta) = parent_meta {
        super::copies_refusal(cx, meta)?;
    }
    let unpinned = ParentRef {
        section_name: None,
        port: None,
        ..parent_ref.clone()
    };
    // A named listener that exists but does not match the hostnames: the
    // route meant its protocol and TLS mode (Terminate or Passthrough), so
    // only a listener with the same ones may take it.
    let named = parent_ref.section_name.as_ref().and_then(|s| {
        declared_listener(cx, kind, namespace, &parent_ref.target.name.value, &s.value)
    });
    let same_kind = |p: &Parent| {
        named.is_none_or(|l| {
            let passthrough = |l: &crate::gateway_api::Listener| {
                l.tls
                    .as_ref()
                    .is_some_and(crate::gateway_api::model::ListenerTls::is_passthrough)
            };
            let candidate = declared_listener(
                cx,
                kind,
                namespace,
                &parent_ref.target.name.value,
                &p.section,
            );
            l.protocol.value.eq_ignore_ascii_case(&p.protocol)
                && candidate.is_some_and(|c| passthrough(c) == passthrough(l))
        })
    };
    let accepting: Vec<&&Parent> = listeners
        .iter()
        .filter(|p| same_kind(p) && reference_allowed(p, &unpinned, route).is_none())
        .collect();
    let target = match accepting.as_slice() {
        [one] => *one,
        [] => {
            return Err(format!(
                "no listener of {kind} {namespace}/{} accepts the route's hostnames, kind and namespace{}: change the route or a listener",
                parent_ref.target.name.value,
                if named.is_some() {
                    " with the protocol and TLS mode of the listener it names"
                } else {
                    ""
                }
            ));
        }
        many => {
            return Err(format!(
                "{} listeners of {kind} {namespace}/{} accept the route ({}): pick one by hand",
                many.len(),
                parent_ref.target.name.value,
                many.iter()
                    .map(|p| format!("`{}`", p.section))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    };
    // Another parentRef of the route to the same parent that already
    // reaches the listener (or names it): a second one would be a duplicate.
    let twin = route.parent_refs.iter().any(|other| {
        other.target.span != parent_ref.target.span
            && other.kind() == parent_ref.kind()
            && other.target.name.value == parent_ref.target.name.value
            && other.namespace_or(&route.meta.namespace) == namespace
            && (other
                .section_name
                .as_ref()
                .is_some_and(|s| s.value == target.section)
                || reference_allowed(target, other, route).is_none())
    });
    let key = (
        route.meta.resource,
        format!(
            "{namespace}/{}/{}",
            parent_ref.target.name.value, target.section
        ),
    );
    if twin || planned.contains(&key) {
        return Err(format!(
            "another parentRef of the route already names listener `{}`: remove this one instead",
            target.section
        ));
    }
    planned.push(key);
    let mut u = unit(
        cx,
        d.name,
        format!(
            "{} {}: parentRef {} → listener `{}` (port {})",
            route.kind.as_str(),
            route.meta.full_name(),
            parent_ref.target.name.value,
            target.section,
            target.port
        ),
        format!(
            "{}. Listener `{}` (port {}) of {kind} {namespace}/{} is the only one that accepts the route's hostnames, kind and namespace; Istio attaches the route to it.",
            d.message, target.section, target.port, parent_ref.target.name.value
        ),
        route.meta.resource,
    );
    edit(cx, route, parent_ref, target, &mut u);
    u.accepted.push(super::accepted(cx, route, parent_ref));
    Ok(u)
}

fn edit(cx: &Cx<'_>, route: &Route, parent_ref: &ParentRef, target: &Parent, u: &mut Unit) {
    let file = route.meta.file;
    if let Some(section) = &parent_ref.section_name
        && section.value != target.section
    {
        u.edits.push((
            file,
            replace(cx, file, section.span, Scalar::Str(&target.section)),
        ));
    }
    if let Some(port) = &parent_ref.port
        && port.value != target.port
    {
        u.edits.push((
            file,
            replace(cx, file, port.span, Scalar::Int(i64::from(target.port))),
        ));
    }
}

/// Does the Gateway or ListenerSet declare a listener of this name?
fn names_declared_listener(
    cx: &Cx<'_>,
    kind: &str,
    namespace: &str,
    name: &str,
    section: &str,
) -> bool {
    declared_listener(cx, kind, namespace, name, section).is_some()
}

/// The listener `section` of the Gateway or ListenerSet `namespace/name`.
fn declared_listener<'a>(
    cx: &'a Cx<'_>,
    kind: &str,
    namespace: &str,
    name: &str,
    section: &str,
) -> Option<&'a crate::gateway_api::Listener> {
    let inventory = &cx.prediction.inventory;
    let owner =
        |meta: &crate::gateway_api::Meta| meta.namespace == namespace && meta.name.value == name;
    let listeners = if kind == "Gateway" {
        inventory
            .gateways
            .iter()
            .find(|g| owner(&g.meta))
            .map(|g| g.listeners.as_slice())
    } else {
        inventory
            .listener_sets
            .iter()
            .find(|s| owner(&s.meta))
            .map(|s| s.listeners.as_slice())
    };
    listeners?.iter().find(|l| l.name.value == section)
}
