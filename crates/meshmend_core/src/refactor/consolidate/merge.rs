//! Where each server goes when a conflict group merges into its target:
//! joined to an equal server, appended as its own, trimmed of hosts an
//! earlier server serves, renamed to stay unique; and the changes that say
//! so. Writing the edits is `write.rs`.

use crate::hash::HashSet;

use super::Serving;
use super::index::{NameCounts, SlotIndex};
use crate::analyze::hosts;
use crate::analyze::topology::{Outcome, ServerRef, Topology, sni_name};
use crate::model::tree::NodeRef;
use crate::model::{Bundle, Gateway};
use crate::refactor::Change;
use crate::refactor::groups::{self, Group};
use crate::sort;

/// One server of the merged Gateway.
#[derive(Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent facts about one server, read in different passes"
)]
pub(super) struct Slot {
    pub(super) origin: ServerRef,
    /// Already in the target.
    pub(super) existing: bool,
    /// Port number, protocol, bind, TLS and other settings, canonical.
    pub(super) settings: String,
    /// (resolved port, bind).
    pub(super) listener: (u32, String),
    pub(super) has_tls: bool,
    pub(super) tls_server: bool,
    /// Hosts as istiod compares them (normalised for the target namespace).
    pub(super) hosts: Vec<String>,
    /// For each entry of `hosts`, its index in the server's written hosts
    /// (`usize::MAX` for hosts merged in).
    pub(super) host_index: Vec<usize>,
    pub(super) port_name: Option<String>,
    pub(super) name: Option<String>,
    /// For moving servers: edits on their source text.
    pub(super) rename_port: Option<String>,
    pub(super) rename_server: Option<String>,
    pub(super) rewrite_hosts: Vec<(usize, String)>,
    pub(super) drop_hosts: Vec<usize>,
    /// For existing servers: hosts to append, as written.
    pub(super) added_hosts: Vec<String>,
    /// An existing server whose every host an earlier server serves: removed.
    pub(super) deleted: bool,
}

pub(super) struct Merge<'a> {
    pub(super) bundle: &'a Bundle,
    pub(super) topology: &'a Topology,
    pub(super) group: &'a Group<'a>,
    pub(super) target: &'a Gateway,
    pub(super) slots: Vec<Slot>,
    /// Servers of other Gateways on the same listeners (only consulted).
    pub(super) outside: Vec<Slot>,
    pub(super) changes: Vec<Change>,
    pub(super) rule: &'static str,
    /// Port names and server names of `slots`, kept up to date while
    /// servers move in, so each move costs its own hosts, not the group.
    port_names: NameCounts,
    server_names: NameCounts,
    /// Indexes into `slots` (and `outside`) for the lookups of a move, so
    /// one conflict group of a thousand Gateways is not a thousand scans
    /// of a thousand servers. Entries may be stale (a host removed, a slot
    /// deleted): every hit is checked against the slot itself.
    index: SlotIndex,
}

