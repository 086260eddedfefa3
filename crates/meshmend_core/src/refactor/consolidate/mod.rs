//! `consolidate`: merge each conflict group into its oldest Gateway.
//!
//! The oldest Gateway (creation time → name → namespace) is the one istiod
//! already lets win, so it is the target. The other Gateways' servers move
//! into it, in merge order:
//!
//! - a server with the same port, protocol, `bind` and TLS settings as one
//!   already there joins it: its hosts are appended (union, no repeats);
//! - any other server is appended as its own server: a different
//!   `credentialName` on the same port stays a separate SNI chain, so each
//!   certificate keeps its hosts (the seed story's hand-written fix lost
//!   staging's certificate here);
//! - a host that a TLS server on the same listener already serves (same
//!   string, or same SNI name) is dropped from the *moving* server only, and
//!   the change says so;
//! - port names and server names stay unique (`https` → `https-staging`);
//! - `./host` becomes `<old namespace>/host` when the namespace changes.
//!
//! Emptied Gateways are deleted and every VirtualService reference to them,
//! in every form istiod accepts, is rewritten to the target. Protocol
//! conflicts cannot be solved by merging (the servers still share the
//! listener) and are left to `isolate`.

mod index;
mod merge;
mod write;

use crate::hash::{HashMap, HashSet};

use merge::{Merge, server_label};

use super::groups::{self, Group};
use super::yaml::{self, Override};
use super::{Change, Planning, Rejected, Unit};
use crate::analyze::topology::{Outcome, Reject, ServerRef, Topology, normalize_host, sni_name};
use crate::edit::Edit;
use crate::model::Bundle;
use crate::model::tree::{CollectionStyle, NodeRef};
use crate::sort;
use crate::span::Span;

/// Plans one unit per conflict group.
pub(crate) fn plan(planning: &mut Planning<'_>) {
    let Planning {
        bundle,
        before: findings,
        options,
        units,
        rejected,
        ..
    } = planning;
    let (bundle, findings) = (*bundle, *findings);
    let topology = &Topology::build_for(bundle, options.analyze.istio_version);
    let context = Context::new(bundle, topology);
    let copies = groups::Copies::new(bundle);
    let repeated = repeated_hosts(topology);
    for group in groups::conflict_groups(bundle, topology, findings) {
        if let Some(refusal) = groups::copies_refusal(bundle, &copies, &group) {
            rejected.push(refusal);
            continue;
        }
        let trim = trim_group(bundle, &repeated, &group);
        let merge = plan_group(bundle, topology, &context, &group);
        match (trim, merge) {
            // A protocol conflict has no merge: the repeated hosts are still
            // dropped, and the protocol conflict is reported as remaining.
            (Some(trim), Some(Err(rejection))) => {
                units.push(trim);
                rejected.push(rejection);
            }
            (Some(mut trim), Some(Ok(merge))) => {
                trim.fallback = Some(Box::new(merge));
                units.push(trim);
            }
            (Some(trim), None) | (None, Some(Ok(trim))) => units.push(trim),
            (None, Some(Err(rejection))) => rejected.push(rejection),
            (None, None) => {}
        }
    }
}

/// Servers istiod rejects for repeating a TLS host, with those hosts, per
/// Gateway: indexed once, not scanned per group.
type Repeated<'t> = HashMap<usize, Vec<(ServerRef, &'t [String])>>;

fn repeated_hosts(topology: &Topology) -> Repeated<'_> {
    let mut out: Repeated<'_> = HashMap::default();
    for (_, placed) in topology.problems() {
        if let Outcome::Rejected {
            reason: Reject::DuplicateTlsHost { hosts },
            ..
        } = &placed.outcome
        {
            out.entry(placed.server.gateway)
                .or_default()
                .push((placed.server, hosts.as_slice()));
        }
    }
    out
}

