//! Conflict groups: the Gateways that the `MM1xx` findings tie together, and
//! the shared lookups strategies need (server nodes, deleting a resource,
//! rewriting VirtualService `gateways:` references).

use crate::hash::{HashMap, HashSet};

use super::yaml;
use crate::analyze::topology::{Topology, WorkloadSource};
use crate::diagnostic::Diagnostic;
use crate::edit::Edit;
use crate::model::istio::resolve_gateway_reference;
use crate::model::tree::{NodeId, NodeRef, items_of};
use crate::model::{Bundle, Gateway};
use crate::sort;
use crate::span::Span;

/// Gateways tied together by conflict findings, with those findings.
pub(crate) struct Group<'a> {
    /// Gateway indexes (into `model.gateways`) in istiod merge order: the
    /// first is the oldest.
    pub gateways: Vec<usize>,
    /// The findings, sorted by code.
    pub findings: Vec<&'a Diagnostic>,
}

impl Group<'_> {
    /// The name of the rule that leads the group (lowest code).
    pub(crate) fn rule(&self) -> &'static str {
        self.findings
            .first()
            .map_or("duplicate-tls-host", |d| d.name)
    }

    /// True when some finding is of rule `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.findings.iter().any(|d| d.name == name)
    }
}

/// Where each Gateway is named outside the places a fix rewrites (its own
/// definition and the VirtualServices, whose `gateways:` references follow a
/// merge): a ConfigMap (Knative's `config-istio` holds
/// `gateway.<ns>.<name>`), Helm values (`istioGateway: <ns>/<name>`), a
/// controller flag. Deleting such a Gateway breaks what names it, and
/// meshmend cannot rewrite text it does not model. Forms looked for:
/// `ns/name`, `ns.name` and `name.ns`, as whole tokens. One Aho-Corasick
/// pass over the input for all Gateways, so the cost stays linear.
pub(crate) fn named_elsewhere(bundle: &Bundle) -> HashMap<usize, String> {
    use aho_corasick::automaton::Automaton;
    use aho_corasick::{Input, MatchKind, nfa::noncontiguous::NFA};

    let gateways = &bundle.model.gateways;
    let mut needles = Vec::new();
    let mut owner = Vec::new();
    for (i, g) in gateways.iter().enumerate() {
        let (ns, name) = (g.namespace.as_str(), g.name.value.as_str());
        for needle in [
            format!("{ns}/{name}"),
            format!("{ns}.{name}"),
            format!("{name}.{ns}"),
        ] {
            needles.push(needle);
            owner.push(i);
        }
    }
    let mut found = HashMap::default();
    let Ok(matcher) = NFA::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&needles)
    else {
        return found;
    };
    // Spans whose mentions a fix takes care of, per file.
    let mut handled: HashMap<usize, Vec<Span>> = HashMap::default();
    for r in &bundle.resources {
        if r.kind.value == "VirtualService" || r.kind.value == "Gateway" {
            handled.entry(r.file).or_default().push(r.span);
        }
    }
    let token = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    for (file, source) in bundle.files.iter().enumerate() {
        let text = source.text.as_str();
        let bytes = text.as_bytes();
        let spans = handled.get(&file).map_or(&[][..], Vec::as_slice);
        let mut lines = None; // built once per file, on its first mention
        for m in matcher
            .try_find_iter(Input::new(text))
            .into_iter()
            .flatten()
        {
            let (start, end) = (m.start(), m.end());
            let whole = (start == 0 || !token(bytes[start - 1]))
                && (end == bytes.len() || !token(bytes[end]));
            if !whole || spans.iter().any(|s| s.start <= start && end <= s.end) {
                continue;
            }
            found
                .entry(owner[m.pattern().as_usize()])
                .or_insert_with(|| {
                    let at = lines
                        .get_or_insert_with(|| crate::span::LineIndex::new(text))
                        .line_col(text, start);
                    format!("{}:{}:{}", source.name, at.line, at.column)
                });
        }
    }
    found
}

/// How many times each Gateway is defined, indexed once per fix (a scan of
/// every Gateway and every duplicate per conflict group was quadratic).
pub(crate) struct Copies<'b> {
    /// Gateways of the model per (namespace, name).
    named: HashMap<(&'b str, &'b str), usize>,
    /// Files of the definitions dropped in favour of each kept resource
    /// (file, document, node), in input order.
    dropped: HashMap<(usize, usize, NodeId), Vec<&'b str>>,
}

