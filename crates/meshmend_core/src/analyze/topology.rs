//! How istiod merges Gateways onto gateway workloads, simulated from files.
//!
//! The conflict rules (`MM1xx`) and the fix engine read this instead of
//! comparing Gateways pairwise. The model follows istiod, not `istioctl
//! analyze` (research §3):
//!
//! 1. **Workloads.** A Gateway applies to a gateway workload when its
//!    `selector` is a subset of the workload's pod labels; a Gateway without
//!    a selector (or with an empty one) applies to every gateway workload
//!    (`PushContext.mergeGateways`). Workloads are the Pods, Deployments, …
//!    of the input, including the synthetic ones that Helm values and
//!    `IstioOperator` gateway installs render; a workload only counts as a
//!    *gateway* workload when some Gateway selects it or it comes from a
//!    gateway install. Gateways whose selector matches no workload of the
//!    input (for example when only Gateways were pasted) are grouped by
//!    selector instead: one stand-in workload per maximal selector, holding
//!    the Gateways with that exact selector ([`Match::SameSelector`]) and
//!    those whose selector is a strict subset of it ([`Match::ProbablySame`]:
//!    the pods those select *probably* include these; findings say so).
//! 2. **Ports.** Each server port is resolved through the Services selecting
//!    the workload (`resolvePorts`): the first Service port with that number
//!    gives its numeric `targetPort` (a named or absent `targetPort` keeps the
//!    port); with no match the number is used as is. So servers on 80 and
//!    8080 can share one listener. "First" is istiod's order of the proxy's
//!    Services (`Proxy.SetServiceTargets`: creationTimestamp, then hostname),
//!    not the input order; Services labelled
//!    `experimental.istio.io/disable-gateway-port-translation` are skipped.
//! 3. **Order.** Gateways are merged in creation timestamp → name → namespace
//!    order (`sortConfigByCreationTime`); within a Gateway, in server order.
//!    The older server wins every conflict.
//! 4. **Merge.** Per (workload, resolved port) the servers go through
//!    istiod's `mergeGateways` decision list (research §3.3), with its
//!    quirks: the TLS host-duplicate check (exact strings after `./h` →
//!    `<ns>/h` and `*/h` → `h`, same `bind`; also for plain-HTTP servers
//!    with a `tls` block such as `httpsRedirect`) runs first; the first
//!    server on a port decides whether the port is "plaintext" (later servers
//!    merge only if both are HTTP-family, otherwise they are rejected on the
//!    same bind) or "TLS" (later servers add SNI filter chains; one
//!    non-TLS server per bind is kept next to them, a second one is
//!    rejected; plain-HTTP route names must stay unique). From Istio
//!    1.26.8 / 1.27.4 / 1.28.1 (istio/istio#57707, see
//!    [`istio_version`](super::istio_version)) the first non-TLS server on a
//!    TLS-first port instead makes it "plaintext" from then on, and a
//!    non-TLS server on a new bind becomes the one later servers are
//!    compared with.
//! 5. **Listeners.** Kept servers are grouped by bind into listeners
//!    (`<bind>_<port>`). Two checks stand in for Envoy: two TLS chains with
//!    the same SNI (`ns1/foo` and `ns2/foo` both become `foo`) or a `*` TLS
//!    chain next to a plaintext chain make Envoy reject the whole listener
//!    ([`Outcome::NackRisk`]).
//!
//! Cost is linear in servers × workloads they apply to: Gateways are found
//! from workload labels through a hash map keyed by selector (enumerating
//! the few label subsets that some selector uses), Services through a map
//! keyed by label pair, and servers are only compared within one
//! (workload, resolved port) group.
//!
//! Not modelled: Gateway API generated Gateways (and the
//! `internal.istio.io/gateway-service` direct Service reference, for which
//! the disable label does not apply), `PILOT_SCOPE_GATEWAY_TO_NAMESPACE`,
//! `ENABLE_STRICT_GATEWAY_MERGING`, named `targetPort`s (resolved through
//! the pod's container ports by istiod), privileged ports on unprivileged
//! pods, QUIC listeners.

use std::collections::{HashMap, HashSet};

use super::istio_version::{IstioVersion, PLAINTEXT_AFTER_TLS_TAKES_PORT};
use crate::model::{Bundle, Gateway, Labels, Protocol, Server, k8s::HELM_VALUES};
use crate::sort;

/// Server `server` of Gateway `gateway` (indexes into [`Model::gateways`](crate::Model)
/// and that Gateway's `servers`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerRef {
    /// Index in `bundle.model.gateways`.
    pub gateway: usize,
    /// Index in that Gateway's `servers`.
    pub server: usize,
}

impl ServerRef {
    /// The Gateway.
    pub fn gateway<'a>(&self, bundle: &'a Bundle) -> &'a Gateway {
        &bundle.model.gateways[self.gateway]
    }

    /// The server.
    pub fn resolve<'a>(&self, bundle: &'a Bundle) -> &'a Server {
        &bundle.model.gateways[self.gateway].servers[self.server]
    }
}

/// Why a Gateway applies to a [`GatewayWorkload`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Match {
    /// Its selector is a subset of the labels of a workload in the input.
    Selects,
    /// It has no selector: it applies to every gateway workload.
    NoSelector,
    /// No workload in the input; its selector equals the stand-in's.
    SameSelector,
    /// No workload in the input; its selector is a strict subset of the
    /// stand-in's, so it *probably* applies to the same pods.
    ProbablySame,
}

impl Match {
    /// True when the grouping is a guess.
    pub fn is_probable(self) -> bool {
        self == Match::ProbablySame
    }
}

/// Where a [`GatewayWorkload`] comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkloadSource {
    /// Workloads of the input with the same namespace and labels (indexes
    /// into `bundle.model.workloads`; a Deployment and a Pod count apart).
    Input(Vec<usize>),
    /// No workload in the input: stands for the pods that `labels` selects.
    Selector,
}

/// A gateway deployment, with the Gateways that istiod merges onto it.
#[derive(Clone, Debug)]
pub struct GatewayWorkload {
    /// Where it comes from.
    pub source: WorkloadSource,
    /// Namespace of the pods, when known.
    pub namespace: Option<String>,
    /// Pod labels (for [`WorkloadSource::Selector`], the selector).
    pub labels: Labels,
    /// Gateways applying to it (index in `bundle.model.gateways`), in merge order.
    pub gateways: Vec<(usize, Match)>,
    /// Service port → (target port, index in `bundle.model.services`).
    pub port_map: HashMap<u32, (u32, usize)>,
}

