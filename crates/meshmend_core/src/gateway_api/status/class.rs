//! Which controller handles a Gateway: the class it names, resolved the
//! way Istio's `FetchGatewayClass` does (a GatewayClass object first, then
//! the built-in class names), and the GatewayClass status Istio writes.

use super::{Condition, ObjectStatus};
use crate::gateway_api::Inventory;

/// The controllers Istio runs (feature defaults of Istio 1.27–1.29).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Controller {
    /// `istio.io/gateway-controller`: ingress/egress gateways.
    Gateway,
    /// `istio.io/unmanaged-gateway`: remote gateways (`istio-remote`).
    Unmanaged,
    /// `istio.io/mesh-controller`: ambient waypoints.
    Mesh,
    /// `istio.io/eastwest-controller`: ambient east-west gateways.
    EastWest,
}

/// The built-in class names that resolve without a GatewayClass object.
const BUILTIN: &[(&str, Controller)] = &[
    ("istio", Controller::Gateway),
    ("istio-remote", Controller::Unmanaged),
    ("istio-waypoint", Controller::Mesh),
    ("istio-east-west", Controller::EastWest),
];

impl Controller {
    /// The controller with this `controllerName`, if it is Istio's.
    pub fn from_name(name: &str) -> Option<Controller> {
        match name {
            "istio.io/gateway-controller" => Some(Controller::Gateway),
            "istio.io/unmanaged-gateway" => Some(Controller::Unmanaged),
            "istio.io/mesh-controller" => Some(Controller::Mesh),
            "istio.io/eastwest-controller" => Some(Controller::EastWest),
            _ => None,
        }
    }

    /// Only the gateway controller merges ListenerSets.
    pub fn supports_listener_sets(self) -> bool {
        self == Controller::Gateway
    }

    /// Waypoint and east-west deployments are named after the Gateway alone.
    pub fn disables_name_suffix(self) -> bool {
        matches!(self, Controller::Mesh | Controller::EastWest)
    }
}

/// The controller of a class name, when Istio owns it.
pub fn resolve(inventory: &Inventory, class_name: &str) -> Option<Controller> {
    match inventory
        .classes
        .iter()
        .find(|c| c.meta.name.value == class_name)
    {
        Some(class) => Controller::from_name(&class.controller_name.value),
        None => BUILTIN
            .iter()
            .find(|(name, _)| *name == class_name)
            .map(|(_, c)| *c),
    }
}

/// `Accepted` on every GatewayClass whose controller is Istio's.
pub fn class_statuses(inventory: &Inventory, out: &mut Vec<ObjectStatus>) {
    for class in &inventory.classes {
        if Controller::from_name(&class.controller_name.value).is_none() {
            continue;
        }
        let mut status = ObjectStatus::new(&class.meta, None);
        status.conditions.push(Condition::new(
            "Accepted",
            true,
            "Accepted",
            "Handled by Istio controller",
        ));
        out.push(status);
    }
}