impl<'b> Copies<'b> {
    pub(crate) fn new(bundle: &'b Bundle) -> Self {
        let mut named: HashMap<(&str, &str), usize> = HashMap::default();
        for g in &bundle.model.gateways {
            *named
                .entry((g.namespace.as_str(), g.name.value.as_str()))
                .or_default() += 1;
        }
        let mut dropped: HashMap<(usize, usize, NodeId), Vec<&str>> = HashMap::default();
        for d in &bundle.layout.duplicates {
            dropped
                .entry((d.kept.file, d.kept.document, d.kept.node))
                .or_default()
                .extend(
                    d.dropped
                        .iter()
                        .map(|(r, _)| bundle.files[r.file].name.as_str()),
                );
        }
        Self { named, dropped }
    }
}

/// A refusal when a Gateway of `group` is defined more than once in the
/// input (overlays, charts, clusters: `duplicate-definition`), or several
/// Gateways of the model share a namespace and name. Which definition is
/// deployed is not in the input, and editing one copy would leave the
/// others (the analysis would then pick the next copy): none is edited.
pub(crate) fn copies_refusal(
    bundle: &Bundle,
    copies: &Copies<'_>,
    group: &Group<'_>,
) -> Option<super::Rejected> {
    group.gateways.iter().find_map(|&g| {
        let gateway = &bundle.model.gateways[g];
        let resource = &bundle.resources[gateway.resource];
        let model_copies = copies
            .named
            .get(&(gateway.namespace.as_str(), gateway.name.value.as_str()))
            .copied()
            .unwrap_or(0);
        let dropped: &[&str] = copies
            .dropped
            .get(&(resource.file, resource.document, resource.node))
            .map_or(&[], Vec::as_slice);
        let copies = model_copies + dropped.len();
        (copies > 1).then(|| super::Rejected {
            title: format!("Fix the conflict of Gateway {}", gateway.full_name()),
            reason: if dropped.is_empty() {
                format!(
                    "the input holds {copies} Gateways named {} (overlays, charts or clusters?); which one is deployed is not in the input, so none is edited or deleted",
                    gateway.full_name()
                )
            } else {
                format!(
                    "Gateway {} is defined {copies} times (also in {}); which definition is deployed is not in the input, so none is edited or deleted: fix each build on its own (`kustomize build … | meshmend fix -`)",
                    gateway.full_name(),
                    dropped.join(", ")
                )
            },
        })
    })
}

