//! Gateway workloads: the deployments istiod merges Gateways onto, and how
//! a Gateway comes to apply to one.

use crate::hash::HashMap;

use crate::model::{Bundle, Gateway, Labels, Server};

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
