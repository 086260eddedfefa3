//! MM106 `duplicate-port-name`: a Gateway reuses a server port name (or a
//! server `name`).

use std::collections::hash_map::Entry;

use crate::hash::HashMap;

use crate::analyze::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Gateway;
use crate::span::{Span, Spanned};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for gateway in &cx.bundle.model.gateways {
        let mut ports = HashMap::default();
        let mut names = HashMap::default();
        for server in &gateway.servers {
            let port_name = server.port.as_ref().and_then(|p| p.name.as_ref());
            if let Some((name, index, span)) = repeat(&mut ports, port_name, server.index) {
                let message = format!(
                    "port name `{}` is already used by server {} of Gateway {}; admission \
                     rejects the whole Gateway, so none of its servers are applied",
                    name.value,
                    index + 1,
                    gateway.full_name()
                );
                out.push(
                    repeated(cx, gateway, name, span, message)
                        .note(format!(
                            "Istio's validating webhook answers `port names in servers must \
                             be unique: duplicate name {}` and `kubectl apply` fails",
                            name.value
                        ))
                        .help("give every server of the Gateway its own port name"),
                );
            }
            if let Some((name, index, span)) =
                repeat(&mut names, server.name.as_ref(), server.index)
            {
                let message = format!(
                    "server name `{}` is already used by server {} of Gateway {}; istiod \
                     warns `Server name {} is not unique` and the servers' listener \
                     statistics collide",
                    name.value,
                    index + 1,
                    gateway.full_name(),
                    name.value
                );
                out.push(
                    repeated(cx, gateway, name, span, message)
                        .severity(Severity::Warning)
                        .help("give every server of the Gateway its own `name`"),
                );
            }
        }
    }
}

/// A finding at the repeated `name`, pointing at its `first` use.
fn repeated(
    cx: &Context<'_>,
    gateway: &Gateway,
    name: &Spanned<String>,
    first: Span,
    message: String,
) -> Diagnostic {
    cx.diagnostic(&RULE, gateway.resource, name.span, message)
        .related(gateway.file, first, "first used here")
}

/// `name` with the server index and span of its first use when an earlier
/// server of the Gateway used it; `None` for an empty or absent name, or for
/// its first use (then remembered in `seen`).
fn repeat<'a>(
    seen: &mut HashMap<&'a str, (usize, Span)>,
    name: Option<&'a Spanned<String>>,
    server: usize,
) -> Option<(&'a Spanned<String>, usize, Span)> {
    let name = name.filter(|n| !n.value.is_empty())?;
    match seen.entry(name.value.as_str()) {
        Entry::Occupied(first) => {
            let (index, span) = *first.get();
            Some((name, index, span))
        }
        Entry::Vacant(slot) => {
            slot.insert((server, name.span));
            None
        }
    }
}

rule! {
    code: "MM106",
    name: "duplicate-port-name",
    severity: Error,
    category: Merge,
    summary: "A Gateway uses the same server port name twice; admission rejects the whole Gateway.",
    docs: "mm106_duplicate_port_name.md",
    fixable: true,
}