impl<'a> Merge<'a> {
    pub(super) fn new(
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
            port_names: NameCounts::default(),
            server_names: NameCounts::default(),
            index: SlotIndex::default(),
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
        let mut outside = HashSet::default();
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
        for (i, slot) in merge.slots.iter().enumerate() {
            merge.port_names.add(slot.port_name.as_ref());
            merge.server_names.add(slot.name.as_ref());
            merge.index.add_slot(i, slot);
        }
        for (i, slot) in merge.outside.iter().enumerate() {
            for host in &slot.hosts {
                let list = merge
                    .index
                    .outside_by_sni
                    .entry(sni_name(host).to_string())
                    .or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
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
            // `retain` visits in order: `keep` lines up with both lists.
            let mut kept = keep.iter();
            slot.hosts.retain(|_| kept.next() == Some(&true));
            let mut kept = keep.iter();
            slot.host_index.retain(|_| kept.next() == Some(&true));
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
    /// (`duplicate-port-name`), and repeated server names make istiod warn:
    /// rename the later ones.
    fn unique_existing_port_names(&mut self) {
        self.unique_names(Named::Port);
        self.unique_names(Named::Server);
    }

    fn unique_names(&mut self, named: Named) {
        let mut seen = HashSet::default();
        let stem = stem(&self.target.name.value);
        for i in 0..self.slots.len() {
            let Some(name) = named.get(&self.slots[i]).cloned() else {
                continue;
            };
            if seen.insert(name.clone()) {
                continue;
            }
            let taken: HashSet<String> = self
                .slots
                .iter()
                .filter_map(|s| named.get(s).cloned())
                .collect();
            let new = unique(&name, &stem, taken.len(), |n| taken.contains(n));
            let gateway = self.target.full_name();
            let server = i + 1;
            let (title, detail) = match named {
                Named::Port => (
                    format!(
                        "Gateway {gateway}: rename port `{name}` of server {server} to `{new}`"
                    ),
                    "Port names must be unique within a Gateway; admission rejects the Gateway otherwise. Route names for HTTPS servers embed the port name, so EnvoyFilters matching the old route name need the new one.",
                ),
                Named::Server => (
                    format!(
                        "Gateway {gateway}: rename server `{name}` (server {server}) to `{new}`"
                    ),
                    "Server names must be unique within a Gateway; istiod warns and the servers' listener statistics collide.",
                ),
            };
            self.changes.push(Change {
                rule: "duplicate-port-name",
                title,
                detail: detail.into(),
                resource: Some(self.bundle.resources[self.target.resource].reference()),
            });
            named.set(&mut self.slots[i], new.clone());
            seen.insert(new);
        }
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
                for &o in &self.index.existing {
                    let other = &mut self.slots[o];
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
                        self.port_names.remove(other.port_name.as_ref());
                        self.server_names.remove(other.name.as_ref());
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
                // A clash needs the same SNI name: only those slots are
                // candidates (the first in order wins, as a scan would).
                let holds = |other: &&Slot| {
                    !other.deleted
                        && other.listener == slot.listener
                        && other.has_tls
                        && other.hosts.iter().any(|h| clash(other, h, host))
                };
                let sni = sni_name(host);
                let in_slots = self
                    .index
                    .slots_by_sni
                    .get(sni)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&i| holds(&&self.slots[i]))
                    .min()
                    .map(|i| &self.slots[i]);
                let holder = in_slots.or_else(|| {
                    self.index
                        .outside_by_sni
                        .get(sni)
                        .into_iter()
                        .flatten()
                        .map(|&i| &self.outside[i])
                        .find(holds)
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
        let twins = self.index.twins(&slot).to_vec();
        if let Some(m) = twins.iter().copied().find(|&t| !self.slots[t].deleted) {
            let into = self.describe_slot(&self.slots[m]);
            let mut added = Vec::new();
            for (i, host) in kept {
                // Already served with these very settings (here or by a twin).
                let already = twins.iter().any(|&t| {
                    let s = &self.slots[t];
                    !s.deleted && s.hosts.contains(&host)
                });
                if already {
                    continue;
                }
                let written = slot
                    .rewrite_hosts
                    .iter()
                    .find(|(r, _)| *r == i)
                    .map_or_else(|| server.hosts[i].value.clone(), |(_, w)| w.clone());
                self.index.add_host(m, &host);
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
        let taken = &self.port_names;
        if let Some(name) = slot.port_name.clone().filter(|n| taken.contains(n)) {
            let new = unique(&name, &stem(&gateway.name.value), taken.0.len(), |n| {
                taken.contains(n)
            });
            notes.push(format!(
                "Port name `{name}` is taken in {}, so it becomes `{new}` (port names must be unique within a Gateway).",
                self.target.full_name()
            ));
            slot.rename_port = Some(new.clone());
            slot.port_name = Some(new);
        }
        let names = &self.server_names;
        if let Some(name) = slot.name.clone().filter(|n| names.contains(n)) {
            let new = unique(&name, &stem(&gateway.name.value), names.0.len(), |n| {
                names.contains(n)
            });
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
        self.port_names.add(slot.port_name.as_ref());
        self.server_names.add(slot.name.as_ref());
        self.index.add_slot(self.slots.len(), &slot);
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
}

/// Which name of a server must stay unique in its Gateway.
#[derive(Clone, Copy)]
enum Named {
    /// `port.name`.
    Port,
    /// `name`.
    Server,
}

impl Named {
    fn get(self, slot: &Slot) -> Option<&String> {
        match self {
            Named::Port => slot.port_name.as_ref(),
            Named::Server => slot.name.as_ref(),
        }
    }

    /// Renames it (and records the edit to write).
    fn set(self, slot: &mut Slot, new: String) {
        let (rename, name) = match self {
            Named::Port => (&mut slot.rename_port, &mut slot.port_name),
            Named::Server => (&mut slot.rename_server, &mut slot.name),
        };
        *rename = Some(new.clone());
        *name = Some(new);
    }
}

/// See [`Merge::dropped_today`].
pub(super) fn self_dropped(topology: &Topology, server: ServerRef) -> bool {
    topology.placements(server).any(|(_, placed)| {
        matches!(
            placed.outcome,
            Outcome::Rejected { .. } | Outcome::NackRisk { .. }
        )
    })
}

/// A host as written once its server sits in `target`: `./h` keeps meaning
/// the old namespace.
pub(super) fn moved_host(host: &str, from: &Gateway, target: &Gateway) -> String {
    match host.strip_prefix("./") {
        Some(name) if from.namespace != target.namespace => format!("{}/{name}", from.namespace),
        _ => host.to_string(),
    }
}

/// "server `https-staging` (443/HTTPS) of Gateway ns/name".
pub(super) fn server_label(gateway: &Gateway, index: usize) -> String {
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
pub(super) fn stem(name: &str) -> String {
    name.strip_suffix("-gateway")
        .or_else(|| name.strip_suffix("-gw"))
        .filter(|s| !s.is_empty())
        .unwrap_or(name)
        .to_string()
}

/// `name-stem`, `name-stem-2`, … (or `name` if free).
pub(super) fn unique(
    name: &str,
    stem: &str,
    taken_len: usize,
    taken: impl Fn(&str) -> bool,
) -> String {
    let base = if name.ends_with(stem) {
        name.to_string()
    } else {
        format!("{name}-{stem}")
    };
    if !taken(&base) {
        return base;
    }
    (2..=taken_len + 2)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken(c))
        .unwrap_or(base)
}

/// Every setting of a server except its hosts and names, canonical (keys
/// sorted, protocol upper-cased), for "same server settings" comparisons.
pub(super) fn canonical_server(node: NodeRef<'_>) -> String {
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

pub(super) fn canonical(node: NodeRef<'_>) -> String {
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
