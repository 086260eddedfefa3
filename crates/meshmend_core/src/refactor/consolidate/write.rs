//! Turning a planned merge into edits: the target's servers renamed,
//! trimmed or extended, moved servers copied in the target's style, the
//! other Gateways deleted and every reference rewritten.

use super::merge::{Merge, Slot};
use crate::edit::Edit;
use crate::model::tree::{CollectionStyle, NodeRef, ScalarStyle, items_of};
use crate::model::{Bundle, Gateway};
use crate::refactor::groups;
use crate::refactor::unit::workload_key;
use crate::refactor::yaml::{self, Encoded, ItemText, Override, Scalar, style_of};
use crate::refactor::{Change, Unit};
use crate::span::Span;

impl Merge<'_> {
    pub(super) fn into_unit(self, references: &groups::References) -> Option<Unit> {
        let bundle = self.bundle;
        let target = self.target;
        let target_text = bundle.text(target.file);
        let mut edits: Vec<(usize, Edit)> = Vec::new();
        let mut new_items = Vec::new();
        for slot in &self.slots {
            let g = &bundle.model.gateways[slot.origin.gateway];
            let node = groups::server_node(bundle, g, slot.origin.server)?;
            if slot.existing && slot.deleted {
                let servers = groups::servers_node(bundle, target)?;
                edits.push((
                    target.file,
                    yaml::delete_item(target_text, servers, slot.origin.server)?,
                ));
            } else if slot.existing {
                if let Some(new) = &slot.rename_port {
                    let name = node.path(&["port", "name"])?;
                    edits.push((target.file, yaml::replace_scalar(name, Scalar::Str(new))));
                }
                if let Some(new) = &slot.rename_server {
                    let name = node.get("name")?;
                    edits.push((target.file, yaml::replace_scalar(name, Scalar::Str(new))));
                }
                let hosts = node.get("hosts")?;
                let flow_hosts = hosts.collection_style() == Some(CollectionStyle::Flow);
                if flow_hosts && !slot.drop_hosts.is_empty() {
                    // One rewrite of the whole list: drops and additions.
                    let dropped: Vec<Span> = hosts
                        .items()
                        .enumerate()
                        .filter(|(i, _)| slot.drop_hosts.contains(i))
                        .map(|(_, h)| h.span())
                        .collect();
                    let with = |span: Span| dropped.contains(&span).then_some(Override::Drop);
                    let added: Vec<Encoded> =
                        slot.added_hosts.iter().map(|h| Encoded::str(h)).collect();
                    let list = yaml::flow_list_with(target_text, hosts, &with, &added);
                    edits.push((target.file, Edit::replace(hosts.span(), list)));
                    continue;
                }
                for &i in &slot.drop_hosts {
                    edits.push((target.file, yaml::delete_item(target_text, hosts, i)?));
                }
                if !slot.added_hosts.is_empty() {
                    let style = hosts.items().last().map_or(ScalarStyle::Plain, style_of);
                    let items: Vec<ItemText> = slot
                        .added_hosts
                        .iter()
                        .map(|h| ItemText::scalar(Encoded::scalar(Scalar::Str(h), style)))
                        .collect();
                    edits.push((target.file, yaml::append_items(target_text, hosts, &items)?));
                }
            } else {
                new_items.push(moved_item(bundle, g, node, slot)?);
            }
        }
        if !new_items.is_empty() {
            let servers = groups::servers_node(bundle, target)?;
            edits.push((
                target.file,
                yaml::append_items(target_text, servers, &new_items)?,
            ));
        }
        let mut changes = self.changes;
        let mut resources = vec![target.resource];
        let losers = &self.group.gateways[1..];
        let probable = groups::probable_workload(bundle, self.topology, &self.group.gateways);
        let mut moved_to = Vec::new();
        for &loser in losers {
            let g = &bundle.model.gateways[loser];
            edits.push(groups::delete_resource(bundle, g.resource)?);
            resources.push(g.resource);
            let selector_note = if probable && g.selector != target.selector {
                moved_to.push((
                    g.full_name(),
                    workload_key(None, &target.selector.clone().unwrap_or_default()),
                ));
                format!(
                    " Its selector `{}` differs from the target's `{}`; with no gateway workload in the input meshmend takes them to select the same pods (istiod merges both onto any pod carrying both label sets). If other pods carry only the target's labels, these hosts are served there too.",
                    crate::model::labels_to_string(&g.selector.clone().unwrap_or_default()),
                    crate::model::labels_to_string(&target.selector.clone().unwrap_or_default())
                )
            } else {
                String::new()
            };
            changes.push(Change {
                rule: self.rule,
                title: format!("Delete Gateway {}", g.full_name()),
                detail: format!(
                    "All its servers now live in {}; nothing else refers to it.{selector_note}",
                    target.full_name()
                ),
                resource: Some(bundle.resources[g.resource].reference()),
            });
        }
        let moved: Vec<(&str, &str)> = losers
            .iter()
            .map(|&l| {
                let g = &bundle.model.gateways[l];
                (g.namespace.as_str(), g.name.value.as_str())
            })
            .collect();
        for (file, edit, vs, before, after) in
            groups::rewrite_references(bundle, references, &moved, target)
        {
            let reference = bundle.resources[vs].reference();
            let title = if after.is_empty() {
                format!(
                    "VirtualService {}/{}: drop gateways entry `{before}` (it already lists {})",
                    reference.namespace,
                    reference.name,
                    target.full_name()
                )
            } else {
                format!(
                    "VirtualService {}/{}: gateways `{before}` → `{after}`",
                    reference.namespace, reference.name
                )
            };
            changes.push(Change {
                rule: self.rule,
                title,
                detail: "The Gateway it named is merged away; the reference follows its servers."
                    .into(),
                resource: Some(reference),
            });
            resources.push(vs);
            edits.push((file, edit));
        }
        Some(Unit {
            title: String::new(),
            changes,
            edits,
            resources,
            moved: moved_to,
            merged: losers
                .iter()
                .map(|&l| (bundle.model.gateways[l].full_name(), target.full_name()))
                .collect(),
            ..Unit::default()
        })
    }
}

