//! What the input means: files → documents → resources → typed views.
//!
//! [`Bundle`] owns the text and the parsed trees; [`Resource`] is one
//! Kubernetes object (or one Helm values file) with its identity; the typed
//! views in [`istio`] and [`k8s`] read only the fields the rules need, each
//! with its span, and are collected once per bundle in [`Model`].

pub mod identity;
pub mod istio;
pub mod k8s;
pub mod kustomize;
pub mod layout;
pub mod validate;

/// The parse tree, which the model reads (it lives in [`parse`], the layer below).
pub use crate::parse::tree;

use crate::hash::HashMap;
use std::collections::BTreeMap;

use crate::error::Error;
use crate::parse::{self, DocumentError, Limits, Stream};
use crate::sort;
use crate::span::{Span, Spanned};
use tree::{NodeId, NodeRef};

pub use istio::{Gateway, Protocol, Server, ServerPort, Tls, VirtualService};
pub use k8s::{Secret, Service, ServiceOrigin, ServicePort, TargetPort, Workload};

/// One input file (a pasted buffer counts as one).
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Display name: a path, `-` for stdin, or the name of a dropped file.
    pub name: String,
    /// Full text.
    pub text: String,
}

impl SourceFile {
    /// A file from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// Settings that change how input is read.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Namespace for resources that do not set one (`--namespace`, default `default`).
    pub default_namespace: String,
    /// Limits on hostile input.
    pub limits: Limits,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            default_namespace: "default".to_string(),
            limits: Limits::default(),
        }
    }
}

/// Labels or a selector, sorted by key (as Kubernetes prints them).
pub type Labels = BTreeMap<String, String>;

/// Kind, namespace and name: how findings name a resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResourceRef {
    /// `Gateway`, `Service`, …
    pub kind: String,
    /// Effective namespace.
    pub namespace: String,
    /// `metadata.name` (or the Helm release/gateway name).
    pub name: String,
}

/// One Kubernetes object, `kind: List` item, or Helm values file.
#[derive(Clone, Debug)]
pub struct Resource {
    /// Index of the file in [`Bundle::files`].
    pub file: usize,
    /// Index of the document in that file's [`Stream::documents`].
    pub document: usize,
    /// The object's mapping node.
    pub node: NodeId,
    /// Span of the whole object.
    pub span: Span,
    /// `apiVersion` (empty for Helm values).
    pub api_version: String,
    /// `kind`, or `HelmValues` / `IstioOperator` for recognised values files.
    pub kind: Spanned<String>,
    /// `metadata.name`.
    pub name: Spanned<String>,
    /// Effective namespace (explicit or the default).
    pub namespace: String,
    /// Span of `metadata.namespace` when written.
    pub namespace_span: Option<Span>,
    /// `metadata.creationTimestamp`, when present (RFC 3339 sorts as text).
    pub creation_timestamp: Option<String>,
}

impl Resource {
    /// Kind, namespace and name.
    pub fn reference(&self) -> ResourceRef {
        ResourceRef {
            kind: self.kind.value.clone(),
            namespace: self.namespace.clone(),
            name: self.name.value.clone(),
        }
    }

    /// `namespace/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name.value)
    }
}

/// All input: files, their parse trees, the resources found and typed views.
#[derive(Debug)]
pub struct Bundle {
    /// Input files in the order given.
    pub files: Vec<SourceFile>,
    /// One parse per file.
    pub streams: Vec<Stream>,
    /// Every resource in file and document order: one per identity, without
    /// patches (see [`layout`]).
    pub resources: Vec<Resource>,
    /// Typed views over the resources.
    pub model: Model,
    /// The options the bundle was loaded with.
    pub options: LoadOptions,
    /// Templates, refused objects and other input problems (see [`validate`]).
    pub problems: Vec<validate::InputProblem>,
    /// Per file: an unrendered template, so its YAML errors are not reported.
    pub templates: Vec<bool>,
    /// Kustomize builds and duplicate definitions, already applied to `resources`.
    pub layout: layout::Layout,
}

