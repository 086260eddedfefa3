//! MM009 `missing-tls-credential`: a Gateway server terminates TLS but names
//! no certificate; see `mm009_missing_tls_credential.md`.

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::{Gateway, Server};

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
            if !TERMINATING_MODES.contains(&mode.value.as_str())
                || has_certificate(cx, gateway, server)
            {
                continue;
            }
            out.push(
                cx.diagnostic(
                    &RULE,
                    gateway.resource,
                    mode.span,
                    format!(
                        "server {} of Gateway {} terminates TLS (mode {}) but names no \
                         certificate: no `credentialName`, `credentialNames`, \
                         `tlsCertificates` or `serverCertificate` and `privateKey`",
                        server.index + 1,
                        gateway.full_name(),
                        mode.value
                    ),
                )
                .note(format!(
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
                ))
                .help(
                    "set `credentialName` to the Secret that holds the certificate, in the \
                     gateway workload's namespace",
                ),
            );
        }
    }
}

/// True when the server names a certificate source, or when its `tls` block
/// cannot be read back (then nothing is claimed).
fn has_certificate(cx: &Context<'_>, gateway: &Gateway, server: &Server) -> bool {
    let tls = server.tls.as_ref();
    let named =
        |value: Option<&crate::span::Spanned<String>>| value.is_some_and(|v| !v.value.is_empty());
    if tls.is_some_and(|t| named(t.credential_name.as_ref()))
        || tls
            .is_some_and(|t| named(t.server_certificate.as_ref()) && named(t.private_key.as_ref()))
    {
        return true;
    }
    // `credentialNames` and `tlsCertificates` are not in the model: read them here.
    let node = cx
        .bundle
        .node(cx.resource(gateway.resource))
        .get("spec")
        .and_then(|spec| spec.get("servers"))
        .and_then(|servers| servers.items().nth(server.index))
        .and_then(|s| s.resolve().get("tls"));
    let Some(node) = node else { return true };
    ["credentialNames", "tlsCertificates"].iter().any(|key| {
        node.get(key)
            .is_some_and(|list| list.items().next().is_some() || !list.is_sequence())
    })
}

/// See `mm009_missing_tls_credential.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM009",
        name: "missing-tls-credential",
        severity: Severity::Error,
        istio_code: None,
        category: Category::Input,
        summary: "A Gateway server terminates TLS but names no certificate: rejected at admission, or served with the mesh certificate.",
        docs: rule_docs!("mm009_missing_tls_credential.md"),
        fixable: false,
    },
    check,
};
