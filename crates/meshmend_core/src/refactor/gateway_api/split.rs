//! Moving a listener of a Gateway deployed by hand (`spec.addresses`) to
//! its own Gateway, when the Service it shares exposes no free port for it
//! (see `listeners.rs`).
//!
//! The new Gateway `<gateway>-<listener>` has the same `gatewayClassName`
//! and namespace and no `addresses`: automated deployment, so Istio deploys
//! a proxy and a `<name>-<class>` Service for it alone. The listener keeps
//! its port, protocol, hostname and TLS; what changes is the address
//! clients reach it on (the new Service's), which the change says. Routes
//! that named the listener follow it (`name` repointed); routes that
//! attached to every listener of the Gateway get a parentRef to the new one.

use super::{Cx, Found, accepted, unit};
use crate::diagnostic::Diagnostic;
use crate::gateway_api::model::Gateway;
use crate::gateway_api::status::routes::reference_allowed;

use super::super::Unit;
use super::super::yaml::{self, Block, Encoded, ItemText, Scalar};

/// A listener of a Gateway deployed by hand whose Service exposes no free
/// port for it: what both ways out (a Gateway of its own for the listener,
/// or its own deployment for the Gateway) are planned from.
pub(super) struct Stranded<'a> {
    /// The finding the unit fixes.
    pub d: &'a Diagnostic,
    /// The listener and its owner.
    pub found: &'a Found<'a>,
    /// The Gateway it is served on (deployed by hand).
    pub gateway: &'a Gateway,
    /// Why it must move, for the change's detail.
    pub why: &'a str,
}

/// Plans the move of the stranded listener to a new Gateway, or says why not.
pub(super) fn to_own_gateway(cx: &Cx<'_>, stranded: &Stranded<'_>) -> Result<Unit, String> {
    let Stranded {
        d,
        found,
        gateway,
        why,
    } = *stranded;
    let key = gateway.meta.full_name();
    if found.kind != "Gateway" {
        return Err(format!(
            "Gateway {key} is deployed by hand (spec.addresses), its Service exposes no free {} port, and the listener is a ListenerSet's: expose a free port on that Service, or move the listener to a Gateway of its own",
            found.listener.protocol.value
        ));
    }
    let listener = found.listener;
    if gateway.listeners.len() < 2 {
        return own_deployment(cx, stranded);
    }
    let namespace = gateway.meta.namespace.as_str();
    let name = format!("{}-{}", gateway.meta.name.value, listener.name.value).to_ascii_lowercase();
    let taken = cx
        .prediction
        .inventory
        .gateways
        .iter()
        .any(|g| g.meta.namespace == namespace && g.meta.name.value == name);
    if taken || name.len() > 63 {
        return Err(format!(
            "a Gateway of its own, {namespace}/{name}, {}: expose a free port on the Service instead",
            if taken {
                "already exists"
            } else {
                "would be a name longer than 63 characters"
            }
        ));
    }
    let file = gateway.meta.file;
    let text = cx.bundle.text(file);
    let resource = &cx.bundle.resources[gateway.meta.resource];
    let node = cx.bundle.node(resource).resolve();
    let seq = node
        .path(&["spec", "listeners"])
        .ok_or("the Gateway's listeners were not found")?;
    let item = seq
        .items()
        .nth(listener.index)
        .ok_or("the listener was not found")?;
    let body = match yaml::copy_block_item(text, item.span(), &[]) {
        Some(block) => block,
        None => yaml::flow_with(text, item.resolve(), &|_| None),
    };
    let delete = yaml::delete_item(text, seq, listener.index)
        .ok_or("the listener could not be removed from its Gateway")?;
    let mut new = Block::default();
    new.comment(&format!(
        "Added by meshmend fix: listener `{}` of Gateway {key}, moved to a Gateway of its own ({why}).\nIstio deploys a proxy and a Service for it: clients reach it at that Service's address.",
        listener.name.value
    ))
    .entry(0, "apiVersion", Scalar::Str(&gateway.meta.api_version))
    .entry(0, "kind", Scalar::Str("Gateway"))
    .open(0, "metadata")
    .entry(2, "name", Scalar::Str(&name))
    .entry(2, "namespace", Scalar::Str(namespace))
    .open(0, "spec")
    .entry(2, "gatewayClassName", Scalar::Str(&gateway.class_name.value))
    .open(2, "listeners");
    let mut text_out = new.finish();
    for (i, line) in body.split('\n').enumerate() {
        text_out.push_str(if i == 0 { "  - " } else { "    " });
        text_out.push_str(line);
        text_out.push('\n');
    }
    let path = match cx.bundle.files[file].name.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}.yaml"),
        None => format!("{name}.yaml"),
    };
    let mut u = unit(
        cx,
        d.name,
        format!(
            "Gateway {key}: listener `{}` moves to its own Gateway {namespace}/{name}",
            listener.name.value
        ),
        format!(
            "{}; {why}. The Service that Gateway {key} names in spec.addresses exposes no free port for it, so it moves, with its port, protocol, hostname and TLS, to Gateway {namespace}/{name} (same class, automated deployment): Istio deploys a proxy and a Service `{name}-{}` for it, and clients must use that Service's address.",
            d.message, gateway.class_name.value
        ),
        gateway.meta.resource,
    );
    u.edits.push((file, delete));
    u.added.push((path, text_out));
    follow(cx, found, &name, &mut u)?;
    Ok(u)
}