impl Bundle {
    /// Parses every file and builds the model.
    ///
    /// Fails only when a file breaks a whole-input limit (size); broken
    /// documents are kept as [`DocumentError`]s and reported by the
    /// `yaml-syntax` rule.
    pub fn load(files: Vec<SourceFile>, options: LoadOptions) -> Result<Bundle, Error> {
        let total: usize = files.iter().map(|f| f.text.len()).sum();
        if total > options.limits.max_input_bytes {
            return Err(Error::new(
                crate::ErrorKind::TooLarge {
                    size: total,
                    limit: options.limits.max_input_bytes,
                },
                format!(
                    "input is {total} bytes, more than the limit of {} bytes",
                    options.limits.max_input_bytes
                ),
                None,
                None,
            ));
        }
        let mut streams = Vec::with_capacity(files.len());
        for file in &files {
            streams.push(parse::parse(&file.text, &options.limits)?);
        }
        // Most documents hold one object: sized once, no doubling slack.
        let mut resources = Vec::with_capacity(streams.iter().map(|s| s.documents.len()).sum());
        for (file, stream) in streams.iter().enumerate() {
            for (document, doc) in stream.documents.iter().enumerate() {
                if let Some(root) = doc.root() {
                    collect_resources(file, document, root, &options, &mut resources);
                }
            }
        }
        let (problems, templates) = validate::admit(&files, &streams, &mut resources);
        let layout = layout::Layout::apply(&files, &streams, &mut resources);
        let mut bundle = Bundle {
            files,
            streams,
            resources,
            model: Model::default(),
            options,
            problems,
            templates,
            layout,
        };
        bundle.model = Model::build(&bundle);
        Ok(bundle)
    }

    /// Convenience: one unnamed buffer with default options.
    pub fn from_text(name: &str, text: &str) -> Result<Bundle, Error> {
        Bundle::load(vec![SourceFile::new(name, text)], LoadOptions::default())
    }

    /// The mapping node of a resource.
    pub fn node(&self, resource: &Resource) -> NodeRef<'_> {
        self.streams[resource.file].documents[resource.document].node(resource.node)
    }

    /// Text of a file.
    pub fn text(&self, file: usize) -> &str {
        &self.files[file].text
    }

    /// Documents that failed to parse, with their file index.
    pub fn document_errors(&self) -> impl Iterator<Item = (usize, &DocumentError)> {
        self.streams
            .iter()
            .enumerate()
            .flat_map(|(file, stream)| stream.errors.iter().map(move |e| (file, e)))
    }

    /// Documents seen in all files.
    pub fn document_count(&self) -> usize {
        self.streams.iter().map(Stream::document_count).sum()
    }
}

fn collect_resources(
    file: usize,
    document: usize,
    node: NodeRef<'_>,
    options: &LoadOptions,
    out: &mut Vec<Resource>,
) {
    let node = node.resolve();
    if !node.is_mapping() {
        return;
    }
    let kind = node.get("kind");
    let kind_value = kind.and_then(NodeRef::as_str).unwrap_or_default();
    if kind_value.ends_with("List") && node.get("items").is_some_and(NodeRef::is_sequence) {
        for item in node.get("items").into_iter().flat_map(NodeRef::items) {
            collect_resources(file, document, item, options, out);
        }
        return;
    }
    let metadata = node.get("metadata");
    let name = metadata.and_then(|m| m.get("name"));
    let namespace = metadata.and_then(|m| m.get("namespace"));
    let (kind, name) = match (kind, kind_value) {
        (Some(kind), value) if !value.is_empty() => (
            Spanned::new(value.to_string(), kind.span()),
            name.and_then(|n| n.as_str().map(|s| Spanned::new(s.to_string(), n.span())))
                .unwrap_or_else(|| Spanned::new(String::new(), kind.span())),
        ),
        _ => match k8s::helm_values_identity(node) {
            Some(identity) => identity,
            None => return, // not a Kubernetes object: skipped silently
        },
    };
    out.push(Resource {
        file,
        document,
        node: node.id(),
        span: node.span(),
        api_version: node.get_str("apiVersion").unwrap_or_default().to_string(),
        kind,
        name,
        namespace: namespace
            .and_then(NodeRef::as_str)
            .filter(|ns| !ns.is_empty())
            .unwrap_or(&options.default_namespace)
            .to_string(),
        namespace_span: namespace.map(NodeRef::span),
        creation_timestamp: metadata
            .and_then(|m| m.get_str("creationTimestamp"))
            .map(str::to_string),
    });
}

