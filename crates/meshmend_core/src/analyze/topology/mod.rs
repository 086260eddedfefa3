//! How istiod merges Gateways onto gateway workloads, simulated from files.
//!
//! The conflict rules (`MM1xx`) and the fix engine read this instead of
//! comparing Gateways pairwise. The model follows istiod, not `istioctl
//! analyze` ([`pilot/pkg/model/gateway.go`](https://github.com/istio/istio/blob/master/pilot/pkg/model/gateway.go)):
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
//!    istiod's `mergeGateways` decision list (same file), with its
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
//! Gateway API Gateways in manual deployment are merged in a second pass
//! ([`gateway_api`]), next to these listeners rather than in them.
//!
//! Not modelled: `PILOT_SCOPE_GATEWAY_TO_NAMESPACE`,
//! `ENABLE_STRICT_GATEWAY_MERGING`, named `targetPort`s (resolved through
//! the pod's container ports by istiod), privileged ports on unprivileged
//! pods, QUIC listeners.
//!
//! Files, one job each: `workload.rs` and `listener.rs` (the result types),
//! `selectors.rs` (Gateways by selector), `ports.rs` (port translation),
//! `server.rs` (what istiod reads from a server), `merge.rs` (the decision
//! list), `envoy.rs` (listener NACK checks), `build.rs` (puts them
//! together), `describe.rs` (words for findings).

mod build;
pub mod describe;
mod envoy;
pub mod gateway_api;
mod listener;
mod merge;
mod ports;
mod selectors;
mod server;
#[cfg(test)]
mod tests;
mod workload;

pub use listener::{Listener, ListenerServer, Nack, Outcome, Reject};
pub use server::{is_http_server, is_passthrough, is_tls_server, normalize_host, sni_name};
pub use workload::{GatewayWorkload, Match, ServerRef, WorkloadSource};

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
    /// The merge again where Gateway API listeners land on the same pods
    /// (manual deployment); [`Topology::listeners`] stays Istio-only.
    pub gateway_api: gateway_api::CrossApi,
    /// `workloads_of[gateway]`, built on first use (fix planning asks it
    /// once per conflict group; scanning every workload each time was
    /// quadratic).
    workloads_of: std::sync::OnceLock<Vec<Vec<usize>>>,
}

impl Topology {
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

    /// The workloads (indexes, ascending) that Gateway `gateway` applies to.
    pub fn workloads_of(&self, gateway: usize) -> &[usize] {
        let index = self.workloads_of.get_or_init(|| {
            let mut index: Vec<Vec<usize>> = vec![Vec::new(); self.placements.len()];
            for (w, workload) in self.workloads.iter().enumerate() {
                for &(g, _) in &workload.gateways {
                    if let Some(of) = index.get_mut(g)
                        && of.last() != Some(&w)
                    {
                        of.push(w);
                    }
                }
            }
            index
        });
        index.get(gateway).map_or(&[], Vec::as_slice)
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
