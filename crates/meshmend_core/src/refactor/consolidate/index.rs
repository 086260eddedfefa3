//! Indexes a merge keeps while servers move into the target, so each move
//! costs its own hosts rather than a scan of every server moved so far.

use crate::analyze::topology::sni_name;
use crate::hash::HashMap;

use super::merge::Slot;

/// A multiset of names: what a `HashSet` of the slots' names would hold,
/// updated one slot at a time instead of rebuilt per move.
#[derive(Default)]
pub(super) struct NameCounts(pub(super) HashMap<String, usize>);

impl NameCounts {
    pub(super) fn add(&mut self, name: Option<&String>) {
        if let Some(name) = name {
            *self.0.entry(name.clone()).or_default() += 1;
        }
    }

    pub(super) fn remove(&mut self, name: Option<&String>) {
        let Some(name) = name else { return };
        if let Some(count) = self.0.get_mut(name) {
            *count -= 1;
            if *count == 0 {
                self.0.remove(name);
            }
        }
    }

    pub(super) fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// Slots by SNI name and by settings (see `Merge::index`).
#[derive(Default)]
pub(super) struct SlotIndex {
    /// Slots of the target (`existing`), in order.
    pub(super) existing: Vec<usize>,
    /// SNI name → slots that hold (or held) a host with that name.
    pub(super) slots_by_sni: HashMap<String, Vec<usize>>,
    /// SNI name → `outside` servers with a host with that name.
    pub(super) outside_by_sni: HashMap<String, Vec<usize>>,
    /// (settings, listener) → slots with them, in order.
    pub(super) by_settings: HashMap<(String, (u32, String)), Vec<usize>>,
}

impl SlotIndex {
    pub(super) fn add_slot(&mut self, index: usize, slot: &Slot) {
        if slot.existing {
            self.existing.push(index);
        }
        for host in &slot.hosts {
            self.add_host(index, host);
        }
        self.by_settings
            .entry((slot.settings.clone(), slot.listener.clone()))
            .or_default()
            .push(index);
    }

    pub(super) fn add_host(&mut self, index: usize, host: &str) {
        let list = self
            .slots_by_sni
            .entry(sni_name(host).to_string())
            .or_default();
        if list.last() != Some(&index) {
            list.push(index);
        }
    }

    /// Slots with these settings on this listener, in order.
    pub(super) fn twins(&self, slot: &Slot) -> &[usize] {
        // A borrowed-key lookup would need a custom key type; the clone
        // costs one server's settings per move.
        self.by_settings
            .get(&(slot.settings.clone(), slot.listener.clone()))
            .map_or(&[], Vec::as_slice)
    }
}
