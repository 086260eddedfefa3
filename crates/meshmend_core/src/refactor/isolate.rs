//! `isolate`: give each newer Gateway of a conflict group its own gateway
//! deployment (DESIGN.md, "Fix").
//!
//! The oldest Gateway stays where it is. Each other Gateway gets a new
//! `istio/gateway` Helm release, written as a new values file next to it:
//! `name`, `labels.istio` (the new selector label), `service.type` and
//! `service.ports` copied from the shared gateway's Service for the ports
//! the Gateway uses (so ports resolve to the same container ports), with
//! free nodePorts from the static band when the Service takes node ports.
//! The Gateway's `spec.selector` then names the new label. Its name and
//! namespace do not change, so VirtualService references stay valid; the
//! new release goes into the shared gateway's namespace, so `credentialName`
//! lookups and `exportTo` keep working — the change notes which TLS Secrets
//! must exist there.

use super::groups::{self, Group};
use super::nodeport::Pool;
use super::unit::workload_key;
use super::yaml::{self, Block, Encoded, Scalar};
use super::{Change, FixOptions, NodePortMode, Planning, Rejected, Unit};
use crate::analyze::topology::{GatewayWorkload, Topology, WorkloadSource};
use crate::edit::Edit;
use crate::model::{Bundle, Gateway, Labels, Service, labels_to_string};
use crate::sort;

/// Plans one unit per conflict group.
pub(crate) fn plan(planning: &mut Planning<'_>) {
    let Planning {
        bundle,
        before: findings,
        options,
        pool,
        units,
        rejected,
    } = planning;
    let (bundle, findings, options) = (*bundle, *findings, *options);
    let topology = &Topology::build_for(bundle, options.analyze.istio_version);
    let mut taken_names: Vec<String> = Vec::new();
    let context = super::consolidate::Context::new(bundle, topology);
    let copies = groups::Copies::new(bundle);
    for group in groups::conflict_groups(bundle, topology, findings) {
        if let Some(refusal) = groups::copies_refusal(bundle, &copies, &group) {
            rejected.push(refusal);
            continue;
        }
        let Some((&target, losers)) = group.gateways.split_first() else {
            continue;
        };
        let target_gw = &bundle.model.gateways[target];
        if losers.is_empty() {
            // A conflict inside one Gateway: no other deployment helps;
            // repair it in place, as consolidate does.
            match super::consolidate::plan_group(bundle, topology, &context, &group) {
                Some(Ok(unit)) => units.push(unit),
                Some(Err(rejection)) => rejected.push(rejection),
                None => {}
            }
            continue;
        }
        let Some(workload) = topology
            .workloads_of(target)
            .first()
            .map(|&w| &topology.workloads[w])
        else {
            continue;
        };
        let mut unit = Unit::default();
        let mut ok = true;
        for &loser in losers {
            let gateway = &bundle.model.gateways[loser];
            if split(
                bundle,
                workload,
                gateway,
                &group,
                options,
                pool,
                &mut taken_names,
                &mut unit,
            )
            .is_none()
            {
                rejected.push(Rejected {
                    title: format!("Isolate Gateway {}", gateway.full_name()),
                    reason: "its `spec.selector` has a shape the editor does not handle".into(),
                });
                ok = false;
                break;
            }
        }
        if ok {
            // Conflicts inside one Gateway stay wherever it runs: repair them.
            for &g in &group.gateways {
                let resource = &bundle.resources[bundle.model.gateways[g].resource];
                let own = Group {
                    gateways: vec![g],
                    findings: group
                        .findings
                        .iter()
                        .copied()
                        .filter(|d| {
                            d.name != "protocol-conflict"
                                && d.resource.as_ref() == Some(&resource.reference())
                        })
                        .collect(),
                };
                if let Some(Ok(repair)) =
                    super::consolidate::plan_group(bundle, topology, &context, &own)
                {
                    unit.changes.extend(repair.changes);
                    unit.edits.extend(repair.edits);
                }
            }
            unit.resources.push(target_gw.resource);
            let names: Vec<String> = losers
                .iter()
                .map(|&g| bundle.model.gateways[g].full_name())
                .collect();
            unit.title = format!(
                "Isolate {} from {}",
                names.join(", "),
                target_gw.full_name()
            );
            units.push(unit);
        }
    }
}

