//! `--istio-compat`: what `istioctl analyze` would print for the same input,
//! as if run against a cluster that holds it.
//!
//! This mode exists for parity testing against Istio's own analyzer suite, so
//! it reproduces the analyzers' logic *including their quirks* instead of
//! istiod's behaviour (which the `MM…` rules model):
//! - exact host-string comparison for IST0145 (`CheckDuplicates`, including
//!   its habit of adding hosts to the shared index when it finds none);
//! - selector grouping by selector *string* equality or substring plus a
//!   shared pod (IST0145), superset selector comparison (IST0138);
//! - IST0162 counts only Service ports whose `protocol` is literally `TCP`
//!   (raw input is not defaulted) and accepts a Service `port` or a numeric
//!   `targetPort`;
//! - VirtualService references resolve only as `name` or `ns/name` (so
//!   istiod's `./name` and `name.ns.svc.cluster.local` forms are IST0101).
//!
//! IST0161 judges certificate expiry against the system clock, which is
//! read only off wasm (in the browser build expiry is not judged).
//!
//! Every workload in the input (Pods, Deployments, … and the gateways Helm
//! values or `IstioOperator` render) stands for the pods a cluster would run.
//! Diagnostics carry the IST code as `code`, the message text istioctl
//! prints, and a note naming the upstream analyzer. Identical messages on
//! the same resource are reported once, as istioctl does; messages without a
//! resource (`yaml-syntax`) are kept once per file and position.

mod conflicts;
mod credential;
mod gateway;
mod peripheral;
mod virtualservice;

use std::collections::HashSet;

use crate::analyze::{AnalyzeOptions, Context, find_rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Bundle, Labels, Model, Resource, Service, Workload};
use crate::sort;
use crate::span::Span;

/// One reproduced `istioctl analyze` analyzer.
pub struct Analyzer {
    name: &'static str,
    codes: &'static [&'static str],
    run: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

impl Analyzer {
    /// The upstream analyzer name, e.g. `gateway.ConflictingGatewayAnalyzer`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The IST codes the upstream analyzer reports. Not reproduced: the
    /// destination-host checks of `virtualservice.DestinationHostAnalyzer`
    /// other than its subset check (IST0140).
    pub fn codes(&self) -> &'static [&'static str] {
        self.codes
    }
}

/// Every reproduced analyzer, in the order they run.
pub fn analyzers() -> &'static [Analyzer] {
    ANALYZERS
}

const ANALYZERS: &[Analyzer] = &[
    Analyzer {
        name: gateway::PORT_ANALYZER,
        codes: &["IST0101", "IST0162"],
        run: gateway::ingress_gateway_port,
    },
    Analyzer {
        name: gateway::CONFLICT_ANALYZER,
        codes: &["IST0101", "IST0145"],
        run: gateway::conflicting_gateways,
    },
    Analyzer {
        name: gateway::CERTIFICATE_ANALYZER,
        codes: &["IST0138"],
        run: gateway::duplicate_certificate,
    },
    Analyzer {
        name: gateway::SECRET_ANALYZER,
        codes: &["IST0101", "IST0161"],
        run: gateway::secrets,
    },
    Analyzer {
        name: virtualservice::GATEWAY_ANALYZER,
        codes: &["IST0101", "IST0132", "IST0165"],
        run: virtualservice::gateways,
    },
    Analyzer {
        name: virtualservice::MESH_HOSTS_ANALYZER,
        codes: &["IST0109"],
        run: virtualservice::conflicting_mesh_gateway_hosts,
    },
    Analyzer {
        name: peripheral::DESTINATION_HOST_ANALYZER,
        codes: &["IST0101", "IST0112", "IST0140"],
        run: peripheral::ingress_subsets,
    },
    Analyzer {
        name: peripheral::JWT_CLAIM_ROUTE_ANALYZER,
        codes: &["IST0149"],
        run: peripheral::jwt_claim_route,
    },
    Analyzer {
        name: peripheral::SELECTOR_ANALYZER,
        codes: &["IST0166"],
        run: peripheral::ineffective_selector,
    },
];