impl GatewayWorkload {
    /// For messages: "workload istio-system/istio-ingressgateway (Deployment)"
    /// or "the pods selected by `istio=ingressgateway`".
    pub fn describe(&self, bundle: &Bundle) -> String {
        match &self.source {
            WorkloadSource::Input(workloads) => {
                let w = &bundle.model.workloads[workloads[0]];
                format!("workload {}/{} ({})", w.namespace, w.name.value, w.kind)
            }
            WorkloadSource::Selector if self.labels.is_empty() => {
                "every gateway workload".to_string()
            }
            WorkloadSource::Selector => format!(
                "the pods selected by `{}`",
                crate::model::labels_to_string(&self.labels)
            ),
        }
    }

    /// How `gateway` applies to this workload.
    pub fn membership(&self, gateway: usize) -> Option<Match> {
        self.gateways
            .iter()
            .find(|(g, _)| *g == gateway)
            .map(|(_, m)| *m)
    }
}

/// Why istiod drops a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reject {
    /// A host string (with the same bind) is already used by a TLS server on
    /// this port: "skipping server on gateway …, duplicate host names".
    DuplicateTlsHost {
        /// The repeated hosts, normalised.
        hosts: Vec<String>,
    },
    /// The first server on the port is plaintext and the protocols cannot
    /// merge (only HTTP-family joins HTTP-family): "conflict with existing server".
    ProtocolConflict,
    /// The port is TLS-first and this bind already carries a non-first
    /// chain; a server without TLS options is dropped ("TLS server without TLS options").
    PlaintextAfterTls,
    /// The port is TLS-first and the route name (`http.<port>` or
    /// `https.<port>.<portName>.<gw>.<ns>`) is taken.
    DuplicateRouteName {
        /// The route name.
        route: String,
    },
}

/// Why Envoy is expected to reject the whole listener.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nack {
    /// Two TLS filter chains with the same SNI: "multiple filter chains with
    /// the same matching rules are defined".
    DuplicateSni {
        /// The server name both chains match (`*` = no SNI match).
        sni: String,
    },
    /// A TLS chain with host `*` (no SNI match) next to a plaintext chain:
    /// both match every connection.
    CatchAllWithPlaintext,
}

/// What istiod does with one server on one listener.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// First server on its listener, or an additional SNI chain.
    Kept,
    /// Joins the plain-HTTP route table `http.<port>` that `with` started.
    Merged {
        /// The first server of that route table.
        with: ServerRef,
    },
    /// Dropped by istiod because of the earlier server `by`.
    Rejected {
        /// Why.
        reason: Reject,
        /// The earlier server it loses to.
        by: ServerRef,
    },
    /// Kept by istiod, but Envoy will likely reject the whole listener
    /// because of this server together with `with`.
    NackRisk {
        /// Why.
        reason: Nack,
        /// The earlier server on the same listener.
        with: ServerRef,
    },
}

/// One server as placed on a listener.
#[derive(Clone, Debug)]
pub struct ListenerServer {
    /// The server.
    pub server: ServerRef,
    /// `port.number` as written.
    pub port: u32,
    /// The Service that translated the port, if one did.
    pub service: Option<usize>,
    /// Classified protocol.
    pub protocol: Protocol,
    /// How its Gateway applies to the workload.
    pub membership: Match,
    /// Hosts after istiod's normalisation (`./h` → `<ns>/h`, `*/h` → `h`).
    pub hosts: Vec<String>,
    /// What istiod does with it.
    pub outcome: Outcome,
}

/// One Envoy listener of one gateway workload: `(bind, resolved port)`.
#[derive(Clone, Debug)]
pub struct Listener {
    /// Index in [`Topology::workloads`].
    pub workload: usize,
    /// Resolved (container) port.
    pub port: u32,
    /// `bind`, empty for the wildcard address.
    pub bind: String,
    /// Servers in merge order (oldest Gateway first).
    pub servers: Vec<ListenerServer>,
}

impl Listener {
    /// Envoy's listener name: `0.0.0.0_8443`, `10.0.0.1_80`.
    pub fn name(&self) -> String {
        let bind = if self.bind.is_empty() {
            "0.0.0.0"
        } else {
            &self.bind
        };
        format!("{bind}_{}", self.port)
    }

    /// The placement of `server` on this listener (a scan; see
    /// [`Topology::placement`] for the indexed lookup).
    pub fn find(&self, server: ServerRef) -> Option<&ListenerServer> {
        self.servers.iter().find(|s| s.server == server)
    }
}

/// Every gateway workload, its listeners and the fate of every server.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    /// Gateway workloads (real or stand-in).
    pub workloads: Vec<GatewayWorkload>,
    /// Listeners, grouped by workload, then port, then bind.
    pub listeners: Vec<Listener>,
    /// Gateway indexes in merge order (creation time, name, namespace).
    pub order: Vec<usize>,
    /// `placements[gateway][server]`: (listener, position) pairs.
    placements: Vec<Vec<Vec<(usize, usize)>>>,
}

/// A selector as a sorted list of label pairs (hash map key).
type Pairs<'a> = Vec<(&'a str, &'a str)>;

fn pairs(labels: &Labels) -> Pairs<'_> {
    labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Above this many relevant labels, subset enumeration gives way to a scan.
const MAX_ENUMERATED_LABELS: usize = 12;

/// Gateways indexed by selector.
struct Selectors<'a> {
    by_selector: HashMap<Pairs<'a>, Vec<usize>>,
    used_pairs: HashSet<(&'a str, &'a str)>,
    universal: Vec<usize>,
}

impl<'a> Selectors<'a> {
    fn new(gateways: &'a [Gateway]) -> Self {
        let mut by_selector: HashMap<Pairs<'a>, Vec<usize>> = HashMap::new();
        let mut used_pairs = HashSet::new();
        let mut universal = Vec::new();
        for (index, gateway) in gateways.iter().enumerate() {
            match &gateway.selector {
                Some(selector) if !selector.is_empty() => {
                    let key = pairs(selector);
                    used_pairs.extend(key.iter().copied());
                    by_selector.entry(key).or_default().push(index);
                }
                _ => universal.push(index),
            }
        }
        Self {
            by_selector,
            used_pairs,
            universal,
        }
    }