/// The text to append for a moved server: a copy of its own YAML with the
/// renames, `./` rewrites and dropped hosts applied.
fn moved_item(
    bundle: &Bundle,
    gateway: &Gateway,
    node: NodeRef<'_>,
    slot: &Slot,
) -> Option<ItemText> {
    let text = bundle.text(gateway.file);
    let hosts = node.get("hosts");
    let host_nodes: Vec<NodeRef<'_>> = items_of(hosts).collect();
    let mut overrides: Vec<(Span, Override)> = Vec::new();
    let mut edits = Vec::new();
    if let Some(new) = &slot.rename_port {
        let name = node.path(&["port", "name"])?;
        overrides.push((
            name.span(),
            Override::Text(Encoded::scalar(Scalar::Str(new), style_of(name))),
        ));
        edits.push(yaml::replace_scalar(name, Scalar::Str(new)));
    }
    if let Some(new) = &slot.rename_server {
        let name = node.get("name")?;
        overrides.push((
            name.span(),
            Override::Text(Encoded::scalar(Scalar::Str(new), style_of(name))),
        ));
        edits.push(yaml::replace_scalar(name, Scalar::Str(new)));
    }
    for (i, new) in &slot.rewrite_hosts {
        let host = host_nodes.get(*i)?;
        if slot.drop_hosts.contains(i) {
            continue;
        }
        overrides.push((
            host.span(),
            Override::Text(Encoded::scalar(Scalar::Str(new), style_of(*host))),
        ));
    }
    for i in &slot.drop_hosts {
        overrides.push((host_nodes.get(*i)?.span(), Override::Drop));
    }
    let hosts = hosts?;
    let flow_hosts = hosts.collection_style() == Some(CollectionStyle::Flow);
    // Hosts merged into this moved server from later ones.
    let style = host_nodes
        .last()
        .map_or(ScalarStyle::Plain, |h| style_of(*h));
    let added: Vec<Encoded> = slot
        .added_hosts
        .iter()
        .map(|h| Encoded::scalar(Scalar::Str(h), style))
        .collect();
    let list = {
        let with = |span: Span| lookup(&overrides, span);
        yaml::flow_list_with(text, hosts, &with, &added)
    };
    let changed =
        !slot.drop_hosts.is_empty() || !slot.rewrite_hosts.is_empty() || !added.is_empty();
    if flow_hosts && changed {
        edits.push(Edit::replace(hosts.span(), list.clone()));
    } else {
        for (i, new) in &slot.rewrite_hosts {
            if !slot.drop_hosts.contains(i) {
                edits.push(yaml::replace_scalar(host_nodes[*i], Scalar::Str(new)));
            }
        }
        for i in &slot.drop_hosts {
            edits.push(yaml::delete_item(text, hosts, *i)?);
        }
        if !added.is_empty() {
            let items: Vec<ItemText> = added.into_iter().map(ItemText::scalar).collect();
            edits.push(yaml::append_items(text, hosts, &items)?);
        }
    }
    overrides.push((hosts.span(), Override::Text(Encoded::verbatim(&list))));
    let with = |span: Span| lookup(&overrides, span);
    let flow = yaml::flow_with(text, node, &with);
    let block = if yaml::contains_alias(node) {
        None
    } else {
        yaml::copy_block_item(text, node.span(), &edits)
    };
    Some(ItemText {
        block: block.unwrap_or_else(|| flow.clone()),
        flow,
    })
}

fn lookup(overrides: &[(Span, Override)], span: Span) -> Option<Override> {
    overrides
        .iter()
        .find(|(s, _)| *s == span)
        .map(|(_, o)| match o {
            Override::Text(t) => Override::Text(t.clone()),
            Override::Drop => Override::Drop,
        })
}