/// A scalar's string value with its span.
pub(crate) fn spanned_str(node: Option<NodeRef<'_>>) -> Option<Spanned<String>> {
    let node = node?;
    Some(Spanned::new(node.as_str()?.to_string(), node.span()))
}

/// A scalar read as a port-sized number (`u32`) with its span, the way
/// Kubernetes decodes it (`0x1BB` and `443.0` are 443; `"443"` is a string).
pub(crate) fn spanned_u32(node: Option<NodeRef<'_>>) -> Option<Spanned<u32>> {
    let node = node?;
    let value = u32::try_from(spanned_i64(Some(node), false)?.value).ok()?;
    Some(Spanned::new(value, node.span()))
}

/// A scalar read as an integer with its span, the way Kubernetes decodes
/// it; `quoted_ok` also reads `"443"` as 443 (chart values that a template
/// prints unquoted).
pub(crate) fn spanned_i64(node: Option<NodeRef<'_>>, quoted_ok: bool) -> Option<Spanned<i64>> {
    let node = node?;
    let (text, style) = node.as_scalar()?;
    let plain = quoted_ok || style == tree::ScalarStyle::Plain;
    match crate::numeric::yaml_int(text.trim(), plain) {
        crate::numeric::YamlInt::Int(value) => {
            Some(Spanned::new(i64::try_from(value).ok()?, node.span()))
        }
        _ => None,
    }
}

/// Reads a `key: value` string map of a custom resource: a null value is
/// pruned by the API server, so the key is dropped (see [`validate`]).
pub fn read_crd_labels(node: Option<NodeRef<'_>>) -> Labels {
    sort::btree(
        node.into_iter()
            .flat_map(NodeRef::entries)
            .filter(|(_, v)| !v.is_null())
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string()))),
    )
}

/// Reads a `key: value` string map (labels, selectors) with string values
/// (a null reads as "", as typed JSON decoding does).
pub fn read_labels(node: Option<NodeRef<'_>>) -> Labels {
    sort::btree(
        node.into_iter()
            .flat_map(NodeRef::entries)
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string()))),
    )
}

/// Renders labels as Kubernetes does: `a=1,b=2`.
pub fn labels_to_string(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// True when every label of `selector` is in `labels` (Kubernetes subset match).
pub fn selector_matches(selector: &Labels, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The Kubernetes kinds [`Model::build`] reads into typed views (besides
/// Helm values files); keep in step with its `match`. A copy or a patch of
/// any other kind changes no finding.
pub(crate) const READ_KINDS: &[&str] = &[
    "Gateway",
    "VirtualService",
    "Service",
    "Secret",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Pod",
    "IstioOperator",
];

/// Typed views over every resource of a bundle.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Istio `Gateway`s.
    pub gateways: Vec<Gateway>,
    /// Istio `VirtualService`s.
    pub virtual_services: Vec<VirtualService>,
    /// Services, including those that Helm values and IstioOperator entries render.
    pub services: Vec<Service>,
    /// Pod-creating workloads, including those Helm values and IstioOperator entries render.
    pub workloads: Vec<Workload>,
    /// Kubernetes `Secret`s (keys only).
    pub secrets: Vec<Secret>,
    /// Selector lookups without all-pairs scans; built by [`Model::build`].
    index: SelectorIndex,
}

/// Inverted indexes from label pairs to workloads and Services, so "which
/// workloads does this selector pick" and "which Services select this
/// workload" cost the size of the answer's candidates, not of the cluster.
#[derive(Clone, Debug, Default)]
struct SelectorIndex {
    /// Workload indices by each `(key, value)` of their pod labels.
    workloads_by_label: PairIndex,
    /// Service indices by one `(key, value)` of their selector (the first:
    /// a workload the Service selects must carry it).
    services_by_selector: PairIndex,
    /// Workloads with the same namespace and pod labels, in input order
    /// (the first member is the representative). Fifty replicas of one
    /// gateway Deployment match the same selectors and Services, so rules
    /// that only need namespace and labels work per group, not per workload.
    workload_groups: Vec<Vec<usize>>,
    /// Group indices by each `(key, value)` of their pod labels.
    groups_by_label: PairIndex,
}

/// `key → value → indices`: looked up with `&str`s, no allocation.
type PairIndex = HashMap<String, HashMap<String, Vec<usize>>>;

fn insert_pair(index: &mut PairIndex, key: &str, value: &str, item: usize) {
    index
        .entry(key.to_string())
        .or_default()
        .entry(value.to_string())
        .or_default()
        .push(item);
}

fn lookup_pair<'a>(index: &'a PairIndex, key: &str, value: &str) -> &'a [usize] {
    index
        .get(key)
        .and_then(|values| values.get(value))
        .map_or(&[], Vec::as_slice)
}