    /// Calls `f(selector, gateways)` for every selector that is a subset of
    /// `labels` (`strict`: a strict subset).
    fn subsets_of<'s>(
        &'s self,
        labels: &Pairs<'a>,
        strict: bool,
        mut f: impl FnMut(&'s Pairs<'a>, &'s [usize]),
    ) {
        // Re-borrowed from `used_pairs` so lookups carry the map's lifetime.
        let relevant: Vec<(&'a str, &'a str)> = labels
            .iter()
            .filter_map(|p| self.used_pairs.get(p).copied())
            .collect();
        let limit = if strict {
            labels.len().saturating_sub(1)
        } else {
            labels.len()
        };
        if relevant.len() <= MAX_ENUMERATED_LABELS {
            let mut key: Pairs<'a> = Vec::with_capacity(relevant.len());
            for mask in 1u32..(1 << relevant.len()) {
                if mask.count_ones() as usize > limit {
                    continue;
                }
                key.clear();
                key.extend(
                    relevant
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, p)| *p),
                );
                if let Some((selector, gateways)) = self.by_selector.get_key_value(&key) {
                    f(selector, gateways);
                }
            }
        } else {
            for (selector, gateways) in &self.by_selector {
                if selector.len() <= limit && selector.iter().all(|p| relevant.contains(p)) {
                    f(selector, gateways);
                }
            }
        }
    }
}

/// istiod's `sanitizeServerHostNamespace`: `./h` → `<ns>/h`, `*/h` → `h`.
pub fn normalize_host(host: &str, gateway_namespace: &str) -> String {
    super::hosts::sanitize_gateway_host(host, gateway_namespace)
}

/// The server name a (normalised) host becomes in an SNI match
/// (`GetSNIHostsForServer`): the `ns/` prefix is dropped.
pub fn sni_name(host: &str) -> &str {
    host.split_once('/').map_or(host, |(_, name)| name)
}

/// True for `tls.mode` `PASSTHROUGH` / `AUTO_PASSTHROUGH`.
pub fn is_passthrough(server: &Server) -> bool {
    server
        .tls
        .as_ref()
        .and_then(|t| t.mode.as_ref())
        .is_some_and(|m| matches!(m.value.as_str(), "PASSTHROUGH" | "AUTO_PASSTHROUGH"))
}

/// istiod's `IsTLSServer`: a `tls` block on a non-HTTP-family protocol.
pub fn is_tls_server(server: &Server) -> bool {
    server.tls.is_some() && !server.protocol().is_http()
}

/// istiod's `IsHTTPServer`: HTTP-family, or HTTPS that terminates TLS.
pub fn is_http_server(server: &Server) -> bool {
    let protocol = server.protocol();
    protocol.is_http()
        || (protocol == Protocol::Https && server.tls.is_some() && !is_passthrough(server))
}

/// istiod's `gatewayRDSRouteName`; `None` for TCP, TLS and passthrough.
fn route_name(gateway: &Gateway, server: &Server, resolved: u32) -> Option<String> {
    let bind = server
        .bind
        .as_ref()
        .map(|b| format!(".{}", b.value))
        .unwrap_or_default();
    let protocol = server.protocol();
    if protocol.is_http() {
        return Some(format!("http.{resolved}{bind}"));
    }
    if protocol == Protocol::Https && !is_passthrough(server) {
        let port_name = server
            .port
            .as_ref()
            .and_then(|p| p.name.as_ref())
            .map_or("", |n| n.value.as_str());
        return Some(format!(
            "https.{}.{port_name}.{}.{}{bind}",
            server.port_number().unwrap_or(resolved),
            gateway.name.value,
            gateway.namespace
        ));
    }
    None
}

/// A server on one (workload, resolved port), ready for the merge.
struct Candidate<'a> {
    server: ServerRef,
    gateway: &'a Gateway,
    spec: &'a Server,
    port: u32,
    service: Option<usize>,
    membership: Match,
    hosts: Vec<String>,
}

impl Candidate<'_> {
    fn bind(&self) -> &str {
        self.spec.bind()
    }
}

impl Topology {
    /// [`Topology::build_for`] the newest modelled Istio release.
    pub fn build(bundle: &Bundle) -> Topology {
        Self::build_for(bundle, IstioVersion::default())
    }

