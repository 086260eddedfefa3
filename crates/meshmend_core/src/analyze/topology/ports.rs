//! Port translation: a server port resolved through the Services that
//! select the workload (istiod's `resolvePorts`).

use crate::hash::HashMap;

use super::workload::WorkloadSource;
use crate::model::{Bundle, Labels};
use crate::sort;

/// Services indexed by selector label pair.
pub(super) struct ServiceIndex<'a> {
    bundle: &'a Bundle,
    by_pair: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> ServiceIndex<'a> {
    pub(super) fn new(bundle: &'a Bundle) -> Self {
        let mut by_pair: HashMap<(&str, &str), Vec<usize>> = HashMap::default();
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
    pub(super) fn port_map(
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
        let mut map = HashMap::default();
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
