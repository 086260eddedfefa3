//! MM102 `duplicate-tls-host`: two TLS servers of one listener list the same
//! host string; istiod drops the newer server entirely.

use crate::hash::HashSet;

use crate::analyze::Context;
use crate::analyze::topology::{Outcome, Reject, describe};
use crate::diagnostic::Diagnostic;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let bundle = cx.bundle;
    let topology = cx.topology();
    let mut seen = HashSet::default();
    for (listener, placed) in topology.problems() {
        let Outcome::Rejected {
            reason: Reject::DuplicateTlsHost { hosts },
            by,
        } = &placed.outcome
        else {
            continue;
        };
        if !seen.insert((placed.server, *by)) {
            continue; // same pair on another workload
        }
        let by = *by;
        let workload = topology.workload_of(listener);
        let servers: Vec<_> = std::iter::once(placed)
            .chain(topology.placement(listener, by))
            .collect();
        let gateway = placed.server.gateway(bundle);
        let spec = placed.server.resolve(bundle);
        let first = hosts[0].as_str();
        let span = describe::host_span(bundle, placed.server, |h| h == first);
        let duplicated: HashSet<&str> = hosts.iter().map(String::as_str).collect();
        let collateral: Vec<&str> = placed
            .hosts
            .iter()
            .map(String::as_str)
            .filter(|h| !duplicated.contains(h))
            .collect();
        let mut message = format!(
            "{} {} {} already served over TLS by {} on {}; istiod drops this entire server",
            if hosts.len() == 1 { "host" } else { "hosts" },
            describe::list(hosts),
            if hosts.len() == 1 { "is" } else { "are" },
            describe::server(bundle, by),
            describe::listener(bundle, workload, listener, &servers),
        );
        if collateral.is_empty() {
            message.push('.');
        } else {
            message.push_str(&format!(
                ", so {} {} not served on port {} either.",
                describe::list(&collateral),
                if collateral.len() == 1 { "is" } else { "are" },
                placed.port
            ));
        }
        let redirect = spec.tls.as_ref().is_some_and(|t| t.https_redirect)
            && !crate::analyze::topology::is_tls_server(spec);
        let mut note = format!(
            "istiod logs `skipping server on gateway {}, duplicate host names: [{}]` \
             (Warn) and counts it in `pilot_total_rejected_configs`; the Gateway itself \
             is admitted and shows no error.",
            gateway.full_name(),
            if hosts.len() > 5 {
                format!("{} …", hosts[..5].join(" "))
            } else {
                hosts.join(" ")
            }
        );
        if redirect {
            note.push_str(
                " A plain-HTTP server with `tls.httpsRedirect` counts as a TLS server \
                 for this check.",
            );
        }
        let winner_span = describe::host_span(bundle, by, |h| h == first);
        out.push(
            cx.ranked(
                &RULE,
                (placed.server, span),
                message,
                (by, winner_span),
                &format!("`{first}` is kept here"),
            )
            .note(note)
            .help(format!(
                "remove {} from this server (it is already served by Gateway {}), or \
                     serve the two Gateways from separate gateway workloads",
                describe::list(hosts),
                by.gateway(bundle).full_name()
            )),
        );
    }
}

rule! {
    code: "MM102",
    name: "duplicate-tls-host",
    severity: Error,
    istio_code: "IST0145",
    category: Merge,
    summary: "Two TLS servers on one gateway listener list the same host; the newer server is dropped.",
    docs: "mm102_duplicate_tls_host.md",
    fixable: true,
}
