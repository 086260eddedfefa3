//! One object per identity, as the API server holds it.
//!
//! Kubernetes stores one object per (API group, kind, namespace, name): a
//! second definition replaces the first. Repositories keep copies (base and
//! overlay, `cluster1/` and `cluster2/`, tutorial steps), and analyzing every
//! copy as its own object made each conflict with itself. So every identity
//! is analyzed once, as its **last** definition in input order: `kubectl
//! apply -f dir/` applies files in lexical order and the last apply wins,
//! and the CLI reads directories in the same order. The copies left out are
//! kept in [`Duplicate`] for the `duplicate-definition` rule (MM006).
//!
//! Documents carrying a `$patch` directive (`$patch: delete`, `replace`)
//! are strategic-merge patches, never objects: they are left out here too.

use crate::hash::{HashMap, HashSet};

use super::tree::NodeRef;
use super::{Resource, Stream};

/// What the API server keys an object by.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity {
    /// API group: `apiVersion` without the version (`""` for the core group).
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Namespace; `""` for cluster-scoped kinds.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

impl Identity {
    /// The identity of a resource (its effective namespace already applied).
    pub fn of(resource: &Resource) -> Identity {
        let (group, kind, namespace, name) = Key(resource).parts();
        Identity {
            group: group.to_string(),
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

/// Several definitions of one identity.
#[derive(Clone, Debug)]
pub struct Duplicate {
    /// The identity they share.
    pub identity: Identity,
    /// The definition analyzed (the last in input order).
    pub kept: Resource,
    /// The earlier definitions, in input order, each with the first field
    /// where it differs from the kept one (`None`: same content).
    pub dropped: Vec<(Resource, Option<String>)>,
}

/// Kinds without a namespace (the built-in ones and the cluster-scoped
/// kinds of Istio, Gateway API and cert-manager that appear next to them).
pub fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "StorageClass"
            | "PriorityClass"
            | "RuntimeClass"
            | "IngressClass"
            | "CSIDriver"
            | "CSINode"
            | "VolumeAttachment"
            | "CertificateSigningRequest"
            | "APIService"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "PodSecurityPolicy"
            | "GatewayClass"
            | "ClusterIssuer"
    )
}

/// True for a document that is a strategic-merge patch (`$patch: …` at its top).
pub(crate) fn is_patch_directive(resource: &Resource, streams: &[Stream]) -> bool {
    let node = streams[resource.file].documents[resource.document].node(resource.node);
    node.get("$patch").is_some()
}

/// Keeps the last definition of every identity in `resources` and returns
/// the identities that had more than one (see [`has_identity`] for what
/// has none; objects in `renamed_files` have none either).
///
/// Borrows: the map holds one reference per identity and each resource
/// one link to the previous definition of its identity, so nothing is
/// copied for the (usual) identity defined once (issue 15: cloned
/// identities were about 30 MB on 100,000 documents).
pub(crate) fn dedupe(
    resources: &mut Vec<Resource>,
    streams: &[Stream],
    renamed_files: &HashSet<usize>,
) -> Vec<Duplicate> {
    const NONE: u32 = u32::MAX;
    let position = |index: usize| u32::try_from(index).expect("fewer resources than u32::MAX");
    let counted =
        |resource: &Resource| has_identity(resource) && !renamed_files.contains(&resource.file);
    let mut duplicates = Vec::new();
    let mut drop = vec![false; resources.len()];
    {
        let resources = resources.as_slice();
        // The last definition of each identity, and per resource the
        // definition of its identity before it.
        let mut last: HashMap<Key<'_>, u32> = crate::hash::map_with_capacity(resources.len());
        let mut previous = vec![NONE; resources.len()];
        for (index, resource) in resources.iter().enumerate() {
            if counted(resource)
                && let Some(before) = last.insert(Key(resource), position(index))
            {
                previous[index] = before;
            }
        }
        // Groups in the order of their first definition.
        for (first, resource) in resources.iter().enumerate() {
            if previous[first] != NONE || !counted(resource) {
                continue;
            }
            let kept = last[&Key(resource)] as usize;
            if kept == first {
                continue;
            }
            let mut earlier = Vec::new();
            let mut at = kept;
            while at != first {
                at = previous[at] as usize;
                earlier.push(at);
            }
            earlier.reverse();
            let kept_node = node(&resources[kept], streams);
            let dropped = earlier
                .iter()
                .map(|&i| {
                    drop[i] = true;
                    let difference = first_difference(node(&resources[i], streams), kept_node);
                    (resources[i].clone(), difference)
                })
                .collect();
            duplicates.push(Duplicate {
                identity: Identity::of(&resources[kept]),
                kept: resources[kept].clone(),
                dropped,
            });
        }
    }
    let mut index = 0;
    resources.retain(|_| {
        index += 1;
        !drop[index - 1]
    });
    duplicates
}

/// A resource seen as its [`Identity`], without copying it: equal and
/// hashed by the same four parts.
#[derive(Clone, Copy)]
struct Key<'a>(&'a Resource);