/// The listener is its Gateway's only one: the Gateway itself leaves the
/// shared pods. `spec.addresses` is removed (automated deployment: Istio
/// deploys a proxy and a `<name>-<class>` Service for it); name, listener
/// and routes stay. Not when ListenerSets attach to it: they would move too.
fn own_deployment(cx: &Cx<'_>, stranded: &Stranded<'_>) -> Result<Unit, String> {
    let gateway = stranded.gateway;
    let listener = &stranded.found.listener.name.value;
    let key = gateway.meta.full_name();
    let sets = cx.prediction.inventory.listener_sets.iter().any(|set| {
        set.parent_ref.as_ref().is_some_and(|p| {
            p.target.name.value == gateway.meta.name.value
                && p.namespace_or(&set.meta.namespace) == gateway.meta.namespace
        })
    });
    if sets {
        return Err(format!(
            "listener `{listener}` is the only one of Gateway {key}, and ListenerSets attach to it: expose a free port on the Service it names, or give the Gateway its own deployment (drop spec.addresses) by hand"
        ));
    }
    let file = gateway.meta.file;
    let text = cx.bundle.text(file);
    let resource = &cx.bundle.resources[gateway.meta.resource];
    let spec = cx
        .bundle
        .node(resource)
        .resolve()
        .path(&["spec"])
        .ok_or("the Gateway's spec was not found")?
        .resolve();
    let edit =
        yaml::delete_entry(text, spec, "addresses").ok_or("spec.addresses could not be removed")?;
    let mut u = unit(
        cx,
        stranded.d.name,
        format!("Gateway {key}: own deployment (spec.addresses removed)"),
        format!(
            "{}; {}. The Service that Gateway {key} names in spec.addresses exposes no free port for listener `{listener}`, its only one, so the Gateway leaves the shared pods: without spec.addresses Istio deploys a proxy and a Service `{}-{}` for it (automated deployment). Its name, listener and routes stay; clients must use the new Service's address.",
            stranded.d.message, stranded.why, gateway.meta.name.value, gateway.class_name.value
        ),
        gateway.meta.resource,
    );
    u.edits.push((file, edit));
    Ok(u)
}

/// Routes follow the listener: a parentRef that names it (`sectionName`,
/// or `port` no other listener takes) gets the new Gateway's name; a route
/// attached to every listener that the moved one accepted gets a parentRef
/// to the new Gateway.
fn follow(cx: &Cx<'_>, found: &Found<'_>, new: &str, u: &mut Unit) -> Result<(), String> {
    let listener = found.listener;
    let port = listener.port.as_ref().map(|p| p.value);
    let moved = cx.parents.iter().find(|p| {
        p.kind == "Gateway"
            && p.namespace == found.meta.namespace
            && p.name == found.meta.name.value
            && p.section == listener.name.value
    });
    for route in &cx.prediction.inventory.routes {
        let mut appended = false;
        for parent_ref in &route.parent_refs {
            let names_gateway = parent_ref.kind() == "Gateway"
                && parent_ref.target.name.value == found.meta.name.value
                && parent_ref.namespace_or(&route.meta.namespace) == found.meta.namespace;
            if !names_gateway {
                continue;
            }
            let by_section = parent_ref
                .section_name
                .as_ref()
                .is_some_and(|s| s.value == listener.name.value);
            let by_port = parent_ref.section_name.is_none()
                && parent_ref.port.as_ref().map(|p| p.value) == port
                && port.is_some()
                && !cx.parents.iter().any(|p| {
                    p.kind == "Gateway"
                        && p.namespace == found.meta.namespace
                        && p.name == found.meta.name.value
                        && p.section != listener.name.value
                        && reference_allowed(p, parent_ref, route).is_none()
                });
            if by_section || by_port {
                let file = route.meta.file;
                u.edits.push((
                    file,
                    super::replace(cx, file, parent_ref.target.name.span, Scalar::Str(new)),
                ));
                u.resources.push(route.meta.resource);
                if super::accepted_before(cx, route, parent_ref) {
                    u.accepted.push(accepted(cx, route, parent_ref));
                }
                continue;
            }
            let everywhere = parent_ref.section_name.is_none() && parent_ref.port.is_none();
            let took_it = moved.is_some_and(|p| reference_allowed(p, parent_ref, route).is_none());
            if everywhere && took_it && !appended {
                appended = true;
                let resource = &cx.bundle.resources[route.meta.resource];
                let text = cx.bundle.text(route.meta.file);
                let seq = cx
                    .bundle
                    .node(resource)
                    .resolve()
                    .path(&["spec", "parentRefs"])
                    .ok_or("a route's parentRefs were not found")?;
                let mut entries = vec![("name", Scalar::Str(new))];
                if found.meta.namespace != route.meta.namespace {
                    entries.push(("namespace", Scalar::Str(&found.meta.namespace)));
                }
                let flow = Encoded::flow_map(&entries).into_string();
                let block = entries
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{}: {}",
                            Encoded::str(k).as_str(),
                            Encoded::scalar(*v, crate::model::tree::ScalarStyle::Plain).as_str()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let edit = yaml::append_items(text, seq, &[ItemText { block, flow }])
                    .ok_or("a parentRef could not be added to a route")?;
                u.edits.push((route.meta.file, edit));
                u.resources.push(route.meta.resource);
                u.accepted.push((
                    cx.bundle.resources[route.meta.resource].reference(),
                    route.parent_refs.len(),
                ));
            }
        }
    }
    Ok(())
}
