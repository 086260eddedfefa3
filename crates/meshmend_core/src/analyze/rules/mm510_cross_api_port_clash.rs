//! MM510 `cross-api-port-clash`: a Gateway API listener (manual
//! deployment) and an Istio Gateway server land on the same port of the
//! same pods, and istiod's merge drops one of them, or Envoy rejects the
//! listener. Neither API's status says so.

use crate::hash::HashSet;

use crate::analyze::Context;
use crate::analyze::topology::gateway_api::{CrossApi, Side};
use crate::analyze::topology::{Listener, Nack, Outcome, Reject, ServerRef, describe};
use crate::diagnostic::Diagnostic;
use crate::model::{Bundle, Server};
use crate::span::Span;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let topology = cx.topology();
    let cross = &topology.gateway_api;
    let mut seen = HashSet::default();
    for listener in &cross.listeners {
        for placed in &listener.servers {
            let (other, dropped) = match &placed.outcome {
                Outcome::Rejected { by, .. } => (*by, true),
                Outcome::NackRisk { with, .. } => (*with, false),
                _ => continue,
            };
            let (this_side, that_side) = (cross.side(placed.server), cross.side(other));
            match (this_side, that_side) {
                // Istio against Istio is MM1xx's.
                (Side::Istio(_), Side::Istio(_)) => continue,
                // One Gateway and its ListenerSets: the Gateway API status
                // reports that conflict (`Conflicted`) itself.
                (Side::GatewayApi(a), Side::GatewayApi(b)) if a.parent == b.parent => continue,
                _ => {}
            }
            if !seen.insert((placed.server, other)) {
                continue; // same pair on another workload
            }
            out.push(finding(
                cx,
                cross,
                listener,
                placed.server,
                other,
                &placed.outcome,
                dropped,
            ));
        }
    }
}

fn finding(
    cx: &Context<'_>,
    cross: &CrossApi,
    listener: &Listener,
    this: ServerRef,
    other: ServerRef,
    outcome: &Outcome,
    dropped: bool,
) -> Diagnostic {
    let bundle = cx.bundle;
    let workload = cx.topology().workload_of(listener);
    let on = format!(
        "listener {} of {}",
        listener.name(),
        workload.describe(bundle)
    );
    let this_name = side_name(cross, bundle, this);
    let that_name = side_name(cross, bundle, other);
    let (this_spec, that_spec) = (spec(cross, bundle, this), spec(cross, bundle, other));
    let (message, this_span, that_span) = match outcome {
        Outcome::Rejected {
            reason: Reject::DuplicateTlsHost { hosts },
            ..
        } => (
            format!(
                "{this_name} is dropped: {} already served over TLS by {that_name} on {on}",
                host_words(hosts)
            ),
            host_span(cross, bundle, this, &hosts[0]),
            host_span(cross, bundle, other, &hosts[0]),
        ),
        Outcome::Rejected {
            reason: Reject::ProtocolConflict,
            ..
        } => (
            format!(
                "{this_name} is dropped: {that_name} already holds {on} as plaintext {}, \
                 and istiod only merges HTTP-family servers onto a plaintext port",
                protocol(that_spec)
            ),
            describe::protocol_span(this_spec),
            describe::protocol_span(that_spec),
        ),
        Outcome::Rejected { .. } => (
            format!(
                "{this_name} is dropped: {on} starts with a TLS server and {that_name} \
                 already took the one plain-text slot next to it"
            ),
            describe::protocol_span(this_spec),
            describe::protocol_span(that_spec),
        ),
        Outcome::NackRisk {
            reason: Nack::DuplicateSni { sni },
            ..
        } => (
            format!(
                "{this_name} and {that_name} both become a TLS filter chain for SNI `{sni}` \
                 on {on}: Envoy is expected to reject the whole listener"
            ),
            host_span(cross, bundle, this, sni),
            host_span(cross, bundle, other, sni),
        ),
        Outcome::NackRisk { .. } => (
            format!(
                "{this_name} shares {on} with {that_name}, and one of them is a TLS chain \
                 with no SNI to match next to a plain-text chain: Envoy is expected to \
                 reject the whole listener"
            ),
            describe::protocol_span(this_spec),
            describe::protocol_span(that_spec),
        ),
        _ => unreachable!("only rejected and NACK-risk servers are reported"),
    };
    let related = if dropped {
        format!("keeps the port: {}", precedence(cross, bundle, other, this))
    } else {
        "the other filter chain on the same listener".to_string()
    };
    let mut note = String::from(
        "Both APIs' objects are admitted and their status shows no error: a Gateway API \
         listener in manual deployment (`spec.addresses` names the Service) is merged \
         with the Istio Gateways on the same pods as an internal Gateway ",
    );
    note.push_str(&format!(
        "`{}`, ordered by creationTimestamp, then name, then namespace. ",
        cross_name(
            cross,
            bundle,
            if matches!(cross.side(this), Side::GatewayApi(_)) {
                this
            } else {
                other
            }
        )
    ));
    note.push_str(if !dropped {
        "Envoy refuses the listener update and keeps serving its previous configuration \
         on this port, for every server."
    } else if matches!(cross.side(this), Side::GatewayApi(_)) {
        "istiod skips the dropped listener (log `skipping server on gateway …`, \
         `pilot_total_rejected_configs` grows): its routes get no traffic on this port \
         (404, or `NR filter_chain_not_found`), while its status still says `Programmed`."
    } else {
        "istiod skips the dropped Istio server (log `skipping server on gateway …`, \
         `pilot_total_rejected_configs` grows): its VirtualServices get no traffic on \
         this port, and nothing in either API's status says so."
    });
    let (resource, _) = owner(cross, bundle, this);
    let (_, other_file) = owner(cross, bundle, other);
    cx.diagnostic(&RULE, resource, this_span, message)
        .related(other_file, that_span, related)
        .note(note)
        .help(
            "move the Gateway API listener to a port the Istio Gateways do not use on this \
             Service, or give the Gateway API Gateway its own deployment (drop \
             `spec.addresses`: automated deployment)",
        )
}

