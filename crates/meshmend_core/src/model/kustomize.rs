//! Kustomize, statically: what a `kustomization.yaml` does to the files it lists.
//!
//! The core has no I/O, but every file arrives with its path as its name, so
//! the kustomizations in the input can be read and their `resources:`
//! (files, and directories holding another kustomization: bases) resolved
//! against the other inputs. The model:
//!
//! - **Builds.** Every kustomization that no other one lists is a top-level
//!   build (an overlay, or a lone kustomization). A base reached from several
//!   overlays is one source document; it is analyzed once, as built by the
//!   first overlay in input order (kustomize would emit it once per build).
//! - **Namespace.** `namespace:` sets `metadata.namespace` of every namespaced
//!   resource of the kustomization, bases included; the outermost
//!   kustomization that sets one wins, as in `kustomize build`.
//! - **Patches are not resources.** Files listed under `patches:`,
//!   `patchesStrategicMerge:` or `patchesJson6902:` are left out of the model,
//!   and a strategic-merge patch with `$patch: delete` removes its target
//!   (kind and name) from the build.
//! - **What cannot be known statically** is named, per kustomization, in
//!   [`Kustomization::unknown`]: name prefixes/suffixes, components,
//!   replacements, vars, Helm charts, generators/transformers plugins,
//!   remote resources or resources missing from the input, patches of the
//!   fields meshmend reads, and a base that overlays build into different
//!   namespaces. The `kustomize-build-needed` rule (MM007) reports them and
//!   recommends `kustomize build <dir> | meshmend analyze -`.
//!
//! Files that no kustomization lists are analyzed as written.

use crate::hash::{HashMap, HashSet};

use super::tree::NodeRef;
use super::{Resource, SourceFile};
use crate::parse::{self, Limits, Stream};
use crate::span::{Span, Spanned};

/// One kustomization file of the input.
#[derive(Clone, Debug)]
pub struct Kustomization {
    /// File index in the bundle.
    pub file: usize,
    /// The directory kustomize would be run on (`""` for the current one).
    pub dir: String,
    /// Span of the kustomization document (for findings without a better place).
    pub span: Span,
    /// Span of its `resources:` key, when written.
    pub resources_span: Option<Span>,
    /// `namespace:`, when set.
    pub namespace: Option<Spanned<String>>,
    /// Why this kustomization's output cannot be known without `kustomize
    /// build`, each at the key that says so.
    pub unknown: Vec<Spanned<String>>,
    /// The top-level builds (directories) this kustomization is part of.
    pub builds: Vec<String>,
    /// Entries (resources, bases, patches) found in the input.
    entries: Vec<Entry>,
    /// Resource files whose namespace this kustomization's builds set.
    namespaced: Vec<usize>,
    /// Object files in its directory that no kustomization lists: not part
    /// of any build, left out of the analysis (`kustomize-unlisted-file`).
    pub unlisted: Vec<(usize, Span)>,
    /// `namePrefix`/`nameSuffix` set: names in its builds are not as written.
    renames: bool,
    /// `$patch: delete` targets of its patches: `(kind, name, namespace)`.
    deletes: Vec<Delete>,
}

/// A `$patch: delete` target.
type Delete = (String, String, Option<String>);

#[derive(Clone, Debug)]
enum Entry {
    /// A resource file of the input.
    File(usize),
    /// A directory with a kustomization of the input (a base).
    Base(usize),
    /// A file listed as a patch.
    Patch(usize),
    /// A file a generator or transformer reads (`configMapGenerator`
    /// `files:`/`envs:`, `configurations:`, `crds:`, …): input to
    /// kustomize, not an object.
    Input(usize),
}

/// What a file gets from the builds that reach it.
#[derive(Clone, Debug, Default)]
struct Reach {
    /// Namespace set by the kustomizations it is built through.
    namespace: Option<String>,
    /// `$patch: delete` targets in force.
    deletes: Vec<Delete>,
    /// A kustomization on the way renames resources.
    renamed: bool,
}

/// Deepest chain of bases followed (kustomize has no limit; real trees
/// are a handful deep, and recursion must stay bounded).
const MAX_DEPTH: usize = 64;

