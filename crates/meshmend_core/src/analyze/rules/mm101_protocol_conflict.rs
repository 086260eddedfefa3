//! MM101 `protocol-conflict`: servers on one listener whose protocols cannot
//! share it; istiod drops the newer one, or Envoy rejects the listener.

use std::collections::HashSet;

use crate::analyze::topology::{Nack, Outcome, Reject, describe};
use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// User documentation: What / Why / Example.
static DOCS: &str = r"## What it does
Simulates how istiod merges every Gateway that applies to one gateway
workload (selector ⊆ pod labels; ports resolved through the Service's
`targetPort`, so `80` and `8080` can be the same listener; oldest Gateway
first) and reports servers that end up on one listener (same workload,
resolved port and `bind`) with protocols that cannot share it:

- the first server on the port is plaintext `TCP` (or another opaque
  protocol): every later server on that port is dropped;
- the first server is plain `HTTP`/`HTTP2`/`GRPC`: a later `HTTPS`, `TLS`
  or `TCP` server is dropped (HTTP-family servers merge fine);
- the first server is `HTTPS`/`TLS` and a server without TLS follows
  (depends on the Istio release, `--istio-version`):
  - Istio 1.26.8+, 1.27.4+, 1.28.1+ and 1.29+ (istio/istio#57707): the
    first plain-text server *takes the port* — every newer `HTTPS`/`TLS`
    server on that port and bind is dropped (`conflict with existing
    server`; istio/istio#58700), newer plain-HTTP servers merge with it;
  - older releases (up to 1.26.7, 1.27.0–1.27.3, 1.28.0): istiod keeps
    *one* server without TLS next to the TLS servers and drops any further
    one;
- in either case, if a TLS server on that listener uses host `*` (no SNI
  to match on), its filter chain and the plaintext chain both match every
  connection and Envoy is expected to reject the whole listener.

## Why is this bad?
Nothing rejects the Gateway: both are admitted and every pod stays
`Running`. istiod logs `skipping server on gateway … conflict with existing
server` at Info level, counts `pilot_total_rejected_configs`, and the
newer Gateway's VirtualServices simply never receive traffic on that port.
Which side wins depends on `creationTimestamp`, so deleting and
re-applying the older Gateway silently flips the outcome. A rejected
listener (NACK) is worse: the proxy keeps its previous configuration for
the whole port, so later changes to *any* Gateway on it stop applying.

## Example
```yaml
kind: Gateway
metadata: {name: web, namespace: istio-system, creationTimestamp: 2024-01-01T00:00:00Z}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8443, name: http-alt, protocol: HTTP}
    hosts: [web.example.com]
---
kind: Gateway
metadata: {name: db, namespace: istio-system, creationTimestamp: 2024-02-01T00:00:00Z}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8443, name: tcp-db, protocol: TCP}   # dropped: port 8443 is plain HTTP
    hosts: ['*']
```

Istio equivalent: none (`istioctl analyze` reports IST0145 only when a
host string is identical, and never in file-only mode).
";

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct ProtocolConflict;

impl Rule for ProtocolConflict {
    fn code(&self) -> &'static str {
        "MM101"
    }

    fn name(&self) -> &'static str {
        "protocol-conflict"
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn summary(&self) -> &'static str {
        "Servers on one gateway listener use protocols that cannot share it; the newer one is dropped."
    }

    fn docs(&self) -> &'static str {
        DOCS
    }

    fn has_fix(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let bundle = cx.bundle;
        let topology = cx.topology();
        let mut seen = HashSet::new();
        for (listener, placed) in topology.problems() {
            let (other, dropped) = match &placed.outcome {
                // Duplicate TLS hosts are MM102; a duplicate HTTPS route name
                // means a duplicate port name in one Gateway (MM106).
                Outcome::Rejected {
                    reason: Reject::DuplicateTlsHost { .. },
                    ..
                } => continue,
                Outcome::Rejected {
                    reason: Reject::DuplicateRouteName { .. },
                    ..
                } if !placed.protocol.is_http() => continue,
                Outcome::Rejected { by, .. } => (*by, true),
                Outcome::NackRisk {
                    with,
                    reason: Nack::CatchAllWithPlaintext,
                } => (*with, false),
                _ => continue,
            };
            if !seen.insert((placed.server, other)) {
                continue; // same pair on another workload
            }
            let workload = topology.workload_of(listener);
            let servers: Vec<_> = std::iter::once(placed)
                .chain(topology.placement(listener, other))
                .collect();
            let on = describe::listener(bundle, workload, listener, &servers);
            let this = capitalize(&describe::server(bundle, placed.server));
            let that = describe::server(bundle, other);
            let (message, note) = match &placed.outcome {
                Outcome::Rejected {
                    reason: Reject::ProtocolConflict,
                    ..
                } if took_tls_port(listener, other, bundle) => (
                    format!(
                        "{this} is dropped: {that} came after the TLS servers of {on} and took \
                         it as plaintext {} (Istio {}: a plain-text server after TLS servers \
                         takes the port, istio/istio#57707), and istiod only merges \
                         HTTP-family servers onto a plaintext port",
                        protocol_of(cx, other),
                        cx.options.istio_version
                    ),
                    "istiod skips this server and every newer TLS server on this port and \
                     bind (Info log `skipping server on gateway … conflict with existing \
                     server`); Istio up to 1.26.7, 1.27.0–1.27.3 and 1.28.0 kept them as SNI \
                     filter chains, so this breaks on upgrade (istio/istio#58700).",
                ),
                Outcome::Rejected {
                    reason: Reject::ProtocolConflict,
                    ..
                } => (
                    format!(
                        "{this} is dropped: {that} already holds {on} as plaintext {}, and \
                         istiod only merges HTTP-family servers onto a plaintext port",
                        protocol_of(cx, other)
                    ),
                    "istiod skips this server (Info log `skipping server on gateway … conflict \
                     with existing server`, `pilot_total_rejected_configs` grows); its \
                     VirtualServices get no traffic on this port.",
                ),
                Outcome::Rejected {
                    reason: Reject::DuplicateRouteName { route },
                    ..
                } => (
                    format!(
                        "{this} is dropped: {on} starts with a TLS server, and route `{route}` \
                         is already taken there by {that}"
                    ),
                    "istiod skips this server (Info log `non unique port name for HTTPS \
                     port`); only the first plain-HTTP server joins a TLS-first port.",
                ),
                Outcome::Rejected { .. } => (
                    format!(
                        "{this} is dropped: {on} starts with a TLS server and {that} was already \
                         added next to it on this bind; istiod adds a server without TLS \
                         settings there only as the first addition"
                    ),
                    "istiod skips this server (Warn log `TLS server without TLS options`, \
                     `pilot_total_rejected_configs` grows).",
                ),
                _ => (
                    format!(
                        "{this} shares {on} with {that}, and one of them is a TLS server with \
                         host `*`: that filter chain has no SNI to match on, so it and the \
                         plaintext chain both match every connection"
                    ),
                    "istiod keeps both, but Envoy is expected to reject the whole listener \
                     (\"multiple filter chains with the same matching rules\") and keep its \
                     previous configuration for every server on this port.",
                ),
            };
            let gateway = placed.server.gateway(bundle);
            let related = if dropped {
                format!(
                    "{} keeps the port: {}",
                    protocol_of(cx, other),
                    describe::precedence(bundle, other, placed.server)
                )
            } else {
                format!("{} chain on the same listener", protocol_of(cx, other))
            };
            out.push(
                cx.diagnostic(
                    self,
                    gateway.resource,
                    describe::protocol_span(placed.server.resolve(bundle)),
                    message,
                )
                .related(
                    other.gateway(bundle).file,
                    describe::protocol_span(other.resolve(bundle)),
                    related,
                )
                .note(note)
                .help(
                    "move one of the servers to another port, or put one Gateway on its own \
                     gateway workload (`meshmend fix` can isolate it)",
                ),
            );
        }
    }
}

/// True when a TLS server comes before `plaintext` on `listener`: the
/// plaintext server took a TLS-first port (only releases with
/// `PLAINTEXT_AFTER_TLS_TAKES_PORT` reject anything because of that).
fn took_tls_port(
    listener: &crate::analyze::topology::Listener,
    plaintext: crate::analyze::topology::ServerRef,
    bundle: &crate::model::Bundle,
) -> bool {
    listener
        .servers
        .iter()
        .take_while(|s| s.server != plaintext)
        .any(|s| crate::analyze::topology::is_tls_server(s.server.resolve(bundle)))
}

fn protocol_of(cx: &Context<'_>, server: crate::analyze::topology::ServerRef) -> String {
    let spec = server.resolve(cx.bundle);
    spec.port
        .as_ref()
        .and_then(|p| p.protocol.as_ref())
        .map_or_else(|| "HTTP".to_string(), |p| p.value.to_ascii_uppercase())
}

/// Upper-cases the first letter of our own (ASCII) message text. ASCII on
/// purpose: `char::to_uppercase` links Unicode's case table (6 KB gz of wasm).
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        std::iter::once(first.to_ascii_uppercase())
            .chain(chars)
            .collect()
    })
}
