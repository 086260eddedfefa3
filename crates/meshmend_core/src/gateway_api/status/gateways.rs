//! Gateway and ListenerSet status (Istio's `GatewayCollection`,
//! `ListenerSetCollection` and `reportGatewayStatus`), and the listeners
//! routes may attach to.

use super::address::{self, gateway_services};
use super::class::{self, Controller};
use super::listeners::{self, Built, Merged, Owner};
use super::{Condition, ListenerStatus, ObjectStatus};
use crate::gateway_api::{Gateway, Inventory, Listener, ListenerSet};
use crate::model::{Bundle, Labels};
use crate::span::Span;

/// Something a route's parentRef can resolve to: one listener of a
/// Gateway or ListenerSet that Istio made a server for.
#[derive(Clone, Debug)]
pub struct Parent {
    /// `Gateway` or `ListenerSet`.
    pub kind: &'static str,
    /// Owner namespace.
    pub namespace: String,
    /// Owner name.
    pub name: String,
    /// Listener name (`sectionName`).
    pub section: String,
    /// Listener port.
    pub port: u32,
    /// Listener protocol.
    pub protocol: String,
    /// `namespace/host` entries (`~/host` when no namespace may attach).
    pub hosts: Vec<String>,
    /// `hostname` as written (empty when not written).
    pub hostname: String,
    /// Route kinds it takes: group, kind.
    pub allowed_kinds: Vec<(String, String)>,
    /// Where the listener is: file, span.
    pub file: usize,
    /// The listener.
    pub span: Span,
    /// Index of the owner's entry in the report.
    pub status_index: usize,
}

/// Gateway and ListenerSet statuses, appended to `out`; returns the parents.
pub fn predict(
    bundle: &Bundle,
    inventory: &Inventory,
    namespaces: &[(String, Labels)],
    out: &mut Vec<ObjectStatus>,
) -> Vec<Parent> {
    let mut parents = Vec::new();
    for gateway in &inventory.gateways {
        if let Some(controller) = class::resolve(inventory, &gateway.class_name.value) {
            gateway_status(
                bundle,
                inventory,
                namespaces,
                gateway,
                controller,
                out,
                &mut parents,
            );
        }
    }
    parents
}

/// ListenerSets whose parentRef names this Gateway (any kind), oldest first.
fn attached_sets<'a>(inventory: &'a Inventory, gateway: &Gateway) -> Vec<&'a ListenerSet> {
    let mut sets: Vec<&ListenerSet> = inventory
        .listener_sets
        .iter()
        .filter(|s| {
            s.parent_ref.as_ref().is_some_and(|p| {
                p.target.name.value == gateway.meta.name.value
                    && p.namespace_or(&s.meta.namespace) == gateway.meta.namespace
            })
        })
        .collect();
    crate::sort::by_key(&mut sets, |s| {
        (
            s.meta.creation_timestamp.clone().unwrap_or_default(),
            format!("{}/{}", s.meta.namespace, s.meta.name.value),
        )
    });
    sets
}

/// Does the Gateway's `allowedListeners` admit a ListenerSet from `namespace`?
fn listener_set_allowed(
    namespaces: &[(String, Labels)],
    gateway: &Gateway,
    namespace: &str,
) -> bool {
    gateway.allowed_listeners.as_ref().is_some_and(|allowed| {
        let labels = namespaces.iter().find(|(name, _)| name == namespace);
        allowed.admits_listener_set(namespace, &gateway.meta.namespace, labels.map(|(_, l)| l))
    })
}

fn is_gateway_parent(set: &ListenerSet) -> bool {
    set.parent_ref
        .as_ref()
        .is_some_and(|p| p.kind() == "Gateway" && p.group() == crate::gateway_api::GROUP)
}

/// A Gateway listener's port as written (0 when missing); never an error.
fn gateway_listener_port(listener: &Listener) -> (u32, Option<String>) {
    (listener.port.as_ref().map_or(0, |p| p.value), None)
}

