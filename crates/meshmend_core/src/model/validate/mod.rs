//! What never reaches the model: unrendered templates, and objects the API
//! server would refuse (or read differently from how they look).
//!
//! Kubernetes reads YAML through `sigs.k8s.io/yaml` (go-yaml v2 with YAML 1.1
//! resolution → JSON → typed structs for built-in kinds, or the CRD's
//! OpenAPI schema for Istio's). So `version: 1` is a number where a label
//! needs a string and the whole object is refused; `istio:` (null) in a
//! Gateway selector is pruned, widening the selector; a repeated key keeps
//! its last value. Guessing instead (a Gateway with an empty selector) made
//! meshmend report conflicts against every workload.
//!
//! Checked kinds: the ones the model reads (`Gateway`, `VirtualService`,
//! `Service`, `Secret`, `Pod` and the pod-creating workloads). Helm values
//! and `IstioOperator` files are not API objects and are read leniently.

mod template;

use super::tree::{NodeKind, NodeRef, ScalarStyle};
use super::{Resource, ResourceRef, SourceFile};
use crate::numeric::{YamlInt, yaml_int};
use crate::parse::Stream;
use crate::span::Span;
use template::{find_template, template_problem};

/// Which rule reports a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// MM002: the file is an unrendered template.
    Template,
    /// MM003: a value the API server refuses; the object is left out.
    InvalidField,
    /// MM004: a `Gateway` or `VirtualService` without `apiVersion`; left out.
    MissingApiVersion,
    /// MM005: a mapping key written twice.
    DuplicateKey,
    /// MM010: a null label or selector value.
    NullLabel,
}

/// One input problem, found while loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputProblem {
    /// Which rule reports it.
    pub kind: ProblemKind,
    /// File index.
    pub file: usize,
    /// Where.
    pub span: Span,
    /// What.
    pub message: String,
    /// Why.
    pub note: Option<String>,
    /// What to do.
    pub help: Option<String>,
    /// The object, when there is one.
    pub resource: Option<ResourceRef>,
    /// A second location (the first of two duplicate keys).
    pub related: Option<(Span, String)>,
}

/// Kinds the model reads, and whether Kubernetes builds them in (typed JSON
/// decoding) or Istio defines them (CRD schema validation and pruning).
fn checked_kind(resource: &Resource) -> Option<bool> {
    match resource.kind.value.as_str() {
        "Gateway" | "VirtualService" => Some(false),
        "Service" | "Secret" | "Pod" | "Deployment" | "StatefulSet" | "DaemonSet"
        | "ReplicaSet" => Some(true),
        _ => None,
    }
}

/// Drops what the API server would refuse and what comes from templates;
/// returns the problems found and, per file, whether it is a template.
pub(crate) fn admit(
    files: &[SourceFile],
    streams: &[Stream],
    resources: &mut Vec<Resource>,
) -> (Vec<InputProblem>, Vec<bool>) {
    let mut problems = Vec::new();
    let mut templates = Vec::with_capacity(files.len());
    for (index, (file, stream)) in files.iter().zip(streams).enumerate() {
        let found = find_template(&file.text, stream);
        if let Some((span, action)) = &found {
            problems.push(template_problem(index, *span, action, stream));
        }
        templates.push(found.is_some());
    }
    resources.retain(|r| !templates[r.file]);
    // Documents whose duplicate keys are reported (a set: one document can
    // hold many resources, and a linear scan made this quadratic).
    let mut reported_documents = crate::hash::HashSet::default();
    resources.retain(|resource| {
        let doc = &streams[resource.file].documents[resource.document];
        let key = (resource.file, resource.document);
        if reported_documents.insert(key) {
            duplicate_keys(resource.file, doc, &mut problems);
        }
        let Some(built_in) = checked_kind(resource) else {
            return true;
        };
        let node = doc.node(resource.node);
        let mut check = Check {
            resource,
            built_in,
            problems: &mut problems,
            refused: false,
        };
        check.object(node);
        !check.refused
    });
    (problems, templates)
}

fn duplicate_keys(file: usize, doc: &super::tree::Document, out: &mut Vec<InputProblem>) {
    for duplicate in doc.duplicate_keys() {
        let first = doc.node(duplicate.first);
        let repeat = doc.node(duplicate.repeat);
        let key = repeat.as_str().unwrap_or_default();
        out.push(InputProblem {
            kind: ProblemKind::DuplicateKey,
            file,
            span: repeat.span(),
            message: format!("key `{key}` is written twice in this mapping"),
            note: Some(
                "`kubectl apply -f` and Helm convert YAML to JSON and keep the last value \
                 without a word; kustomize (`kubectl apply -k`, Flux, Argo CD) refuses the file \
                 (`mapping key already defined`). meshmend reads the last value"
                    .into(),
            ),
            help: Some("delete one of the two entries".into()),
            resource: None,
            related: Some((first.span(), "first written here (overridden)".into())),
        });
    }
}

