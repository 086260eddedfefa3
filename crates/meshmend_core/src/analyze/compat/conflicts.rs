//! istioctl's `gateway.ConflictingGatewayAnalyzer` (Istio ≥ 1.25), IST0145.
//!
//! Upstream keeps one index entry per `"<selector string>~<port>"`, holding
//! for every Gateway its last server's `host → bind` on that port. For each
//! Gateway G and server s it compares s, with `model.CheckDuplicates`, to
//! every other Gateway of the entries in G's selector group with s's port.
//! `CheckDuplicates` *writes* s's hosts into each entry it found no
//! duplicate in, so later comparisons see hosts the other Gateway never had.
//!
//! Reproducing that literally costs one map insert per (server, Gateway) pair
//! of a workload. Here a write is an *event* per (entry, host) — "from now
//! on this host has this bind for every member except the sender and the
//! members that had a duplicate" — so a server costs in proportion to the
//! hosts it shares, not to the size of the group. `tests` checks the result
//! against the literal algorithm on generated input.

use crate::sort;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

/// One Gateway as the analyzer sees it.
pub(super) struct Input<'a> {
    /// `FullName.String()`.
    pub(super) name: String,
    /// `klabels` selector string.
    pub(super) selector: String,
    /// `(port number or 0, hosts, bind)` per server.
    pub(super) servers: Vec<(u32, Vec<&'a str>, &'a str)>,
}

/// A conflict found for `servers[server]` of `gateways[gateway]`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Conflict {
    pub(super) gateway: usize,
    pub(super) server: usize,
    /// The other Gateways' names, sorted.
    pub(super) with: Vec<String>,
}

struct Member<'a> {
    name: &'a str,
    initial: HashMap<&'a str, &'a str>,
}

struct Event<'a> {
    bind: &'a str,
    sender: Option<usize>,
    skip: Rc<BTreeSet<usize>>,
}

/// One `selector~port` entry of the index.
struct Entry<'a> {
    selector: &'a str,
    port: u32,
    members: Vec<Member<'a>>,
    by_name: HashMap<&'a str, usize>,
    holders: HashMap<&'a str, Vec<usize>>,
    events: HashMap<&'a str, Vec<Event<'a>>>,
}

impl<'a> Entry<'a> {
    /// The bind `member` currently records for `host`.
    fn value(&self, member: usize, host: &str) -> Option<&'a str> {
        let latest = self.events.get(host).and_then(|events| {
            events
                .iter()
                .rev()
                .find(|e| e.sender != Some(member) && !e.skip.contains(&member))
        });
        match latest {
            Some(event) => Some(event.bind),
            None => self.members[member].initial.get(host).copied(),
        }
    }

    /// `CheckDuplicates` of one server against every member but `sender`:
    /// returns the members with a duplicate and records the hosts in the rest.
    fn check(&mut self, hosts: &[&'a str], bind: &'a str, sender: Option<usize>) -> Vec<usize> {
        let mut duplicates = BTreeSet::new();
        for &host in hosts {
            let everyone = self.events.get(host).is_some_and(|e| !e.is_empty());
            let candidates: Vec<usize> = if everyone {
                (0..self.members.len()).collect()
            } else {
                self.holders.get(host).cloned().unwrap_or_default()
            };
            for member in candidates {
                if Some(member) != sender && self.value(member, host) == Some(bind) {
                    duplicates.insert(member);
                }
            }
        }
        let receivers = self.members.len() - duplicates.len() - usize::from(sender.is_some());
        let found = duplicates.iter().copied().collect();
        if receivers > 0 && !hosts.is_empty() {
            let skip = Rc::new(duplicates);
            for &host in hosts {
                self.events.entry(host).or_default().push(Event {
                    bind,
                    sender,
                    skip: Rc::clone(&skip),
                });
            }
        }
        found
    }
}

