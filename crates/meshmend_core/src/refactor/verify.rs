//! Checking a patched output before it is offered.
//!
//! 1. Every output file parses, with no broken document that was not broken
//!    before.
//! 2. Re-analysis finds no new finding (of any rule) that the input did not
//!    have, and none of the conflicts a unit set out to fix.
//! 3. Semantics: every (workload, listener, host) that istiod serves before
//!    is served after by the same workload (or, for `isolate`, the new one),
//!    with the same protocol, TLS mode and credential, bound to the same
//!    VirtualServices (see [`served`]); a host no VirtualService was bound
//!    to (istiod answers 404) may gain the one that was meant for it.
//! 4. Fixing the output again plans nothing (`fix(fix(x))` is a no-op).

use crate::hash::HashMap;
use std::collections::BTreeSet;

use super::plan::{FileOutcome, FileStatus};
use super::unit::{WorkloadKey, workload_key};
use super::{FixOptions, Unit, is_conflict};
use crate::analyze::analyze;
use crate::analyze::hosts;
use crate::analyze::topology::{Outcome, Topology, WorkloadSource};
use crate::diagnostic::Diagnostic;
use crate::model::istio::resolve_gateway_reference;
use crate::model::{Bundle, ResourceRef, SourceFile};
use crate::sort;

/// A reason the output cannot be offered, attributed to a unit when possible.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    /// Index of the unit at fault, or `None` for "all of them".
    pub unit: Option<usize>,
    /// Human-readable reason.
    pub reason: String,
}

/// Result of [`verify`].
pub(crate) struct Check {
    pub failures: Vec<Failure>,
    /// Conflict findings left, with `file` indexing the outcome's files.
    pub remaining: Vec<Diagnostic>,
}