fn listener_set_port(set_listener: &Listener) -> (u32, Option<String>) {
    match set_listener.port.as_ref().map(|p| p.value) {
        Some(port) if port != 0 => (port, None),
        _ => match set_listener.protocol.value.as_str() {
            "HTTP" => (80, None),
            "HTTPS" => (443, None),
            other => (
                0,
                Some(format!("protocol {other} requires a port to be set")),
            ),
        },
    }
}

fn gateway_status(
    bundle: &Bundle,
    inventory: &Inventory,
    namespaces: &[(String, Labels)],
    gateway: &Gateway,
    controller: Controller,
    out: &mut Vec<ObjectStatus>,
    parents: &mut Vec<Parent>,
) {
    let ns = gateway.meta.namespace.as_str();
    let gateway_index = out.len();
    let mut status = ObjectStatus::new(&gateway.meta, Some(ns));
    if controller == Controller::Unmanaged {
        status.conditions = vec![
            Condition::new("Accepted", true, "Accepted", "Resource accepted"),
            Condition::new(
                "Programmed",
                true,
                "Programmed",
                "This Gateway is remote; Istio will not program it",
            ),
        ];
        status.addresses = gateway
            .addresses
            .iter()
            .map(|a| {
                (
                    a.address_type.clone().unwrap_or_default(),
                    a.value.value.clone(),
                )
            })
            .collect();
        out.push(status);
        return;
    }
    let (services, mut gateway_error) = gateway_services(gateway, controller);
    // ListenerSets that take part: parent kind Gateway, namespace allowed.
    let sets = attached_sets(inventory, gateway);
    let eligible: Vec<&ListenerSet> = if controller.supports_listener_sets() {
        sets.iter()
            .copied()
            .filter(|s| listener_set_allowed(namespaces, gateway, &s.meta.namespace))
            .collect()
    } else {
        Vec::new()
    };
    let mut merged: Vec<Merged<'_>> = gateway
        .listeners
        .iter()
        .map(|l| Merged {
            owner: 0,
            listener: l,
            port: gateway_listener_port(l).0,
            file: gateway.meta.file,
        })
        .collect();
    for (i, set) in eligible.iter().enumerate() {
        for l in &set.listeners {
            merged.push(Merged {
                owner: i + 1,
                listener: l,
                port: listener_set_port(l).0,
                file: set.meta.file,
            });
        }
    }
    let scope = Scope {
        inventory,
        namespaces,
        gateway,
        conflicts: listeners::conflicts(&merged),
    };

    let hard_failure = services.is_empty() && gateway_error.is_some();
    let mut ports: Vec<u32> = Vec::new();
    let mut valid = 0;
    if !hard_failure {
        if gateway_error.is_none() {
            gateway_error = parameters_error(inventory, gateway);
        }
        let owner = Owner {
            kind: "Gateway",
            namespace: ns,
            controller,
        };
        status.listeners = scope.listeners(
            &owner,
            0,
            &gateway.listeners,
            gateway_listener_port,
            &mut |listener, port, built| {
                if built.ok {
                    valid += 1;
                }
                if built.has_server {
                    ports.push(port);
                    if controller == Controller::Gateway
                        || (controller == Controller::EastWest && port != 15008)
                    {
                        parents.push(parent(
                            "Gateway",
                            &gateway.meta,
                            listener,
                            port,
                            built,
                            gateway_index,
                        ));
                    }
                }
            },
        );
    }
    out.push(status);

    // ListenerSets: their own statuses, and their valid listeners' ports.
    let mut attached_sets_count = 0;
    for set in &sets {
        if !is_gateway_parent(set) {
            continue;
        }
        let set_index = out.len();
        let mut set_status = ObjectStatus::new(&set.meta, Some(&set.meta.namespace));
        if !controller.supports_listener_sets()
            || !listener_set_allowed(namespaces, gateway, &set.meta.namespace)
        {
            let message = if controller.supports_listener_sets() {
                "The parent Gateway does not allow this reference; check the 'spec.allowedRoutes'"
                    .to_string()
            } else {
                format!(
                    "The {:?} GatewayClass does not support ListenerSet",
                    gateway.class_name.value
                )
            };
            set_status.conditions = vec![
                Condition::new("Accepted", false, "NotAllowed", message.clone()),
                Condition::new("Programmed", false, "NotAllowed", message),
            ];
            out.push(set_status);
            continue;
        }
        let owner_number = 1 + eligible
            .iter()
            .position(|s| std::ptr::eq(*s, *set))
            .unwrap_or(0);
        let mut set_ports = Vec::new();
        let mut set_valid = 0;
        let parent_error = soft_address_error(gateway, controller);
        if !(services.is_empty() && gateway_error.is_some()) {
            let owner = Owner {
                kind: "ListenerSet",
                namespace: &set.meta.namespace,
                controller,
            };
            set_status.listeners = scope.listeners(
                &owner,
                owner_number,
                &set.listeners,
                listener_set_port,
                &mut |listener, port, built| {
                    if built.has_server && built.ok {
                        set_valid += 1;
                        set_ports.push(port);
                        parents.push(parent(
                            "ListenerSet",
                            &set.meta,
                            listener,
                            port,
                            built,
                            set_index,
                        ));
                    }
                },
            );
        }
        let valid_set = set_valid > 0 || (services.is_empty() && gateway_error.is_some());
        let mut accepted = Condition::new("Accepted", true, "Accepted", "Resource accepted");
        if let Some((reason, message)) = &parent_error {
            accepted = Condition::new(
                "Accepted",
                false,
                reason,
                format!("Parent not accepted: {message}"),
            );
        } else if !valid_set {
            accepted = Condition::new(
                "Accepted",
                false,
                "ListenersNotValid",
                "None of the ListenerSet's listeners are valid",
            );
        }
        let mut programmed = address::programmed(bundle, inventory, ns, &services, &set_ports);
        if !valid_set {
            programmed = Condition::new(
                "Programmed",
                false,
                "ListenersNotValid",
                "None of the ListenerSet's listeners are valid",
            );
        }
        set_status.conditions = vec![accepted, programmed];
        if set_valid > 0 {
            attached_sets_count += 1;
            ports.extend(set_ports);
        }
        out.push(set_status);
    }

    let status = &mut out[gateway_index];
    let mut accepted = Condition::new("Accepted", true, "Accepted", "Resource accepted");
    if let Some((reason, message)) = &gateway_error {
        accepted = Condition::new("Accepted", false, reason, message.clone());
    } else if !gateway.listeners.is_empty() && valid < gateway.listeners.len() {
        accepted = if valid == 0 {
            Condition::new(
                "Accepted",
                false,
                "ListenersNotValid",
                "None of the Gateway's listeners are valid",
            )
        } else {
            Condition::new(
                "Accepted",
                true,
                "ListenersNotValid",
                "One or more of the Gateway's listeners are invalid",
            )
        };
    }
    let mut programmed = address::programmed(bundle, inventory, ns, &services, &ports);
    if !programmed.status && programmed.reason == "AddressNotUsable" && address::is_managed(gateway)
    {
        // What Istio writes first; on a cluster its deployment controller
        // creates the Service and the condition turns True. Say so, so a
        // healthy automated Gateway does not read as broken.
        programmed.message.push_str(
            " (automated deployment: Istio's deployment controller creates this Service; \
             until it exists this is the status Istio writes, then Programmed turns True)",
        );
    }
    let resolved = match gateway
        .backend_client_certificate
        .as_ref()
        .map(|r| super::refs::check_client_certificate(inventory, ns, r))
    {
        Some(Err(e)) => Condition::new("ResolvedRefs", false, e.reason, e.message),
        _ => Condition::new(
            "ResolvedRefs",
            true,
            "ResolvedRefs",
            "All references resolved",
        ),
    };
    status.conditions = vec![accepted, programmed, resolved];
    if attached_sets_count > 0 {
        status.attached_listener_sets = Some(attached_sets_count);
    }
}