/// The shortest posting list of `selector`'s pairs in `index`: every entry
/// the selector can match is in it (none for an empty selector).
fn shortest_posting<'a>(index: &'a PairIndex, selector: &Labels) -> &'a [usize] {
    selector
        .iter()
        .map(|(k, v)| lookup_pair(index, k, v))
        .min_by_key(|list| list.len())
        .unwrap_or(&[])
}

impl SelectorIndex {
    fn build(model: &Model) -> Self {
        let mut index = SelectorIndex::default();
        let mut groups: HashMap<(&str, &Labels), usize> = HashMap::default();
        for (i, workload) in model.workloads.iter().enumerate() {
            for (k, v) in &workload.labels {
                insert_pair(&mut index.workloads_by_label, k, v, i);
            }
            let next = index.workload_groups.len();
            let group = *groups
                .entry((workload.namespace.as_str(), &workload.labels))
                .or_insert(next);
            if group == next {
                index.workload_groups.push(Vec::new());
                for (k, v) in &workload.labels {
                    insert_pair(&mut index.groups_by_label, k, v, group);
                }
            }
            index.workload_groups[group].push(i);
        }
        for (i, service) in model.services.iter().enumerate() {
            if let Some((k, v)) = service.selector.iter().next() {
                insert_pair(&mut index.services_by_selector, k, v, i);
            }
        }
        index
    }
}

impl Model {
    /// Builds every typed view.
    pub fn build(bundle: &Bundle) -> Model {
        let mut model = Model::default();
        for (index, resource) in bundle.resources.iter().enumerate() {
            let node = bundle.node(resource);
            match (resource.kind.value.as_str(), resource.api_version.as_str()) {
                ("Gateway", api) if api.starts_with("networking.istio.io/") => {
                    model.gateways.push(Gateway::read(index, resource, node));
                }
                ("VirtualService", api) if api.starts_with("networking.istio.io/") => {
                    model
                        .virtual_services
                        .push(VirtualService::read(index, resource, node));
                }
                ("Service", _) => model.services.push(Service::read(index, resource, node)),
                ("Secret", _) => model.secrets.push(Secret::read(index, resource, node)),
                ("Pod" | "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet", _) => {
                    if let Some(workload) = Workload::read(index, resource, node) {
                        model.workloads.push(workload);
                    }
                }
                (k8s::HELM_VALUES | "IstioOperator", _) => {
                    k8s::read_gateway_installs(index, resource, node, &mut model);
                }
                _ => {}
            }
        }
        model.index = SelectorIndex::build(&model);
        model
    }

