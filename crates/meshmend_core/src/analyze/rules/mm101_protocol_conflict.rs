//! MM101 `protocol-conflict`: servers on one listener whose protocols cannot
//! share it; istiod drops the newer one, or Envoy rejects the listener.

use crate::hash::HashSet;

use crate::analyze::Context;
use crate::analyze::topology::{Nack, Outcome, Reject, describe};
use crate::diagnostic::Diagnostic;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let bundle = cx.bundle;
    let topology = cx.topology();
    let mut seen = HashSet::default();
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
                &RULE,
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

rule! {
    code: "MM101",
    name: "protocol-conflict",
    severity: Error,
    category: Merge,
    summary: "Servers on one gateway listener use protocols that cannot share it; the newer one is dropped.",
    docs: "mm101_protocol_conflict.md",
    fixable: true,
}
