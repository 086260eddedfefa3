//! MM504, only with `--grant-references` (it widens access): the narrowest
//! ReferenceGrant that permits the refused reference, in the target's
//! namespace: `from` the referrer's group, kind and namespace, `to` the
//! exact group, kind and name. A new file next to the referrer.

use super::{Cx, unit};
use crate::diagnostic::Diagnostic;
use crate::gateway_api::GROUP;
use crate::gateway_api::status::refs::granted;

use super::super::Unit;
use super::super::yaml::{Block, Scalar};

/// One reference to permit.
struct Reference<'a> {
    from_kind: &'a str,
    from_namespace: &'a str,
    to_group: &'a str,
    to_kind: &'a str,
    to_name: &'a str,
    to_namespace: &'a str,
    resource: usize,
    file: usize,
}

/// `planned`: grants (namespace/name) already added in this plan; a
/// reference two findings share gets one grant.
pub(super) fn grant(
    cx: &Cx<'_>,
    d: &Diagnostic,
    planned: &mut Vec<String>,
) -> Result<Unit, String> {
    let mut refs = references(cx, d);
    refs.retain(|r| {
        let key = format!("{}/{}", r.to_namespace, grant_name(r));
        !planned.contains(&key) && {
            planned.push(key);
            true
        }
    });
    let Some(first) = refs.first() else {
        // Empty reason: already granted by another unit of this plan.
        return Err(String::new());
    };
    let mut u = unit(cx, d.name, String::new(), String::new(), first.resource);
    let mut titles = Vec::new();
    for r in &refs {
        let name = grant_name(r);
        let mut block = Block::default();
        block
            .comment(&format!(
                "Added by `meshmend fix --grant-references`: lets {} objects in namespace {} refer to {} {} in namespace {}, and nothing else.",
                r.from_kind, r.from_namespace, r.to_kind, r.to_name, r.to_namespace
            ))
            .entry(0, "apiVersion", Scalar::Str("gateway.networking.k8s.io/v1beta1"))
            .entry(0, "kind", Scalar::Str("ReferenceGrant"))
            .open(0, "metadata")
            .entry(2, "name", Scalar::Str(&name))
            .entry(2, "namespace", Scalar::Str(r.to_namespace))
            .open(0, "spec")
            .open(2, "from")
            .item(2, "group", Scalar::Str(GROUP))
            .entry(4, "kind", Scalar::Str(r.from_kind))
            .entry(4, "namespace", Scalar::Str(r.from_namespace))
            .open(2, "to")
            .item(2, "group", Scalar::Str(r.to_group))
            .entry(4, "kind", Scalar::Str(r.to_kind))
            .entry(4, "name", Scalar::Str(r.to_name));
        let path = match cx.bundle.files[r.file].name.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{name}.yaml"),
            None => format!("{name}.yaml"),
        };
        u.added.push((path, block.finish()));
        titles.push(format!("ReferenceGrant {}/{name}", r.to_namespace));
    }
    let title = format!("add {}", titles.join(", "));
    u.title.clone_from(&title);
    if let Some(change) = u.changes.first_mut() {
        change.title = title;
        change.detail = format!(
            "{}. Asked for with --grant-references: the grant permits exactly this reference (one kind and namespace from, one named object to), so Istio resolves it.",
            d.message
        );
    }
    Ok(u)
}

/// `<from-namespace>-<from-kind>-to-<kind>-<name>`, lowercased: one grant
/// per reference, a DNS subdomain of at most 253 characters.
fn grant_name(r: &Reference<'_>) -> String {
    let mut name = format!(
        "{}-{}-to-{}-{}",
        r.from_namespace, r.from_kind, r.to_kind, r.to_name
    )
    .to_ascii_lowercase();
    name.truncate(253);
    name.trim_end_matches(['-', '.']).to_string()
}

/// The refused references a finding is about: a route's backendRef (its
/// span is the reference), or a listener's cross-namespace certificateRefs.
fn references<'a>(cx: &'a Cx<'_>, d: &Diagnostic) -> Vec<Reference<'a>> {
    let inventory = &cx.prediction.inventory;
    for route in &inventory.routes {
        if route.meta.file != d.file {
            continue;
        }
        if let Some(backend) = route.backend_refs.iter().find(|b| b.target.span == d.span) {
            let target = &backend.target;
            let Some(to_namespace) = target.namespace.as_ref() else {
                return Vec::new();
            };
            return vec![Reference {
                from_kind: route.kind.as_str(),
                from_namespace: &route.meta.namespace,
                to_group: target.group.as_deref().unwrap_or(""),
                to_kind: target.kind.as_deref().unwrap_or("Service"),
                to_name: &target.name.value,
                to_namespace: &to_namespace.value,
                resource: route.meta.resource,
                file: route.meta.file,
            }];
        }
    }
    let Some(found) = super::listener_at(cx, d.file, d.span) else {
        return Vec::new();
    };
    let Some(tls) = &found.listener.tls else {
        return Vec::new();
    };
    let owner_namespace = found.meta.namespace.as_str();
    tls.certificate_refs
        .iter()
        .filter_map(|cert| {
            let to_namespace = cert.namespace.as_ref()?.value.as_str();
            // Istio checks certificate grants as core Secrets, whatever is written.
            let (group, kind) = ("", "Secret");
            let name = cert.name.value.as_str();
            let from = (GROUP, found.kind, owner_namespace);
            (to_namespace != owner_namespace
                && !granted(inventory, from, (group, kind, name), to_namespace))
            .then_some(Reference {
                from_kind: found.kind,
                from_namespace: owner_namespace,
                to_group: group,
                to_kind: kind,
                to_name: name,
                to_namespace,
                resource: found.meta.resource,
                file: found.meta.file,
            })
        })
        .collect()
}
