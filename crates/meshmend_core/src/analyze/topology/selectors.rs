//! Gateways indexed by selector, so the Gateways that select a workload are
//! found from its labels without comparing every pair.

use crate::hash::{HashMap, HashSet};

use crate::model::{Gateway, Labels};

/// A selector as a sorted list of label pairs (hash map key).
pub(super) type Pairs<'a> = Vec<(&'a str, &'a str)>;

pub(super) fn pairs(labels: &Labels) -> Pairs<'_> {
    labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Above this many relevant labels, subset enumeration gives way to a scan.
const MAX_ENUMERATED_LABELS: usize = 12;

/// Gateways indexed by selector.
pub(super) struct Selectors<'a> {
    pub(super) by_selector: HashMap<Pairs<'a>, Vec<usize>>,
    used_pairs: HashSet<(&'a str, &'a str)>,
    pub(super) universal: Vec<usize>,
}

impl<'a> Selectors<'a> {
    pub(super) fn new(gateways: &'a [Gateway]) -> Self {
        let mut by_selector: HashMap<Pairs<'a>, Vec<usize>> = HashMap::default();
        let mut used_pairs = HashSet::default();
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
    pub(super) fn subsets_of<'s>(
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
