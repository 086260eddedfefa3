//! Building the topology: workloads and their stand-ins, the Gateways that
//! apply to each, ports resolved through Services, then the merge per port.

use crate::hash::{HashMap, HashSet};

use super::envoy::check_envoy;
use super::merge::{Candidate, merge_port};
use super::ports::ServiceIndex;
use super::selectors::{Pairs, Selectors, pairs};
use super::server::normalize_host;
use super::{GatewayWorkload, Listener, Match, ServerRef, Topology, WorkloadSource};
use crate::analyze::istio_version::IstioVersion;
use crate::model::{Bundle, Gateway, Labels, k8s::HELM_VALUES};
use crate::sort;

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
        let mut by_identity: HashMap<(&str, &Labels), usize> = HashMap::default();
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
        let mut not_maximal: HashSet<&Pairs<'_>> = HashSet::default();
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
            gateway_api: super::gateway_api::CrossApi::default(),
            workloads_of: std::sync::OnceLock::new(),
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
        #[cfg(feature = "gateway-api")]
        {
            topology.gateway_api = super::gateway_api::cross_api(bundle, &topology, version);
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
        let mut by_port: HashMap<u32, Vec<Candidate<'_>>> = HashMap::default();
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
            let mut by_bind: HashMap<&str, usize> = HashMap::default();
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
                servers.push(candidate.placed(outcome));
            }
            for listener in &mut self.listeners[first_listener..] {
                check_envoy(listener, gateways);
            }
        }
    }
}

struct GatewayWorkloadDraft {
    source: WorkloadSource,
    namespace: Option<String>,
    labels: Labels,
    members: Vec<(usize, Match)>,
}