/// Groups the Gateways named by `MM1xx` findings with the Gateways their
/// related spans point into (union–find), in merge order.
pub(crate) fn conflict_groups<'a>(
    bundle: &Bundle,
    topology: &Topology,
    findings: &'a [Diagnostic],
) -> Vec<Group<'a>> {
    let gateways = &bundle.model.gateways;
    let by_name: HashMap<(&str, &str), usize> = gateways
        .iter()
        .enumerate()
        .map(|(i, g)| ((g.namespace.as_str(), g.name.value.as_str()), i))
        .collect();
    let mut by_file: HashMap<usize, Vec<(Span, usize)>> = HashMap::default();
    for (i, g) in gateways.iter().enumerate() {
        by_file
            .entry(g.file)
            .or_default()
            .push((bundle.resources[g.resource].span, i));
    }
    for spans in by_file.values_mut() {
        sort::by_key(spans, |(s, _)| s.start);
    }
    let locate = |file: usize, span: Span| -> Option<usize> {
        let spans = by_file.get(&file)?;
        let after = spans.partition_point(|(s, _)| s.start <= span.start);
        let (s, g) = spans.get(after.checked_sub(1)?)?;
        s.contains(span).then_some(*g)
    };
    let mut parent: Vec<usize> = (0..gateways.len()).collect();
    let mut involved: Vec<(usize, &Diagnostic)> = Vec::new();
    for d in findings.iter().filter(|d| d.code.starts_with("MM1")) {
        let Some(r) = d.resource.as_ref().filter(|r| r.kind == "Gateway") else {
            continue;
        };
        let Some(&g) = by_name.get(&(r.namespace.as_str(), r.name.as_str())) else {
            continue;
        };
        involved.push((g, d));
        for related in &d.related {
            if let Some(h) = locate(related.file, related.span) {
                let (a, b) = (root(&mut parent, g), root(&mut parent, h));
                parent[a] = b;
            }
        }
    }
    // Gateways whose servers name the same host (or SNI name) on one
    // listener belong together: fixing one changes what the other serves.
    let mut first_claim: HashMap<(usize, &str), usize> = HashMap::default();
    for (index, listener) in topology.listeners.iter().enumerate() {
        for placed in &listener.servers {
            for host in &placed.hosts {
                let key = (index, crate::analyze::topology::sni_name(host));
                match first_claim.get(&key) {
                    Some(&other) if other != placed.server.gateway => {
                        let (a, b) = (
                            root(&mut parent, placed.server.gateway),
                            root(&mut parent, other),
                        );
                        parent[a] = b;
                    }
                    Some(_) => {}
                    None => {
                        first_claim.insert(key, placed.server.gateway);
                    }
                }
            }
        }
    }
    let rank: HashMap<usize, usize> = topology
        .order
        .iter()
        .enumerate()
        .map(|(position, &g)| (g, position))
        .collect();
    let mut groups: HashMap<usize, Group<'a>> = HashMap::default();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::default();
    for (g, d) in involved {
        let r = root(&mut parent, g);
        groups
            .entry(r)
            .or_insert_with(|| Group {
                gateways: Vec::new(),
                findings: Vec::new(),
            })
            .findings
            .push(d);
    }
    for g in 0..gateways.len() {
        let r = root(&mut parent, g);
        if groups.contains_key(&r) {
            members.entry(r).or_default().push(g);
        }
    }
    let mut out: Vec<Group<'a>> = groups
        .into_iter()
        .map(|(r, mut group)| {
            let mut gateways = members.remove(&r).unwrap_or_default();
            sort::by_key(&mut gateways, |g| {
                rank.get(g).copied().unwrap_or(usize::MAX)
            });
            group.gateways = gateways;
            sort::by_key(&mut group.findings, |d| (d.code, d.file, d.span.start));
            group
        })
        .collect();
    sort::by_key(&mut out, |g| {
        g.gateways.first().and_then(|f| rank.get(f).copied())
    });
    out
}

/// Union–find root with path halving.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// `Some(reason)` when the group's Gateways do not all apply to exactly the
/// same gateway workloads (merging them would change which pods serve what).
pub(crate) fn workload_mismatch(
    bundle: &Bundle,
    topology: &Topology,
    group: &[usize],
) -> Option<String> {
    let of = |g: usize| topology.workloads_of(g);
    let first = of(group[0]);
    let target = &bundle.model.gateways[group[0]];
    for &g in &group[1..] {
        let other = &bundle.model.gateways[g];
        if of(g) != first {
            return Some(format!(
                "Gateways {} and {} do not select exactly the same gateway workloads, so merging them would change which pods serve their hosts",
                target.full_name(),
                other.full_name()
            ));
        }
    }
    None
}

/// The YAML node of server `server` of `gateway`.
pub(crate) fn server_node<'a>(
    bundle: &'a Bundle,
    gateway: &Gateway,
    server: usize,
) -> Option<NodeRef<'a>> {
    servers_node(bundle, gateway)?.items().nth(server)
}

/// The `spec.servers` sequence of `gateway`.
pub(crate) fn servers_node<'a>(bundle: &'a Bundle, gateway: &Gateway) -> Option<NodeRef<'a>> {
    bundle
        .node(&bundle.resources[gateway.resource])
        .path(&["spec", "servers"])
        .filter(|s| s.is_sequence())
}

/// An edit removing a resource: its whole document, or its `items[]` entry
/// in a `kind: List`.
pub(crate) fn delete_resource(bundle: &Bundle, resource: usize) -> Option<(usize, Edit)> {
    let r = &bundle.resources[resource];
    let text = bundle.text(r.file);
    let stream = &bundle.streams[r.file];
    let root = stream.documents.get(r.document)?.root()?.resolve();
    if root.id() == r.node {
        return Some((r.file, yaml::delete_document(text, stream, r.document)?));
    }
    let items = root.get("items")?;
    let index = items.items().position(|i| i.resolve().id() == r.node)?;
    if items.items().count() == 1 {
        return Some((r.file, yaml::delete_document(text, stream, r.document)?));
    }
    Some((r.file, yaml::delete_item(text, items, index)?))
}

/// Gateway (namespace, name) → VirtualServices (indexes into
/// `model.virtual_services`) that name it in any `gateways:` list.
pub(crate) type References = HashMap<(String, String), Vec<usize>>;

