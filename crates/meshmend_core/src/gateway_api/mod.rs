//! The Kubernetes Gateway API as Istio implements it: typed views of the
//! objects ([`model`]) and the status istiod would write on them
//! ([`status`]), predicted offline.
//!
//! Sits above [`crate::model`] (it reads the bundle's resources and
//! Services) and below the analyze rules that report what the status
//! means for traffic.

pub mod inventory;
pub mod model;
pub mod status;

pub use inventory::Inventory;
pub use model::{
    Address, AllowedNamespaces, BackendRef, CertSource, ForeignParent, FrontendTls,
    FrontendValidation, GROUP, Gateway, GatewayClass, LabelSelector, Listener, ListenerSet,
    ListenerTls, Meta, Namespace, ObjectRef, ParentRef, ReferenceGrant, Route, RouteGroupKind,
    RouteKind, ServiceEntryHosts, X_GROUP, is_gateway_api,
};
