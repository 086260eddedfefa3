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

use std::collections::{HashMap, HashSet};

use super::groups::{self, Group};
use super::yaml::{self, Encoded, ItemText, Override, Scalar, style_of};
use super::{Change, Rejected, Unit};
use crate::analyze::hosts;
use crate::analyze::topology::{Outcome, Reject, ServerRef, Topology, normalize_host, sni_name};
use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::model::tree::{CollectionStyle, NodeRef, ScalarStyle};
use crate::model::{Bundle, Gateway};
use crate::sort;
use crate::span::Span;

/// Plans one unit per conflict group.
pub(crate) fn plan(
    bundle: &Bundle,
    topology: &Topology,
    findings: &[Diagnostic],
    units: &mut Vec<Unit>,
    rejected: &mut Vec<Rejected>,
) {
    let context = Context::new(bundle, topology);
    for group in groups::conflict_groups(bundle, topology, findings) {
        if let Some(refusal) = groups::copies_refusal(bundle, &group) {
            rejected.push(refusal);
            continue;
        }
        let trim = trim_group(bundle, topology, &group);
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

/// The least destructive fix for repeated TLS hosts: drop each repeated
/// host from the server istiod rejects because of it, and nothing else. That
/// server is dropped today, so nothing served changes, and its other hosts
/// are served again; no Gateway is deleted and no reference rewritten, so
/// shared Gateways that other configuration names stay. `None` when the
/// group has other findings (besides a protocol conflict, which no merge
/// fixes either), or a rejected server holds nothing but repeated hosts:
/// then merging is the fix.
fn trim_group(bundle: &Bundle, topology: &Topology, group: &Group<'_>) -> Option<Unit> {
    if !group
        .findings
        .iter()
        .all(|d| matches!(d.name, "duplicate-tls-host" | "protocol-conflict"))
        || !group.has("duplicate-tls-host")
    {
        return None;
    }
    let members: HashSet<usize> = group.gateways.iter().copied().collect();
    let mut drops: std::collections::BTreeMap<ServerRef, HashSet<String>> =
        std::collections::BTreeMap::new();
    for (_, placed) in topology.problems() {
        if let Outcome::Rejected {
            reason: Reject::DuplicateTlsHost { hosts },
            ..
        } = &placed.outcome
            && members.contains(&placed.server.gateway)
        {
            drops
                .entry(placed.server)
                .or_default()
                .extend(hosts.iter().cloned());
        }
    }
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
type Serving<'t> = HashMap<(usize, u32, &'t str, &'t str), Vec<ServerRef>>;

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
        let mut serving: Serving<'t> = HashMap::new();
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

/// One server of the merged Gateway.
#[derive(Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent facts about one server, read in different passes"
)]
struct Slot {
    origin: ServerRef,
    /// Already in the target.
    existing: bool,
    /// Port number, protocol, bind, TLS and other settings, canonical.
    settings: String,
    /// (resolved port, bind).
    listener: (u32, String),
    has_tls: bool,
    tls_server: bool,
    /// Hosts as istiod compares them (normalised for the target namespace).
    hosts: Vec<String>,
    /// For each entry of `hosts`, its index in the server's written hosts
    /// (`usize::MAX` for hosts merged in).
    host_index: Vec<usize>,
    port_name: Option<String>,
    name: Option<String>,
    /// For moving servers: edits on their source text.
    rename_port: Option<String>,
    rename_server: Option<String>,
    rewrite_hosts: Vec<(usize, String)>,
    drop_hosts: Vec<usize>,
    /// For existing servers: hosts to append, as written.
    added_hosts: Vec<String>,
    /// An existing server whose every host an earlier server serves: removed.
    deleted: bool,
}

struct Merge<'a> {
    bundle: &'a Bundle,
    topology: &'a Topology,
    group: &'a Group<'a>,
    target: &'a Gateway,
    slots: Vec<Slot>,
    /// Servers of other Gateways on the same listeners (only consulted).
    outside: Vec<Slot>,
    changes: Vec<Change>,
    rule: &'static str,
}