/// True when a patch of `kind` can change what the rules read: a kind the
/// model reads, except Secrets (only their keys are read, for certificate
/// checks, and a patch is not judged to change them).
fn is_modelled(kind: &str) -> bool {
    kind != "Secret" && super::READ_KINDS.contains(&kind)
}

/// Keys whose presence makes a kustomization's output depend on kustomize itself.
const DYNAMIC_KEYS: &[(&str, &str)] = &[
    (
        "namePrefix",
        "`namePrefix` renames resources, and kustomize does not rewrite Istio references to them",
    ),
    (
        "nameSuffix",
        "`nameSuffix` renames resources, and kustomize does not rewrite Istio references to them",
    ),
    (
        "components",
        "`components` add resources and patches of their own",
    ),
    ("replacements", "`replacements` rewrite fields"),
    ("vars", "`vars` substitute values into fields"),
    ("helmCharts", "`helmCharts` render a chart"),
    ("helmChartInflationGenerator", "a Helm chart is rendered"),
    ("generators", "generator plugins add resources"),
    ("transformers", "transformer plugins rewrite resources"),
];

/// What [`apply`] found.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// Every kustomization of the input.
    pub(crate) kustomizations: Vec<Kustomization>,
    /// Files built through a `namePrefix`/`nameSuffix`: their objects'
    /// names are not as written, so they have no known identity.
    pub(crate) renamed: HashSet<usize>,
}

/// Reads every kustomization of the input, resolves what they list, and
/// applies namespaces, patch exclusion, `$patch: delete` and unlisted-file
/// exclusion to `resources`.
pub(crate) fn apply(
    files: &[SourceFile],
    streams: &[Stream],
    resources: &mut Vec<Resource>,
) -> Applied {
    let mut kustomizations = read_all(files, streams);
    if kustomizations.is_empty() {
        return Applied::default();
    }
    let modelled = modelled_files(resources);
    let reach = resolve(files, streams, &mut kustomizations, &modelled);
    keep_relevant(&mut kustomizations, &modelled);
    let mut listed: HashSet<usize> = kustomizations.iter().map(|k| k.file).collect();
    let mut patch_files = HashSet::default();
    for entry in kustomizations.iter().flat_map(|k| &k.entries) {
        match *entry {
            Entry::File(file) => {
                listed.insert(file);
            }
            Entry::Patch(file) | Entry::Input(file) => {
                listed.insert(file);
                patch_files.insert(file);
            }
            Entry::Base(_) => {}
        }
    }
    let by_dir: HashMap<String, usize> = kustomizations
        .iter()
        .enumerate()
        .map(|(i, k)| (k.dir.clone(), i))
        .collect();
    resources.retain_mut(|resource| {
        if patch_files.contains(&resource.file) {
            return false;
        }
        if !listed.contains(&resource.file)
            && let Some(&k) = by_dir.get(&parent_dir(&files[resource.file].name))
        {
            let unlisted = &mut kustomizations[k].unlisted;
            if !unlisted.iter().any(|(f, _)| *f == resource.file) {
                unlisted.push((resource.file, resource.span));
            }
            return false;
        }
        let Some(reach) = reach.get(&resource.file) else {
            return true;
        };
        if let Some(namespace) = &reach.namespace
            && !super::identity::is_cluster_scoped(&resource.kind.value)
        {
            resource.namespace.clone_from(namespace);
        }
        !reach.deletes.iter().any(|(kind, name, namespace)| {
            *kind == resource.kind.value
                && *name == resource.name.value
                && namespace.as_ref().is_none_or(|ns| {
                    *ns == resource.namespace || written_namespace(resource, files) == Some(ns)
                })
        })
    });
    let renamed = reach
        .iter()
        .filter(|(_, r)| r.renamed)
        .map(|(&file, _)| file)
        .collect();
    Applied {
        kustomizations,
        renamed,
    }
}

fn written_namespace<'a>(resource: &Resource, files: &'a [SourceFile]) -> Option<&'a str> {
    let span = resource.namespace_span?;
    Some(
        span.slice(&files[resource.file].text)
            .trim_matches(['"', '\'']),
    )
}