    /// Groups the bundle's Gateways by workload and simulates the merge of
    /// istiod release `version`.
    pub fn build_for(bundle: &Bundle, version: IstioVersion) -> Topology {
        let model = &bundle.model;
        let gateways = &model.gateways;
        let mut order: Vec<usize> = (0..gateways.len()).collect();
        sort::by(&mut order, |&a, &b| {
            gateways[a]
                .precedence_key()
                .cmp(&gateways[b].precedence_key())
                .then(a.cmp(&b))
        });
        let mut rank = vec![0; gateways.len()];
        for (position, &gateway) in order.iter().enumerate() {
            rank[gateway] = position;
        }
        let selectors = Selectors::new(gateways);
        let services = ServiceIndex::new(bundle);

        let mut workloads: Vec<GatewayWorkloadDraft> = Vec::new();
        let mut selected = vec![false; gateways.len()];

        // 1. Workloads of the input, one group per (namespace, labels).
        let mut by_identity: HashMap<(&str, &Labels), usize> = HashMap::new();
        for (index, workload) in model.workloads.iter().enumerate() {
            if let Some(&group) = by_identity.get(&(workload.namespace.as_str(), &workload.labels))
            {
                if let WorkloadSource::Input(list) = &mut workloads[group].source {
                    list.push(index);
                }
                continue;
            }
            let labels = pairs(&workload.labels);
            let mut members = Vec::new();
            selectors.subsets_of(&labels, false, |_, found| {
                members.extend(found.iter().map(|&g| (g, Match::Selects)));
            });
            let synthetic = matches!(workload.kind.as_str(), HELM_VALUES | "IstioOperator");
            if members.is_empty() && !synthetic {
                continue;
            }
            for &(g, _) in &members {
                selected[g] = true;
            }
            by_identity.insert(
                (workload.namespace.as_str(), &workload.labels),
                workloads.len(),
            );
            workloads.push(GatewayWorkloadDraft {
                source: WorkloadSource::Input(vec![index]),
                namespace: Some(workload.namespace.clone()),
                labels: workload.labels.clone(),
                members,
            });
        }

        // 2. Stand-ins for selectors that match no workload of the input.
        let unmatched: Vec<&Pairs<'_>> = {
            let mut keys: Vec<&Pairs<'_>> = selectors
                .by_selector
                .iter()
                .filter(|(_, gws)| gws.iter().all(|&g| !selected[g]))
                .map(|(key, _)| key)
                .collect();
            sort::ascending(&mut keys);
            keys
        };
        let unmatched_set: HashSet<&Pairs<'_>> = unmatched.iter().copied().collect();
        let mut not_maximal: HashSet<&Pairs<'_>> = HashSet::new();
        for key in &unmatched {
            selectors.subsets_of(key, true, |subset, _| {
                if unmatched_set.contains(subset) {
                    not_maximal.insert(subset);
                }
            });
        }
        for key in unmatched {
            if not_maximal.contains(key) {
                continue;
            }
            let mut members = Vec::new();
            selectors.subsets_of(key, false, |subset, found| {
                let how = if subset == key {
                    Match::SameSelector
                } else {
                    Match::ProbablySame
                };
                members.extend(found.iter().map(|&g| (g, how)));
            });
            workloads.push(GatewayWorkloadDraft {
                source: WorkloadSource::Selector,
                namespace: None,
                labels: sort::btree(
                    key.iter()
                        .map(|(k, v)| ((*k).to_string(), (*v).to_string())),
                ),
                members,
            });
        }
        if workloads.is_empty() && !selectors.universal.is_empty() {
            workloads.push(GatewayWorkloadDraft {
                source: WorkloadSource::Selector,
                namespace: None,
                labels: Labels::new(),
                members: Vec::new(),
            });
        }

        // 3. Per workload: ports, then the merge per resolved port.
        let mut topology = Topology {
            workloads: Vec::with_capacity(workloads.len()),
            listeners: Vec::new(),
            placements: gateways
                .iter()
                .map(|g| vec![Vec::new(); g.servers.len()])
                .collect(),
            order,
        };
        for draft in workloads {
            let mut members = draft.members;
            members.extend(selectors.universal.iter().map(|&g| (g, Match::NoSelector)));
            sort::by_key(&mut members, |&(g, _)| rank[g]);
            members.dedup_by_key(|(g, _)| *g);
            let port_map =
                services.port_map(&draft.source, draft.namespace.as_deref(), &draft.labels);
            let workload = GatewayWorkload {
                source: draft.source,
                namespace: draft.namespace,
                labels: draft.labels,
                gateways: members,
                port_map,
            };
            topology.add_listeners(topology.workloads.len(), &workload, gateways, version);
            topology.workloads.push(workload);
        }
        topology
    }

    fn add_listeners(
        &mut self,
        workload_index: usize,
        workload: &GatewayWorkload,
        gateways: &[Gateway],
        version: IstioVersion,
    ) {
        let mut by_port: HashMap<u32, Vec<Candidate<'_>>> = HashMap::new();
        for &(g, membership) in &workload.gateways {
            let gateway = &gateways[g];
            for (s, spec) in gateway.servers.iter().enumerate() {
                let Some(port) = spec.port_number() else {
                    continue; // istiod rejects servers without a port
                };
                let (resolved, service) = workload
                    .port_map
                    .get(&port)
                    .map_or((port, None), |&(target, service)| (target, Some(service)));
                by_port.entry(resolved).or_default().push(Candidate {
                    server: ServerRef {
                        gateway: g,
                        server: s,
                    },
                    gateway,
                    spec,
                    port,
                    service,
                    membership,
                    hosts: spec
                        .hosts
                        .iter()
                        .map(|h| normalize_host(&h.value, &gateway.namespace))
                        .collect(),
                });
            }
        }
        let mut ports: Vec<u32> = by_port.keys().copied().collect();
        sort::ascending(&mut ports);
        for port in ports {
            let candidates = by_port.remove(&port).expect("key listed above");
            let outcomes = merge_port(port, &candidates, version);
            let first_listener = self.listeners.len();
            let mut by_bind: HashMap<&str, usize> = HashMap::new();
            for (candidate, outcome) in candidates.iter().zip(outcomes) {
                let listener = *by_bind.entry(candidate.bind()).or_insert_with(|| {
                    self.listeners.push(Listener {
                        workload: workload_index,
                        port,
                        bind: candidate.bind().to_string(),
                        servers: Vec::new(),
                    });
                    self.listeners.len() - 1
                });
                let servers = &mut self.listeners[listener].servers;
                self.placements[candidate.server.gateway][candidate.server.server]
                    .push((listener, servers.len()));
                servers.push(ListenerServer {
                    server: candidate.server,
                    port: candidate.port,
                    service: candidate.service,
                    protocol: candidate.spec.protocol(),
                    membership: candidate.membership,
                    hosts: candidate.hosts.clone(),
                    outcome,
                });
            }
            for listener in &mut self.listeners[first_listener..] {
                check_envoy(listener, gateways);
            }
        }
    }

    /// Every placement of `server`: one per workload its Gateway applies to.
    pub fn placements(
        &self,
        server: ServerRef,
    ) -> impl Iterator<Item = (&Listener, &ListenerServer)> {
        self.placements
            .get(server.gateway)
            .and_then(|s| s.get(server.server))
            .into_iter()
            .flatten()
            .map(|&(l, p)| (&self.listeners[l], &self.listeners[l].servers[p]))
    }

    /// The placement of `server` on `listener`, found through the server's
    /// own (few) placements rather than a scan of the listener.
    pub fn placement(&self, listener: &Listener, server: ServerRef) -> Option<&ListenerServer> {
        self.placements(server)
            .find(|(l, _)| std::ptr::eq(*l, listener))
            .map(|(_, placed)| placed)
    }

    /// The workload a listener belongs to.
    pub fn workload_of(&self, listener: &Listener) -> &GatewayWorkload {
        &self.workloads[listener.workload]
    }

    /// Every (listener, server) whose outcome is not [`Outcome::Kept`] or
    /// [`Outcome::Merged`].
    pub fn problems(&self) -> impl Iterator<Item = (&Listener, &ListenerServer)> {
        self.listeners.iter().flat_map(|l| {
            l.servers
                .iter()
                .filter(|s| {
                    matches!(
                        s.outcome,
                        Outcome::Rejected { .. } | Outcome::NackRisk { .. }
                    )
                })
                .map(move |s| (l, s))
        })
    }
}

