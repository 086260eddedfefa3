//! Label-selector lookups without all-pairs scans: which workloads a Gateway
//! selects, which Services select a workload.
//!
//! Both indexes key on single `(label, value)` pairs: a selector is looked up
//! by its most selective pair and the candidates are then checked in full, so
//! cost follows the number of actual matches, not workloads × selectors.

use std::collections::HashMap;

use crate::model::{Labels, Model, selector_matches};

/// Workloads by namespace-independent `(label, value)`.
pub(crate) struct WorkloadIndex<'a> {
    labels: Vec<&'a Labels>,
    by_pair: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> WorkloadIndex<'a> {
    pub(crate) fn new(model: &'a Model) -> Self {
        let mut by_pair: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, workload) in model.workloads.iter().enumerate() {
            for (key, value) in &workload.labels {
                by_pair.entry((key, value)).or_default().push(i);
            }
        }
        WorkloadIndex {
            labels: model.workloads.iter().map(|w| &w.labels).collect(),
            by_pair,
        }
    }

    /// Indexes (in model order) of the workloads whose labels include every
    /// pair of `selector`; every workload for an empty selector.
    pub(crate) fn matching(&self, selector: &Labels) -> Vec<usize> {
        if selector.is_empty() {
            return (0..self.labels.len()).collect();
        }
        let narrowest = selector
            .iter()
            .map(|(k, v)| {
                self.by_pair
                    .get(&(k.as_str(), v.as_str()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|candidates| candidates.len())
            .unwrap_or(&[]);
        narrowest
            .iter()
            .copied()
            .filter(|&i| selector_matches(selector, self.labels[i]))
            .collect()
    }
}

/// Services by `(namespace, one selector pair)`.
pub(crate) struct ServiceIndex<'a> {
    model: &'a Model,
    by_pair: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
    /// Services with an empty selector, by namespace (they select no pods in
    /// Kubernetes, but `klabels` matches everything; see `selecting`).
    unselective: HashMap<&'a str, Vec<usize>>,
}

impl<'a> ServiceIndex<'a> {
    pub(crate) fn new(model: &'a Model) -> Self {
        let mut by_pair: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        let mut unselective: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, service) in model.services.iter().enumerate() {
            match service.selector.iter().next() {
                Some((key, value)) => by_pair
                    .entry((&service.namespace, key, value))
                    .or_default()
                    .push(i),
                None => unselective.entry(&service.namespace).or_default().push(i),
            }
        }
        ServiceIndex {
            model,
            by_pair,
            unselective,
        }
    }

    /// Services in `namespace` whose non-empty selector matches `labels`
    /// (what Kubernetes routes to), in model order; with
    /// `empty_selects_all`, also those with an empty selector (`klabels`).
    pub(crate) fn selecting(
        &self,
        namespace: &str,
        labels: &Labels,
        empty_selects_all: bool,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = labels
            .iter()
            .filter_map(|(k, v)| self.by_pair.get(&(namespace, k.as_str(), v.as_str())))
            .flatten()
            .copied()
            .filter(|&i| selector_matches(&self.model.services[i].selector, labels))
            .collect();
        if empty_selects_all {
            out.extend(self.unselective.get(namespace).into_iter().flatten());
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Bundle;

    const YAML: &str = "kind: Pod\nmetadata: {name: a, namespace: x, labels: {istio: ingressgateway, app: a}}\n---\nkind: Pod\nmetadata: {name: b, namespace: y, labels: {istio: ingressgateway}}\n---\nkind: Service\nmetadata: {name: s, namespace: x}\nspec:\n  selector: {app: a, istio: ingressgateway}\n---\nkind: Service\nmetadata: {name: t, namespace: y}\nspec:\n  selector: {app: a}\n---\nkind: Service\nmetadata: {name: u, namespace: x}\n";

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn workloads_match_by_subset_across_namespaces() {
        let bundle = Bundle::from_text("t.yaml", YAML).unwrap();
        let index = WorkloadIndex::new(&bundle.model);
        assert_eq!(
            index.matching(&labels(&[("istio", "ingressgateway")])),
            [0, 1]
        );
        assert_eq!(
            index.matching(&labels(&[("istio", "ingressgateway"), ("app", "a")])),
            [0]
        );
        assert_eq!(
            index.matching(&labels(&[("app", "b")])),
            Vec::<usize>::new()
        );
        assert_eq!(index.matching(&Labels::new()), [0, 1]);
    }

    #[test]
    fn services_select_within_their_namespace() {
        let bundle = Bundle::from_text("t.yaml", YAML).unwrap();
        let index = ServiceIndex::new(&bundle.model);
        let pod_a = &bundle.model.workloads[0].labels;
        let pod_b = &bundle.model.workloads[1].labels;
        assert_eq!(index.selecting("x", pod_a, false), [0]);
        assert_eq!(index.selecting("x", pod_a, true), [0, 2]);
        assert_eq!(index.selecting("y", pod_b, false), Vec::<usize>::new());
    }
}
