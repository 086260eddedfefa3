//! istiod's `mergeGateways` decision list for the servers of one resolved port.

use crate::hash::HashMap;

use super::server::{is_http_server, is_tls_server, route_name};
use super::{Match, Outcome, Reject, ServerRef};
use crate::analyze::istio_version::{IstioVersion, PLAINTEXT_AFTER_TLS_TAKES_PORT};
use crate::model::{Gateway, Protocol, Server};

/// A server on one (workload, resolved port), ready for the merge.
pub(super) struct Candidate<'a> {
    pub(super) server: ServerRef,
    pub(super) gateway: &'a Gateway,
    pub(super) spec: &'a Server,
    pub(super) port: u32,
    pub(super) service: Option<usize>,
    pub(super) membership: Match,
    pub(super) hosts: Vec<String>,
}

impl Candidate<'_> {
    pub(super) fn bind(&self) -> &str {
        self.spec.bind()
    }

    /// This server as placed on a listener, with istiod's verdict on it.
    pub(super) fn placed(&self, outcome: Outcome) -> super::ListenerServer {
        super::ListenerServer {
            server: self.server,
            port: self.port,
            service: self.service,
            protocol: self.spec.protocol(),
            membership: self.membership,
            hosts: self.hosts.clone(),
            outcome,
        }
    }
}

/// istiod's `canMergeProtocols(current, new)`.
fn can_merge(current: Protocol, new: Protocol) -> bool {
    (current.is_http() || current == new) && new.is_http()
}

/// The `mergeGateways` decision list for the servers of one resolved port.
pub(super) fn merge_port(
    port: u32,
    candidates: &[Candidate<'_>],
    version: IstioVersion,
) -> Vec<Outcome> {
    // From 1.26.8 / 1.27.4 / 1.28.1 (`addPlainTextServer`): a plain-text
    // server can take a TLS-first port, and one on a new bind becomes the
    // port's plaintext server.
    let plaintext_takes_port = version.has(PLAINTEXT_AFTER_TLS_TAKES_PORT);
    let mut outcomes = vec![Outcome::Kept; candidates.len()];
    // host → (bind, who registered it); CheckDuplicates overwrites the bind.
    let mut tls_hosts: HashMap<&str, (&str, usize)> = HashMap::default();
    let mut first: Option<usize> = None;
    let mut plaintext: Option<usize> = None;
    let mut routes: HashMap<String, usize> = HashMap::default();
    let mut non_plain_binds: HashMap<&str, usize> = HashMap::default();
    // (bind, protocol) → first server of that ServerPort (plaintext ports).
    let mut server_ports: HashMap<(&str, Protocol), usize> = HashMap::default();
    let refer = |i: usize| candidates[i].server;
    for (i, c) in candidates.iter().enumerate() {
        if c.spec.tls.is_some() {
            let duplicates: Vec<&str> = c
                .hosts
                .iter()
                .map(String::as_str)
                .filter(|h| tls_hosts.get(h).is_some_and(|(bind, _)| *bind == c.bind()))
                .collect();
            if let Some(first_duplicate) = duplicates.first() {
                let by = tls_hosts[first_duplicate].1;
                outcomes[i] = Outcome::Rejected {
                    reason: Reject::DuplicateTlsHost {
                        hosts: duplicates.iter().map(|h| (*h).to_string()).collect(),
                    },
                    by: refer(by),
                };
                continue;
            }
            for host in &c.hosts {
                tls_hosts.insert(host, (c.bind(), i));
            }
        }
        let route = route_name(c.gateway, c.spec, port);
        let protocol = c.spec.protocol();
        if first.is_none() {
            first = Some(i);
            if !is_tls_server(c.spec) {
                plaintext = Some(i);
                server_ports.insert((c.bind(), protocol), i);
            }
            if let Some(route) = route.filter(|_| is_http_server(c.spec)) {
                routes.insert(route, i);
            }
            continue;
        }
        if let Some(p) = plaintext {
            let current = &candidates[p];
            let same_bind = current.bind() == c.bind();
            if same_bind && (!can_merge(current.spec.protocol(), protocol) || route.is_none()) {
                outcomes[i] = Outcome::Rejected {
                    reason: Reject::ProtocolConflict,
                    by: refer(p),
                };
                continue;
            }
            // HTTP-family servers share a route table per (bind, ServerPort);
            // others on another bind start their own listener.
            let key = if same_bind {
                (current.bind(), current.spec.protocol())
            } else {
                (c.bind(), protocol)
            };
            match server_ports.get(&key) {
                Some(&with) if protocol.is_http() => {
                    outcomes[i] = Outcome::Merged { with: refer(with) };
                }
                Some(_) => {}
                None => {
                    server_ports.insert(key, i);
                    if plaintext_takes_port && !same_bind && !is_tls_server(c.spec) {
                        plaintext = Some(i);
                    }
                }
            }
            if let Some(route) = route {
                routes.entry(route).or_insert(i);
            }
        } else {
            if plaintext_takes_port && !is_tls_server(c.spec) {
                plaintext = Some(i);
                server_ports.insert((c.bind(), protocol), i);
                if let Some(route) = route.filter(|_| is_http_server(c.spec)) {
                    routes.insert(route, i);
                }
                continue;
            }
            if let Some(route) = route.filter(|_| is_http_server(c.spec)) {
                if let Some(&taken) = routes.get(&route) {
                    outcomes[i] = Outcome::Rejected {
                        reason: Reject::DuplicateRouteName { route },
                        by: refer(taken),
                    };
                    continue;
                }
                routes.insert(route, i);
            }
            let occupant = *non_plain_binds.entry(c.bind()).or_insert(i);
            if c.spec.tls.is_none() && occupant != i {
                outcomes[i] = Outcome::Rejected {
                    reason: Reject::PlaintextAfterTls,
                    by: refer(occupant),
                };
            }
        }
    }
    outcomes
}