/// The shared deployment's name, as the new one's prefix.
fn workload_name(bundle: &Bundle, workload: &GatewayWorkload) -> String {
    if let WorkloadSource::Input(indexes) = &workload.source
        && let Some(&first) = indexes.first()
    {
        return bundle.model.workloads[first].name.value.clone();
    }
    if let Some(app) = workload.labels.get("app") {
        return app.clone();
    }
    match workload.labels.get("istio") {
        Some(istio) if istio.starts_with("istio-") => istio.clone(),
        Some(istio) => format!("istio-{istio}"),
        None => "istio-ingressgateway".to_string(),
    }
}

/// The Service in front of the shared deployment, if the input has one.
fn workload_service<'a>(bundle: &'a Bundle, workload: &GatewayWorkload) -> Option<&'a Service> {
    let (_, index) = workload.port_map.values().min_by_key(|(_, i)| *i)?;
    bundle.model.services.get(*index)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one split reads the group, the pool and the plan so far"
)]
fn split(
    bundle: &Bundle,
    workload: &GatewayWorkload,
    gateway: &Gateway,
    group: &Group<'_>,
    options: &FixOptions,
    pool: &mut Pool,
    taken: &mut Vec<String>,
    unit: &mut Unit,
) -> Option<()> {
    let base = workload_name(bundle, workload);
    let stem = gateway
        .name
        .value
        .strip_suffix("-gateway")
        .filter(|s| !s.is_empty())
        .unwrap_or(&gateway.name.value);
    let mut name = format!("{base}-{stem}");
    let existing: Vec<&str> = bundle
        .model
        .workloads
        .iter()
        .map(|w| w.name.value.as_str())
        .collect();
    let mut n = 2;
    while taken.contains(&name) || existing.contains(&name.as_str()) {
        name = format!("{base}-{stem}-{n}");
        n += 1;
    }
    taken.push(name.clone());
    let label = name.strip_prefix("istio-").unwrap_or(&name).to_string();
    let service = workload_service(bundle, workload);
    let namespace = workload
        .namespace
        .clone()
        .or_else(|| service.map(|s| s.namespace.clone()))
        .unwrap_or_else(|| gateway.namespace.clone());
    let service_type = service.map_or("LoadBalancer", Service::service_type);
    let takes_node_ports = matches!(service_type, "NodePort" | "LoadBalancer");

    // The new pods' labels: the new `istio` label, plus any other key the
    // Gateway's selector keeps (so the edited selector matches them).
    let selector = gateway.selector.clone().unwrap_or_default();
    let mut extra = Labels::new();
    for (k, v) in &selector {
        if k != "istio" && k != "app" {
            extra.insert(k.clone(), v.clone());
        }
    }

    // Ports: status port, then each port the Gateway's servers use.
    let mut ports = vec![PortEntry {
        name: "status-port".into(),
        port: 15021,
        target: 15021,
        protocol: "TCP".into(),
        node_port: None,
    }];
    let mut numbers: Vec<u32> = gateway
        .servers
        .iter()
        .filter_map(crate::model::Server::port_number)
        .collect();
    sort::ascending(&mut numbers);
    numbers.dedup();
    let mut pinned = Vec::new();
    for number in numbers {
        let written = service.and_then(|s| {
            s.ports
                .iter()
                .find(|p| p.port.as_ref().is_some_and(|n| n.value == number))
        });
        let server_name = gateway
            .servers
            .iter()
            .find(|s| s.port_number() == Some(number))
            .and_then(|s| s.port.as_ref()?.name.as_ref())
            .map(|n| n.value.clone());
        let port_name = written
            .and_then(|p| p.name.as_ref().map(|n| n.value.clone()))
            .or(server_name)
            .unwrap_or_else(|| format!("port-{number}"));
        let node_port = if takes_node_ports && options.nodeport == NodePortMode::Pick {
            let picked = pool.take()?;
            pinned.push(format!("{number} → nodePort {picked}"));
            Some(picked)
        } else {
            None
        };
        ports.push(PortEntry {
            name: port_name,
            port: number,
            target: written
                .and_then(crate::model::ServicePort::resolved_target)
                .unwrap_or(number),
            protocol: written.map_or("TCP", |p| p.protocol()).to_string(),
            node_port,
        });
    }

    let credentials: Vec<&str> = {
        let mut c: Vec<&str> = gateway
            .servers
            .iter()
            .filter_map(|s| s.credential_name())
            .collect();
        sort::ascending(&mut c);
        c.dedup();
        c
    };
    let secret_note = if credentials.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = credentials
            .iter()
            .map(|c| {
                let present = bundle
                    .model
                    .secrets
                    .iter()
                    .any(|s| s.name.value == *c && s.namespace == namespace);
                if present {
                    format!("`{c}` (present in the input)")
                } else {
                    format!("`{c}`")
                }
            })
            .collect();
        format!(
            " The TLS Secret(s) {} must exist in namespace {namespace}: istiod resolves `credentialName` in the gateway pods' namespace.",
            list.join(", ")
        )
    };

    let dir = match bundle.files[gateway.file].name.rfind('/') {
        Some(slash) if bundle.files[gateway.file].name != "-" => {
            bundle.files[gateway.file].name[..=slash].to_string()
        }
        _ => String::new(),
    };
    let path = format!("{dir}{name}-values.yaml");
    let file_name = path.rsplit('/').next().unwrap_or(&path).to_string();
    let values = values_file(
        gateway,
        workload,
        &name,
        &label,
        &namespace,
        service_type,
        &extra,
        &ports,
        &file_name,
        &credentials,
    );
    unit.added.push((path.clone(), values));

    // The Gateway's selector now names the new deployment.
    let text = bundle.text(gateway.file);
    let spec = bundle
        .node(&bundle.resources[gateway.resource])
        .get("spec")?;
    let new_selector = Encoded::flow_map(&[("istio", Scalar::Str(&label))]);
    let edits: Vec<Edit> = match spec.get("selector") {
        Some(sel) if sel.is_mapping() && sel.entries().next().is_some() => {
            let mut edits = Vec::new();
            if let Some(value) = sel.get("istio") {
                edits.push(yaml::replace_scalar(value, Scalar::Str(&label)));
            } else {
                edits.push(yaml::insert_entry(
                    text,
                    sel,
                    "istio",
                    &Encoded::str(&label),
                )?);
            }
            if let Some(value) = sel.get("app") {
                edits.push(yaml::replace_scalar(value, Scalar::Str(&name)));
            }
            edits
        }
        Some(sel) if sel.is_mapping() => {
            vec![Edit::replace(sel.span(), new_selector.into_string())]
        }
        Some(sel) if sel.is_null() => vec![Edit::insert(
            sel.span().end,
            format!(" {}", new_selector.as_str()),
        )],
        Some(_) => return None,
        None => vec![yaml::insert_entry(text, spec, "selector", &new_selector)?],
    };
    let old = labels_to_string(&selector);
    let mut new_selector = selector.clone();
    new_selector.insert("istio".into(), label.clone());
    if new_selector.contains_key("app") {
        new_selector.insert("app".into(), name.clone());
    }
    let reference = bundle.resources[gateway.resource].reference();
    let nodeports = if pinned.is_empty() {
        String::new()
    } else {
        format!(
            " Node ports (static band, unused by any input): {}; clients that reached it on the old node ports must use these.",
            pinned.join(", ")
        )
    };
    // Verification ignores this one finding (see verify.rs); say so, so
    // that re-analysing the output holds no surprise.
    let partial_note = if bundle.model.workloads.is_empty() {
        format!(
            " The input has no gateway deployment, so this values file is the first one meshmend sees: analyzing the output also warns gateway-selector-no-workload [MM302] for the Gateways left on the shared pods (`{}`). That warning says the input is partial; it is not caused by this change.",
            labels_to_string(&workload.labels)
        )
    } else {
        String::new()
    };
    unit.changes.push(Change {
        rule: group.rule(),
        title: format!(
            "New gateway deployment {namespace}/{name} for Gateway {} ({path})",
            gateway.full_name()
        ),
        detail: format!(
            "Helm values for the istio/gateway chart: `helm install {name} istio/gateway -n {namespace} -f {file_name}`. Service type {service_type}, ports copied from {}.{nodeports}{secret_note} Point DNS for this Gateway's hosts at the new Service's address.{partial_note}",
            service.map_or_else(
                || "the Gateway's servers".to_string(),
                |s| format!("Service {}/{}", s.namespace, s.name.value)
            )
        ),
        resource: Some(reference.clone()),
    });
    unit.changes.push(Change {
        rule: group.rule(),
        title: format!(
            "Gateway {}: selector `{old}` → `{}`",
            gateway.full_name(),
            labels_to_string(&new_selector)
        ),
        detail: format!(
            "It now applies only to the new deployment, so istiod no longer merges it with the other Gateways of {}. VirtualService references are unchanged (same name and namespace).",
            workload.describe(bundle)
        ),
        resource: Some(reference),
    });
    unit.edits
        .extend(edits.into_iter().map(|e| (gateway.file, e)));
    unit.resources.push(gateway.resource);
    let mut labels = Labels::new();
    labels.insert("app".into(), name.clone());
    labels.insert("istio".into(), label);
    labels.extend(extra);
    unit.moved.push((
        gateway.full_name(),
        workload_key(Some(&bundle.options.default_namespace), &labels),
    ));
    Some(())
}