/// Verifies `files` (the result of applying `units` to `bundle`).
pub(crate) fn verify(
    bundle: &Bundle,
    before: &[Diagnostic],
    files: &[FileOutcome],
    units: &[Unit],
    options: &FixOptions,
) -> Check {
    // Nothing changed: the output is the input, whose findings are known.
    // Loading it again was a second bundle alive next to the first, for
    // nothing (issue 15: fix on input without conflicts used twice the
    // memory of analyze).
    if units.is_empty() && files.iter().all(|f| f.status == FileStatus::Unchanged) {
        let identity: Vec<usize> = (0..files.len()).collect();
        return Check {
            failures: Vec::new(),
            remaining: remaining(before, &identity),
        };
    }
    let mut failures = Vec::new();
    // Outcome file index for each file of the patched bundle.
    let mut outcome_index = Vec::new();
    let mut sources = Vec::new();
    for (index, file) in files.iter().enumerate() {
        if let Some(text) = &file.patched {
            outcome_index.push(index);
            sources.push(SourceFile::new(file.path.clone(), text.clone()));
        }
    }
    let after = match Bundle::load(sources, bundle.options.clone()) {
        Ok(after) => after,
        Err(error) => {
            return Check {
                failures: vec![Failure {
                    unit: None,
                    reason: format!("the output does not load: {error}"),
                }],
                remaining: Vec::new(),
            };
        }
    };
    let diagnostics = analyze(&after, &options.analyze);
    if units.is_empty() {
        return Check {
            failures,
            remaining: remaining(&diagnostics, &outcome_index),
        };
    }
    let owner = owners(bundle, units);
    let unit_of = |resource: Option<&ResourceRef>| resource.and_then(|r| owner.get(r).copied());

    // 1. Syntax: no broken document that was not broken before.
    let broken_before: HashMap<&str, usize> =
        bundle
            .document_errors()
            .fold(HashMap::default(), |mut m, (file, _)| {
                *m.entry(bundle.files[file].name.as_str()).or_default() += 1;
                m
            });
    for (file, error) in after.document_errors() {
        let name = after.files[file].name.as_str();
        if after.document_errors().filter(|(f, _)| *f == file).count()
            > broken_before.get(name).copied().unwrap_or(0)
        {
            failures.push(Failure {
                unit: None,
                reason: format!("{name}: the output does not parse: {}", error.message),
            });
            break;
        }
    }

    // 2. No new finding; no targeted conflict left.
    // Keyed without the message: a finding the input already had may name
    // the merged Gateway afterwards.
    let key = |d: &Diagnostic| (d.code, d.resource.clone());
    let mut old: HashMap<_, usize> = HashMap::default();
    for d in before {
        *old.entry(key(d)).or_default() += 1;
    }
    // `gateway-selector-no-workload` only runs when the input has workloads;
    // values files that `isolate` adds are the first ones when the input had
    // none, and its findings then only say the input is partial.
    let input_had_workloads = !bundle.model.workloads.is_empty();
    for d in &diagnostics {
        if d.code == "MM001" {
            continue; // reported above, per file
        }
        if d.name == "gateway-selector-no-workload" && !input_had_workloads {
            continue;
        }
        let slot = old.entry(key(d)).or_default();
        if *slot > 0 {
            *slot -= 1;
            if is_conflict(d)
                && d.fix_available
                && let Some(unit) = unit_of(d.resource.as_ref())
                && units[unit].claims(d.name)
            {
                failures.push(Failure {
                    unit: Some(unit),
                    reason: format!("{} [{}] remains: {}", d.name, d.code, d.message),
                });
            }
            continue;
        }
        failures.push(Failure {
            unit: unit_of(d.resource.as_ref()),
            reason: format!(
                "the output has a new finding: {} [{}] {}",
                d.name, d.code, d.message
            ),
        });
    }

    // 2b. Gateway API parentRefs a unit repointed: Istio accepts them now.
    #[cfg(feature = "gateway-api")]
    accepted_parents(&after, units, &mut failures);

    // 3. Semantics. Each Gateway's contribution is compared with what the
    // fix says becomes of it: consolidated Gateways contribute to their
    // target, isolated ones to their new workload.
    let moved: HashMap<&str, &WorkloadKey> = units
        .iter()
        .flat_map(|u| u.moved.iter().map(|(g, w)| (g.as_str(), w)))
        .collect();
    let merged: HashMap<&str, &str> = units
        .iter()
        .flat_map(|u| u.merged.iter().map(|(g, t)| (g.as_str(), t.as_str())))
        .collect();
    let mut before_map: HashMap<ServedKey, Served> = HashMap::default();
    for (mut key, was) in served(
        bundle,
        &Topology::build_for(bundle, options.analyze.istio_version),
    ) {
        if let Some(&workload) = moved.get(key.4.as_str()) {
            key.0 = workload.clone();
        }
        if let Some(&target) = merged.get(key.4.as_str()) {
            key.4 = target.to_string();
        }
        match before_map.get_mut(&key) {
            Some(existing) => existing.services.extend(was.services),
            None => {
                before_map.insert(key, was);
            }
        }
    }
    let before_map = collapse(before_map);
    let after_map = collapse(served(
        &after,
        &Topology::build_for(&after, options.analyze.istio_version),
    ));
    let mut keys: Vec<&ServedKey> = before_map.keys().collect();
    sort::ascending(&mut keys);
    for key in keys {
        let was = &before_map[key];
        let expected = key.clone();
        let unit = owner
            .get(&ResourceRef {
                kind: "Gateway".into(),
                namespace: was.gateway.split('/').next().unwrap_or_default().into(),
                name: was.gateway.split('/').nth(1).unwrap_or_default().into(),
            })
            .copied();
        let (_, bind, port, host, _, _) = key;
        let listener = format!("{}_{port}", if bind.is_empty() { "0.0.0.0" } else { bind });
        let problem = match after_map.get(&expected) {
            None => Some("is no longer served".to_string()),
            Some(now)
                if (&now.protocol, &now.tls_mode, &now.credential)
                    != (&was.protocol, &was.tls_mode, &was.credential) =>
            {
                Some(format!(
                    "changes from {} to {}",
                    was.settings(),
                    now.settings()
                ))
            }
            // A host that answered 404 (nothing bound) may gain the
            // VirtualService meant for it; any routing it had must stay.
            Some(now) if !was.services.is_empty() && now.services != was.services => Some(format!(
                "changes VirtualServices from [{}] to [{}]",
                was.services.iter().cloned().collect::<Vec<_>>().join(", "),
                now.services.iter().cloned().collect::<Vec<_>>().join(", ")
            )),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            failures.push(Failure {
                unit,
                reason: match host.strip_prefix(VHOST) {
                    Some(vhost) => format!(
                        "virtual host `{vhost}` of route table http.{port} on listener {listener} {problem}"
                    ),
                    None => format!(
                        "host `{host}` on listener {listener} (served by Gateway {}) {problem}",
                        was.gateway
                    ),
                },
            });
        }
    }

    // The served maps go before the second plan, the peak of a fix.
    drop((before_map, after_map));

    // 4. Idempotence: a unit planned again on the output is a failure of
    // the unit that changed those resources. One about resources no unit
    // touched is a conflict that was left alone (rejected, or not
    // targeted): it is reported as remaining, and must not withdraw the
    // fixes of other, independent conflicts.
    if failures.is_empty() {
        let again = super::plan(&after, &diagnostics, options);
        for unit in again.units {
            let at_fault = unit
                .resources
                .iter()
                .find_map(|&r| owner.get(&after.resources[r].reference()).copied());
            let Some(at_fault) = at_fault else { continue };
            failures.push(Failure {
                unit: Some(at_fault),
                reason: format!(
                    "fixing the output again would still change it ({})",
                    unit.title
                ),
            });
        }
    }
    Check {
        failures,
        remaining: remaining(&diagnostics, &outcome_index),
    }
}