/// "listener `https` (port 443, HTTPS) of Gateway API Gateway ns/web" or
/// "server 2 (port 443 `https`, HTTPS) of Gateway ns/prod".
fn side_name(cross: &CrossApi, bundle: &Bundle, server: ServerRef) -> String {
    match cross.side(server) {
        Side::GatewayApi(converted) => converted.describe(),
        Side::Istio(server) => format!("Istio {}", describe::server(bundle, server)),
    }
}

fn spec<'a>(cross: &'a CrossApi, bundle: &'a Bundle, server: ServerRef) -> &'a Server {
    &cross.gateway(bundle, server).servers[server.server]
}

/// (resource, file) of the object that declares `server`.
fn owner(cross: &CrossApi, bundle: &Bundle, server: ServerRef) -> (usize, usize) {
    let gateway = cross.gateway(bundle, server);
    (gateway.resource, gateway.file)
}

/// The (internal) Istio Gateway name istiod logs for `server`.
fn cross_name(cross: &CrossApi, bundle: &Bundle, server: ServerRef) -> String {
    cross.gateway(bundle, server).full_name()
}

fn protocol(spec: &Server) -> String {
    spec.port
        .as_ref()
        .and_then(|p| p.protocol.as_ref())
        .map_or_else(|| "HTTP".to_string(), |p| p.value.to_ascii_uppercase())
}

fn host_words(hosts: &[String]) -> String {
    format!(
        "{} {} {}",
        if hosts.len() == 1 { "host" } else { "hosts" },
        describe::list(hosts),
        if hosts.len() == 1 { "is" } else { "are" }
    )
}

/// Span of the host of `server` that normalises to `wanted` (or whose SNI
/// name is `wanted`), else of its port.
fn host_span(cross: &CrossApi, bundle: &Bundle, server: ServerRef, wanted: &str) -> Span {
    let gateway = cross.gateway(bundle, server);
    let spec = &gateway.servers[server.server];
    describe::host(spec, &gateway.namespace, |h| {
        h == wanted || crate::analyze::topology::sni_name(h) == wanted
    })
    .map_or_else(|| spec.anchor_span(), |h| h.span)
}

/// Why `winner` is merged before `loser`: istiod sorts every Gateway, the
/// internal ones included, by creationTimestamp, then name, then namespace.
fn precedence(cross: &CrossApi, bundle: &Bundle, winner: ServerRef, loser: ServerRef) -> String {
    let (w, l) = (cross.gateway(bundle, winner), cross.gateway(bundle, loser));
    match (&w.creation_timestamp, &l.creation_timestamp) {
        (Some(a), Some(b)) if a != b => format!("it is older ({a} < {b})"),
        (Some(_), None) | (None, Some(_)) => "it sorts first (an object without a \
             creationTimestamp gets one when it is applied, so the order then depends on \
             which is created first)"
            .to_string(),
        _ if w.name.value != l.name.value => format!(
            "same creation time, and istiod's name `{}` sorts before `{}`",
            w.name.value, l.name.value
        ),
        _ => format!(
            "same creation time and name, and namespace `{}` sorts before `{}`",
            w.namespace, l.namespace
        ),
    }
}

rule! {
    code: "MM510",
    name: "cross-api-port-clash",
    severity: Error,
    category: Merge,
    summary: "A Gateway API listener and an Istio Gateway server share a port on the same gateway pods; istiod drops one of them.",
    docs: "mm510_cross_api_port_clash.md",
    fixable: true,
}