impl<'a> Merge<'a> {
    fn new(
        bundle: &'a Bundle,
        topology: &'a Topology,
        serving: &Serving<'_>,
        group: &'a Group<'a>,
    ) -> Option<Self> {
        let target = &bundle.model.gateways[group.gateways[0]];
        let mut merge = Merge {
            bundle,
            topology,
            group,
            target,
            slots: Vec::new(),
            outside: Vec::new(),
            changes: Vec::new(),
            rule: group.rule(),
        };
        for (index, _) in target.servers.iter().enumerate() {
            let slot = merge.slot(group.gateways[0], index)?;
            merge.slots.push(slot);
        }
        merge.repair_existing();
        merge.unique_existing_port_names();
        // Servers of Gateways outside the group that serve one of the
        // group's host names on the same listener keep serving it: moved
        // servers must not repeat it.
        let members: HashSet<usize> = group.gateways.iter().copied().collect();
        let mut outside = HashSet::new();
        for &g in &group.gateways {
            for server in 0..bundle.model.gateways[g].servers.len() {
                for (listener, placed) in topology.placements(ServerRef { gateway: g, server }) {
                    for host in &placed.hosts {
                        let key = (
                            listener.workload,
                            listener.port,
                            listener.bind.as_str(),
                            sni_name(host),
                        );
                        for other in serving.get(&key).into_iter().flatten() {
                            if !members.contains(&other.gateway) {
                                outside.insert(*other);
                            }
                        }
                    }
                }
            }
        }
        let mut outside: Vec<ServerRef> = outside.into_iter().collect();
        sort::ascending(&mut outside);
        for other in outside {
            let slot = merge.slot(other.gateway, other.server)?;
            merge.outside.push(slot);
        }
        // Servers istiod keeps today move first, so what is served now stays
        // served the same way; servers it drops only fill in what is left.
        let mut moving: Vec<(bool, usize, usize)> = Vec::new();
        for &loser in &group.gateways[1..] {
            for index in 0..bundle.model.gateways[loser].servers.len() {
                let dropped = merge.dropped_today(ServerRef {
                    gateway: loser,
                    server: index,
                });
                moving.push((dropped, loser, index));
            }
        }
        sort::by_key(&mut moving, |&(dropped, _, _)| dropped);
        for (_, loser, index) in moving {
            merge.move_server(loser, index)?;
        }
        Some(merge)
    }

    fn slot(&self, gateway: usize, index: usize) -> Option<Slot> {
        let g = &self.bundle.model.gateways[gateway];
        let server = &g.servers[index];
        let node = groups::server_node(self.bundle, g, index)?;
        if !node.is_mapping() {
            return None;
        }
        let origin = ServerRef {
            gateway,
            server: index,
        };
        let resolved = self
            .topology
            .placements(origin)
            .next()
            .map_or(server.port_number().unwrap_or(0), |(l, _)| l.port);
        let hosts = server
            .hosts
            .iter()
            .map(|h| {
                hosts::sanitize_gateway_host(
                    &moved_host(&h.value, g, self.target),
                    &self.target.namespace,
                )
            })
            .collect();
        Some(Slot {
            origin,
            existing: gateway == self.group.gateways[0],
            settings: canonical_server(node),
            listener: (resolved, server.bind().to_string()),
            has_tls: server.has_tls(),
            tls_server: crate::analyze::topology::is_tls_server(server),
            host_index: (0..server.hosts.len()).collect(),
            hosts,
            port_name: server
                .port
                .as_ref()
                .and_then(|p| p.name.as_ref())
                .map(|n| n.value.clone()),
            name: server.name.as_ref().map(|n| n.value.clone()),
            rename_port: None,
            rename_server: None,
            rewrite_hosts: Vec::new(),
            drop_hosts: Vec::new(),
            added_hosts: Vec::new(),
            deleted: false,
        })
    }