/// Each parentRef a unit promised to make accepted is `Accepted: True` in
/// the status the patched output gets.
#[cfg(feature = "gateway-api")]
fn accepted_parents(after: &Bundle, units: &[Unit], failures: &mut Vec<Failure>) {
    if units.iter().all(|u| u.accepted.is_empty()) {
        return;
    }
    let prediction = crate::gateway_api::status::Prediction::new(after);
    for (index, unit) in units.iter().enumerate() {
        for (reference, parent) in &unit.accepted {
            let route = prediction
                .inventory
                .routes
                .iter()
                .find(|r| after.resources[r.meta.resource].reference() == *reference);
            let span = route
                .and_then(|r| r.parent_refs.get(*parent))
                .map(|p| p.target.span);
            let accepted = route.zip(span).is_some_and(|(route, span)| {
                prediction.status_of(route.meta.resource).is_some_and(|s| {
                    s.parents.iter().any(|p| {
                        p.span == Some(span)
                            && p.conditions
                                .iter()
                                .any(|c| c.kind == "Accepted" && c.status)
                    })
                })
            });
            if !accepted {
                failures.push(Failure {
                    unit: Some(index),
                    reason: format!(
                        "parentRef {} of {} {}/{} is not accepted by Istio afterwards",
                        parent + 1,
                        reference.kind,
                        reference.namespace,
                        reference.name
                    ),
                });
            }
        }
    }
}

/// Which unit owns each resource it is about.
fn owners(bundle: &Bundle, units: &[Unit]) -> HashMap<ResourceRef, usize> {
    let mut owner = HashMap::default();
    for (index, unit) in units.iter().enumerate() {
        for &resource in &unit.resources {
            owner
                .entry(bundle.resources[resource].reference())
                .or_insert(index);
        }
    }
    owner
}

fn remaining(diagnostics: &[Diagnostic], outcome_index: &[usize]) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| is_conflict(d))
        .map(|d| {
            let mut d = d.clone();
            d.file = outcome_index[d.file];
            for related in &mut d.related {
                related.file = outcome_index[related.file];
            }
            d
        })
        .collect()
}

/// Prefix of served-map entries that are plain-HTTP virtual hosts of a
/// listener (compared without their Gateway: the route table is shared).
const VHOST: &str = "vhost ";

/// `port.protocol` as written, upper-cased (`HTTP` when absent).
fn protocol_of(server: &crate::model::Server) -> String {
    server
        .port
        .as_ref()
        .and_then(|p| p.protocol.as_ref())
        .map_or_else(|| "HTTP".to_string(), |p| p.value.to_ascii_uppercase())
}

/// Merges each listener's virtual-host entries across Gateways.
fn collapse(map: HashMap<ServedKey, Served>) -> HashMap<ServedKey, Served> {
    let mut out: HashMap<ServedKey, Served> = crate::hash::map_with_capacity(map.len());
    for (mut key, value) in map {
        if key.3.starts_with(VHOST) {
            key.4 = String::new();
        }
        match out.get_mut(&key) {
            Some(existing) => existing.services.extend(value.services),
            None => {
                out.insert(key, value);
            }
        }
    }
    out
}

/// (workload, bind, resolved port, host as istiod normalises it, Gateway
/// `namespace/name`, served on the TLS filter chains rather than the
/// plaintext one). The last part keeps an HTTP and an HTTPS server for one
/// host on one port apart (istiod merges the two protocols on a port): without
/// it, merging their Gateways made two entries collide, and which one the
/// check compared depended on hash order.
type ServedKey = (WorkloadKey, String, u32, String, String, bool);

/// How one host is served on one listener.
#[derive(Debug, PartialEq, Eq)]
struct Served {
    /// `namespace/name` of the Gateway serving it.
    gateway: String,
    protocol: String,
    tls_mode: Option<String>,
    credential: Option<String>,
    /// VirtualServices (`namespace/name`) bound to it.
    services: BTreeSet<String>,
}

impl Served {
    fn settings(&self) -> String {
        format!(
            "{} (tls mode {}, credential {})",
            self.protocol,
            self.tls_mode.as_deref().unwrap_or("none"),
            self.credential.as_deref().unwrap_or("none")
        )
    }
}