/// Runs every reproduced analyzer (plus `yaml-syntax`, so broken input is
/// never silent) and returns istioctl's findings.
pub fn analyze(bundle: &Bundle, options: &AnalyzeOptions) -> Vec<Diagnostic> {
    analyze_only(bundle, options, |_| true)
}

/// Like [`analyze`], running only the analyzers `keep` accepts (the
/// upstream test harness runs one analyzer per case).
pub fn analyze_only(
    bundle: &Bundle,
    options: &AnalyzeOptions,
    keep: impl Fn(&Analyzer) -> bool,
) -> Vec<Diagnostic> {
    let cx = Context::new(bundle, options);
    let mut out = Vec::new();
    find_rule("yaml-syntax")
        .expect("yaml-syntax is registered")
        .check(&cx, &mut out);
    for analyzer in ANALYZERS.iter().filter(|a| keep(a)) {
        (analyzer.run)(&cx, &mut out);
    }
    let mut seen = HashSet::new();
    out.retain(|d| seen.insert(dedup_key(d)));
    sort::by(&mut out, |a, b| {
        (a.file, a.span.start, a.code, &a.message).cmp(&(b.file, b.span.start, b.code, &b.message))
    });
    out
}

/// What makes two messages "the same" for istioctl's `SortedDedupedCopy`:
/// its string form, i.e. code, resource and text. A message without a
/// resource (`yaml-syntax`, which istioctl does not have) is also told apart
/// by where it is: the same parse error in two files is two findings.
fn dedup_key(d: &Diagnostic) -> impl Eq + std::hash::Hash + use<> {
    let place = d.resource.is_none().then_some((d.file, d.span.start));
    (d.code, d.resource.clone(), d.message.clone(), place)
}

/// An istioctl message on `resource`.
pub(crate) struct Message {
    code: &'static str,
    name: &'static str,
    severity: Severity,
}

pub(crate) const REFERENCED_RESOURCE_NOT_FOUND: Message = Message {
    code: "IST0101",
    name: "referenced-resource-not-found",
    severity: Severity::Error,
};
pub(crate) const CONFLICTING_MESH_GATEWAY_HOSTS: Message = Message {
    code: "IST0109",
    name: "conflicting-mesh-gateway-virtual-service-hosts",
    severity: Severity::Error,
};
pub(crate) const VIRTUAL_SERVICE_HOST_NOT_FOUND_IN_GATEWAY: Message = Message {
    code: "IST0132",
    name: "virtual-service-host-not-found-in-gateway",
    severity: Severity::Warning,
};
pub(crate) const INGRESS_ROUTE_RULES_NOT_AFFECTED: Message = Message {
    code: "IST0140",
    name: "ingress-route-rules-not-affected",
    severity: Severity::Warning,
};
pub(crate) const JWT_CLAIM_ROUTING_WITHOUT_AUTHN: Message = Message {
    code: "IST0149",
    name: "jwt-claim-based-routing-without-request-authn",
    severity: Severity::Error,
};
pub(crate) const GATEWAY_DUPLICATE_CERTIFICATE: Message = Message {
    code: "IST0138",
    name: "gateway-duplicate-certificate",
    severity: Severity::Warning,
};
pub(crate) const CONFLICTING_GATEWAYS: Message = Message {
    code: "IST0145",
    name: "conflicting-gateways",
    severity: Severity::Error,
};
pub(crate) const INVALID_GATEWAY_CREDENTIAL: Message = Message {
    code: "IST0161",
    name: "invalid-gateway-credential",
    severity: Severity::Error,
};
pub(crate) const GATEWAY_PORT_NOT_DEFINED_ON_SERVICE: Message = Message {
    code: "IST0162",
    name: "gateway-port-not-defined-on-service",
    severity: Severity::Warning,
};
pub(crate) const REFERENCED_INTERNAL_GATEWAY: Message = Message {
    code: "IST0165",
    name: "referenced-internal-gateway",
    severity: Severity::Warning,
};

