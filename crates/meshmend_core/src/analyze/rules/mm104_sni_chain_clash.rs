//! MM104 `sni-chain-clash`: different host strings on TLS servers of one
//! listener that become the same SNI match; Envoy rejects the listener.

use crate::hash::HashSet;

use crate::analyze::Context;
use crate::analyze::topology::{Nack, Outcome, describe, sni_name};
use crate::diagnostic::Diagnostic;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let bundle = cx.bundle;
    let topology = cx.topology();
    let mut seen = HashSet::default();
    for (listener, placed) in topology.problems() {
        let Outcome::NackRisk {
            reason: Nack::DuplicateSni { sni },
            with,
        } = &placed.outcome
        else {
            continue;
        };
        if !seen.insert((placed.server, *with)) {
            continue;
        }
        let with = *with;
        let workload = topology.workload_of(listener);
        let servers: Vec<_> = std::iter::once(placed)
            .chain(topology.placement(listener, with))
            .collect();
        let gateway = placed.server.gateway(bundle);
        let this_spec = placed.server.resolve(bundle);
        let that_spec = with.resolve(bundle);
        let this_host = describe::host(this_spec, &gateway.namespace, |h| sni_name(h) == sni);
        let that_host = describe::host(that_spec, &with.gateway(bundle).namespace, |h| {
            sni_name(h) == sni
        });
        let written = |h: Option<&crate::span::Spanned<String>>| {
            h.map_or_else(|| sni.clone(), |h| h.value.clone())
        };
        let message = format!(
            "host `{}` is a different string from `{}` of {}, so istiod keeps both TLS \
             servers, but both become SNI `{sni}` on {}: Envoy rejects the whole listener",
            written(this_host),
            written(that_host),
            describe::server(bundle, with),
            describe::listener(bundle, workload, listener, &servers),
        );
        out.push(
            cx.diagnostic(
                &RULE,
                gateway.resource,
                this_host.map_or_else(|| this_spec.anchor_span(), |h| h.span),
                message,
            )
            .related(
                with.gateway(bundle).file,
                that_host.map_or_else(|| that_spec.anchor_span(), |h| h.span),
                format!("the other filter chain matching SNI `{sni}`"),
            )
            .note(format!(
                "istiod strips the `namespace/` prefix when it builds SNI matches; Envoy \
                 answers \"multiple filter chains with the same matching rules are defined\", \
                 keeps its previous configuration for port {}, and ignores every later change \
                 to any Gateway there (the listener shows as NACKed in `istioctl proxy-status`).",
                placed.port
            ))
            .help(format!(
                "serve `{sni}` from one server: drop it from this one (VirtualServices in \
                 other namespaces can still bind through `*/{sni}` on the remaining server), \
                 or move one Gateway to its own gateway workload"
            )),
        );
    }
}

rule! {
    code: "MM104",
    name: "sni-chain-clash",
    severity: Error,
    category: Merge,
    summary: "Different hosts on one TLS listener become the same SNI match; Envoy rejects the listener.",
    docs: "mm104_sni_chain_clash.md",
    fixable: true,
}