/// Every host istiod serves, per workload and listener: servers it keeps or
/// merges, on listeners Envoy is not expected to reject. A VirtualService
/// counts as bound to a host when it names the server's Gateway and one of
/// its hosts matches, unless a more specific host of the same listener
/// takes that name (exact SNI / virtual host wins).
fn served(bundle: &Bundle, topology: &Topology) -> HashMap<ServedKey, Served> {
    let mut by_gateway: HashMap<(String, String), Vec<&crate::model::VirtualService>> =
        HashMap::default();
    for vs in &bundle.model.virtual_services {
        for reference in &vs.gateways {
            if let Some(key) = resolve_gateway_reference(&reference.value, &vs.namespace) {
                by_gateway.entry(key).or_default().push(vs);
            }
        }
    }
    let mut out = HashMap::default();
    for listener in &topology.listeners {
        if listener
            .servers
            .iter()
            .any(|s| matches!(s.outcome, Outcome::NackRisk { .. }))
        {
            continue;
        }
        let workload = topology.workload_of(listener);
        let stand_in = workload.source == WorkloadSource::Selector;
        let live: Vec<_> = listener
            .servers
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Kept | Outcome::Merged { .. }))
            .collect();
        let names: crate::hash::HashSet<&str> = live
            .iter()
            .flat_map(|s| {
                s.hosts
                    .iter()
                    .map(|h| crate::analyze::topology::sni_name(h))
            })
            .collect();
        for placed in live {
            let gateway = placed.server.gateway(bundle);
            // Without a workload in the input the pods are only known by
            // selector: key by the serving Gateway's own one.
            let key = if stand_in {
                workload_key(None, &gateway.selector.clone().unwrap_or_default())
            } else {
                workload_key(workload.namespace.as_deref(), &workload.labels)
            };
            let server = placed.server.resolve(bundle);
            let tls = server.tls.as_ref();
            let bound = by_gateway
                .get(&(gateway.namespace.clone(), gateway.name.value.clone()))
                .map_or(&[][..], Vec::as_slice);
            let gateway_name = gateway.full_name();
            let plain_http = server.protocol().is_http();
            if plain_http {
                // Plain HTTP servers share the listener's route table: each
                // bound VirtualService host is a virtual host of it.
                for vs in bound {
                    for vh in &vs.hosts {
                        let matched = placed.hosts.iter().any(|host| {
                            hosts::for_namespace(host, &vs.namespace)
                                .is_some_and(|h| hosts::matches(&vh.value, h))
                        });
                        if matched {
                            let slot = (
                                key.clone(),
                                listener.bind.clone(),
                                listener.port,
                                format!("{VHOST}{}", vh.value),
                                gateway_name.clone(),
                                false,
                            );
                            out.entry(slot)
                                .or_insert_with(|| Served {
                                    gateway: gateway_name.clone(),
                                    protocol: "HTTP".into(),
                                    tls_mode: None,
                                    credential: None,
                                    services: BTreeSet::new(),
                                })
                                .services
                                .insert(vs.full_name());
                        }
                    }
                }
            }
            for host in &placed.hosts {
                if plain_http {
                    out.entry((
                        key.clone(),
                        listener.bind.clone(),
                        listener.port,
                        host.clone(),
                        gateway_name.clone(),
                        false,
                    ))
                    .or_insert_with(|| Served {
                        gateway: gateway_name.clone(),
                        protocol: protocol_of(server),
                        tls_mode: None,
                        credential: None,
                        services: BTreeSet::new(),
                    });
                    continue;
                }
                let services = sort::btree(
                    bound
                        .iter()
                        .filter(|vs| {
                            hosts::for_namespace(host, &vs.namespace).is_some_and(|h| {
                                vs.hosts.iter().any(|vh| {
                                    hosts::matches(&vh.value, h)
                                        && (vh.value == h || !names.contains(vh.value.as_str()))
                                })
                            })
                        })
                        .map(|vs| vs.full_name()),
                );
                let slot = (
                    key.clone(),
                    listener.bind.clone(),
                    listener.port,
                    host.clone(),
                    gateway.full_name(),
                    true,
                );
                if let Some(existing) = out.get_mut(&slot) {
                    // Two servers of one Gateway on one route table.
                    let existing: &mut Served = existing;
                    existing.services.extend(services);
                    continue;
                }
                out.insert(
                    slot,
                    Served {
                        gateway: gateway.full_name(),
                        protocol: protocol_of(server),
                        tls_mode: tls.and_then(|t| t.mode.as_ref()).map(|m| m.value.clone()),
                        credential: tls
                            .and_then(|t| t.credential_name.as_ref())
                            .map(|c| c.value.clone()),
                        services,
                    },
                );
            }
        }
    }
    out
}