    /// TLS hosts that an earlier server of the target itself already serves
    /// on the same listener: istiod drops the later server, so drop the
    /// repeated hosts from it (and the server, when nothing is left).
    fn repair_existing(&mut self) {
        // The server istiod serves today keeps a repeated host; repeats go
        // from the servers it drops (then from later ones).
        let mut order: Vec<usize> = (0..self.slots.len()).collect();
        sort::by_key(&mut order, |&i| {
            (self.dropped_today(self.slots[i].origin), i)
        });
        for (position, &i) in order.iter().enumerate() {
            let earlier: Vec<Slot> = order[..position]
                .iter()
                .map(|&e| self.slots[e].clone())
                .collect();
            let slot = &mut self.slots[i];
            if !slot.has_tls {
                continue;
            }
            let mut notes = Vec::new();
            for (h, host) in slot.hosts.iter().enumerate() {
                let holder = earlier.iter().find(|other| {
                    !other.deleted
                        && other.listener == slot.listener
                        && other.has_tls
                        && other.hosts.iter().enumerate().any(|(k, o)| {
                            !other.drop_hosts.contains(&k)
                                && (o == host
                                    || (slot.tls_server
                                        && other.tls_server
                                        && sni_name(o) == sni_name(host)))
                        })
                });
                if let Some(holder) = holder {
                    slot.drop_hosts.push(h);
                    notes.push(format!(
                        "`{host}` is already served by server {} of the same Gateway on this listener",
                        holder.origin.server + 1
                    ));
                }
            }
            if notes.is_empty() {
                continue;
            }
            let g = &self.bundle.model.gateways[slot.origin.gateway];
            let label = server_label(g, slot.origin.server);
            slot.deleted = slot.drop_hosts.len() == slot.hosts.len();
            let title = if slot.deleted {
                format!("Remove {label}: every host is served by an earlier server")
            } else {
                format!("Drop repeated hosts from {label}")
            };
            self.changes.push(Change {
                rule: self.rule,
                title,
                detail: format!(
                    "{}; istiod drops this whole server because of it.",
                    notes.join("; ")
                ),
                resource: Some(self.bundle.resources[g.resource].reference()),
            });
        }
        for slot in &mut self.slots {
            let dropped: Vec<usize> = slot.drop_hosts.clone();
            let keep: Vec<bool> = slot
                .host_index
                .iter()
                .map(|k| !dropped.contains(k))
                .collect();
            slot.hosts = slot
                .hosts
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(h, _)| h.clone())
                .collect();
            slot.host_index = slot
                .host_index
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(h, _)| *h)
                .collect();
        }
        self.slots.iter_mut().for_each(|s| {
            if s.deleted {
                s.port_name = None;
                s.name = None;
            }
        });
    }

    /// True when istiod drops this server today (or Envoy is expected to
    /// reject its listener).
    fn dropped_today(&self, server: ServerRef) -> bool {
        self_dropped(self.topology, server)
    }

    /// A Gateway that reuses a port name is rejected by admission
    /// (`duplicate-port-name`): rename the later ones.
    fn unique_existing_port_names(&mut self) {
        let mut seen = HashSet::new();
        let stem = stem(&self.target.name.value);
        for i in 0..self.slots.len() {
            let Some(name) = self.slots[i].port_name.clone() else {
                continue;
            };
            if seen.insert(name.clone()) {
                continue;
            }
            let taken: HashSet<String> = self.used_port_names();
            let new = unique(&name, &stem, &taken);
            self.changes.push(Change {
                rule: "duplicate-port-name",
                title: format!(
                    "Gateway {}: rename port `{name}` of server {} to `{new}`",
                    self.target.full_name(),
                    i + 1
                ),
                detail: "Port names must be unique within a Gateway; admission rejects the Gateway otherwise. Route names for HTTPS servers embed the port name, so EnvoyFilters matching the old route name need the new one.".into(),
                resource: Some(self.bundle.resources[self.target.resource].reference()),
            });
            self.slots[i].rename_port = Some(new.clone());
            self.slots[i].port_name = Some(new.clone());
            seen.insert(new);
        }
        let mut seen = HashSet::new();
        for i in 0..self.slots.len() {
            let Some(name) = self.slots[i].name.clone() else {
                continue;
            };
            if seen.insert(name.clone()) {
                continue;
            }
            let taken: HashSet<String> = self.slots.iter().filter_map(|s| s.name.clone()).collect();
            let new = unique(&name, &stem, &taken);
            self.changes.push(Change {
                rule: "duplicate-port-name",
                title: format!(
                    "Gateway {}: rename server `{name}` (server {}) to `{new}`",
                    self.target.full_name(),
                    i + 1
                ),
                detail: "Server names must be unique within a Gateway; istiod warns and the servers' listener statistics collide.".into(),
                resource: Some(self.bundle.resources[self.target.resource].reference()),
            });
            self.slots[i].rename_server = Some(new.clone());
            self.slots[i].name = Some(new.clone());
            seen.insert(new);
        }
    }

    fn used_port_names(&self) -> HashSet<String> {
        self.slots
            .iter()
            .filter_map(|s| s.port_name.clone())
            .collect()
    }

    fn move_server(&mut self, loser: usize, index: usize) -> Option<()> {
        let gateway = &self.bundle.model.gateways[loser];
        let server = &gateway.servers[index];
        let mut slot = self.slot(loser, index)?;
        let label = server_label(gateway, index);
        // `./host` means "the Gateway's namespace": keep that meaning.
        if gateway.namespace != self.target.namespace {
            for (i, host) in server.hosts.iter().enumerate() {
                if let Some(name) = host.value.strip_prefix("./") {
                    slot.rewrite_hosts
                        .push((i, format!("{}/{name}", gateway.namespace)));
                }
            }
        }
        let mut notes = Vec::new();
        if !slot.rewrite_hosts.is_empty() {
            notes.push(format!(
                "`./` hosts are written as `{}/…` so they keep meaning namespace {}.",
                gateway.namespace, gateway.namespace
            ));
        }
        // A TLS host clashes with another server's when it is the same
        // string with other settings (istiod drops one server), or another
        // string with the same SNI name (Envoy rejects the listener).
        let clash = |other: &Slot, h: &String, host: &String| {
            (h == host && other.settings != slot.settings)
                || (slot.tls_server
                    && other.tls_server
                    && h != host
                    && sni_name(h) == sni_name(host))
        };
        // What istiod serves today wins: a target server it drops today
        // gives up a host that this (kept) server serves.
        if slot.has_tls && !self.dropped_today(slot.origin) {
            let label_here = label.clone();
            for host in slot.hosts.clone() {
                for other in &mut self.slots {
                    if !other.existing
                        || other.deleted
                        || other.listener != slot.listener
                        || !other.has_tls
                        || !self_dropped(self.topology, other.origin)
                    {
                        continue;
                    }
                    while let Some(k) = other.hosts.iter().position(|h| clash(other, h, &host)) {
                        let original = other.host_index[k];
                        other.hosts.remove(k);
                        other.host_index.remove(k);
                        if original != usize::MAX {
                            other.drop_hosts.push(original);
                        }
                        let g = &self.bundle.model.gateways[other.origin.gateway];
                        self.changes.push(Change {
                            rule: self.rule,
                            title: format!(
                                "Drop host `{host}` from {}",
                                server_label(g, other.origin.server)
                            ),
                            detail: format!(
                                "istiod drops that server today, while {label_here} serves `{host}`; it keeps serving it."
                            ),
                            resource: Some(self.bundle.resources[g.resource].reference()),
                        });
                    }
                    if other.hosts.is_empty() {
                        other.deleted = true;
                        other.port_name = None;
                        other.name = None;
                    }
                }
            }
        }
        // Hosts another TLS server on the listener already serves.
        let mut dropped = Vec::new();
        if slot.has_tls {
            for (i, host) in slot.hosts.iter().enumerate() {
                let holder = self.slots.iter().chain(&self.outside).find(|other| {
                    !other.deleted
                        && other.listener == slot.listener
                        && other.has_tls
                        && other.hosts.iter().any(|h| clash(other, h, host))
                });
                if let Some(holder) = holder {
                    dropped.push((i, host.clone(), self.describe_slot(holder)));
                }
            }
        }
        for (i, host, holder) in &dropped {
            slot.drop_hosts.push(*i);
            notes.push(format!(
                "Dropped host `{host}` from this server: {holder} already serves it on the same listener, and it stays there. istiod was dropping this whole server because of it."
            ));
        }
        if slot.drop_hosts.len() == slot.hosts.len() {
            self.changes.push(Change {
                rule: self.rule,
                title: format!("Drop {label}: every host is already served"),
                detail: notes.join(" "),
                resource: Some(self.bundle.resources[gateway.resource].reference()),
            });
            return Some(());
        }
        let kept: Vec<(usize, String)> = slot
            .hosts
            .iter()
            .enumerate()
            .filter(|(i, _)| !slot.drop_hosts.contains(i))
            .map(|(i, h)| (i, h.clone()))
            .collect();
        if let Some(m) = self
            .slots
            .iter()
            .position(|s| !s.deleted && s.settings == slot.settings && s.listener == slot.listener)
        {
            let into = self.describe_slot(&self.slots[m]);
            let mut added = Vec::new();
            for (i, host) in kept {
                // Already served with these very settings (here or by a twin).
                let already = self.slots.iter().any(|s| {
                    !s.deleted
                        && s.settings == slot.settings
                        && s.listener == slot.listener
                        && s.hosts.contains(&host)
                });
                if already {
                    continue;
                }
                let written = slot
                    .rewrite_hosts
                    .iter()
                    .find(|(r, _)| *r == i)
                    .map_or_else(|| server.hosts[i].value.clone(), |(_, w)| w.clone());
                self.slots[m].hosts.push(host);
                self.slots[m].host_index.push(usize::MAX);
                self.slots[m].added_hosts.push(written.clone());
                added.push(format!("`{written}`"));
            }
            let what = if added.is_empty() {
                "adds no host (all already listed)".to_string()
            } else {
                format!("adds {}", added.join(", "))
            };
            notes.insert(
                0,
                format!("Same port, protocol and TLS settings as {into}, so it joins that server and {what}."),
            );
            notes.extend(self.shared_http_host_note(&slot));
            self.changes.push(Change {
                rule: self.rule,
                title: format!("Merge {label} into {into}"),
                detail: notes.join(" "),
                resource: Some(self.bundle.resources[self.target.resource].reference()),
            });
            return Some(());
        }
        let taken = self.used_port_names();
        if let Some(name) = slot.port_name.clone().filter(|n| taken.contains(n)) {
            let new = unique(&name, &stem(&gateway.name.value), &taken);
            notes.push(format!(
                "Port name `{name}` is taken in {}, so it becomes `{new}` (port names must be unique within a Gateway).",
                self.target.full_name()
            ));
            slot.rename_port = Some(new.clone());
            slot.port_name = Some(new);
        }
        let names: HashSet<String> = self.slots.iter().filter_map(|s| s.name.clone()).collect();
        if let Some(name) = slot.name.clone().filter(|n| names.contains(n)) {
            let new = unique(&name, &stem(&gateway.name.value), &names);
            notes.push(format!(
                "Server name `{name}` is taken, so it becomes `{new}`."
            ));
            slot.rename_server = Some(new.clone());
            slot.name = Some(new);
        }
        let tls_note = match server.credential_name() {
            Some(credential)
                if self
                    .slots
                    .iter()
                    .any(|s| !s.deleted && s.listener == slot.listener && s.has_tls) =>
            {
                format!(
                    " It stays a separate server so its certificate `{credential}` keeps serving its hosts (SNI picks the chain)."
                )
            }
            _ => String::new(),
        };
        notes.insert(
            0,
            format!(
                "Moved as its own server of {}.{tls_note}",
                self.target.full_name()
            ),
        );
        notes.extend(self.shared_http_host_note(&slot));
        self.changes.push(Change {
            rule: self.rule,
            title: format!("Move {label} into {}", self.target.full_name()),
            detail: notes.join(" "),
            resource: Some(self.bundle.resources[self.target.resource].reference()),
        });
        slot.host_index = kept.iter().map(|(i, _)| *i).collect();
        slot.hosts = kept.into_iter().map(|(_, h)| h).collect();
        self.slots.push(slot);
        Some(())
    }

    /// Plain-HTTP hosts that another server of the merged Gateway also
    /// serves: their VirtualServices' routes are concatenated (as before).
    fn shared_http_host_note(&self, slot: &Slot) -> Option<String> {
        if slot.has_tls {
            return None;
        }
        let shared: Vec<&String> = slot
            .hosts
            .iter()
            .filter(|h| {
                self.slots.iter().any(|s| {
                    !s.deleted && s.listener == slot.listener && !s.has_tls && s.hosts.contains(h)
                })
            })
            .collect();
        let host = shared.first()?;
        let gateways: Vec<(String, String)> = self
            .group
            .gateways
            .iter()
            .map(|&g| {
                let g = &self.bundle.model.gateways[g];
                (g.namespace.clone(), g.name.value.clone())
            })
            .collect();
        let services: Vec<String> = self
            .bundle
            .model
            .virtual_services
            .iter()
            .filter(|vs| {
                vs.gateways.iter().any(|r| {
                    crate::model::istio::resolve_gateway_reference(&r.value, &vs.namespace)
                        .is_some_and(|g| gateways.contains(&g))
                }) && vs
                    .hosts
                    .iter()
                    .any(|h| hosts::matches(&h.value, sni_name(host)))
            })
            .map(crate::model::VirtualService::full_name)
            .collect();
        if services.len() < 2 {
            return None;
        }
        Some(format!(
            "Host `{host}` is routed by VirtualServices {}: istiod concatenates their routes (older Gateway's first), as it did before the merge. Merging those VirtualServices is a decision for a human.",
            services.join(", ")
        ))
    }

    fn describe_slot(&self, slot: &Slot) -> String {
        let g = &self.bundle.model.gateways[slot.origin.gateway];
        let mut label = server_label(g, slot.origin.server);
        if !slot.existing {
            label.push_str(" (moved)");
        }
        label
    }

    fn into_unit(self, references: &groups::References) -> Option<Unit> {
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
                    super::unit::workload_key(None, &target.selector.clone().unwrap_or_default()),
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

/// See [`Merge::dropped_today`].
fn self_dropped(topology: &Topology, server: ServerRef) -> bool {
    topology.placements(server).any(|(_, placed)| {
        matches!(
            placed.outcome,
            Outcome::Rejected { .. } | Outcome::NackRisk { .. }
        )
    })
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
    let host_nodes: Vec<NodeRef<'_>> = hosts.into_iter().flat_map(NodeRef::items).collect();
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

/// A host as written once its server sits in `target`: `./h` keeps meaning
/// the old namespace.
fn moved_host(host: &str, from: &Gateway, target: &Gateway) -> String {
    match host.strip_prefix("./") {
        Some(name) if from.namespace != target.namespace => format!("{}/{name}", from.namespace),
        _ => host.to_string(),
    }
}

/// "server `https-staging` (443/HTTPS) of Gateway ns/name".
fn server_label(gateway: &Gateway, index: usize) -> String {
    let server = &gateway.servers[index];
    let port = server.port.as_ref();
    let name = port
        .and_then(|p| p.name.as_ref())
        .map_or_else(|| format!("#{}", index + 1), |n| format!("`{}`", n.value));
    let number = server
        .port_number()
        .map_or_else(|| "?".to_string(), |n| n.to_string());
    let protocol = port
        .and_then(|p| p.protocol.as_ref())
        .map_or("HTTP", |p| p.value.as_str());
    format!(
        "server {name} ({number}/{protocol}) of Gateway {}",
        gateway.full_name()
    )
}

/// The distinguishing part of a Gateway name: `staging-gateway` → `staging`.
fn stem(name: &str) -> String {
    name.strip_suffix("-gateway")
        .or_else(|| name.strip_suffix("-gw"))
        .filter(|s| !s.is_empty())
        .unwrap_or(name)
        .to_string()
}

/// `name-stem`, `name-stem-2`, … (or `name` if free).
fn unique(name: &str, stem: &str, taken: &HashSet<String>) -> String {
    let base = if name.ends_with(stem) {
        name.to_string()
    } else {
        format!("{name}-{stem}")
    };
    if !taken.contains(&base) {
        return base;
    }
    (2..=taken.len() + 2)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or(base)
}

/// Every setting of a server except its hosts and names, canonical (keys
/// sorted, protocol upper-cased), for "same server settings" comparisons.
fn canonical_server(node: NodeRef<'_>) -> String {
    let mut parts: Vec<String> = node
        .entries()
        .filter_map(|(k, v)| {
            let key = k.as_str()?;
            match key {
                "hosts" | "name" => None,
                "port" => {
                    let mut port: Vec<String> = v
                        .entries()
                        .filter_map(|(k, v)| match k.as_str()? {
                            "name" => None,
                            "protocol" => Some(format!(
                                "protocol:{}",
                                v.as_str().unwrap_or_default().to_ascii_uppercase()
                            )),
                            other => Some(format!("{other}:{}", canonical(v))),
                        })
                        .collect();
                    sort::ascending(&mut port);
                    Some(format!("port={{{}}}", port.join(",")))
                }
                _ => Some(format!("{key}={}", canonical(v))),
            }
        })
        .collect();
    sort::ascending(&mut parts);
    parts.join(";")
}

fn canonical(node: NodeRef<'_>) -> String {
    let node = node.resolve();
    if let Some(value) = node.as_str() {
        return value.to_string();
    }
    if node.is_sequence() {
        let items: Vec<String> = node.items().map(canonical).collect();
        return format!("[{}]", items.join(","));
    }
    let mut entries: Vec<String> = node
        .entries()
        .map(|(k, v)| format!("{}:{}", canonical(k), canonical(v)))
        .collect();
    sort::ascending(&mut entries);
    format!("{{{}}}", entries.join(","))
}