/// The least destructive fix for repeated TLS hosts: drop each repeated
/// host from the server istiod rejects because of it, and nothing else. That
/// server is dropped today, so nothing served changes, and its other hosts
/// are served again; no Gateway is deleted and no reference rewritten, so
/// shared Gateways that other configuration names stay. `None` when the
/// group has other findings (besides a protocol conflict, which no merge
/// fixes either), or a rejected server holds nothing but repeated hosts:
/// then merging is the fix.
fn trim_group(bundle: &Bundle, repeated: &Repeated<'_>, group: &Group<'_>) -> Option<Unit> {
    if !group
        .findings
        .iter()
        .all(|d| matches!(d.name, "duplicate-tls-host" | "protocol-conflict"))
        || !group.has("duplicate-tls-host")
    {
        return None;
    }
    let mut members: Vec<usize> = group.gateways.clone();
    sort::ascending(&mut members);
    members.dedup();
    let mut drops: Vec<(ServerRef, HashSet<String>)> = Vec::new();
    for g in members {
        for &(server, hosts) in repeated.get(&g).map_or(&[][..], Vec::as_slice) {
            drops.push((server, hosts.iter().cloned().collect()));
        }
    }
    // One entry per server, in server order. A sorted Vec, not a BTreeMap:
    // one B-tree instantiation less in the browser module.
    sort::by_key(&mut drops, |drop| drop.0);
    drops.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0;
        if same {
            earlier.1.extend(later.1.drain());
        }
        same
    });
    if drops.is_empty() {
        return None;
    }
    let mut unit = Unit::default();
    let mut names = Vec::new();
    for (server, repeated) in drops {
        let gateway = &bundle.model.gateways[server.gateway];
        let spec = &gateway.servers[server.server];
        let node = groups::server_node(bundle, gateway, server.server)?;
        let hosts = node.get("hosts").filter(|h| h.is_sequence())?;
        let items: Vec<NodeRef<'_>> = hosts.items().collect();
        if items.len() != spec.hosts.len() {
            return None;
        }
        let dropped: Vec<usize> = spec
            .hosts
            .iter()
            .enumerate()
            .filter(|(_, h)| repeated.contains(&normalize_host(&h.value, &gateway.namespace)))
            .map(|(i, _)| i)
            .collect();
        if dropped.is_empty() || dropped.len() >= spec.hosts.len() {
            return None;
        }
        let text = bundle.text(gateway.file);
        if hosts.collection_style() == Some(CollectionStyle::Flow) {
            let spans: Vec<Span> = dropped.iter().map(|&i| items[i].span()).collect();
            let with = |span: Span| spans.contains(&span).then_some(Override::Drop);
            let list = yaml::flow_with(text, hosts, &with);
            unit.edits
                .push((gateway.file, Edit::replace(hosts.span(), list)));
        } else {
            for &i in &dropped {
                unit.edits
                    .push((gateway.file, yaml::delete_item(text, hosts, i)?));
            }
        }
        let written: Vec<&str> = dropped
            .iter()
            .map(|&i| spec.hosts[i].value.as_str())
            .collect();
        let kept: Vec<&str> = spec
            .hosts
            .iter()
            .enumerate()
            .filter(|(i, _)| !dropped.contains(i))
            .map(|(_, h)| h.value.as_str())
            .collect();
        unit.changes.push(Change {
            rule: "duplicate-tls-host",
            title: format!(
                "Drop repeated host{} {} from {}",
                if written.len() == 1 { "" } else { "s" },
                written
                    .iter()
                    .map(|h| format!("`{h}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                server_label(gateway, server.server)
            ),
            detail: format!(
                "An older server on the same listener already serves {}, and istiod drops this whole server because of the repeat, so removing {} changes nothing that is served today; {} {} served again. No Gateway is deleted and no reference changes.",
                if written.len() == 1 { "it" } else { "them" },
                if written.len() == 1 { "it" } else { "them" },
                kept.iter()
                    .map(|h| format!("`{h}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if kept.len() == 1 { "is" } else { "are" }
            ),
            resource: Some(bundle.resources[gateway.resource].reference()),
        });
        if !unit.resources.contains(&gateway.resource) {
            unit.resources.push(gateway.resource);
            names.push(gateway.full_name());
        }
    }
    unit.title = format!("Drop repeated TLS hosts from {}", names.join(", "));
    unit.rules = vec!["duplicate-tls-host"];
    Some(unit)
}

/// The unit that merges one group into its oldest Gateway (or repairs a
/// single Gateway), or why there is none.
pub(crate) fn plan_group(
    bundle: &Bundle,
    topology: &Topology,
    context: &Context<'_>,
    group: &Group<'_>,
) -> Option<Result<Unit, Rejected>> {
    let names: Vec<String> = group
        .gateways
        .iter()
        .map(|&g| bundle.model.gateways[g].full_name())
        .collect();
    let title = match names.split_first()? {
        (target, []) => format!("Repair Gateway {target}"),
        (target, rest) => format!("Consolidate {} into {target}", rest.join(", ")),
    };
    if group.has("protocol-conflict") {
        return Some(Err(Rejected {
            title,
            reason: "protocol-conflict: servers whose protocols cannot share a listener still conflict inside one Gateway; use --strategy isolate to give the newer Gateway its own gateway deployment".into(),
        }));
    }
    if let Some(reason) = groups::workload_mismatch(bundle, topology, &group.gateways) {
        return Some(Err(Rejected { title, reason }));
    }
    // Merging deletes every Gateway but the oldest.
    if let Some((g, at)) = group.gateways[1..]
        .iter()
        .find_map(|g| Some((g, context.named_elsewhere.get(g)?)))
    {
        return Some(Err(Rejected {
            title,
            reason: format!(
                "Gateway {} is also named at {at}, outside the VirtualServices meshmend rewrites (a ConfigMap, Helm values or a controller setting?): merging would delete it and break that reference; change that reference first, or use --strategy isolate",
                bundle.model.gateways[*g].full_name()
            ),
        }));
    }
    Some(match Merge::new(bundle, topology, &context.serving, group)
        .and_then(|m| m.into_unit(&context.references))
    {
        Some(mut unit) => {
            unit.title = title;
            Ok(unit)
        }
        None => Err(Rejected {
            title,
            reason: "the Gateways' YAML has a shape the editor does not handle (no `spec.servers` list, or servers that are not mappings)".into(),
        }),
    })
}

/// Servers istiod serves, by (workload, port, bind, SNI name) of their
/// listener.
pub(super) type Serving<'t> = HashMap<(usize, u32, &'t str, &'t str), Vec<ServerRef>>;

/// Indexes built once per fix and shared by every group.
pub(crate) struct Context<'t> {
    references: groups::References,
    serving: Serving<'t>,
    /// Gateways named outside what a fix rewrites, with where (see
    /// [`groups::named_elsewhere`]): a merge never deletes them.
    named_elsewhere: HashMap<usize, String>,
}

impl<'t> Context<'t> {
    pub(crate) fn new(bundle: &Bundle, topology: &'t Topology) -> Self {
        let mut serving: Serving<'t> = HashMap::default();
        for listener in &topology.listeners {
            for placed in &listener.servers {
                if !matches!(placed.outcome, Outcome::Kept | Outcome::Merged { .. }) {
                    continue;
                }
                for host in &placed.hosts {
                    serving
                        .entry((
                            listener.workload,
                            listener.port,
                            listener.bind.as_str(),
                            sni_name(host),
                        ))
                        .or_default()
                        .push(placed.server);
                }
            }
        }
        Self {
            references: groups::references(bundle),
            serving,
            named_elsewhere: groups::named_elsewhere(bundle),
        }
    }
}
