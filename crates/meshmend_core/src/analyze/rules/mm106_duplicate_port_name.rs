//! MM106 `duplicate-port-name`: a Gateway reuses a server port name (or a
//! server `name`).

use std::collections::HashMap;

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// User documentation: What / Why / Example.
static DOCS: &str = r"## What it does
Reports a server whose `port.name` another server of the same Gateway
already uses, and (as a warning) a server whose optional `name` repeats
another server's `name` in the same Gateway.

## Why is this bad?
Istio's admission webhook rejects the whole Gateway (`port names in
servers must be unique: duplicate name https`), so `kubectl apply` fails
and none of its servers are applied. Without the webhook (or from GitOps
tools that retry), the Gateway stays out of sync. HTTPS route names are
built from the port name, so istiod would also drop the second server.
Repeated server `name`s are admitted but istiod warns `Server name … is
not unique` and their listener statistics collide.

## Example
```yaml
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, credentialName: shop-tls}
  - port: {number: 443, name: https, protocol: HTTPS}   # copied: rename to https-blog
    hosts: [blog.example.com]
    tls: {mode: SIMPLE, credentialName: blog-tls}
```

Istio equivalent: none in `istioctl analyze` (schema validation rejects it
at admission).
";

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct DuplicatePortName;

impl Rule for DuplicatePortName {
    fn code(&self) -> &'static str {
        "MM106"
    }

    fn name(&self) -> &'static str {
        "duplicate-port-name"
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn summary(&self) -> &'static str {
        "A Gateway uses the same server port name twice; admission rejects the whole Gateway."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn has_fix(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for gateway in &cx.bundle.model.gateways {
            let mut ports = HashMap::new();
            let mut names = HashMap::new();
            for server in &gateway.servers {
                let port_name = server.port.as_ref().and_then(|p| p.name.as_ref());
                if let Some(name) = port_name.filter(|n| !n.value.is_empty()) {
                    if let Some(&(index, span)) = ports.get(name.value.as_str()) {
                        out.push(
                            cx.diagnostic(
                                self,
                                gateway.resource,
                                name.span,
                                format!(
                                    "port name `{}` is already used by server {} of Gateway {}; \
                                     admission rejects the whole Gateway, so none of its servers \
                                     are applied",
                                    name.value,
                                    index + 1,
                                    gateway.full_name()
                                ),
                            )
                            .related(gateway.file, span, "first used here")
                            .note(format!(
                                "Istio's validating webhook answers `port names in servers must \
                                 be unique: duplicate name {}` and `kubectl apply` fails",
                                name.value
                            ))
                            .help("give every server of the Gateway its own port name"),
                        );
                    } else {
                        ports.insert(name.value.as_str(), (server.index, name.span));
                    }
                }
                if let Some(name) = server.name.as_ref().filter(|n| !n.value.is_empty()) {
                    if let Some(&(index, span)) = names.get(name.value.as_str()) {
                        out.push(
                            cx.diagnostic(
                                self,
                                gateway.resource,
                                name.span,
                                format!(
                                    "server name `{}` is already used by server {} of Gateway \
                                     {}; istiod warns `Server name {} is not unique` and the \
                                     servers' listener statistics collide",
                                    name.value,
                                    index + 1,
                                    gateway.full_name(),
                                    name.value
                                ),
                            )
                            .severity(Severity::Warning)
                            .related(gateway.file, span, "first used here")
                            .help("give every server of the Gateway its own `name`"),
                        );
                    } else {
                        names.insert(name.value.as_str(), (server.index, name.span));
                    }
                }
            }
        }
    }
}
