//! References a Gateway or route makes to other objects: ReferenceGrants,
//! certificate and CA references, backends. Each check returns the
//! condition reason and message Istio writes when it fails.

use crate::gateway_api::model::{BackendRef, Listener, ObjectRef, Route};
use crate::gateway_api::{FrontendValidation, GROUP, Inventory};
use crate::model::Bundle;

/// Why a reference failed: the reason and message Istio writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefError {
    /// Condition reason (`RefNotPermitted`, `BackendNotFound`, …).
    pub reason: &'static str,
    /// Message.
    pub message: String,
}

fn err(reason: &'static str, message: String) -> RefError {
    RefError { reason, message }
}

/// Istio's wording for a certificate (`what`) reference it cannot use.
fn invalid_ref(reason: &'static str, what: &str, reference: &str, why: &str) -> RefError {
    err(
        reason,
        format!("invalid {what} reference {reference}, {why}"),
    )
}

/// Does a ReferenceGrant in `to_namespace` let `from` (group, kind,
/// namespace) refer to `to` (group, kind, name)?
pub fn granted(
    inventory: &Inventory,
    from: (&str, &str, &str),
    to: (&str, &str, &str),
    to_namespace: &str,
) -> bool {
    inventory
        .grants
        .iter()
        .filter(|g| g.meta.namespace == to_namespace)
        .any(|g| g.permits(from, to))
}

/// Checks a Terminate listener's certificateRefs and the Gateway's frontend
/// CA validation (Istio's `buildTLS`). `owner_kind` is `Gateway` or
/// `ListenerSet`; `namespace` is the owner's.
pub fn check_listener_tls(
    inventory: &Inventory,
    owner_kind: &str,
    namespace: &str,
    listener: &Listener,
    frontend: Option<&FrontendValidation>,
) -> Result<(), RefError> {
    let Some(tls) = &listener.tls else {
        return Ok(());
    };
    if tls.is_passthrough() {
        return Ok(());
    }
    let terminate_mode = tls
        .options
        .iter()
        .find(|(k, _)| k == "gateway.istio.io/tls-terminate-mode")
        .map(|(_, v)| v.as_str());
    if matches!(terminate_mode, Some("ISTIO_SIMPLE" | "ISTIO_MUTUAL")) {
        return Ok(());
    }
    if tls.certificate_refs.len() > 2 {
        return Err(err(
            "InvalidCertificateRef",
            "TLS mode can only support up to 2 server certificates".into(),
        ));
    }
    let mut valid = 0;
    let mut first_error: Option<RefError> = None;
    for cert in &tls.certificate_refs {
        let cert_ns = cert.namespace_or(namespace);
        let result = if cert_ns != namespace
            && !granted(
                inventory,
                (GROUP, owner_kind, namespace),
                ("", "Secret", &cert.name.value),
                cert_ns,
            ) {
            Err(err(
                "RefNotPermitted",
                format!(
                    "certificateRef {}/{cert_ns} not accessible to a Gateway in namespace {namespace:?} (missing a ReferenceGrant?)",
                    cert.name.value
                ),
            ))
        } else {
            check_secret(inventory, cert, cert_ns)
        };
        match result {
            Ok(()) => valid += 1,
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some(e);
                } else if let Some(first) = &mut first_error {
                    first.message.push_str("; ");
                    first.message.push_str(&e.message);
                }
            }
        }
    }
    if valid == 0 {
        if let Some(e) = first_error {
            return Err(e);
        }
        return Ok(());
    }
    if let Some(validation) = frontend.filter(|v| !v.ca_refs.is_empty()) {
        check_ca(inventory, owner_kind, namespace, validation)?;
    }
    Ok(())
}

fn check_secret(inventory: &Inventory, cert: &ObjectRef, cert_ns: &str) -> Result<(), RefError> {
    let name = cert.name.value.as_str();
    let invalid = |reference: &str, why: &str| {
        invalid_ref("InvalidCertificateRef", "certificate", reference, why)
    };
    let group = cert.group.as_deref().unwrap_or("");
    let kind = cert.kind.as_deref().unwrap_or("Secret");
    if !group.is_empty() || kind != "Secret" {
        return Err(invalid(
            &format!("{group}/{kind}/{name}"),
            "only secret is allowed",
        ));
    }
    match inventory.cert_source("Secret", cert_ns, name) {
        None => Err(invalid(name, &format!("secret {cert_ns}/{name} not found"))),
        Some(source) if !source.key_pair => Err(invalid(name, "the certificate is malformed")),
        Some(_) => Ok(()),
    }
}

