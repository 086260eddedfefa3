//! MM106 `duplicate-port-name`: a Gateway reuses a server port name (or a
//! server `name`).

use crate::hash::HashMap;

use crate::analyze::{Context, Rule};
use crate::diagnostic::{Category, Diagnostic, RuleMeta, Severity};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for gateway in &cx.bundle.model.gateways {
        let mut ports = HashMap::default();
        let mut names = HashMap::default();
        for server in &gateway.servers {
            let port_name = server.port.as_ref().and_then(|p| p.name.as_ref());
            if let Some(name) = port_name.filter(|n| !n.value.is_empty()) {
                if let Some(&(index, span)) = ports.get(name.value.as_str()) {
                    out.push(
                        cx.diagnostic(
                            &RULE,
                            gateway.resource,
                            name.span,
                            format!(
                                "port name `{}` is already used by server {} of Gateway {}; \
                                 admission rejects the whole Gateway, so none of its servers \
                                 are applied",
                                name.value,
                                index + 1,
                                gateway.full_name()
                            ),
                        )
                        .related(gateway.file, span, "first used here")
                        .note(format!(
                            "Istio's validating webhook answers `port names in servers must \
                             be unique: duplicate name {}` and `kubectl apply` fails",
                            name.value
                        ))
                        .help("give every server of the Gateway its own port name"),
                    );
                } else {
                    ports.insert(name.value.as_str(), (server.index, name.span));
                }
            }
            if let Some(name) = server.name.as_ref().filter(|n| !n.value.is_empty()) {
                if let Some(&(index, span)) = names.get(name.value.as_str()) {
                    out.push(
                        cx.diagnostic(
                            &RULE,
                            gateway.resource,
                            name.span,
                            format!(
                                "server name `{}` is already used by server {} of Gateway \
                                 {}; istiod warns `Server name {} is not unique` and the \
                                 servers' listener statistics collide",
                                name.value,
                                index + 1,
                                gateway.full_name(),
                                name.value
                            ),
                        )
                        .severity(Severity::Warning)
                        .related(gateway.file, span, "first used here")
                        .help("give every server of the Gateway its own `name`"),
                    );
                } else {
                    names.insert(name.value.as_str(), (server.index, name.span));
                }
            }
        }
    }
}

/// See `mm106_duplicate_port_name.md`.
pub(crate) static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "MM106",
        name: "duplicate-port-name",
        severity: Severity::Error,
        istio_code: None,
        category: Category::Merge,
        summary: "A Gateway uses the same server port name twice; admission rejects the whole Gateway.",
        docs: include_str!("mm106_duplicate_port_name.md"),
        fixable: true,
    },
    check,
};