struct GatewayWorkloadDraft {
    source: WorkloadSource,
    namespace: Option<String>,
    labels: Labels,
    members: Vec<(usize, Match)>,
}

/// Services indexed by selector label pair.
struct ServiceIndex<'a> {
    bundle: &'a Bundle,
    by_pair: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> ServiceIndex<'a> {
    fn new(bundle: &'a Bundle) -> Self {
        let mut by_pair: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (index, service) in bundle.model.services.iter().enumerate() {
            for (k, v) in &service.selector {
                by_pair.entry((k, v)).or_default().push(index);
            }
        }
        Self { bundle, by_pair }
    }

    /// Service port → (target port, service). istiod's `resolvePorts` takes
    /// the first of the proxy's Services with that port, and the proxy keeps
    /// them oldest first ([`Service::precedence_key`](crate::model::Service::precedence_key)),
    /// so the input order never matters. Services labelled
    /// [`DISABLE_PORT_TRANSLATION_LABEL`](crate::model::k8s::DISABLE_PORT_TRANSLATION_LABEL)
    /// are skipped (every Gateway here selects by label).
    fn port_map(
        &self,
        source: &WorkloadSource,
        namespace: Option<&str>,
        labels: &Labels,
    ) -> HashMap<u32, (u32, usize)> {
        let services = &self.bundle.model.services;
        let mut candidates: Vec<usize> = labels
            .iter()
            .filter_map(|(k, v)| self.by_pair.get(&(k.as_str(), v.as_str())))
            .flatten()
            .copied()
            .collect();
        if labels.is_empty() {
            // The stand-in for "every gateway workload": gateway installs only.
            candidates = (0..services.len())
                .filter(|&s| services[s].origin != crate::model::ServiceOrigin::Manifest)
                .collect();
        }
        sort::ascending(&mut candidates);
        candidates.dedup();
        candidates.retain(|&s| !services[s].disables_port_translation());
        let mut keyed: Vec<((&str, String), usize)> = candidates
            .into_iter()
            .map(|s| (services[s].precedence_key(), s))
            .collect();
        sort::ascending(&mut keyed);
        let mut map = HashMap::new();
        for (_, index) in keyed {
            let service = &services[index];
            let applies = match source {
                WorkloadSource::Input(_) => {
                    Some(service.namespace.as_str()) == namespace
                        && !service.selector.is_empty()
                        && crate::model::selector_matches(&service.selector, labels)
                }
                WorkloadSource::Selector => {
                    labels.is_empty()
                        || crate::model::selector_matches(&service.selector, labels)
                        || crate::model::selector_matches(labels, &service.selector)
                }
            };
            if !applies {
                continue;
            }
            for port in &service.ports {
                if let (Some(number), Some(target)) = (&port.port, port.resolved_target()) {
                    map.entry(number.value).or_insert((target, index));
                }
            }
        }
        map
    }
}

/// istiod's `canMergeProtocols(current, new)`.
fn can_merge(current: Protocol, new: Protocol) -> bool {
    (current.is_http() || current == new) && new.is_http()
}

