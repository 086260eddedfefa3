//! `renumber`: nodePort collisions and out-of-range nodePorts.
//!
//! The API server allocates nodePorts from one cluster-wide bitmap, so the
//! Service created first keeps a contested port and the later one is
//! rejected ("provided port is already allocated"). The later one gets a
//! port no input uses, from the static band first (automatic allocation
//! prefers the dynamic band, so hand-picked static ports stay free:
//! <https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/3668-reserved-service-nodeport-range>), or loses its pinned `nodePort` (`--nodeport auto`).

use crate::hash::HashSet;
use std::collections::BTreeSet;

use super::yaml;
use super::{Change, FixOptions, NodePortMode, Unit};
use crate::analyze::AnalyzeOptions;
use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::model::tree::{NodeRef, ScalarStyle};
use crate::model::{Bundle, Service, ServiceOrigin};
use crate::span::Span;

/// Free nodePorts: the configured range minus every nodePort and
/// `healthCheckNodePort` the input writes, handed out static band first.
pub(crate) struct Pool {
    used: BTreeSet<i64>,
    static_band: (i64, i64),
    range: (i64, i64),
}

impl Pool {
    pub(crate) fn new(bundle: &Bundle, options: &AnalyzeOptions) -> Pool {
        let services = &bundle.model.services;
        let node_ports = services
            .iter()
            .flat_map(|s| s.ports.iter())
            .filter_map(|p| p.node_port.as_ref().map(|n| n.value));
        let health_checks = services.iter().filter_map(|s| health_check_port(bundle, s));
        let used = crate::sort::btree(node_ports.chain(health_checks));
        let (lo, hi) = options.nodeport_range;
        Pool {
            used,
            static_band: (lo, static_band_end(lo, hi)),
            range: (lo, hi),
        }
    }

    /// The static band, inclusive (30000–30085 for the default range).
    pub(crate) fn static_band(&self) -> (i64, i64) {
        self.static_band
    }

    /// Takes the lowest free port, static band first; `None` when full.
    pub(crate) fn take(&mut self) -> Option<i64> {
        let (lo, hi) = self.range;
        let port = (lo..=hi).find(|p| !self.used.contains(p))?;
        self.used.insert(port);
        Some(port)
    }
}

/// Last port of the static band: size `min(max(16, size/32), 128)` (KEP-3668).
fn static_band_end(lo: i64, hi: i64) -> i64 {
    let size = (hi - lo + 1).max(0);
    let band = (size / 32).clamp(16, 128).min(size);
    lo + band - 1
}

/// Plans one unit per nodePort finding (`nodeport-collision`,
/// `nodeport-out-of-range`): the rules already decided which side loses and
/// point at its `nodePort` value.
pub(crate) fn plan(
    bundle: &Bundle,
    before: &[Diagnostic],
    options: &FixOptions,
    pool: &mut Pool,
) -> Vec<Unit> {
    let mut done = HashSet::default();
    let mut units = Vec::new();
    for d in before {
        let rule = match d.name {
            "nodeport-collision" => "nodeport-collision",
            "nodeport-out-of-range" => "nodeport-out-of-range",
            _ => continue,
        };
        if !done.insert((d.file, d.span)) {
            continue;
        }
        let found = bundle.model.services.iter().find_map(|service| {
            let index = service.ports.iter().position(|p| {
                service.file == d.file && p.node_port.as_ref().is_some_and(|n| n.span == d.span)
            })?;
            Some((service, index))
        });
        if let Some((service, index)) = found {
            units.extend(unit(bundle, options, pool, rule, d, service, index));
        }
    }
    units
}

fn port_label(service: &Service, index: usize) -> String {
    let port = &service.ports[index];
    match (&port.name, &port.port) {
        (Some(name), _) => format!("port {}", name.value),
        (None, Some(number)) => format!("port {}", number.value),
        (None, None) => format!("ports[{index}]"),
    }
}

fn describe(service: &Service) -> String {
    let what = match service.origin {
        ServiceOrigin::Manifest => "Service",
        ServiceOrigin::GatewayChart => "istio/gateway values for Service",
        ServiceOrigin::LegacyGatewaysChart => "gateways values for Service",
        ServiceOrigin::IstioOperator => "IstioOperator gateway Service",
    };
    format!("{what} {}/{}", service.namespace, service.name.value)
}