fn check_ca(
    inventory: &Inventory,
    owner_kind: &str,
    namespace: &str,
    validation: &FrontendValidation,
) -> Result<(), RefError> {
    if validation.ca_refs.len() > 1 {
        return Err(err(
            "InvalidCACertificateRef",
            "only one caCertificateRef is supported".into(),
        ));
    }
    let ca = &validation.ca_refs[0];
    let name = ca.name.value.as_str();
    let ca_ns = ca.namespace_or(namespace);
    let group = ca.group.as_deref().unwrap_or("");
    let kind = ca.kind.as_deref().unwrap_or("");
    let kind = match (group, kind) {
        ("", "ConfigMap") => "ConfigMap",
        ("", "Secret") => "Secret",
        _ => {
            return Err(invalid_ref(
                "InvalidCACertificateKind",
                "CA certificate",
                &format!("{group}/{kind}/{name}"),
                "only secret and configmap are allowed",
            ));
        }
    };
    if ca_ns != namespace
        && !granted(
            inventory,
            (GROUP, owner_kind, namespace),
            ("", kind, name),
            ca_ns,
        )
    {
        return Err(err(
            "RefNotPermitted",
            format!(
                "caCertificateRef {ca_ns}/{name} not accessible to a Gateway in namespace {namespace:?} (missing a ReferenceGrant?)"
            ),
        ));
    }
    let invalid = |why: &str| invalid_ref("InvalidCACertificateRef", "CA certificate", name, why);
    match inventory.cert_source(kind, ca_ns, name) {
        None => Err(invalid(&format!(
            "{} {ca_ns}/{name} not found",
            kind.to_ascii_lowercase()
        ))),
        Some(source) if !source.has_ca => Err(invalid("no CA certificate (ca.crt) found")),
        Some(source) if !source.ca_pem => Err(invalid("the bundle is malformed")),
        Some(_) => Ok(()),
    }
}

/// A backend's problem, and whether it is hard (the whole route is
/// dropped) or soft (the backend answers 500, other backends still work).
pub struct BackendProblem {
    /// Reason and message.
    pub error: RefError,
    /// Index into the route's `backend_refs`.
    pub index: usize,
}

/// The error Istio reports in a route's `ResolvedRefs`: the last backend
/// problem, in rule order, as `convertHTTPRoute` keeps it.
pub fn route_backend_error(
    bundle: &Bundle,
    inventory: &Inventory,
    route: &Route,
    enforce_grants: bool,
) -> Option<BackendProblem> {
    let mut last = None;
    for (index, backend) in route.backend_refs.iter().enumerate() {
        if backend.weight == 0 && !backend.mirror {
            continue;
        }
        if let Some(error) = backend_error(bundle, inventory, route, backend, enforce_grants) {
            let hard = error.reason == "InvalidDestination";
            last = Some(BackendProblem { error, index });
            if hard {
                break;
            }
        }
    }
    last
}