/// The `mergeGateways` decision list for the servers of one resolved port.
fn merge_port(port: u32, candidates: &[Candidate<'_>], version: IstioVersion) -> Vec<Outcome> {
    // From 1.26.8 / 1.27.4 / 1.28.1 (`addPlainTextServer`): a plain-text
    // server can take a TLS-first port, and one on a new bind becomes the
    // port's plaintext server.
    let plaintext_takes_port = version.has(PLAINTEXT_AFTER_TLS_TAKES_PORT);
    let mut outcomes = vec![Outcome::Kept; candidates.len()];
    // host → (bind, who registered it); CheckDuplicates overwrites the bind.
    let mut tls_hosts: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut first: Option<usize> = None;
    let mut plaintext: Option<usize> = None;
    let mut routes: HashMap<String, usize> = HashMap::new();
    let mut non_plain_binds: HashMap<&str, usize> = HashMap::new();
    // (bind, protocol) → first server of that ServerPort (plaintext ports).
    let mut server_ports: HashMap<(&str, Protocol), usize> = HashMap::new();
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

/// Marks servers whose filter chains make Envoy reject the listener: two
/// TLS chains with the same SNI, or a `*` TLS chain (no SNI match) next to a
/// plaintext chain. Passthrough servers are skipped: their chains come from
/// VirtualService `sniHosts`, and istiod drops duplicates there itself.
fn check_envoy(listener: &mut Listener, gateways: &[Gateway]) {
    let mut sni: HashMap<String, ServerRef> = HashMap::new();
    let mut catch_all: Option<ServerRef> = None;
    let mut plain: Option<ServerRef> = None;
    for placed in &mut listener.servers {
        if matches!(placed.outcome, Outcome::Rejected { .. }) {
            continue;
        }
        let spec = &gateways[placed.server.gateway].servers[placed.server.server];
        if !is_tls_server(spec) {
            if let Some(with) = catch_all {
                placed.outcome = Outcome::NackRisk {
                    reason: Nack::CatchAllWithPlaintext,
                    with,
                };
            }
            plain.get_or_insert(placed.server);
            continue;
        }
        if is_passthrough(spec) {
            continue;
        }
        let mut names: Vec<&str> = placed.hosts.iter().map(|h| sni_name(h)).collect();
        sort::ascending(&mut names);
        names.dedup();
        if let Some((name, &with)) = names.iter().find_map(|n| sni.get(*n).map(|w| (n, w))) {
            placed.outcome = Outcome::NackRisk {
                reason: Nack::DuplicateSni {
                    sni: (*name).to_string(),
                },
                with,
            };
            continue;
        }
        for name in &names {
            sni.insert((*name).to_string(), placed.server);
        }
        if names.contains(&"*") {
            if let Some(with) = plain {
                placed.outcome = Outcome::NackRisk {
                    reason: Nack::CatchAllWithPlaintext,
                    with,
                };
                continue;
            }
            catch_all.get_or_insert(placed.server);
        }
    }
}

/// Words for findings, shared by the `MM1xx` rules and the fix engine.
pub mod describe {
    use super::{GatewayWorkload, Listener, ListenerServer, Match, ServerRef, normalize_host};
    use crate::model::{Bundle, Server, labels_to_string};
    use crate::span::{Span, Spanned};

    /// "server 2 (port 443 `https`, HTTPS) of Gateway istio-system/prod".
    pub fn server(bundle: &Bundle, server: ServerRef) -> String {
        let gateway = server.gateway(bundle);
        let spec = server.resolve(bundle);
        let port = spec.port.as_ref();
        let number = spec
            .port_number()
            .map_or_else(|| "?".to_string(), |n| n.to_string());
        let name = port
            .and_then(|p| p.name.as_ref())
            .map(|n| format!(" `{}`", n.value))
            .unwrap_or_default();
        let protocol = port
            .and_then(|p| p.protocol.as_ref())
            .map_or("HTTP", |p| p.value.as_str());
        format!(
            "server {} (port {number}{name}, {protocol}) of Gateway {}",
            server.server + 1,
            gateway.full_name()
        )
    }

    /// Why `winner` is merged before `loser` (istiod's creation-time order).
    pub fn precedence(bundle: &Bundle, winner: ServerRef, loser: ServerRef) -> String {
        let (w, l) = (winner.gateway(bundle), loser.gateway(bundle));
        if winner.gateway == loser.gateway {
            return "it comes first in the same Gateway".to_string();
        }
        match (&w.creation_timestamp, &l.creation_timestamp) {
            (Some(a), Some(b)) if a != b => {
                format!("Gateway {} is older ({a} < {b})", w.full_name())
            }
            (Some(_), None) | (None, Some(_)) => format!(
                "Gateway {} sorts first (Gateways without a creationTimestamp tie at apply \
                 time; the order then depends on when they are created)",
                w.full_name()
            ),
            _ if w.name.value != l.name.value => format!(
                "both Gateways have the same creation time, and `{}` sorts before `{}`",
                w.name.value, l.name.value
            ),
            _ => format!(
                "both Gateways have the same creation time and name, and namespace `{}` \
                 sorts before `{}`",
                w.namespace, l.namespace
            ),
        }
    }

    /// "listener 0.0.0.0_8443 of workload istio-system/ingress (Deployment)",
    /// saying "probably" when the grouping rests on a selector subset.
    pub fn listener(
        bundle: &Bundle,
        workload: &GatewayWorkload,
        listener: &Listener,
        servers: &[&ListenerServer],
    ) -> String {
        let mut out = format!(
            "listener {} of {}",
            listener.name(),
            workload.describe(bundle)
        );
        if servers.iter().any(|s| s.membership == Match::ProbablySame) {
            let selectors: Vec<String> = servers
                .iter()
                .map(|s| {
                    s.server
                        .gateway(bundle)
                        .selector
                        .as_ref()
                        .map_or_else(|| "(none)".to_string(), labels_to_string)
                })
                .collect();
            out.push_str(&format!(
                " (probably the same workload: no workload in the input, and selector `{}` is \
                 a subset of `{}`)",
                selectors
                    .iter()
                    .min_by_key(|s| s.len())
                    .map_or("", String::as_str),
                labels_to_string(&workload.labels)
            ));
        }
        out
    }

    /// The first host of `server` that satisfies `wanted` (given the host
    /// normalised for `namespace`), as written.
    pub fn host<'a>(
        server: &'a Server,
        namespace: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> Option<&'a Spanned<String>> {
        server
            .hosts
            .iter()
            .find(|h| wanted(&normalize_host(&h.value, namespace)))
    }

    /// Span of the first host of `server` satisfying `wanted`, else of its port.
    pub fn host_span(bundle: &Bundle, server: ServerRef, wanted: impl Fn(&str) -> bool) -> Span {
        let spec = server.resolve(bundle);
        host(spec, &server.gateway(bundle).namespace, wanted)
            .map_or_else(|| spec.anchor_span(), |h| h.span)
    }

    /// Span of the server's `protocol` (else its port number, else the server).
    pub fn protocol_span(spec: &Server) -> Span {
        spec.port
            .as_ref()
            .and_then(|p| p.protocol.as_ref())
            .map_or_else(|| spec.anchor_span(), |p| p.span)
    }

    /// Back-quoted items, at most five, then "and N more": "`a`, `b`".
    pub fn list(items: &[impl AsRef<str>]) -> String {
        const SHOWN: usize = 5;
        let mut out = items
            .iter()
            .take(SHOWN)
            .map(|i| format!("`{}`", i.as_ref()))
            .collect::<Vec<_>>()
            .join(", ");
        if items.len() > SHOWN {
            out.push_str(&format!(" and {} more", items.len() - SHOWN));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Gateway document: `servers` is a flow sequence of servers.
    fn gateway(name: &str, ns: &str, selector: &str, servers: &str) -> String {
        format!(
            "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {{name: {name}, \
             namespace: {ns}}}\nspec:\n  selector: {selector}\n  servers: {servers}\n---\n"
        )
    }

    fn server(port: u32, protocol: &str, hosts: &str) -> String {
        let tls = if protocol == "HTTPS" {
            ", tls: {mode: SIMPLE, credentialName: c}"
        } else {
            ""
        };
        format!(
            "{{port: {{number: {port}, name: p{port}{protocol}, protocol: {protocol}}}, hosts: \
             {hosts}{tls}}}"
        )
    }

    fn build(text: &str) -> (Bundle, Topology) {
        let bundle = Bundle::from_text("t.yaml", text).unwrap();
        let topology = Topology::build(&bundle);
        (bundle, topology)
    }

    /// [`build`] as istiod release `version` merges.
    fn build_at(text: &str, version: &str) -> (Bundle, Topology) {
        let bundle = Bundle::from_text("t.yaml", text).unwrap();
        let topology = Topology::build_for(&bundle, version.parse().unwrap());
        (bundle, topology)
    }

    fn rejected_for(outcome: &Outcome, why: fn(&Reject) -> bool) -> bool {
        matches!(outcome, Outcome::Rejected { reason, .. } if why(reason))
    }

    /// Outcomes of every server of Gateway `name`, in server order.
    fn outcomes(bundle: &Bundle, topology: &Topology, name: &str) -> Vec<Outcome> {
        let g = bundle
            .model
            .gateways
            .iter()
            .position(|g| g.name.value == name)
            .unwrap();
        (0..bundle.model.gateways[g].servers.len())
            .flat_map(|s| {
                topology
                    .placements(ServerRef {
                        gateway: g,
                        server: s,
                    })
                    .map(|(_, p)| p.outcome.clone())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    const SEL: &str = "{istio: ingressgateway}";

    #[test]
    fn http_servers_merge_into_one_route_table() {
        let text = gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(80, "HTTP", "[a.com]")),
        ) + &gateway(
            "b",
            "x",
            SEL,
            &format!("[{}]", server(80, "HTTP2", "[b.com]")),
        );
        let (bundle, topology) = build(&text);
        assert_eq!(topology.listeners.len(), 1);
        assert!(matches!(
            outcomes(&bundle, &topology, "b")[0],
            Outcome::Merged { .. }
        ));
    }

    #[test]
    fn http_then_https_rejects_https_but_https_then_http_keeps_both() {
        let text = gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTP", "[a.com]")),
        ) + &gateway(
            "b",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[b.com]")),
        );
        let (bundle, topology) = build(&text);
        assert!(matches!(
            outcomes(&bundle, &topology, "b")[0],
            Outcome::Rejected {
                reason: Reject::ProtocolConflict,
                ..
            }
        ));
        let text = gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[a.com]")),
        ) + &gateway(
            "b",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTP", "[b.com]")),
        ) + &gateway(
            "c",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTP", "[c.com]")),
        );
        // Before istio/istio#57707 the second HTTP server loses on its route name…
        let (bundle, topology) = build_at(&text, "1.28.0");
        assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
        assert!(matches!(
            outcomes(&bundle, &topology, "c")[0],
            Outcome::Rejected {
                reason: Reject::DuplicateRouteName { .. },
                ..
            }
        ));
        // …from 1.28.1 the first one took the port and it merges with it.
        let (bundle, topology) = build_at(&text, "1.28.1");
        assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
        assert!(matches!(
            outcomes(&bundle, &topology, "c")[0],
            Outcome::Merged { .. }
        ));
    }

    #[test]
    fn plaintext_after_tls_takes_the_port_from_the_backported_releases() {
        // istio/istio#58700: HTTPS, then plain HTTP, then a newer HTTPS on 443.
        let text = gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[a.com]")),
        ) + &gateway(
            "b",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTP", "[b.com]")),
        ) + &gateway(
            "c",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[c.com]")),
        ) + &gateway(
            "d",
            "x",
            SEL,
            "[{port: {number: 443, name: https, protocol: HTTPS}, bind: 10.0.0.1, hosts: [d.com], \
             tls: {mode: SIMPLE}}]",
        );
        for version in ["1.26.8", "1.27.4", "1.28.1", "1.29", "1.30.3"] {
            let (bundle, topology) = build_at(&text, version);
            assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
            assert!(
                rejected_for(&outcomes(&bundle, &topology, "c")[0], |r| {
                    *r == Reject::ProtocolConflict
                }),
                "{version}"
            );
            // Another bind is another listener: kept.
            assert_eq!(outcomes(&bundle, &topology, "d"), vec![Outcome::Kept]);
        }
        for version in ["1.22", "1.26.7", "1.27.3", "1.28.0"] {
            let (bundle, topology) = build_at(&text, version);
            assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
            assert_eq!(
                outcomes(&bundle, &topology, "c"),
                vec![Outcome::Kept],
                "{version}"
            );
        }
    }

    #[test]
    fn a_plaintext_server_on_a_new_bind_becomes_the_one_compared_against() {
        // From #57707 `addPlainTextServer` re-points the port's plaintext
        // server at each new bind: a TCP server on the first bind is then
        // compared with the HTTP server on 10.0.0.1 (another bind) and kept.
        let text = gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(8000, "HTTP", "[a.com]")),
        ) + &gateway(
            "b",
            "x",
            SEL,
            "[{port: {number: 8000, name: h, protocol: HTTP}, bind: 10.0.0.1, hosts: [b.com]}]",
        ) + &gateway(
            "c",
            "x",
            SEL,
            &format!("[{}]", server(8000, "TCP", "['*']")),
        );
        let (bundle, topology) = build_at(&text, "1.28.0");
        assert!(rejected_for(&outcomes(&bundle, &topology, "c")[0], |r| {
            *r == Reject::ProtocolConflict
        }));
        let (bundle, topology) = build_at(&text, "1.28.1");
        assert_eq!(outcomes(&bundle, &topology, "c"), vec![Outcome::Kept]);
    }

    #[test]
    fn only_the_first_addition_to_a_tls_port_may_lack_tls() {
        let text = gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[a.com]")),
        ) + &gateway(
            "b",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[b.com]")),
        ) + &gateway("c", "x", SEL, &format!("[{}]", server(443, "TCP", "['*']")));
        let (bundle, topology) = build_at(&text, "1.27.3");
        assert_eq!(outcomes(&bundle, &topology, "b"), vec![Outcome::Kept]);
        assert!(matches!(
            outcomes(&bundle, &topology, "c")[0],
            Outcome::Rejected {
                reason: Reject::PlaintextAfterTls,
                ..
            }
        ));
        // From 1.27.4 the TCP server takes the port instead.
        let (bundle, topology) = build_at(&text, "1.27.4");
        assert_eq!(outcomes(&bundle, &topology, "c"), vec![Outcome::Kept]);
    }

    #[test]
    fn tcp_rejects_everything_after_it() {
        let text = gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(31400, "TCP", "['*']")),
        ) + &gateway(
            "b",
            "x",
            SEL,
            &format!("[{}]", server(31400, "TCP", "['*']")),
        );
        let (bundle, topology) = build(&text);
        assert!(matches!(
            outcomes(&bundle, &topology, "b")[0],
            Outcome::Rejected {
                reason: Reject::ProtocolConflict,
                ..
            }
        ));
    }

    #[test]
    fn service_target_ports_join_listeners_and_binds_split_them() {
        let service = "apiVersion: v1\nkind: Service\nmetadata: {name: gw, namespace: x}\nspec:\n  \
                       selector: {istio: ingressgateway}\n  ports: [{port: 80, targetPort: 8080}]\n---\n";
        let text = service.to_string()
            + &gateway(
                "a",
                "x",
                SEL,
                &format!("[{}]", server(80, "HTTP", "[a.com]")),
            )
            + &gateway(
                "b",
                "x",
                SEL,
                &format!("[{}]", server(8080, "TCP", "['*']")),
            )
            + &gateway(
                "c",
                "x",
                SEL,
                "[{port: {number: 8080, name: t, protocol: TCP}, bind: 10.0.0.1, hosts: ['*']}]",
            );
        let (bundle, topology) = build(&text);
        assert!(matches!(
            outcomes(&bundle, &topology, "b")[0],
            Outcome::Rejected {
                reason: Reject::ProtocolConflict,
                ..
            }
        ));
        assert_eq!(outcomes(&bundle, &topology, "c"), vec![Outcome::Kept]);
        let names: Vec<String> = topology.listeners.iter().map(Listener::name).collect();
        assert_eq!(names, ["0.0.0.0_8080", "10.0.0.1_8080"]);
    }

    #[test]
    fn duplicate_tls_host_rejects_the_newer_server_after_normalisation() {
        let text = gateway(
            "b",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "['*/a.com']")),
        ) + &gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[a.com, z.com]")),
        );
        let (bundle, topology) = build(&text);
        // Same (absent) timestamp: `a` sorts first and wins.
        assert_eq!(outcomes(&bundle, &topology, "a"), vec![Outcome::Kept]);
        assert!(matches!(
            &outcomes(&bundle, &topology, "b")[0],
            Outcome::Rejected { reason: Reject::DuplicateTlsHost { hosts }, .. } if hosts == &["a.com"]
        ));
    }

    #[test]
    fn namespaced_hosts_with_one_sni_risk_a_nack() {
        let text = gateway(
            "a",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[ns1/foo.com]")),
        ) + &gateway(
            "b",
            "x",
            SEL,
            &format!("[{}]", server(443, "HTTPS", "[ns2/foo.com]")),
        );
        let (bundle, topology) = build(&text);
        assert!(matches!(
            &outcomes(&bundle, &topology, "b")[0],
            Outcome::NackRisk { reason: Nack::DuplicateSni { sni }, .. } if sni == "foo.com"
        ));
    }

    #[test]
    fn older_gateway_wins_whatever_the_input_order() {
        let text = "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: a, namespace: x, \
                    creationTimestamp: '2024-05-01T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  \
                    servers: [{port: {number: 443, name: h, protocol: HTTPS}, hosts: [a.com], tls: {mode: SIMPLE}}]\n---\n\
                    apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: z, namespace: x, \
                    creationTimestamp: '2024-01-01T00:00:00Z'}\nspec:\n  selector: {istio: ingressgateway}\n  \
                    servers: [{port: {number: 443, name: h, protocol: HTTPS}, hosts: [a.com], tls: {mode: SIMPLE}}]\n";
        let (bundle, topology) = build(text);
        assert_eq!(outcomes(&bundle, &topology, "z"), vec![Outcome::Kept]);
        assert!(matches!(
            outcomes(&bundle, &topology, "a")[0],
            Outcome::Rejected { .. }
        ));
    }

    #[test]
    fn workloads_group_textually_different_selectors() {
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ingress, namespace: istio-system}\n\
                          spec:\n  template:\n    metadata:\n      labels: {app: istio-ingressgateway, istio: ingressgateway}\n---\n";
        let text = deployment.to_string()
            + &gateway(
                "a",
                "x",
                "{istio: ingressgateway}",
                &format!("[{}]", server(80, "HTTP", "[a.com]")),
            )
            + &gateway(
                "b",
                "w",
                "{app: istio-ingressgateway}",
                &format!("[{}]", server(80, "TCP", "['*']")),
            )
            + &gateway(
                "c",
                "w",
                "{app: other}",
                &format!("[{}]", server(80, "TCP", "['*']")),
            );
        let (bundle, topology) = build(&text);
        assert!(matches!(
            outcomes(&bundle, &topology, "b")[0],
            Outcome::Rejected { .. }
        ));
        // `c` selects nothing in the input: it stands alone.
        assert_eq!(outcomes(&bundle, &topology, "c"), vec![Outcome::Kept]);
        assert_eq!(topology.workloads.len(), 2);
    }

    #[test]
    fn subset_selectors_without_workloads_are_probably_one_workload() {
        let text = gateway(
            "a",
            "x",
            "{istio: ingressgateway}",
            &format!("[{}]", server(80, "HTTP", "[a.com]")),
        ) + &gateway(
            "b",
            "x",
            "{istio: ingressgateway, team: blue}",
            &format!("[{}]", server(80, "TCP", "['*']")),
        );
        let (bundle, topology) = build(&text);
        assert_eq!(
            topology.workloads.len(),
            1,
            "only the maximal selector stands in"
        );
        let workload = &topology.workloads[0];
        assert_eq!(workload.membership(0), Some(Match::ProbablySame));
        assert_eq!(workload.membership(1), Some(Match::SameSelector));
        assert!(matches!(
            outcomes(&bundle, &topology, "b")[0],
            Outcome::Rejected { .. }
        ));
    }

    #[test]
    fn gateways_without_selector_apply_to_every_gateway_workload() {
        let text = gateway(
            "a",
            "x",
            "{istio: one}",
            &format!("[{}]", server(80, "HTTP", "[a.com]")),
        ) + &gateway(
            "b",
            "x",
            "{istio: two}",
            &format!("[{}]", server(80, "HTTP", "[b.com]")),
        ) + &gateway(
            "c",
            "x",
            "null",
            &format!("[{}]", server(80, "TCP", "['*']")),
        );
        let (bundle, topology) = build(&text);
        assert_eq!(topology.workloads.len(), 2);
        let c = outcomes(&bundle, &topology, "c");
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|o| matches!(o, Outcome::Rejected { .. })));
    }
}