impl<'a> Key<'a> {
    fn parts(self) -> (&'a str, &'a str, &'a str, &'a str) {
        let resource = self.0;
        let group = resource
            .api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group);
        let kind = resource.kind.value.as_str();
        let namespace = if is_cluster_scoped(kind) {
            ""
        } else {
            resource.namespace.as_str()
        };
        (group, kind, namespace, resource.name.value.as_str())
    }
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for Key<'_> {}

impl std::hash::Hash for Key<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

/// Objects without a name (`generateName`) or with an unrendered template
/// for one, Helm values files (their release name comes from `helm
/// install`, not from the file) and kustomize's own files are not API
/// objects yet: all are kept. So are objects a kustomize `namePrefix`
/// renames (the caller passes their files).
fn has_identity(resource: &Resource) -> bool {
    !resource.name.value.is_empty()
        && !resource.name.value.contains("{{")
        && !resource.api_version.is_empty()
        && !resource.api_version.starts_with("kustomize.config.k8s.io/")
}

fn node<'a>(resource: &Resource, streams: &'a [Stream]) -> NodeRef<'a> {
    streams[resource.file].documents[resource.document].node(resource.node)
}

/// The first path where two objects differ (`spec.servers[0].port.number`),
/// ignoring `metadata.namespace` (the identity already agrees on it), or
/// `None` when they are the same. Comparison is bounded: past the budget
/// the objects are called different at the root.
fn first_difference(a: NodeRef<'_>, b: NodeRef<'_>) -> Option<String> {
    let mut budget = 100_000usize;
    let mut path = Vec::new();
    if differ(a, b, &mut path, &mut budget) {
        Some(if path.is_empty() {
            "(the whole object)".to_string()
        } else {
            render(&path)
        })
    } else {
        None
    }
}

/// One step of a path: a mapping key or a sequence index.
enum Step {
    Key(String),
    Index(usize),
}

fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn differ(a: NodeRef<'_>, b: NodeRef<'_>, path: &mut Vec<Step>, budget: &mut usize) -> bool {
    if *budget == 0 {
        path.clear();
        return true;
    }
    *budget -= 1;
    let (a, b) = (a.resolve(), b.resolve());
    if a.is_mapping() && b.is_mapping() {
        let is_metadata = matches!(path.as_slice(), [Step::Key(k)] if k == "metadata");
        let keys = |n: NodeRef<'_>| -> Vec<String> {
            n.entries()
                .filter_map(|(k, _)| k.as_str().map(str::to_string))
                .filter(|k| !(is_metadata && k == "namespace"))
                .collect()
        };
        let (keys_a, keys_b) = (keys(a), keys(b));
        for key in keys_a
            .iter()
            .chain(keys_b.iter().filter(|k| !keys_a.contains(k)))
        {
            path.push(Step::Key(key.clone()));
            match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => {
                    if differ(x, y, path, budget) {
                        return true;
                    }
                }
                _ => return true,
            }
            path.pop();
        }
        return false;
    }
    if a.is_sequence() && b.is_sequence() {
        let (items_a, items_b): (Vec<_>, Vec<_>) = (a.items().collect(), b.items().collect());
        for i in 0..items_a.len().max(items_b.len()) {
            path.push(Step::Index(i));
            match (items_a.get(i), items_b.get(i)) {
                (Some(&x), Some(&y)) => {
                    if differ(x, y, path, budget) {
                        return true;
                    }
                }
                _ => return true,
            }
            path.pop();
        }
        return false;
    }
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => x != y,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::Bundle;

    #[test]
    fn the_difference_is_named_by_its_path() {
        let text = "\
apiVersion: v1
kind: Service
metadata: {name: a, namespace: x}
spec:
  ports: [{port: 80}, {port: 443}]
---
apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  ports: [{port: 80}, {port: 8443}]
";
        let bundle = Bundle::from_text("t.yaml", text).unwrap();
        let stream = &bundle.streams[0];
        let a = stream.documents[0].root().unwrap();
        let b = stream.documents[1].root().unwrap();
        assert_eq!(
            super::first_difference(a, b).as_deref(),
            Some("spec.ports[1].port")
        );
        assert_eq!(super::first_difference(a, a), None);
    }
}
