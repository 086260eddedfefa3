//! MM505: a route's backendRef names a Service (or other backend) that the
//! input does not define.

use super::gateway_api::backend_findings;
use crate::analyze::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::gateway_api::model::{BackendRef, Route};

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Only when the input defines Services at all: a routes-only repository
    // deploys its backends elsewhere.
    if cx.bundle.model.services.is_empty() {
        return;
    }
    backend_findings(&RULE, cx, "BackendNotFound", grade, out);
}

/// A missing Service is likely a mistake when the input holds one close to
/// it: the same name in another namespace (a forgotten `namespace:`) or a
/// near-miss name in the backend's own namespace (a typo). Otherwise the
/// input cannot tell: addons, other charts and operators create Services
/// meshmend never sees (Istio's `zipkin` addon, a database operator), so the
/// finding is information, not a warning.
fn grade(cx: &Context<'_>, route: &Route, backend: &BackendRef, found: Diagnostic) -> Diagnostic {
    let target = &backend.target;
    let name = target.name.value.as_str();
    let namespace = target.namespace_or(&route.meta.namespace);
    let is_service = target.group.as_deref().unwrap_or("").is_empty()
        && target.kind.as_deref().unwrap_or("Service") == "Service";
    let services = &cx.bundle.model.services;
    if is_service {
        if let Some(other) = services
            .iter()
            .find(|s| s.name.value == name && s.namespace != namespace)
        {
            return found
                .related(
                    other.file,
                    other.name.span,
                    format!("a Service `{name}` exists in `{}`", other.namespace),
                )
                .help(format!(
                    "if you meant that one, write `namespace: {}` in the backendRef (a cross-namespace backend also needs a ReferenceGrant there)",
                    other.namespace
                ));
        }
        let near = services
            .iter()
            .filter(|s| s.namespace == namespace)
            .filter_map(|s| near_miss(&s.name.value, name).map(|d| (d, s)))
            .min_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.name.value.cmp(&y.name.value)));
        if let Some((_, near)) = near {
            return found
                .related(
                    near.file,
                    near.name.span,
                    format!("Service `{}` in `{namespace}`", near.name.value),
                )
                .help(format!("did you mean `{}`?", near.name.value));
        }
    }
    found.severity(Severity::Info).help(
        "the input holds no Service close to this name; if another chart, addon or operator creates it, this is fine, otherwise create it or correct the name",
    )
}

/// The edit distance between two names when it is small enough to be a typo
/// (at most 2, and less than a third of the longer name), `None` otherwise.
fn near_miss(a: &str, b: &str) -> Option<usize> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 2 {
        return None;
    }
    // One row of Levenshtein's table at a time; names are DNS labels (short).
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    let distance = row[b.len()];
    (distance > 0 && distance <= 2 && distance * 3 < a.len().max(b.len())).then_some(distance)
}

rule! {
    code: "MM505",
    name: "backend-not-found",
    severity: Warning,
    category: GatewayApi,
    summary: "A route's backendRef names a Service the input does not define: its share of requests gets HTTP 500.",
    docs: "mm505_backend_not_found.md",
}

#[cfg(test)]
mod tests {
    use super::near_miss;

    #[test]
    fn near_misses_are_short_edits_of_long_enough_names() {
        assert_eq!(near_miss("storefront", "store-front"), Some(1));
        assert_eq!(near_miss("reviews", "reveiws"), Some(2));
        assert_eq!(near_miss("ratings", "wrong"), None);
        assert_eq!(
            near_miss("db", "dc"),
            None,
            "a third of a short name is less than one edit"
        );
        assert_eq!(
            near_miss("zipkin", "zipkin"),
            None,
            "the same name is not a miss"
        );
    }
}
