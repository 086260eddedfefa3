//! MM503: a route's parentRef is refused by every listener it could attach
//! to (`Accepted=False`), so the route carries no traffic through it.

use crate::analyze::Context;
use crate::diagnostic::Diagnostic;
use crate::gateway_api::status::routes::CONTROLLER_NAME;

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let prediction = cx.gateway_api();
    for object in &prediction.status.objects {
        for parent in &object.parents {
            if parent.controller_name != CONTROLLER_NAME {
                continue;
            }
            let (Some(span), Some(refused)) = (
                parent.span,
                parent
                    .conditions
                    .iter()
                    .find(|c| c.kind == "Accepted" && !c.status),
            ) else {
                continue;
            };
            let target = format!(
                "{} {}",
                parent.parent_ref.kind.as_deref().unwrap_or("Gateway"),
                parent.parent_ref.name
            );
            let message = format!(
                "{} {}/{} is not accepted by {target}: Istio writes Accepted=False ({}) on this parent: {}; no request reaches the route through it",
                object.kind,
                object.namespace.as_deref().unwrap_or_default(),
                object.name,
                refused.reason,
                refused.message
            );
            let mut d = cx.diagnostic(&RULE, object.resource, span, message);
            if let Some((file, listener)) = parent.listener {
                d = d.related(file, listener, "the listener it could have attached to");
            }
            out.push(d.help(help(&refused.reason)));
        }
    }
}

fn help(reason: &str) -> &'static str {
    match reason {
        "NoMatchingListenerHostname" => {
            "make one of the route's hostnames match a listener hostname, or point sectionName at a listener that serves them"
        }
        "NotAllowedByListeners" => {
            "allow the route's namespace and kind in the listener's allowedRoutes, or attach to a listener that does"
        }
        _ => "fix the parentRef's sectionName or port to name a listener the Gateway has",
    }
}

rule! {
    code: "MM503",
    name: "route-not-accepted",
    severity: Error,
    category: GatewayApi,
    summary: "A route's parentRef matches no listener that accepts it (wrong section, port, hostname, namespace or kind): the route gets no traffic there.",
    docs: "mm503_route_not_accepted.md",
    fixable: true,
}