/// Checks one backendRef (Istio's `buildDestination`). Mesh (GAMMA)
/// parents do not enforce ReferenceGrants (`enforce_grants: false`).
pub fn backend_error(
    bundle: &Bundle,
    inventory: &Inventory,
    route: &Route,
    backend: &BackendRef,
    enforce_grants: bool,
) -> Option<RefError> {
    let target = &backend.target;
    let route_ns = route.meta.namespace.as_str();
    let group = target.group.as_deref().unwrap_or("");
    let kind = target.kind.as_deref().unwrap_or("Service");
    let name = target.name.value.as_str();
    if let Some(to_ns) = target.namespace.as_ref().map(|n| n.value.as_str())
        && enforce_grants
        && to_ns != route_ns
        && !granted(
            inventory,
            (GROUP, route.kind.as_str(), route_ns),
            (group, kind, name),
            to_ns,
        )
    {
        return Some(err(
            "RefNotPermitted",
            format!(
                "backendRef {name}/{to_ns} not accessible to a {} in namespace {route_ns:?} (missing a ReferenceGrant?)",
                route.kind.as_str()
            ),
        ));
    }
    let namespace = target.namespace_or(route_ns);
    let not_found =
        |host: String| Some(err("BackendNotFound", format!("backend({host}) not found")));
    let soft = match (group, kind) {
        ("", "Service") | ("multicluster.x-k8s.io", "ServiceImport") => {
            if name.contains('.') {
                return Some(err(
                    "InvalidDestination",
                    "service name invalid; the name of the Service must be used, not the hostname."
                        .into(),
                ));
            }
            let exists = bundle
                .model
                .services
                .iter()
                .any(|s| s.name.value == name && s.namespace == namespace);
            if exists {
                None
            } else {
                not_found(format!("{name}.{namespace}.svc.cluster.local"))
            }
        }
        ("networking.istio.io", "Hostname") => {
            if target.namespace.is_some() {
                return Some(err(
                    "InvalidDestination",
                    "namespace may not be set with Hostname type".into(),
                ));
            }
            if host_known(bundle, inventory, name, namespace) {
                None
            } else {
                not_found(name.to_string())
            }
        }
        ("inference.networking.k8s.io", "InferencePool") => {
            // Istio creates the pool's shadow Service itself: the pool is enough.
            if name.contains('.') {
                return Some(err(
                    "InvalidDestination",
                    "InferencePool.Name invalid; the name of the InferencePool must be used, not the hostname.".into(),
                ));
            }
            let exists = bundle.resources.iter().any(|r| {
                r.kind.value == "InferencePool"
                    && r.api_version.starts_with("inference.networking.")
                    && r.name.value == name
                    && r.namespace == namespace
            });
            if !exists {
                return Some(err("BackendNotFound", format!("backend({name}) not found")));
            }
            // Its shadow Service, `<pool>-ip-<hash>`, must be known.
            let prefix = format!("{name}-ip-");
            let shadow = bundle
                .model
                .services
                .iter()
                .any(|s| s.namespace == namespace && s.name.value.starts_with(&prefix));
            return (!shadow).then(|| {
                err(
                    "BackendNotFound",
                    format!("backend({name}-ip.{namespace}.svc.cluster.local) not found"),
                )
            });
        }
        ("gateway.networking.x-k8s.io", "XBackend") => {
            let Some(resource) = bundle.resources.iter().find(|r| {
                r.kind.value == "XBackend" && r.name.value == name && r.namespace == namespace
            }) else {
                return Some(err("BackendNotFound", format!("backend({name}) not found")));
            };
            let node = bundle.node(resource);
            if node
                .path(&["spec", "type"])
                .and_then(crate::model::tree::NodeRef::as_str)
                != Some("ExternalHostname")
            {
                return Some(err(
                    "InvalidKind",
                    format!("backend({name}) type: expected ExternalHostname"),
                ));
            }
            let port = node
                .path(&["spec", "port", "port"])
                .and_then(crate::model::tree::NodeRef::as_i64);
            if let Some(want) = backend.port.as_ref().map(|p| i64::from(p.value))
                && Some(want) != port
            {
                return Some(err(
                    "BackendNotFound",
                    format!("backend({name}) does not expose port {want}"),
                ));
            }
            return None;
        }
        _ => {
            return Some(err(
                "InvalidKind",
                format!("referencing unsupported backendRef: group {group:?} kind {kind:?}"),
            ));
        }
    };
    if backend.port.is_none() {
        return Some(err(
            "InvalidDestination",
            "port is required in backendRef".into(),
        ));
    }
    soft
}

/// Is `host` a service Istio knows in `namespace`: a Service's
/// `name.namespace.svc.*` name, or a ServiceEntry host there?
pub fn host_known(bundle: &Bundle, inventory: &Inventory, host: &str, namespace: &str) -> bool {
    if let Some((name, ns)) = service_host(host) {
        return ns == namespace
            && bundle
                .model
                .services
                .iter()
                .any(|s| s.name.value == name && s.namespace == ns);
    }
    inventory
        .service_entries
        .iter()
        .any(|e| e.namespace == namespace && e.hosts.iter().any(|h| h == host))
}

/// `name.namespace.svc.<suffix>` → (name, namespace).
pub fn service_host(host: &str) -> Option<(&str, &str)> {
    let mut parts = host.splitn(4, '.');
    let name = parts.next()?;
    let ns = parts.next()?;
    (parts.next()? == "svc").then_some((name, ns))
}

/// `spec.tls.backend.clientCertificateRef` of a Gateway (Istio's
/// `validateBackendClientCertificateRef`).
pub fn check_client_certificate(
    inventory: &Inventory,
    namespace: &str,
    reference: &ObjectRef,
) -> Result<(), RefError> {
    let group = reference.group.as_deref().unwrap_or("");
    let kind = reference.kind.as_deref().unwrap_or("Secret");
    let name = &reference.name.value;
    if !group.is_empty() || kind != "Secret" {
        return Err(err(
            "InvalidClientCertificateRef",
            format!("invalid clientCertificateRef {group}/{kind}/{name}, only secret is allowed"),
        ));
    }
    let cert_ns = reference.namespace_or(namespace);
    match inventory.cert_source("Secret", cert_ns, name) {
        None => {
            return Err(err(
                "InvalidClientCertificateRef",
                format!("invalid clientCertificateRef {name}, secret {cert_ns}/{name} not found"),
            ));
        }
        Some(source) if !source.key_pair => {
            return Err(err(
                "InvalidClientCertificateRef",
                format!("invalid clientCertificateRef {name}, the certificate is malformed"),
            ));
        }
        Some(_) => {}
    }
    if cert_ns != namespace
        && !granted(
            inventory,
            (GROUP, "Gateway", namespace),
            ("", "Secret", name),
            cert_ns,
        )
    {
        return Err(err(
            "RefNotPermitted",
            format!(
                "clientCertificateRef {name}/{cert_ns} not accessible to a Gateway in namespace {namespace:?} (missing a ReferenceGrant?)"
            ),
        ));
    }
    Ok(())
}