// ---------------------------------------------------------------------------
// Objects

struct Check<'a> {
    resource: &'a Resource,
    /// Typed JSON decoding (built-in kind) rather than a CRD schema.
    built_in: bool,
    problems: &'a mut Vec<InputProblem>,
    refused: bool,
}

/// What a decoded value is, in the API server's words.
fn json_type(node: NodeRef<'_>) -> &'static str {
    match decode(node) {
        None if node.is_sequence() => "array",
        None => "object",
        Some(YamlInt::Int(_) | YamlInt::Fraction | YamlInt::NotFinite) => "number",
        Some(YamlInt::Bool) => "boolean",
        Some(YamlInt::Null) => "null",
        Some(YamlInt::Str) => "string",
    }
}

/// `an array`, `a string`.
fn article(json_type: &str) -> String {
    let an = matches!(json_type.as_bytes().first(), Some(b'a' | b'o'));
    format!("{} {json_type}", if an { "an" } else { "a" })
}

/// go-yaml's reading of a scalar; `None` for a collection.
fn decode(node: NodeRef<'_>) -> Option<YamlInt> {
    let NodeKind::Scalar { value, style, tag } = node.kind() else {
        return None;
    };
    let tag = tag.unwrap_or("");
    let plain = match tag {
        "!!str" | "!!binary" => false,
        "!!int" | "!!float" => true,
        _ => style == ScalarStyle::Plain,
    };
    Some(yaml_int(value, plain))
}

impl Check<'_> {
    fn object(&mut self, node: NodeRef<'_>) {
        let resource = self.resource;
        let kind = resource.kind.value.as_str();
        if resource.api_version.is_empty() && matches!(kind, "Gateway" | "VirtualService") {
            // Built-in kinds have one API each and are still read (snippets
            // often omit it); these two cannot be placed.
            self.missing_api_version();
            return;
        }
        let metadata = node.get("metadata");
        for (field, path) in [
            ("name", "metadata.name"),
            ("namespace", "metadata.namespace"),
        ] {
            if let Some(value) = metadata.and_then(|m| m.get(field)) {
                self.string(value, path);
            }
        }
        self.labels(metadata.and_then(|m| m.get("labels")), "metadata.labels");
        let spec = node.get("spec");
        match kind {
            "Gateway" => {
                self.labels(spec.and_then(|s| s.get("selector")), "spec.selector");
                let servers = spec.and_then(|s| s.get("servers"));
                for (i, server) in servers.into_iter().flat_map(NodeRef::items).enumerate() {
                    if let Some(number) = server.path(&["port", "number"]) {
                        let path = format!("spec.servers[{i}].port.number");
                        self.integer(number, &path, (1, 65_535));
                    }
                }
            }
            "Service" => {
                self.labels(spec.and_then(|s| s.get("selector")), "spec.selector");
                let ports = spec.and_then(|s| s.get("ports"));
                for (i, port) in ports.into_iter().flat_map(NodeRef::items).enumerate() {
                    if let Some(value) = port.get("port") {
                        self.integer(value, &format!("spec.ports[{i}].port"), (1, 65_535));
                    }
                    if let Some(value) = port.get("nodePort") {
                        self.integer(value, &format!("spec.ports[{i}].nodePort"), (0, 65_535));
                    }
                    if let Some(value) = port.get("targetPort") {
                        self.target_port(value, &format!("spec.ports[{i}].targetPort"));
                    }
                }
            }
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => {
                let selector = spec.and_then(|s| s.path(&["selector", "matchLabels"]));
                self.labels(selector, "spec.selector.matchLabels");
                let template = spec.and_then(|s| s.path(&["template", "metadata", "labels"]));
                self.labels(template, "spec.template.metadata.labels");
            }
            _ => {}
        }
    }

    fn push(&mut self, kind: ProblemKind, span: Span, message: String, note: String, help: &str) {
        if kind != ProblemKind::NullLabel {
            self.refused = true;
        }
        self.problems.push(InputProblem {
            kind,
            file: self.resource.file,
            span,
            message,
            note: Some(note),
            help: Some(help.to_string()),
            resource: Some(self.resource.reference()),
            related: None,
        });
    }

    fn missing_api_version(&mut self) {
        let kind = self.resource.kind.value.clone();
        let which = match kind.as_str() {
            "Gateway" => {
                "Istio's `networking.istio.io/v1` Gateway or the Gateway API's \
                 `gateway.networking.k8s.io/v1` Gateway"
            }
            _ => "Istio's `networking.istio.io/v1` VirtualService",
        };
        self.push(
            ProblemKind::MissingApiVersion,
            self.resource.kind.span,
            format!("`kind: {kind}` has no `apiVersion`: which API is meant cannot be told"),
            format!(
                "kubectl refuses the object (`apiVersion not set`), so it was not analyzed; it \
                 is probably {which}"
            ),
            "add the `apiVersion` line",
        );
    }

    /// The API server's complaint about `found` where `expected` belongs.
    fn refusal(&self, path: &str, found: &str, expected: &str) -> String {
        if self.built_in {
            format!(
                "json: cannot unmarshal {found} into Go struct field `{path}` of type {expected}"
            )
        } else {
            format!("{path}: Invalid value: \"{found}\": {path} in body must be of type {expected}")
        }
    }

    fn string(&mut self, node: NodeRef<'_>, path: &str) {
        let found = json_type(node);
        if matches!(found, "string" | "null") {
            return;
        }
        let kind = self.resource.kind.value.clone();
        let why = format!(
            "the API server refuses the {kind} (`{}`), so it was left out of the analysis",
            self.refusal(path, found, "string")
        );
        let help = if node.is_mapping()
            && node.collection_style() == Some(super::tree::CollectionStyle::Flow)
        {
            "`{{ … }}` unquoted is a YAML mapping: render the template first, or quote the value"
        } else {
            "quote the value (`\"…\"`)"
        };
        self.push(
            ProblemKind::InvalidField,
            node.span(),
            format!(
                "`{path}` is {}, not a string: the API server refuses this {kind}",
                article(found)
            ),
            why,
            help,
        );
    }

    fn labels(&mut self, node: Option<NodeRef<'_>>, path: &str) {
        let Some(node) = node.map(NodeRef::resolve) else {
            return;
        };
        if !node.is_mapping() {
            if !node.is_null() {
                let found = json_type(node);
                let kind = self.resource.kind.value.clone();
                let why = format!(
                    "the API server refuses the {kind} (`{}`), so it was left out of the analysis",
                    self.refusal(path, found, "object")
                );
                self.push(
                    ProblemKind::InvalidField,
                    node.span(),
                    format!(
                        "`{path}` is {}, not a map of labels: the API server refuses this {kind}",
                        article(found)
                    ),
                    why,
                    "write `key: value` pairs",
                );
            }
            return;
        }
        for (key, value) in node.entries() {
            let found = json_type(value);
            if found == "string" {
                continue; // the common case: nothing to report, no path to format
            }
            let key_text = key.as_str().unwrap_or("?");
            let field = format!("{path}.{key_text}");
            if found == "null" {
                self.null_label(value, &field, path);
            } else {
                self.string(value, &field);
            }
        }
    }

    fn null_label(&mut self, value: NodeRef<'_>, field: &str, map: &str) {
        let kind = self.resource.kind.value.clone();
        let selector = map.ends_with("selector") || map.ends_with("matchLabels");
        let (message, note) = if self.built_in {
            (
                format!("`{field}` has no value: Kubernetes reads it as the empty string"),
                format!(
                    "JSON `null` decodes to \"\" in a map of strings, so the {kind} {} `{}=`",
                    if selector {
                        "selects pods labelled"
                    } else {
                        "carries the label"
                    },
                    field.rsplit('.').next().unwrap_or(field)
                ),
            )
        } else if selector {
            (
                format!(
                    "`{field}` has no value: the API server drops the key, widening the selector"
                ),
                format!(
                    "a null is pruned from a custom resource before it is stored, so the {kind}'s \
                     selector no longer requires `{}`; with no keys left it selects every \
                     gateway workload",
                    field.rsplit('.').next().unwrap_or(field)
                ),
            )
        } else {
            (
                format!("`{field}` has no value: the API server drops the key"),
                "a null is pruned from a custom resource before it is stored".to_string(),
            )
        };
        self.push(
            ProblemKind::NullLabel,
            value.span(),
            message,
            note,
            "write the value, quoted if it looks like a number or a boolean",
        );
    }

    fn integer(&mut self, node: NodeRef<'_>, path: &str, (low, high): (i128, i128)) {
        let kind = self.resource.kind.value.clone();
        let written = node.span();
        let (message, refusal) = match decode(node) {
            Some(YamlInt::Null) => return,
            Some(YamlInt::Int(value)) if (low..=high).contains(&value) => return,
            Some(YamlInt::Int(value)) => {
                let why = if self.built_in && i32::try_from(value).is_err() {
                    format!(
                        "json: cannot unmarshal number {value} into Go struct field `{path}` of type int32"
                    )
                } else if self.built_in {
                    format!(
                        "{path}: Invalid value: {value}: must be between {low} and {high}, inclusive"
                    )
                } else if !(0..=i128::from(u32::MAX)).contains(&value) {
                    format!(
                        "{path}: Invalid value: {value}: {path} in body should be {} {}",
                        if value < 0 {
                            "greater than or equal to"
                        } else {
                            "less than or equal to"
                        },
                        if value < 0 { 0 } else { u32::MAX }
                    )
                } else {
                    format!("Istio's validation: port number {value} must be in the range 1..65535")
                };
                (format!("`{path}` is {value}, outside {low}-{high}"), why)
            }
            found => {
                let name = match found {
                    Some(YamlInt::Str) => "a string",
                    Some(YamlInt::Bool) => "a boolean",
                    Some(YamlInt::Fraction) => "not a whole number",
                    Some(YamlInt::NotFinite) => "not a finite number",
                    _ => "not a number",
                };
                let json = match found {
                    Some(YamlInt::Str) => "string",
                    Some(YamlInt::Bool) => "boolean",
                    Some(YamlInt::Fraction | YamlInt::NotFinite) => "number",
                    _ => json_type(node),
                };
                let why = if matches!(found, Some(YamlInt::NotFinite)) {
                    "json: unsupported value: +Inf (YAML → JSON fails)".to_string()
                } else if self.built_in {
                    format!(
                        "json: cannot unmarshal {json} into Go struct field `{path}` of type int32"
                    )
                } else {
                    format!(
                        "{path}: Invalid value: \"{json}\": {path} in body must be of type integer"
                    )
                };
                (
                    format!("`{path}` is {name}: the API server refuses this {kind}"),
                    why,
                )
            }
        };
        self.push(
            ProblemKind::InvalidField,
            written,
            message,
            format!("the {kind} is refused (`{refusal}`), so it was left out of the analysis"),
            "write a whole number without quotes (443, not \"443\" or 443.5)",
        );
    }

    fn target_port(&mut self, node: NodeRef<'_>, path: &str) {
        match decode(node) {
            Some(YamlInt::Str) => {
                let name = node.as_str().unwrap_or_default();
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
                    let kind = self.resource.kind.value.clone();
                    self.push(
                        ProblemKind::InvalidField,
                        node.span(),
                        format!(
                            "`{path}` is the string \"{name}\": a port name must contain a letter"
                        ),
                        format!(
                            "a quoted number is a named port to Kubernetes, and the API server \
                             refuses the {kind} (`{path}: Invalid value: \"{name}\": must contain \
                             at least one letter (a-z)`), so it was left out of the analysis"
                        ),
                        "write the number without quotes",
                    );
                }
            }
            None => {}
            // targetPort 0 defaults to `port`.
            Some(_) => self.integer(node, path, (0, 65_535)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Bundle, LoadOptions, SourceFile};
    use crate::{AnalyzeOptions, analyze};

    fn codes(files: &[(&str, &str)]) -> (Bundle, Vec<&'static str>) {
        let files = files
            .iter()
            .map(|(name, text)| SourceFile::new(*name, *text))
            .collect();
        let bundle = Bundle::load(files, LoadOptions::default()).unwrap();
        let codes = analyze(&bundle, &AnalyzeOptions::default())
            .into_iter()
            .map(|d| d.code)
            .collect();
        (bundle, codes)
    }

    const WORKLOAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gw, namespace: istio-system}\nspec:\n  template:\n    metadata:\n      labels: {istio: ingressgateway}\n";

    fn gateway(name: &str, selector: &str, port: &str, protocol: &str) -> String {
        format!(
            "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}, namespace: istio-system}}\nspec:\n  selector: {selector}\n  servers:\n  - port: {{number: {port}, name: p, protocol: {protocol}}}\n    hosts: [\"*\"]\n"
        )
    }

    #[test]
    fn a_template_gateway_stays_out_and_conflicts_with_nothing() {
        // Read as YAML this was a Gateway with no name and an empty
        // selector: a TCP server on 80 against every HTTP Gateway.
        let template = gateway("{{ .Name }}", "{istio: {{ .Label }}}", "80", "TCP");
        let web = gateway("web", "{istio: ingressgateway}", "80", "HTTP");
        let (bundle, codes) = codes(&[
            ("w.yaml", WORKLOAD),
            ("t.yaml", &template),
            ("g.yaml", &web),
        ]);
        assert_eq!(codes, ["MM002"]);
        assert_eq!(bundle.model.gateways.len(), 1);
        assert_eq!(bundle.templates, [false, true, false]);
    }

    #[test]
    fn a_null_selector_value_widens_the_gateway() {
        let widened = gateway("mqtt", "{istio: }", "80", "TCP");
        let web = gateway("web", "{istio: ingressgateway}", "80", "HTTP");
        let text = format!("{WORKLOAD}---\n{web}---\n{widened}");
        let (bundle, codes) = codes(&[("a.yaml", &text)]);
        let mqtt = &bundle.model.gateways[1];
        assert_eq!(
            mqtt.selector.as_ref().map(super::super::Labels::len),
            Some(0)
        );
        assert!(
            codes.contains(&"MM010") && codes.contains(&"MM101"),
            "{codes:?}"
        );
    }

    #[test]
    fn a_port_in_another_notation_still_conflicts() {
        for number in ["0x50", "0o120", "0120", "80.0", "8e1", "+80", "8_0"] {
            let tcp = gateway("tcp", "{istio: ingressgateway}", number, "TCP");
            let web = gateway("web", "{istio: ingressgateway}", "80", "HTTP");
            let text = format!("{WORKLOAD}---\n{web}---\n{tcp}");
            let (_, codes) = codes(&[("a.yaml", &text)]);
            assert_eq!(codes, ["MM101"], "{number}");
        }
        for number in ["\"80\"", "80.5", "1e21", "yes", "-80", "0", "65536"] {
            let tcp = gateway("tcp", "{istio: ingressgateway}", number, "TCP");
            let (bundle, codes) = codes(&[("a.yaml", &format!("{WORKLOAD}---\n{tcp}"))]);
            assert_eq!(codes, ["MM003"], "{number}");
            assert!(bundle.model.gateways.is_empty(), "{number}");
        }
    }

    #[test]
    fn the_last_of_two_duplicate_keys_wins() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: a, name: b}\nspec:\n  ports: [{port: 80, port: 81}]\n";
        let (bundle, codes) = codes(&[("a.yaml", text)]);
        assert_eq!(codes, ["MM005", "MM005"]);
        assert_eq!(bundle.resources[0].name.value, "b");
        assert_eq!(
            bundle.model.services[0].ports[0]
                .port
                .as_ref()
                .unwrap()
                .value,
            81
        );
    }

    #[test]
    fn duplicates_in_a_large_mapping_are_found_in_one_pass() {
        let mut labels: Vec<String> = (0..5000).map(|i| format!("k{i}: v")).collect();
        labels.push("k17: again".into());
        let text = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: {{{}}}\n",
            labels.join(", ")
        );
        let (bundle, codes) = codes(&[("a.yaml", &text)]);
        assert_eq!(codes, ["MM005"]);
        let doc = &bundle.streams[0].documents[0];
        assert_eq!(doc.duplicate_keys().len(), 1);
        assert_eq!(
            doc.node(doc.duplicate_keys()[0].first).as_str(),
            Some("k17")
        );
    }

    #[test]
    fn runtime_templates_in_strings_are_not_helm() {
        for text in [
            "kind: ConfigMap\ndata:\n  msg: \"{{ $labels.instance }} down\"\n",
            "kind: ConfigMap\ndata:\n  msg: |\n    {{- if .Values.x }}\n",
            "kind: ConfigMap\ndata:\n  msg: Instance {{ $labels.instance }} down\n",
            "kind: Workflow\nargs: [\"{{inputs.parameters.x}}\"]\n",
            "kind: ClusterServingRuntime\nargs:\n- --model_name={{.Name}}\n",
            "kind: ConfigMap\ndata:\n  path: /{{ .ObjectMeta.Namespace }}/{{ .ObjectMeta.Name }}\n",
        ] {
            let (bundle, codes) = codes(&[("a.yaml", text)]);
            assert!(codes.is_empty(), "{text}: {codes:?}");
            assert_eq!(bundle.resources.len(), 1, "{text}");
        }
        for text in [
            "kind: ConfigMap\ndata:\n  image: repo/app:{{ .Values.tag }}\n",
            "{{- if .Values.enabled }}\nkind: ConfigMap\n{{- end }}\n",
            "kind: ConfigMap\n{% if x %}\ndata: {}\n{% endif %}\n",
        ] {
            let (bundle, codes) = codes(&[("a.yaml", text)]);
            assert_eq!(codes, ["MM002"], "{text}");
            assert!(bundle.resources.is_empty(), "{text}");
        }
    }
}
