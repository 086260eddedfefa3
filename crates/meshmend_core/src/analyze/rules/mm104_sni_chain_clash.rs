//! MM104 `sni-chain-clash`: different host strings on TLS servers of one
//! listener that become the same SNI match; Envoy rejects the listener.

use std::collections::HashSet;

use crate::analyze::topology::{Nack, Outcome, describe, sni_name};
use crate::analyze::{Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};

/// User documentation: What / Why / Example.
static DOCS: &str = r"## What it does
Reports TLS servers (`HTTPS` or `TLS`, not passthrough) on one listener
(same workload, resolved port and `bind`) whose hosts are *different
strings* but the *same server name*: `ns1/foo.example.com` and
`ns2/foo.example.com`, or `./foo.example.com` and `foo.example.com`.

## Why is this bad?
istiod's duplicate-host check compares host strings, so it keeps both
servers. When it builds the filter chains it strips the `namespace/`
prefix, and both chains match the same SNI. Envoy refuses the whole
listener update (`multiple filter chains with the same matching rules are
defined`): the gateway keeps serving its previous configuration on that
port, and every later change to any Gateway there silently stops applying
(`istioctl proxy-status` shows the listener as NACKed).

## Example
```yaml
kind: Gateway
metadata: {name: shop, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [./www.example.com]            # shop/www.example.com
    tls: {mode: SIMPLE, credentialName: www-tls}
---
kind: Gateway
metadata: {name: blog, namespace: blog}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [blog/www.example.com]         # same SNI: www.example.com
    tls: {mode: SIMPLE, credentialName: www-tls}
```

Istio equivalent: none (IST0145 compares the strings, which differ).
";

/// See [`DOCS`].
#[derive(Debug)]
pub(crate) struct SniChainClash;

impl Rule for SniChainClash {
    fn code(&self) -> &'static str {
        "MM104"
    }

    fn name(&self) -> &'static str {
        "sni-chain-clash"
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn summary(&self) -> &'static str {
        "Different hosts on one TLS listener become the same SNI match; Envoy rejects the listener."
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
                    self,
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
}