fn soft_address_error(gateway: &Gateway, controller: Controller) -> Option<(&'static str, String)> {
    gateway_services(gateway, controller).1
}

/// `spec.infrastructure.parametersRef` must name an existing ConfigMap.
fn parameters_error(inventory: &Inventory, gateway: &Gateway) -> Option<(&'static str, String)> {
    let params = gateway.infrastructure_parameters.as_ref()?;
    let group = params.group.as_deref().unwrap_or("");
    let kind = params.kind.as_deref().unwrap_or("");
    if kind != "ConfigMap" || !group.is_empty() {
        return Some((
            "InvalidParameters",
            format!(
                "Unsupported parametersRef group/kind {group}/{kind}, only ConfigMap is supported"
            ),
        ));
    }
    let ns = &gateway.meta.namespace;
    if inventory
        .cert_source("ConfigMap", ns, &params.name.value)
        .is_none()
    {
        return Some((
            "InvalidParameters",
            format!(
                "parametersRef ConfigMap {ns}/{} does not exist",
                params.name.value
            ),
        ));
    }
    None
}

/// What a route's parentRef can resolve to for one built listener; takes
/// the built listener's hostname matches.
fn parent(
    kind: &'static str,
    meta: &crate::gateway_api::Meta,
    listener: &Listener,
    port: u32,
    built: &mut Built,
    status_index: usize,
) -> Parent {
    Parent {
        kind,
        namespace: meta.namespace.clone(),
        name: meta.name.value.clone(),
        section: listener.name.value.clone(),
        port,
        protocol: listener.protocol.value.clone(),
        hosts: std::mem::take(&mut built.hosts),
        hostname: listener
            .hostname
            .as_ref()
            .map(|h| h.value.clone())
            .unwrap_or_default(),
        allowed_kinds: built.status.supported_kinds.clone(),
        file: meta.file,
        span: listener.anchor_span(),
        status_index,
    }
}

