//! What the merge decides: listeners, the servers placed on them, and each
//! server's outcome (kept, merged, rejected and why, or a NACK risk).

#[cfg(doc)]
use super::Topology;
use super::workload::{Match, ServerRef};
use crate::model::Protocol;

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
