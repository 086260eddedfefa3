//! MM009 `missing-tls-credential`: a Gateway server terminates TLS but names
//! no certificate; see `mm009_missing_tls_credential.md`.

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::model::{Gateway, Server, Tls};
use crate::parse::tree::NodeRef;
use crate::span::Spanned;

/// The TLS modes in which the gateway presents its own certificate (Istio's
/// `validateTLSOptions`: SIMPLE, MUTUAL, OPTIONAL_MUTUAL).
const TERMINATING_MODES: [&str; 3] = ["SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL"];

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for gateway in &cx.bundle.model.gateways {
        for server in &gateway.servers {
            let Some(tls) = &server.tls else { continue };
            let Some(mode) = tls.mode.as_ref() else {
                continue; // no mode: PASSTHROUGH, which uses no certificate
            };
            if !TERMINATING_MODES.contains(&mode.value.as_str()) {
                continue;
            }
            // The `tls` block as written; when it cannot be read back nothing is claimed.
            let Some(node) = tls_node(cx, gateway, server) else {
                continue;
            };
            let named =
                |value: Option<&Spanned<String>>| value.is_some_and(|v| !v.value.is_empty());
            let remote = named(tls.credential_name.as_ref()) || listed(node, "credentialNames");
            let files = (named(tls.server_certificate.as_ref()) && named(tls.private_key.as_ref()))
                || listed(node, "tlsCertificates");
            let mutual = mode.value != "SIMPLE";
            let missing = if !remote && !files {
                no_certificate(tls, mode)
            } else if mutual && !remote && !listed(node, "caCertificates") {
                no_client_ca(mode)
            } else {
                continue;
            };
            out.push(at_mode(cx, gateway, server, mode, missing));
        }
    }
}

/// What a server lacks, in the words of its finding.
struct Missing {
    /// The message after "server N of Gateway ns/name ".
    says: String,
    note: String,
    help: &'static str,
}

fn no_certificate(tls: &Tls, mode: &Spanned<String>) -> Missing {
    let says = format!(
        "terminates TLS (mode {}) but names no certificate: no `credentialName`, \
         `credentialNames`, `tlsCertificates` or `serverCertificate` and `privateKey`",
        mode.value
    );
    let note = format!(
        "Istio's validating webhook rejects the Gateway (`{} TLS requires {}`); \
         where it is not installed, istiod configures the listener with the \
         proxy's own mesh certificate (SDS `default`), which clients do not trust \
         for these hosts",
        if mode.value == "SIMPLE" {
            "SIMPLE"
        } else {
            "MUTUAL"
        },
        if tls.server_certificate.is_some() {
            "a private key"
        } else {
            "a server certificate"
        }
    );
    Missing {
        says,
        note,
        help: "set `credentialName` to the Secret that holds the certificate, in the \
               gateway workload's namespace",
    }
}

/// MUTUAL and OPTIONAL_MUTUAL with mounted certificate files verify clients
/// against `caCertificates`; with a `credentialName` the CA comes from the
/// Secret (`ca.crt` or `<name>-cacert`), so only the file form needs it.
fn no_client_ca(mode: &Spanned<String>) -> Missing {
    Missing {
        says: format!(
            "verifies client certificates (mode {}) from mounted files but names no \
             client CA bundle (`caCertificates`)",
            mode.value
        ),
        note: "Istio's validating webhook rejects the Gateway (`MUTUAL TLS requires a client \
               CA bundle`); where it is not installed, istiod builds the server with no CA to \
               check client certificates against, so mutual TLS on it does not work as intended"
            .to_string(),
        help: "set `caCertificates` to the CA file mounted in the gateway pods, or use \
               `credentialName` with a Secret that holds `ca.crt`",
    }
}

/// The finding on the server's `tls.mode`: "server N of Gateway ns/name " + what is missing.
fn at_mode(
    cx: &Context<'_>,
    gateway: &Gateway,
    server: &Server,
    mode: &Spanned<String>,
    missing: Missing,
) -> Diagnostic {
    let message = format!(
        "server {} of Gateway {} {}",
        server.index + 1,
        gateway.full_name(),
        missing.says
    );
    cx.diagnostic(&RULE, gateway.resource, mode.span, message)
        .note(missing.note)
        .help(missing.help)
}

/// The server's `tls` mapping as written (`credentialNames`,
/// `tlsCertificates` and `caCertificates` are not in the model).
fn tls_node<'a>(cx: &'a Context<'_>, gateway: &Gateway, server: &Server) -> Option<NodeRef<'a>> {
    cx.bundle
        .node(cx.resource(gateway.resource))
        .get("spec")
        .and_then(|spec| spec.get("servers"))
        .and_then(|servers| servers.items().nth(server.index))
        .and_then(|s| s.resolve().get("tls"))
}

/// `key` holds a non-empty string or a non-empty list (anything else written
/// there counts too: the webhook, not this rule, reports its type).
fn listed(node: NodeRef<'_>, key: &str) -> bool {
    node.get(key).is_some_and(|value| {
        value.as_str().map_or_else(
            || value.items().next().is_some() || !value.is_sequence(),
            |text| !text.is_empty(),
        )
    })
}

rule! {
    code: "MM009",
    name: "missing-tls-credential",
    severity: Error,
    category: Input,
    summary: "A Gateway server terminates TLS but names no certificate (or, for mutual TLS from mounted files, no client CA): rejected at admission.",
    docs: "mm009_missing_tls_credential.md",
}