/// What the listeners of one Gateway and its ListenerSets are checked
/// against: the inventory, the namespaces, the Gateway (its frontend TLS
/// validation) and the listeners that lose a conflict.
struct Scope<'a> {
    inventory: &'a Inventory,
    namespaces: &'a [(String, Labels)],
    gateway: &'a Gateway,
    conflicts: Vec<listeners::Conflict>,
}

impl Scope<'_> {
    /// One owner's listener statuses, in order (the Gateway is owner 0, its
    /// ListenerSets 1 and up, as in [`Merged::owner`]): a listener that loses
    /// a conflict gets the conflicted status; the others are built and shown
    /// to `served` (which counts them and records parents) first.
    fn listeners(
        &self,
        owner: &Owner<'_>,
        owner_number: usize,
        entries: &[Listener],
        port_of: fn(&Listener) -> (u32, Option<String>),
        served: &mut dyn FnMut(&Listener, u32, &mut Built),
    ) -> Vec<ListenerStatus> {
        let mut statuses = Vec::new();
        for listener in entries {
            let conflict = self
                .conflicts
                .iter()
                .find(|c| c.owner == owner_number && c.index == listener.index);
            if let Some(c) = conflict {
                statuses.push(listeners::conflicted(listener, c.reason, c.winner));
                continue;
            }
            let (port, port_error) = port_of(listener);
            let frontend = self
                .gateway
                .frontend
                .as_ref()
                .and_then(|f| f.for_port(port));
            let mut built = listeners::build(
                self.inventory,
                self.namespaces,
                owner,
                listener,
                port,
                port_error,
                frontend,
            );
            served(listener, port, &mut built);
            statuses.push(built.status);
        }
        statuses
    }
}