/// True for `kustomization.yaml`, `kustomization.yml` and `Kustomization`
/// (the file names kustomize looks for in a directory).
pub(crate) fn is_kustomization_name(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    matches!(
        base,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

/// The kustomization document of a file, if the file is one: by its name
/// (kustomize's rule), or by `kind: Kustomization`/`Component` for pasted text.
fn kustomization_root<'a>(file: &SourceFile, stream: &'a Stream) -> Option<NodeRef<'a>> {
    let root = stream.documents.first()?.root()?.resolve();
    if !root.is_mapping() {
        return None;
    }
    let declared = root
        .get_str("apiVersion")
        .is_some_and(|a| a.starts_with("kustomize.config.k8s.io/"))
        && matches!(root.get_str("kind"), Some("Kustomization" | "Component"));
    (declared || is_kustomization_name(&file.name)).then_some(root)
}

fn read_all(files: &[SourceFile], streams: &[Stream]) -> Vec<Kustomization> {
    let mut out = Vec::new();
    for (index, (file, stream)) in files.iter().zip(streams).enumerate() {
        let Some(root) = kustomization_root(file, stream) else {
            continue;
        };
        let mut unknown = Vec::new();
        for (key, text) in DYNAMIC_KEYS {
            if let Some((k, v)) = root.entry(key)
                && is_set(v)
            {
                unknown.push(Spanned::new((*text).to_string(), k.span()));
            }
        }
        out.push(Kustomization {
            file: index,
            dir: parent_dir(&file.name),
            span: root.span(),
            resources_span: root.entry("resources").map(|(key, _)| key.span()),
            namespace: root
                .get("namespace")
                .and_then(|n| Some(Spanned::new(n.as_str()?.to_string(), n.span())))
                .filter(|n| !n.value.is_empty()),
            unknown,
            builds: Vec::new(),
            entries: Vec::new(),
            namespaced: Vec::new(),
            unlisted: Vec::new(),
            renames: ["namePrefix", "nameSuffix"]
                .iter()
                .any(|key| root.get(key).is_some_and(is_set)),
            deletes: Vec::new(),
        });
    }
    out
}

/// Resolves every kustomization's entries against the input, then walks
/// each top-level build and returns what each resource file gets.
fn resolve(
    files: &[SourceFile],
    streams: &[Stream],
    kustomizations: &mut [Kustomization],
    modelled: &HashSet<usize>,
) -> HashMap<usize, Reach> {
    let by_path: HashMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (normalize(&f.name), i))
        .collect();
    let by_dir: HashMap<String, usize> = kustomizations
        .iter()
        .enumerate()
        .map(|(i, k)| (normalize(&k.dir), i))
        .collect();
    let dirs_with_files: HashSet<String> = by_path.keys().flat_map(|p| ancestors(p)).collect();
    for k in kustomizations.iter_mut() {
        let Some(root) = kustomization_root(&files[k.file], &streams[k.file]) else {
            continue;
        };
        for key in ["resources", "bases"] {
            for item in root.get(key).into_iter().flat_map(NodeRef::items) {
                let Some(entry) = item.as_str() else { continue };
                let path = join(&k.dir, entry);
                if let Some(&file) = by_path.get(&path) {
                    k.entries.push(Entry::File(file));
                } else if let Some(&base) = by_dir.get(&path) {
                    k.entries.push(Entry::Base(base));
                } else {
                    let why = if is_remote(entry) {
                        format!("resource `{entry}` is fetched from a remote repository")
                    } else if dirs_with_files.contains(&path) {
                        format!(
                            "resource `{entry}` is a directory whose kustomization is not in the input"
                        )
                    } else {
                        format!("resource `{entry}` is not in the input")
                    };
                    k.unknown.push(Spanned::new(why, item.span()));
                }
            }
        }
        read_patches(root, &by_path, files, streams, k);
        for path in input_paths(root) {
            if let Some(&file) = by_path.get(&join(&k.dir, path)) {
                k.entries.push(Entry::Input(file));
            }
        }
    }
    // Top-level builds: kustomizations no other one lists.
    let listed: HashSet<usize> = kustomizations
        .iter()
        .flat_map(|k| &k.entries)
        .filter_map(|e| match e {
            Entry::Base(b) => Some(*b),
            _ => None,
        })
        .collect();
    let mut reach: HashMap<usize, Reach> = HashMap::default();
    let mut first_build: HashMap<usize, String> = HashMap::default();
    let count = kustomizations.len();
    for top in 0..kustomizations.len() {
        if listed.contains(&top) {
            continue;
        }
        let build = kustomizations[top].dir.clone();
        let mut conflict = None;
        let mut namespaced = Vec::new();
        walk(
            kustomizations,
            top,
            &Reach::default(),
            &build,
            &mut vec![false; count],
            0,
            &mut |file, got: &Reach| match reach.get_mut(&file) {
                None => {
                    if got.namespace.is_some() {
                        namespaced.push(file);
                    }
                    reach.insert(file, got.clone());
                    first_build.insert(file, build.clone());
                }
                Some(first)
                    if first.namespace != got.namespace
                        && conflict.is_none()
                        && modelled.contains(&file) =>
                {
                    first.renamed |= got.renamed;
                    conflict = Some(format!(
                        "this build puts `{}` in namespace `{}`, but it is analyzed as built by \
                         `{}` (namespace `{}`)",
                        files[file].name,
                        got.namespace.as_deref().unwrap_or("as written"),
                        display_dir(&first_build[&file]),
                        first.namespace.as_deref().unwrap_or("as written"),
                    ));
                }
                Some(first) => first.renamed |= got.renamed,
            },
        );
        kustomizations[top].namespaced = namespaced;
        if let Some(why) = conflict {
            let k = &mut kustomizations[top];
            let span = k.namespace.as_ref().map_or(k.span, |n| n.span);
            k.unknown.push(Spanned::new(why, span));
        }
    }
    reach
}