/// Builds [`References`] once per fix.
pub(crate) fn references(bundle: &Bundle) -> References {
    let mut out: References = HashMap::default();
    for (index, vs) in bundle.model.virtual_services.iter().enumerate() {
        let node = bundle.node(&bundle.resources[vs.resource]);
        for list in gateway_lists(node) {
            for item in list.items() {
                if let Some(key) = item
                    .as_str()
                    .and_then(|r| resolve_gateway_reference(r, &vs.namespace))
                {
                    out.entry(key).or_default().push(index);
                }
            }
        }
    }
    out
}

/// Every `gateways:` list of a VirtualService: `spec.gateways` and the
/// per-match lists under `http`, `tls` and `tcp` routes.
pub(crate) fn gateway_lists(vs: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    let mut lists = Vec::new();
    let Some(spec) = vs.get("spec") else {
        return lists;
    };
    lists.extend(spec.get("gateways").filter(|g| g.is_sequence()));
    for section in ["http", "tls", "tcp"] {
        for route in items_of(spec.get(section)) {
            for m in items_of(route.get("match")) {
                lists.extend(m.get("gateways").filter(|g| g.is_sequence()));
            }
        }
    }
    lists
}

/// Edits that make every reference to a Gateway in `moved` (namespace,
/// name) point at `target` instead, in every form istiod accepts. Returns
/// (file, edit, VirtualService resource index, before, after) per rewrite.
pub(crate) fn rewrite_references(
    bundle: &Bundle,
    index: &References,
    moved: &[(&str, &str)],
    target: &Gateway,
) -> Vec<(usize, Edit, usize, String, String)> {
    let mut out = Vec::new();
    // Once per name: copies of one Gateway (same namespace and name) would
    // otherwise collect every VirtualService once per copy, quadratically.
    let mut names: Vec<(&str, &str)> = moved.to_vec();
    sort::ascending(&mut names);
    names.dedup();
    let moved: HashSet<(&str, &str)> = names.iter().copied().collect();
    let mut services: Vec<usize> = names
        .iter()
        .filter_map(|&(ns, name)| index.get(&(ns.to_string(), name.to_string())))
        .flatten()
        .copied()
        .collect();
    sort::ascending(&mut services);
    services.dedup();
    for vs in services
        .into_iter()
        .map(|i| &bundle.model.virtual_services[i])
    {
        let resource = &bundle.resources[vs.resource];
        let text = bundle.text(resource.file);
        let written = if vs.namespace == target.namespace {
            target.name.value.clone()
        } else {
            target.full_name()
        };
        for list in gateway_lists(bundle.node(resource)) {
            let items: Vec<NodeRef<'_>> = list.items().collect();
            let resolved: Vec<Option<(String, String)>> = items
                .iter()
                .map(|i| {
                    i.as_str()
                        .and_then(|r| resolve_gateway_reference(r, &vs.namespace))
                })
                .collect();
            let is_target = |r: &Option<(String, String)>| {
                r.as_ref()
                    .is_some_and(|(ns, n)| *ns == target.namespace && *n == target.name.value)
            };
            let mut has_target = resolved.iter().any(is_target);
            for (index, item) in items.iter().enumerate() {
                let Some((ns, name)) = &resolved[index] else {
                    continue;
                };
                if !moved.contains(&(ns.as_str(), name.as_str())) {
                    continue;
                }
                let before = item.as_str().unwrap_or_default().to_string();
                if has_target {
                    if let Some(edit) = yaml::delete_item(text, list, index) {
                        out.push((resource.file, edit, vs.resource, before, String::new()));
                    }
                } else {
                    has_target = true;
                    out.push((
                        resource.file,
                        yaml::replace_scalar(*item, yaml::Scalar::Str(&written)),
                        vs.resource,
                        before,
                        written.clone(),
                    ));
                }
            }
        }
    }
    out
}

/// True when the group's pods are only known by selector (no workload in
/// the input) and the Gateways' selectors differ: the topology groups them
/// as *probably* the same pods.
pub(crate) fn probable_workload(bundle: &Bundle, topology: &Topology, group: &[usize]) -> bool {
    let target = &bundle.model.gateways[group[0]];
    let stand_in = topology
        .workloads_of(group[0])
        .iter()
        .any(|&w| topology.workloads[w].source == WorkloadSource::Selector);
    stand_in
        && group[1..]
            .iter()
            .any(|&g| bundle.model.gateways[g].selector != target.selector)
}