pub(crate) const INEFFECTIVE_SELECTOR: Message = Message {
    code: "IST0166",
    name: "ineffective-selector",
    severity: Severity::Warning,
};

impl Message {
    /// The finding, attached to `resource` at `span`.
    pub(crate) fn on(
        &self,
        resource: &Resource,
        span: Span,
        analyzer: &str,
        text: String,
    ) -> Diagnostic {
        Diagnostic {
            code: self.code,
            name: self.name,
            istio_code: Some(self.code),
            severity: self.severity,
            message: text,
            file: resource.file,
            span,
            resource: Some(resource.reference()),
            related: Vec::new(),
            note: Some(format!("istioctl analyze: {analyzer}")),
            help: None,
            fix_available: false,
        }
    }
}

/// `FullName.String()`: `ns/name`, or `name` when the namespace is empty.
pub(crate) fn full_name(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_string()
    } else {
        format!("{namespace}/{name}")
    }
}

/// `klabels.SelectorFromSet(s).String()`: sorted `k=v` joined by commas.
pub(crate) fn selector_string(selector: Option<&Labels>) -> String {
    selector
        .map(crate::model::labels_to_string)
        .unwrap_or_default()
}

/// `klabels` matching: every selector pair is in `labels` (an empty selector
/// matches everything).
pub(crate) fn selects(selector: Option<&Labels>, labels: &Labels) -> bool {
    selector.is_none_or(|s| crate::model::selector_matches(s, labels))
}

/// The pods (workloads) a `klabels` selector matches, in input order: every
/// workload for a missing or empty selector.
pub(crate) fn pods_matching<'a>(model: &'a Model, selector: Option<&Labels>) -> Vec<&'a Workload> {
    match selector.filter(|s| !s.is_empty()) {
        None => model.workloads.iter().collect(),
        Some(selector) => model.workloads_selected_by(selector).collect(),
    }
}

/// Services with an empty selector, which `klabels` matches to every pod of
/// their namespace (Kubernetes routes them to none).
pub(crate) fn unselective_services(model: &Model) -> Vec<&Service> {
    model
        .services
        .iter()
        .filter(|s| s.selector.is_empty())
        .collect()
}

/// Services in the pod's namespace whose selector matches it, `klabels` style.
pub(crate) fn services_selecting_pod<'a>(
    model: &'a Model,
    unselective: &[&'a Service],
    pod: &'a Workload,
) -> impl Iterator<Item = &'a Service> {
    model
        .services_selecting(&pod.labels)
        .chain(unselective.iter().copied())
        .filter(move |s| s.namespace == pod.namespace)
}