/// Runs the analyzer's comparison. `grouped(gateway, selector)` says whether
/// an entry with `selector` joins the gateway's group (string equality, or
/// substring plus a shared pod); it is asked once per distinct selector pair.
pub(super) fn conflicts(
    gateways: &[Input<'_>],
    mut grouped: impl FnMut(usize, &str) -> bool,
) -> (Vec<Conflict>, Vec<usize>) {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut slots: HashMap<(&str, u32), usize> = HashMap::new();
    for gateway in gateways {
        for (port, hosts, bind) in &gateway.servers {
            let slot = *slots
                .entry((gateway.selector.as_str(), *port))
                .or_insert_with(|| {
                    entries.push(Entry {
                        selector: &gateway.selector,
                        port: *port,
                        members: Vec::new(),
                        by_name: HashMap::new(),
                        holders: HashMap::new(),
                        events: HashMap::new(),
                    });
                    entries.len() - 1
                });
            let entry = &mut entries[slot];
            let initial = hosts.iter().map(|h| (*h, *bind)).collect();
            if let Some(&member) = entry.by_name.get(gateway.name.as_str()) {
                // A later server on the same port replaces the earlier one.
                entry.members[member].initial = initial;
            } else {
                entry.by_name.insert(&gateway.name, entry.members.len());
                entry.members.push(Member {
                    name: &gateway.name,
                    initial,
                });
            }
        }
    }
    for entry in &mut entries {
        for (m, member) in entry.members.iter().enumerate() {
            for host in member.initial.keys() {
                entry.holders.entry(host).or_default().push(m);
            }
        }
    }
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut out = Vec::new();
    let mut orphans = Vec::new();
    for (g, gateway) in gateways.iter().enumerate() {
        let group = groups
            .entry(gateway.selector.as_str())
            .or_insert_with(|| {
                (0..entries.len())
                    .filter(|&e| grouped(g, entries[e].selector))
                    .collect()
            })
            .clone();
        if !gateway.selector.is_empty() && group.is_empty() {
            orphans.push(g);
            continue;
        }
        for (s, (port, hosts, bind)) in gateway.servers.iter().enumerate() {
            let mut with = Vec::new();
            for &e in &group {
                let entry = &mut entries[e];
                if entry.port != *port {
                    continue;
                }
                let sender = entry.by_name.get(gateway.name.as_str()).copied();
                for member in entry.check(hosts, bind, sender) {
                    with.push(entry.members[member].name.to_string());
                }
            }
            record(&mut out, g, s, with);
        }
    }
    (out, orphans)
}

/// Records server `server` of Gateway `gateway` as dropped when it clashes
/// with any of `with` (names sorted, as upstream reports them).
fn record(out: &mut Vec<Conflict>, gateway: usize, server: usize, mut with: Vec<String>) {
    if !with.is_empty() {
        sort::ascending(&mut with);
        out.push(Conflict {
            gateway,
            server,
            with,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The upstream algorithm, literally: shared maps, mutated in place.
    fn literal(
        gateways: &[Input<'_>],
        grouped: impl Fn(usize, &str) -> bool,
    ) -> (Vec<Conflict>, Vec<usize>) {
        type Hosts = HashMap<String, String>;
        type Members = Vec<(String, Hosts)>;
        let mut index: Vec<(String, u32, Members)> = Vec::new();
        for gateway in gateways {
            for (port, hosts, bind) in &gateway.servers {
                let position = index
                    .iter()
                    .position(|(s, p, _)| *s == gateway.selector && p == port);
                let e = position.unwrap_or_else(|| {
                    index.push((gateway.selector.clone(), *port, Vec::new()));
                    index.len() - 1
                });
                let map: Hosts = hosts
                    .iter()
                    .map(|h| ((*h).to_string(), (*bind).to_string()))
                    .collect();
                let members = &mut index[e].2;
                match members.iter_mut().find(|(n, _)| *n == gateway.name) {
                    Some(member) => member.1 = map,
                    None => members.push((gateway.name.clone(), map)),
                }
            }
        }
        let mut out = Vec::new();
        let mut orphans = Vec::new();
        for (g, gateway) in gateways.iter().enumerate() {
            let group: Vec<usize> = (0..index.len())
                .filter(|&e| grouped(g, &index[e].0))
                .collect();
            if gateway.selector.is_empty() || !group.is_empty() {
                for (s, (port, hosts, bind)) in gateway.servers.iter().enumerate() {
                    let mut with = Vec::new();
                    for &e in &group {
                        if index[e].1 == *port {
                            with.extend(literal_check(&mut index[e].2, &gateway.name, hosts, bind));
                        }
                    }
                    record(&mut out, g, s, with);
                }
            } else {
                orphans.push(g);
            }
        }
        (out, orphans)
    }

    /// Upstream's check of one server against the other members of one
    /// selector and port: a duplicate host on the same bind clashes, else
    /// the server's hosts join every member's map (in place, as upstream).
    fn literal_check(
        members: &mut [(String, HashMap<String, String>)],
        name: &str,
        hosts: &[&str],
        bind: &str,
    ) -> Vec<String> {
        let mut with = Vec::new();
        for (other, known) in members {
            if other == name {
                continue;
            }
            if hosts
                .iter()
                .any(|h| known.get(*h).is_some_and(|b| b == bind))
            {
                with.push(other.clone());
            } else {
                for h in hosts {
                    known.insert((*h).to_string(), bind.to_string());
                }
            }
        }
        with
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % n as u64).unwrap()
        }
    }

    #[test]
    fn event_index_matches_the_literal_algorithm() {
        const SELECTORS: [&str; 4] = ["a=1", "a=1,b=2", "b=2", ""];
        const HOSTS: [&str; 5] = ["a.com", "b.com", "c.com", "*", "ns/a.com"];
        const BINDS: [&str; 2] = ["", "10.0.0.1"];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..400 {
            let count = 1 + rng.below(7);
            let gateways: Vec<Input<'_>> = (0..count)
                .map(|g| Input {
                    // Occasionally a repeated name (the same object twice).
                    name: format!("ns/gw{}", if rng.below(8) == 0 { 0 } else { g }),
                    selector: SELECTORS[rng.below(SELECTORS.len())].to_string(),
                    servers: (0..rng.below(4))
                        .map(|_| {
                            let hosts = (0..rng.below(3))
                                .map(|_| HOSTS[rng.below(HOSTS.len())])
                                .collect();
                            ([0, 80, 443][rng.below(3)], hosts, BINDS[rng.below(4) / 3])
                        })
                        .collect(),
                })
                .collect();
            // Substring grouping with a pod that matches everything.
            let grouped = |g: usize, other: &str| {
                let own = gateways[g].selector.as_str();
                own == other || other.contains(own) || own.contains(other)
            };
            assert_eq!(
                conflicts(&gateways, grouped),
                literal(&gateways, grouped),
                "round {round}"
            );
        }
    }

    #[test]
    fn a_repeated_host_on_one_port_conflicts_through_the_index() {
        let gateways = [
            Input {
                name: "ns/a".into(),
                selector: "istio=ingressgateway".into(),
                servers: vec![(80, vec!["shop.com"], ""), (80, vec!["shop.com"], "")],
            },
            Input {
                name: "ns/b".into(),
                selector: "istio=ingressgateway".into(),
                servers: vec![(80, vec!["blog.com"], "")],
            },
        ];
        let (found, orphans) = conflicts(&gateways, |_, _| true);
        assert!(orphans.is_empty());
        assert_eq!(
            found,
            [Conflict {
                gateway: 0,
                server: 1,
                with: vec!["ns/b".into()]
            }]
        );
    }
}