impl Kustomization {
    /// True when a build through this kustomization sets the namespace of `file`.
    pub fn sets_namespace_of(&self, file: usize) -> bool {
        self.namespaced.contains(&file)
    }
}

/// Depth-first over one build; `visit` gets each resource file with what
/// the kustomizations above it do to it. Cycles are cut (kustomize refuses them).
fn walk(
    kustomizations: &mut [Kustomization],
    at: usize,
    outer: &Reach,
    build: &str,
    seen: &mut [bool],
    depth: usize,
    visit: &mut dyn FnMut(usize, &Reach),
) {
    // Once per build: kustomize refuses a base reached twice, and diamonds
    // of bases must not cost more than the kustomizations themselves.
    if seen[at] || depth > MAX_DEPTH {
        return;
    }
    seen[at] = true;
    let k = &mut kustomizations[at];
    if !k.builds.iter().any(|b| b == build) {
        k.builds.push(build.to_string());
    }
    let here = Reach {
        namespace: outer
            .namespace
            .clone()
            .or_else(|| k.namespace.as_ref().map(|n| n.value.clone())),
        deletes: outer.deletes.iter().chain(&k.deletes).cloned().collect(),
        renamed: outer.renamed || k.renames,
    };
    for entry in k.entries.clone() {
        match entry {
            Entry::File(file) => visit(file, &here),
            Entry::Base(base) => {
                walk(kustomizations, base, &here, build, seen, depth + 1, visit);
            }
            Entry::Patch(_) | Entry::Input(_) => {}
        }
    }
}

/// Paths of files kustomize reads as input to generators and transformers.
fn input_paths(root: NodeRef<'_>) -> Vec<&str> {
    let mut out = Vec::new();
    for generator in ["configMapGenerator", "secretGenerator"] {
        for item in root.get(generator).into_iter().flat_map(NodeRef::items) {
            for key in ["files", "envs"] {
                for file in item.get(key).into_iter().flat_map(NodeRef::items) {
                    if let Some(entry) = file.as_str() {
                        // `key=path` names the data key.
                        out.push(entry.split_once('=').map_or(entry, |(_, path)| path));
                    }
                }
            }
            if let Some(env) = item.get_str("env") {
                out.push(env);
            }
        }
    }
    for key in ["configurations", "crds"] {
        out.extend(
            root.get(key)
                .into_iter()
                .flat_map(NodeRef::items)
                .filter_map(NodeRef::as_str),
        );
    }
    for item in root
        .get("replacements")
        .into_iter()
        .flat_map(NodeRef::items)
    {
        out.extend(item.get_str("path"));
    }
    if let Some(path) = root.path(&["openapi", "path"]).and_then(NodeRef::as_str) {
        out.push(path);
    }
    out
}

