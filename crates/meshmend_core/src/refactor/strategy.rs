//! The fix strategies as data: one enum, one table of what each is called
//! and does. The CLI's `--strategy` values and help, the page's picker, the
//! wasm export's argument and the tests all read [`Strategy::ALL`] and
//! [`Strategy::about`]; nothing else spells a strategy's name.
//!
//! Adding a strategy (see DESIGN.md, *Adding a strategy*): its planner in
//! its own file under `refactor/`, and a variant here with its row in the
//! table (which names the planner) and its place in [`Strategy::ALL`].

use std::fmt;
use std::str::FromStr;

use super::{Planning, consolidate, isolate};

/// How Gateway conflicts are resolved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Merge each conflict group into its oldest Gateway (default). NodePort
    /// problems are renumbered too.
    #[default]
    Consolidate,
    /// Move each newer Gateway of a conflict group to a dedicated gateway
    /// deployment (new `istio/gateway` Helm values). NodePort problems are
    /// renumbered too.
    Isolate,
    /// Only fix nodePort collisions and out-of-range nodePorts.
    Renumber,
}

/// What a strategy is called and what it does, for each place that shows it.
#[derive(Clone, Copy, Debug)]
pub struct About {
    /// Stable name: the CLI's `--strategy` value and the wasm argument.
    pub id: &'static str,
    /// One line: the CLI's `--help`.
    pub summary: &'static str,
    /// The page's picker label.
    pub title: &'static str,
    /// The page's help under the picker.
    pub description: &'static str,
    /// Adds the strategy's units to the nodePort units every strategy plans.
    pub(crate) plan: fn(&mut Planning<'_>),
}

impl Strategy {
    /// Every strategy, the default first (the order the CLI's help and the
    /// page's picker list them in).
    pub const ALL: [Strategy; 3] = [Strategy::Consolidate, Strategy::Isolate, Strategy::Renumber];

    /// The table row of this strategy.
    pub const fn about(self) -> &'static About {
        &ABOUT[self as usize]
    }

    /// The stable name (`consolidate`).
    pub const fn id(self) -> &'static str {
        self.about().id
    }
}

/// One row per strategy, in declaration order (indexed by the discriminant).
/// Why one `static` rather than a `&About { .. }` per `match` arm: each arm
/// was its own promoted constant, and the wasm module carried the texts twice
/// (once per crate that inlined `about`).
static ABOUT: [About; 3] = [
    About {
        id: "consolidate",
        summary: "Merge each conflict group into its oldest Gateway",
        title: "Consolidate (merge into the oldest Gateway)",
        description: "Moves the servers of each conflicting Gateway into the oldest one, keeps every certificate (one server per credential, SNI picks), drops only duplicate hosts from the losing side, deletes emptied Gateways and rewrites VirtualService references. NodePort collisions are renumbered too.",
        plan: |planning| {
            gateway_api(planning);
            consolidate::plan(planning);
        },
    },
    About {
        id: "isolate",
        summary: "Move each newer Gateway to a dedicated gateway deployment",
        title: "Isolate (dedicated ingress gateway)",
        description: "Moves each newer conflicting Gateway to its own ingress deployment: adds istio/gateway Helm values with free nodePorts and points the Gateway's selector at it. Its TLS Secret must exist in the new gateway's namespace. NodePort collisions are renumbered too.",
        plan: |planning| {
            gateway_api(planning);
            isolate::plan(planning);
        },
    },
    About {
        id: "renumber",
        summary: "Only fix nodePort collisions and out-of-range nodePorts",
        title: "Renumber nodePorts only",
        description: "Only fixes nodePort collisions and out-of-range nodePorts, giving the later Service a free port from the static band. Gateway conflicts are left for you.",
        plan: |_| {},
    },
];

/// The Gateway API units (MM501-MM504, MM510), planned by every strategy
/// that fixes Gateways (not `renumber`): they edit only Gateway API objects.
fn gateway_api(planning: &mut Planning<'_>) {
    #[cfg(feature = "gateway-api")]
    super::gateway_api::plan(planning);
    #[cfg(not(feature = "gateway-api"))]
    let _ = planning;
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A name that is not a strategy's [`id`](Strategy::id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStrategy(pub String);

impl fmt::Display for UnknownStrategy {
    /// `unknown strategy `x` (consolidate, isolate or renumber)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown strategy `{}` (", self.0)?;
        for (i, strategy) in Strategy::ALL.iter().enumerate() {
            let separator = match i {
                0 => "",
                _ if i + 1 == Strategy::ALL.len() => " or ",
                _ => ", ",
            };
            write!(f, "{separator}{strategy}")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for UnknownStrategy {}

impl FromStr for Strategy {
    type Err = UnknownStrategy;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Strategy::ALL
            .into_iter()
            .find(|s| s.id() == name)
            .ok_or_else(|| UnknownStrategy(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_and_names_are_unique() {
        for strategy in Strategy::ALL {
            assert_eq!(strategy.to_string().parse::<Strategy>(), Ok(strategy));
            let same = Strategy::ALL.iter().filter(|s| s.id() == strategy.id());
            assert_eq!(same.count(), 1, "{strategy}");
            assert!(!strategy.about().summary.is_empty());
        }
        assert_eq!(Strategy::ALL[0], Strategy::default());
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let error = "yolo".parse::<Strategy>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown strategy `yolo` (consolidate, isolate or renumber)"
        );
    }
}