fn unit(
    bundle: &Bundle,
    options: &FixOptions,
    pool: &mut Pool,
    rule: &'static str,
    finding: &Diagnostic,
    service: &Service,
    index: usize,
) -> Option<Unit> {
    let port = &service.ports[index];
    let node_port = port.node_port.as_ref()?;
    let text = bundle.text(service.file);
    let why = format!("{}.", finding.message);
    let label = port_label(service, index);
    let (edit, title, detail) = match options.nodeport {
        NodePortMode::Pick => {
            let new = pool.take()?;
            let (band_lo, band_hi) = pool.static_band();
            let band = if new <= band_hi {
                format!(
                    "the first nodePort of the static band {band_lo}-{band_hi} that no input uses (automatic allocation prefers the dynamic band, so it stays free)"
                )
            } else {
                "the first free nodePort (the static band is full)".to_string()
            };
            let like = match node_port.span.slice(text).as_bytes().first() {
                Some(b'"') => ScalarStyle::DoubleQuoted,
                Some(b'\'') => ScalarStyle::SingleQuoted,
                _ => ScalarStyle::Plain,
            };
            let content = yaml::Encoded::scalar(yaml::Scalar::Int(new), like);
            (
                Edit::replace(node_port.span, content.into_string()),
                format!(
                    "{}: {label} nodePort {} → {new}",
                    describe(service),
                    node_port.value
                ),
                format!(
                    "{why} {new} is {band}. Clients that reach this Service on a node port must use {new}."
                ),
            )
        }
        NodePortMode::Auto => {
            let mapping = mapping_at(bundle, service.resource, port.span)?;
            (
                yaml::delete_entry(text, mapping, "nodePort")?,
                format!(
                    "{}: {label} drops pinned nodePort {}",
                    describe(service),
                    node_port.value
                ),
                format!(
                    "{why} Without a pinned value Kubernetes allocates a free nodePort; look it up with `kubectl get svc` after applying."
                ),
            )
        }
    };
    Some(Unit {
        title: title.clone(),
        changes: vec![Change {
            rule,
            title,
            detail,
            resource: Some(bundle.resources[service.resource].reference()),
        }],
        edits: vec![(service.file, edit)],
        resources: vec![service.resource],
        ..Unit::default()
    })
}

/// The mapping node written at `span` inside a resource's document.
pub(crate) fn mapping_at(bundle: &Bundle, resource: usize, span: Span) -> Option<NodeRef<'_>> {
    let resource = &bundle.resources[resource];
    let document = &bundle.streams[resource.file].documents[resource.document];
    (0..document.node_count())
        .map(|i| {
            document.node(crate::model::tree::NodeId(
                u32::try_from(i).expect("node ids fit u32"),
            ))
        })
        .find(|n| n.span() == span && n.is_mapping())
}

/// The `healthCheckNodePort` a Service pins, if any. It comes out of the
/// same cluster-wide range as nodePorts, so a renumbered port must avoid it
/// (whatever the traffic policy: avoiding one more number costs nothing).
fn health_check_port(bundle: &Bundle, service: &Service) -> Option<i64> {
    service
        .spec_node(bundle)?
        .get("healthCheckNodePort")?
        .as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_skips_health_check_node_ports() {
        let yaml = "kind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 31380}]\n---\nkind: Service\nmetadata: {name: b}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 31380}]\n---\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30000\n  ports: [{port: 443, nodePort: 30001}]\n";
        let bundle = Bundle::from_text("svc.yaml", yaml).unwrap();
        let mut pool = Pool::new(&bundle, &AnalyzeOptions::default());
        assert_eq!(pool.take(), Some(30002));
        let outcome = super::super::fix(
            &bundle,
            &FixOptions {
                strategy: super::super::Strategy::Renumber,
                ..FixOptions::default()
            },
        );
        assert!(outcome.verification.ok, "{:?}", outcome.verification);
        assert!(
            outcome
                .diff
                .contains("+  ports: [{port: 80, nodePort: 30002}]"),
            "{}",
            outcome.diff
        );
    }

    #[test]
    fn static_band_matches_kubernetes() {
        assert_eq!(static_band_end(30000, 32767), 30085);
        assert_eq!(static_band_end(30000, 30100), 30015);
    }
}