/// Records patch files and `$patch: delete` targets, and names the patches
/// that change what the rules read (the build's output then differs from
/// the files meshmend sees).
fn read_patches(
    root: NodeRef<'_>,
    by_path: &HashMap<String, usize>,
    files: &[SourceFile],
    streams: &[Stream],
    k: &mut Kustomization,
) {
    let mut listed: Vec<(NodeRef<'_>, Target<'_>)> = Vec::new();
    for item in root
        .get("patchesStrategicMerge")
        .into_iter()
        .flat_map(NodeRef::items)
    {
        listed.push((item, Target::default()));
    }
    for key in ["patches", "patchesJson6902"] {
        for item in root.get(key).into_iter().flat_map(NodeRef::items) {
            let target = item.get("target").map_or_else(Target::default, |t| Target {
                kind: t.get_str("kind"),
                name: t.get_str("name"),
            });
            if let Some(node) = item.get("path").or_else(|| item.get("patch")) {
                listed.push((node, target));
            }
        }
    }
    for (node, target) in listed {
        let Some(value) = node.as_str() else { continue };
        if value.contains('\n') {
            // An inline patch: parse it on its own.
            if let Ok(stream) = parse::parse(value, &Limits::default()) {
                for doc in &stream.documents {
                    if let Some(doc) = doc.root() {
                        judge_patch(
                            doc.resolve(),
                            value,
                            target,
                            node.span(),
                            "an inline patch",
                            k,
                        );
                    }
                }
            }
            continue;
        }
        let Some(&file) = by_path.get(&join(&k.dir, value)) else {
            let why = format!("patch `{value}` is not in the input");
            let irrelevant = target.kind.is_some_and(|kind| !is_modelled(kind));
            if !irrelevant && !k.unknown.iter().any(|u| u.value == why) {
                k.unknown.push(Spanned::new(why, node.span()));
            }
            continue;
        };
        k.entries.push(Entry::Patch(file));
        let label = format!("patch `{value}`");
        for doc in &streams[file].documents {
            if let Some(doc) = doc.root() {
                judge_patch(
                    doc.resolve(),
                    &files[file].text,
                    target,
                    node.span(),
                    &label,
                    k,
                );
            }
        }
    }
}

/// What a `patches:` entry's `target:` selects.
#[derive(Clone, Copy, Default)]
struct Target<'a> {
    kind: Option<&'a str>,
    name: Option<&'a str>,
}

/// One patch document: a `$patch: delete` is applied; a change to what the
/// rules read makes the output unknowable. That is any change to a
/// Gateway, VirtualService or IstioOperator, a change of a Service's ports,
/// selector or type, and a change of a gateway workload (named or written
/// with `gateway`): the labels and ports of other workloads matter to no rule.
fn judge_patch(
    doc: NodeRef<'_>,
    text: &str,
    target: Target<'_>,
    at: Span,
    label: &str,
    k: &mut Kustomization,
) {
    let kind = doc.get_str("kind").or(target.kind);
    let name = doc
        .path(&["metadata", "name"])
        .and_then(NodeRef::as_str)
        .or(target.name);
    if doc.get_str("$patch") == Some("delete") {
        if let (Some(kind), Some(name)) = (kind, name) {
            let namespace = doc
                .path(&["metadata", "namespace"])
                .and_then(NodeRef::as_str);
            k.deletes.push((
                kind.to_string(),
                name.to_string(),
                namespace.map(str::to_string),
            ));
        }
        return;
    }
    let body = doc.span().slice(text);
    let touches = match kind {
        Some("Gateway" | "VirtualService" | "IstioOperator") => true,
        Some("Service") => ["ports", "port", "selector", "type", "nodePort"]
            .iter()
            .any(|word| body.contains(word)),
        Some(kind) if !is_modelled(kind) => false,
        _ => {
            name.is_some_and(|n| n.contains("gateway"))
                || body.contains("gateway")
                || body.contains("Gateway")
        }
    };
    if touches {
        let what = match (kind, name) {
            (Some(kind), Some(name)) => format!("{kind} `{name}`"),
            (Some(kind), None) => format!("{kind}s"),
            _ => "resources".to_string(),
        };
        k.unknown.push(Spanned::new(
            format!("{label} changes {what} in fields meshmend reads"),
            at,
        ));
    }
}

