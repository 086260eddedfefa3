//! Rules over a [`Bundle`]: the `Rule` contract, the context rules read, and
//! [`analyze`], which runs them all.

#[cfg(feature = "istio-compat")]
pub mod compat;
pub(crate) mod hosts;
pub mod istio_version;
pub mod rules;
pub mod topology;

use crate::diagnostic::{Diagnostic, RuleMeta};
use crate::model::{Bundle, Resource};
use crate::sort;
use crate::span::Span;
use istio_version::IstioVersion;
use topology::{ServerRef, Topology, describe};

/// Settings that change what the rules report.
#[derive(Clone, Debug)]
pub struct AnalyzeOptions {
    /// Valid nodePort range (`--service-node-port-range`), inclusive.
    pub nodeport_range: (i64, i64),
    /// Reproduce `istioctl analyze` (IST codes and its quirks) instead of istiod.
    pub istio_compat: bool,
    /// The istiod release whose merge semantics the topology follows.
    pub istio_version: IstioVersion,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        Self {
            nodeport_range: (30000, 32767),
            istio_compat: false,
            istio_version: IstioVersion::default(),
        }
    }
}

/// What a rule sees.
pub struct Context<'a> {
    /// All input and its typed model.
    pub bundle: &'a Bundle,
    /// Analysis settings.
    pub options: &'a AnalyzeOptions,
    /// Built on first use, shared by the rules that need it.
    topology: std::sync::OnceLock<Topology>,
    /// Gateway API objects and the status Istio writes on them (first use).
    #[cfg(feature = "gateway-api")]
    gateway_api: std::sync::OnceLock<crate::gateway_api::status::Prediction>,
}

impl<'a> Context<'a> {
    /// A context over `bundle`.
    pub fn new(bundle: &'a Bundle, options: &'a AnalyzeOptions) -> Self {
        Self {
            bundle,
            options,
            topology: std::sync::OnceLock::new(),
            #[cfg(feature = "gateway-api")]
            gateway_api: std::sync::OnceLock::new(),
        }
    }

    /// The Gateway API objects and their predicted status (built once per analysis).
    #[cfg(feature = "gateway-api")]
    pub fn gateway_api(&self) -> &crate::gateway_api::status::Prediction {
        self.gateway_api
            .get_or_init(|| crate::gateway_api::status::Prediction::new(self.bundle))
    }

    /// How istiod merges the bundle's Gateways (built once per analysis).
    pub fn topology(&self) -> &Topology {
        self.topology
            .get_or_init(|| Topology::build_for(self.bundle, self.options.istio_version))
    }

    /// The resource at `index` in the bundle.
    pub fn resource(&self, index: usize) -> &'a Resource {
        &self.bundle.resources[index]
    }

    /// A diagnostic of `rule` on resource `index` at `span`, naming the resource.
    pub fn diagnostic(
        &self,
        rule: &Rule,
        resource: usize,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let resource = self.resource(resource);
        Diagnostic::new(&rule.meta, resource.file, span, message).resource(resource.reference())
    }

    /// A diagnostic of `rule` at a span of server `at.0`, pointing at a span
    /// of server `over.0` and saying (after `lead`) why that server comes
    /// first.
    pub(crate) fn ranked(
        &self,
        rule: &Rule,
        at: (ServerRef, Span),
        message: String,
        over: (ServerRef, Span),
        lead: &str,
    ) -> Diagnostic {
        let bundle = self.bundle;
        let why = describe::precedence(bundle, over.0, at.0);
        self.diagnostic(rule, at.0.gateway(bundle).resource, at.1, message)
            .related(
                over.0.gateway(bundle).file,
                over.1,
                format!("{lead}: {why}"),
            )
    }
}

/// One analyzer rule: its metadata and its check, declared as one `static`
/// per file in [`rules`] (see `DESIGN.md`, "Adding a rule").
#[derive(Debug)]
pub struct Rule {
    /// Code, name, severity, category, docs.
    pub meta: RuleMeta,
    /// Appends the rule's findings.
    pub(crate) check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

impl Rule {
    /// Appends findings.
    pub fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        (self.check)(cx, out);
    }
}

/// Runs every rule and returns findings sorted by file, position and code.
///
/// With [`AnalyzeOptions::istio_compat`] it reports what `istioctl analyze`
/// would instead (see `compat`; needs the default `istio-compat` feature,
/// without which the option is ignored).
pub fn analyze(bundle: &Bundle, options: &AnalyzeOptions) -> Vec<Diagnostic> {
    #[cfg(feature = "istio-compat")]
    if options.istio_compat {
        return compat::analyze(bundle, options);
    }
    let cx = Context::new(bundle, options);
    let mut out = Vec::new();
    for rule in rules::RULES {
        rule.check(&cx, &mut out);
    }
    sort::by(&mut out, |a, b| {
        (a.file, a.span.start, a.code, &a.message).cmp(&(b.file, b.span.start, b.code, &b.message))
    });
    out.dedup();
    out
}

/// Every registered rule, in documentation order.
pub fn all_rules() -> &'static [&'static Rule] {
    rules::RULES
}

/// Finds a rule by name (`protocol-conflict`) or code (`MM101`, case-insensitive).
pub fn find_rule(key: &str) -> Option<&'static Rule> {
    rules::RULES
        .iter()
        .copied()
        .find(|r| r.meta.name == key || r.meta.code.eq_ignore_ascii_case(key))
}