struct PortEntry {
    name: String,
    port: u32,
    target: u32,
    protocol: String,
    node_port: Option<i64>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the values file says where every value came from"
)]
fn values_file(
    gateway: &Gateway,
    workload: &GatewayWorkload,
    name: &str,
    label: &str,
    namespace: &str,
    service_type: &str,
    extra: &Labels,
    ports: &[PortEntry],
    file_name: &str,
    credentials: &[&str],
) -> String {
    let mut out = Block::default();
    out.comment(&format!(
        "Dedicated ingress gateway for Gateway {}, split off the gateway\ndeployment selected by `{}` by `meshmend fix --strategy isolate`.\nInstall it next to the existing one:\n  helm install {name} istio/gateway -n {namespace} -f {file_name}",
        gateway.full_name(),
        labels_to_string(&workload.labels)
    ));
    if !credentials.is_empty() {
        out.comment(&format!(
            "TLS Secret(s) that must exist in namespace {namespace}: {}",
            credentials.join(", ")
        ));
    }
    out.entry(0, "name", Scalar::Str(name))
        .open(0, "labels")
        .entry(2, "istio", Scalar::Str(label));
    for (k, v) in extra {
        out.entry(2, k, Scalar::Str(v));
    }
    out.open(0, "service")
        .entry(2, "type", Scalar::Str(service_type))
        .open(2, "ports");
    for port in ports {
        out.item(2, "name", Scalar::Str(&port.name))
            .entry(4, "port", Scalar::Int(port.port.into()))
            .entry(4, "protocol", Scalar::Str(&port.protocol))
            .entry(4, "targetPort", Scalar::Int(port.target.into()));
        if let Some(node_port) = port.node_port {
            out.entry(4, "nodePort", Scalar::Int(node_port));
        }
    }
    out.finish()
}