/// Files holding an object of a kind the rules read.
fn modelled_files(resources: &[Resource]) -> HashSet<usize> {
    resources
        .iter()
        .filter(|r| is_modelled(&r.kind.value))
        .map(|r| r.file)
        .collect()
}

/// Drops the unknowns of kustomizations whose builds hold nothing meshmend
/// analyzes (a `namePrefix` on ConfigMaps changes no finding). A
/// kustomization with remote or missing resources keeps them all: what
/// they hold is unknown.
fn keep_relevant(kustomizations: &mut [Kustomization], modelled_files: &HashSet<usize>) {
    for at in 0..kustomizations.len() {
        let mut files = Vec::new();
        closure(
            kustomizations,
            at,
            &mut vec![false; kustomizations.len()],
            0,
            &mut files,
        );
        let content_unknown = kustomizations[at]
            .unknown
            .iter()
            .any(|u| u.value.starts_with("resource `"));
        if !content_unknown && !files.iter().any(|f| modelled_files.contains(f)) {
            kustomizations[at].unknown.clear();
        }
    }
}

/// Resource files a kustomization builds, bases included.
fn closure(
    kustomizations: &[Kustomization],
    at: usize,
    seen: &mut [bool],
    depth: usize,
    out: &mut Vec<usize>,
) {
    if seen[at] || depth > MAX_DEPTH {
        return;
    }
    seen[at] = true;
    for entry in &kustomizations[at].entries {
        match *entry {
            Entry::File(file) => out.push(file),
            Entry::Base(base) => closure(kustomizations, base, seen, depth + 1, out),
            Entry::Patch(_) | Entry::Input(_) => {}
        }
    }
}

/// A key that does something: not null, not an empty string or list.
fn is_set(value: NodeRef<'_>) -> bool {
    !value.is_null()
        && (value.items().next().is_some()
            || value.as_str().is_some_and(|s| !s.is_empty())
            || value.entries().next().is_some())
}

/// `a/b/c.yaml` → `a/b`; `c.yaml` → `""`.
fn parent_dir(name: &str) -> String {
    name.rsplit_once('/')
        .map_or(String::new(), |(dir, _)| normalize(dir))
}

/// For messages: `.` for the current directory.
pub(crate) fn display_dir(dir: &str) -> &str {
    if dir.is_empty() { "." } else { dir }
}

/// Every ancestor directory of a normalized path (not the path itself).
fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some((dir, _)) = rest.rsplit_once('/') {
        out.push(dir.to_string());
        rest = dir;
    }
    out
}

/// `dir` + `relative`, normalized; an absolute `relative` stands alone.
fn join(dir: &str, relative: &str) -> String {
    let relative = relative.trim_end_matches('/');
    if relative.starts_with('/') || dir.is_empty() {
        normalize(relative)
    } else {
        normalize(&format!("{dir}/{relative}"))
    }
}

/// Lexical normalization: `.` and empty parts dropped, `x/..` folded; a
/// leading `/` kept, leading `..`s kept for relative paths. (Also used by
/// the fix engine to find a deleted file's kustomization entry.)
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Remote targets kustomize fetches (git repositories, URLs).
fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || ["github.com/", "gitlab.com/", "bitbucket.org/"]
            .iter()
            .any(|host| entry.starts_with(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_like_kustomize() {
        assert_eq!(join("k8s/overlays/prod", "../../base"), "k8s/base");
        assert_eq!(join("k8s/base", "./gw.yaml"), "k8s/base/gw.yaml");
        assert_eq!(join("", "base/"), "base");
        assert_eq!(join("/abs/overlay", "../base"), "/abs/base");
        assert_eq!(normalize("../x/./y"), "../x/y");
        assert_eq!(parent_dir("./k/kustomization.yaml"), "k");
        assert!(is_remote("github.com/org/repo/base?ref=v1"));
        assert!(is_remote("https://example.com/x.yaml"));
        assert!(!is_remote("../base"));
    }
}