    /// Workloads whose pod labels `selector` matches (Kubernetes subset
    /// match), in input order. An empty selector matches nothing here:
    /// callers decide what "selects every proxy" means for them.
    ///
    /// Uses the label index: the cost is the smallest posting list of the
    /// selector's pairs, not the number of workloads.
    pub fn workloads_selected_by<'a, 's>(
        &'a self,
        selector: &'s Labels,
    ) -> impl Iterator<Item = &'a Workload> + use<'a, 's> {
        shortest_posting(&self.index.workloads_by_label, selector)
            .iter()
            .map(|&i| &self.workloads[i])
            .filter(move |w| selector_matches(selector, &w.labels))
    }

    /// Like [`Model::workloads_selected_by`], but one workload per group of
    /// workloads with the same namespace and labels (the first of each, in
    /// input order), with the group's workload indices: what rules that
    /// read only namespaces and labels need, at the cost of distinct groups.
    pub fn workload_groups_selected_by<'a, 's>(
        &'a self,
        selector: &'s Labels,
    ) -> impl Iterator<Item = (&'a Workload, &'a [usize])> + use<'a, 's> {
        shortest_posting(&self.index.groups_by_label, selector)
            .iter()
            .map(|&g| {
                let members = self.index.workload_groups[g].as_slice();
                (&self.workloads[members[0]], members)
            })
            .filter(move |(w, _)| selector_matches(selector, &w.labels))
    }

    /// Services with a non-empty selector that matches `labels` (any
    /// namespace; callers compare namespaces), in input order.
    pub fn services_selecting<'a, 'l>(
        &'a self,
        labels: &'l Labels,
    ) -> impl Iterator<Item = &'a Service> + use<'a, 'l> {
        let mut candidates: Vec<usize> = labels
            .iter()
            .flat_map(|(k, v)| lookup_pair(&self.index.services_by_selector, k, v))
            .copied()
            .collect();
        sort::ascending(&mut candidates);
        candidates.dedup();
        candidates
            .into_iter()
            .map(|i| &self.services[i])
            .filter(move |s| !s.selector.is_empty() && selector_matches(&s.selector, labels))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLUSTER: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress, namespace: istio-system}
spec:
  template:
    metadata:
      labels: {app: istio-ingressgateway, istio: ingressgateway}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: internal, namespace: istio-system}
spec:
  template:
    metadata:
      labels: {app: istio-ingressgateway, istio: internal}
---
apiVersion: v1
kind: Service
metadata: {name: ingress, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: all-gateways, namespace: istio-system}
spec:
  selector: {app: istio-ingressgateway}
  ports: [{port: 15021}]
---
apiVersion: v1
kind: Service
metadata: {name: headless, namespace: istio-system}
spec:
  ports: [{port: 9}]
";

    fn names<'a>(items: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
        items.map(String::as_str).collect()
    }

    #[test]
    fn selector_index_agrees_with_a_linear_scan() {
        let bundle = Bundle::from_text("c.yaml", CLUSTER).unwrap();
        let model = &bundle.model;
        let selector = |pairs: &[(&str, &str)]| -> Labels {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect()
        };
        for sel in [
            selector(&[("istio", "ingressgateway")]),
            selector(&[("app", "istio-ingressgateway")]),
            selector(&[("app", "istio-ingressgateway"), ("istio", "internal")]),
            selector(&[("istio", "nothing")]),
            selector(&[]),
        ] {
            let indexed: Vec<_> = model.workloads_selected_by(&sel).collect();
            let scanned: Vec<_> = model
                .workloads
                .iter()
                .filter(|w| !sel.is_empty() && selector_matches(&sel, &w.labels))
                .collect();
            assert_eq!(
                names(indexed.iter().map(|w| &w.name.value)),
                names(scanned.iter().map(|w| &w.name.value)),
                "{sel:?}"
            );
        }
        for (workload, services) in [
            (&model.workloads[0], &["ingress", "all-gateways"][..]),
            (&model.workloads[1], &["all-gateways"]),
        ] {
            let selecting = model.services_selecting(&workload.labels);
            assert_eq!(names(selecting.map(|s| &s.name.value)), services);
        }
    }
}