/// Go's `%q` (`strconv.Quote`) for the names and values we quote: the
/// named escapes, other ASCII control bytes as `\xNN`.
pub(crate) fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            // strconv.Quote writes other ASCII control bytes as `\xNN`.
            c if c.is_ascii_control() => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%v` for a `[]string`: `[a b]`.
pub(crate) fn go_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(" "))
}

/// `resource.NewShortOrFullName`: `ns/name` is explicit, anything else is a
/// name in `namespace`.
pub(crate) fn short_or_full_name<'a>(namespace: &'a str, name: &'a str) -> (&'a str, &'a str) {
    name.split_once('/').unwrap_or((namespace, name))
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_quote_escapes_like_strconv() {
        // Expected values are what Go's `fmt.Sprintf("%q", s)` prints.
        assert_eq!(super::go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(super::go_quote("x\r\ny\t"), r#""x\r\ny\t""#);
        assert_eq!(
            super::go_quote("\x07\x08\x0c\x0b\x00\x1b\x7f"),
            r#""\a\b\f\v\x00\x1b\x7f""#
        );
        assert_eq!(super::go_quote("héllo"), "\"héllo\"");
    }

    use super::*;

    fn compat(yaml: &str) -> Vec<(String, String, String)> {
        let bundle = Bundle::from_text("t.yaml", yaml).unwrap();
        let options = AnalyzeOptions {
            istio_compat: true,
            ..AnalyzeOptions::default()
        };
        crate::analyze(&bundle, &options)
            .into_iter()
            .map(|d| {
                let r = d.resource.unwrap();
                (d.code.to_string(), r.name, d.message)
            })
            .collect()
    }

    fn gateway(name: &str, selector: &str, servers: &[(u32, &str)]) -> String {
        let mut out = format!(
            "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}, namespace: istio-system}}\nspec:\n  selector: {selector}\n  servers:\n"
        );
        for (port, host) in servers {
            out += &format!(
                "  - port: {{number: {port}, name: p{port}, protocol: HTTP}}\n    hosts: [{host}]\n"
            );
        }
        out + "---\n"
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: gw\n  namespace: istio-system\n  labels: {app: istio-ingressgateway, istio: ingressgateway, a: '1', b: '2', c: '3'}\n---\n";

    fn codes(found: &[(String, String, String)], code: &str) -> Vec<String> {
        let mut names: Vec<String> = found
            .iter()
            .filter(|f| f.0 == code)
            .map(|f| f.1.clone())
            .collect();
        sort::ascending(&mut names);
        names
    }

    #[test]
    fn selectors_group_by_string_not_by_pod() {
        // Both select the default pod, but neither string contains the other.
        let disjoint = format!(
            "{POD}{}{}",
            gateway("a", "{istio: ingressgateway}", &[(80, "shop.example.com")]),
            gateway(
                "b",
                "{app: istio-ingressgateway}",
                &[(80, "shop.example.com")]
            )
        );
        assert!(codes(&compat(&disjoint), "IST0145").is_empty());
        // {a,c} is a subset of {a,b,c} but "a=1,c=3" is no substring of "a=1,b=2,c=3".
        let gapped = format!(
            "{POD}{}{}",
            gateway("a", "{a: '1', c: '3'}", &[(80, "shop.example.com")]),
            gateway("b", "{a: '1', b: '2', c: '3'}", &[(80, "shop.example.com")])
        );
        assert!(codes(&compat(&gapped), "IST0145").is_empty());
        let contiguous = format!(
            "{POD}{}{}",
            gateway("a", "{a: '1', b: '2'}", &[(80, "shop.example.com")]),
            gateway("b", "{a: '1', b: '2', c: '3'}", &[(80, "shop.example.com")])
        );
        assert_eq!(codes(&compat(&contiguous), "IST0145"), ["a", "b"]);
    }

    #[test]
    fn hosts_compare_as_exact_strings() {
        let wildcard = format!(
            "{}{}",
            gateway("a", "{istio: ingressgateway}", &[(80, "'*.example.com'")]),
            gateway("b", "{istio: ingressgateway}", &[(80, "shop.example.com")])
        );
        assert!(codes(&compat(&wildcard), "IST0145").is_empty());
    }

    #[test]
    fn check_duplicates_adds_hosts_to_the_shared_index() {
        // `a` repeats a host on one port; after its first server the host is
        // recorded under `b`, so its second server "conflicts" with `b`.
        let yaml = format!(
            "{}{}",
            gateway(
                "a",
                "{istio: ingressgateway}",
                &[(80, "shop.example.com"), (80, "shop.example.com")]
            ),
            gateway("b", "{istio: ingressgateway}", &[(80, "blog.example.com")])
        );
        let found = compat(&yaml);
        assert_eq!(codes(&found, "IST0145"), ["a"]);
        assert!(found.iter().any(|f| f.2
            == "Conflict with gateways istio-system/b (workload selector istio=ingressgateway, \
                port 80, hosts shop.example.com)."));
    }

    #[test]
    fn service_ports_without_protocol_are_ignored_like_raw_files() {
        let service = "apiVersion: v1\nkind: Service\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  selector: {istio: ingressgateway}\n  ports:\n  - {name: http2, port: 80, targetPort: 8080}\n";
        let yaml = format!(
            "{POD}{}{service}",
            gateway("a", "{istio: ingressgateway}", &[(80, "'*'")])
        );
        let found = compat(&yaml);
        assert_eq!(codes(&found, "IST0162"), ["a"]);
        assert!(found.iter().any(|f| f.2.starts_with(
            "The gateway is listening on a target port (port 80) that is not defined"
        )));
        let defaulted = yaml.replace("targetPort: 8080}", "targetPort: 8080, protocol: TCP}");
        assert!(codes(&compat(&defaulted), "IST0162").is_empty());
    }

    #[test]
    fn only_name_and_namespace_slash_name_references_resolve() {
        let vs = |reference: &str| {
            format!(
                "{POD}{}apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {{name: shop, namespace: istio-system}}\nspec:\n  hosts: [shop.example.com]\n  gateways: [{reference}]\n",
                gateway(
                    "public",
                    "{istio: ingressgateway}",
                    &[(80, "shop.example.com")]
                )
            )
        };
        let on_vs = |found: Vec<(String, String, String)>| {
            found.into_iter().filter(|f| f.1 == "shop").count()
        };
        assert_eq!(on_vs(compat(&vs("public"))), 0);
        assert_eq!(on_vs(compat(&vs("istio-system/public"))), 0);
        for istiod_form in ["./public", "public.istio-system.svc.cluster.local"] {
            let found = compat(&vs(istiod_form));
            assert_eq!(codes(&found, "IST0101"), ["shop"], "{istiod_form}");
            assert_eq!(codes(&found, "IST0132"), ["shop"], "{istiod_form}");
        }
    }

    #[test]
    fn identical_messages_are_reported_once() {
        // Three analyzers report the same unmatched selector on the Gateway.
        let yaml = format!(
            "{POD}{}",
            gateway("a", "{istio: typo}", &[(80, "shop.example.com")])
        );
        let found = compat(&yaml);
        assert_eq!(
            found,
            [(
                "IST0101".to_string(),
                "a".to_string(),
                "Referenced selector not found: \"istio=typo\"".to_string()
            )]
        );
    }

    #[test]
    fn go_formatting_matches_istioctl() {
        assert_eq!(go_quote("istio=ingresstypo"), "\"istio=ingresstypo\"");
        assert_eq!(go_list(["a.com", "b.com"]), "[a.com b.com]");
        assert_eq!(full_name("", "gw"), "gw");
        assert_eq!(full_name("ns", "gw"), "ns/gw");
        assert_eq!(short_or_full_name("vs", "./gw"), (".", "gw"));
        assert_eq!(
            short_or_full_name("vs", "gw.ns.svc.cluster.local"),
            ("vs", "gw.ns.svc.cluster.local")
        );
    }

    #[test]
    fn the_same_syntax_error_in_two_files_is_two_findings() {
        use crate::model::{LoadOptions, SourceFile};
        let broken = "a: [1\n---\nb: {2\n";
        let files = vec![
            SourceFile::new("one.yaml", broken),
            SourceFile::new("two.yaml", broken),
        ];
        let bundle = Bundle::load(files, LoadOptions::default()).unwrap();
        let options = AnalyzeOptions {
            istio_compat: true,
            ..AnalyzeOptions::default()
        };
        let places: Vec<(usize, usize)> = crate::analyze(&bundle, &options)
            .iter()
            .filter(|d| d.code == "MM001")
            .map(|d| (d.file, d.span.start))
            .collect();
        // Two broken documents per file, in both files.
        assert_eq!(places.len(), 4, "{places:?}");
        assert_eq!(places.iter().filter(|p| p.0 == 1).count(), 2);
    }
}
