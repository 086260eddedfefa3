//! MM105 `duplicate-certificate`: two Gateways of one workload use the same
//! certificate; HTTP/2 connection reuse then sends requests to the wrong server.

use crate::hash::{HashMap, HashSet};

use crate::analyze::Context;
use crate::analyze::topology::{Match, ServerRef, describe};
use crate::diagnostic::Diagnostic;
use crate::span::Span;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let bundle = cx.bundle;
    let topology = cx.topology();
    let mut seen = HashSet::default();
    for workload in &topology.workloads {
        let mut first: HashMap<Certificate<'_>, (ServerRef, Match)> = HashMap::default();
        for &(g, membership) in &workload.gateways {
            let gateway = &bundle.model.gateways[g];
            for (s, spec) in gateway.servers.iter().enumerate() {
                let Some(certificate) = Certificate::of(spec) else {
                    continue;
                };
                let this = ServerRef {
                    gateway: g,
                    server: s,
                };
                let (earlier, earlier_membership) =
                    *first.entry(certificate).or_insert((this, membership));
                if earlier.gateway == g || !seen.insert((this, earlier)) {
                    continue;
                }
                let probable = membership.is_probable() || earlier_membership.is_probable();
                let message = format!(
                    "{} is also used by {} on {}{}; clients that reuse an HTTP/2 connection \
                     across the hosts of both servers get 404s",
                    certificate.describe(),
                    describe::server(bundle, earlier),
                    workload.describe(bundle),
                    if probable {
                        " (probably the same workload: no workload in the input, and one \
                         selector is a subset of the other)"
                    } else {
                        ""
                    },
                );
                let diagnostic = cx
                    .diagnostic(&RULE, gateway.resource, certificate.span(spec), message)
                    .related(
                        earlier.gateway(bundle).file,
                        certificate.span(earlier.resolve(bundle)),
                        "the same certificate here",
                    )
                    .note(
                        "each server is its own filter chain with its own routes; a \
                         connection opened for a host of one server, reused for a host of \
                         the other (same certificate, same address), lands on the wrong \
                         routes",
                    )
                    .help(
                        "serve all hosts of this certificate from one server (`meshmend fix` \
                         consolidates them), or give each Gateway its own certificate",
                    );
                out.push(diagnostic);
            }
        }
    }
}

/// What makes two servers "the same certificate" (IST0138's `haveSameCertificate`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Certificate<'a> {
    Credential(&'a str),
    Files(&'a str, &'a str),
}

impl<'a> Certificate<'a> {
    fn of(server: &'a crate::model::Server) -> Option<Self> {
        let tls = server.tls.as_ref()?;
        match (
            &tls.credential_name,
            &tls.server_certificate,
            &tls.private_key,
        ) {
            (Some(name), _, _) if !name.value.is_empty() => Some(Self::Credential(&name.value)),
            (None, Some(cert), Some(key)) if !cert.value.is_empty() => {
                Some(Self::Files(&cert.value, &key.value))
            }
            _ => None,
        }
    }

    fn describe(self) -> String {
        match self {
            Self::Credential(name) => format!("certificate `credentialName: {name}`"),
            Self::Files(cert, key) => format!("certificate `{cert}` with key `{key}`"),
        }
    }

    fn span(self, server: &crate::model::Server) -> Span {
        let tls = server.tls.as_ref();
        let field = match self {
            Self::Credential(_) => tls.and_then(|t| t.credential_name.as_ref()),
            Self::Files(..) => tls.and_then(|t| t.server_certificate.as_ref()),
        };
        field.map_or_else(|| server.anchor_span(), |f| f.span)
    }
}

rule! {
    code: "MM105",
    name: "duplicate-certificate",
    severity: Warning,
    istio_code: "IST0138",
    category: Merge,
    summary: "Two Gateways on one workload use the same certificate; HTTP/2 connection reuse can 404.",
    docs: "mm105_duplicate_certificate.md",
    fixable: true,
}
