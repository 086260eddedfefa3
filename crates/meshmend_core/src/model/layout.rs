//! What the input's files mean together: kustomize builds and copies.
//!
//! Runs once in [`Bundle::load`](super::Bundle::load), before the typed
//! model is built, so every rule and the fix engine see the same objects:
//! kustomize namespaces applied, patches and `$patch` documents left out,
//! and one definition per identity ([`identity`]).

use super::identity::{self, Duplicate};
use super::kustomize::{self, Kustomization};
use super::{Resource, SourceFile, Stream};

/// The repository layout the loader understood.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Kustomizations of the input and what they leave unknowable.
    pub kustomizations: Vec<Kustomization>,
    /// Identities defined more than once, with the definition analyzed.
    pub duplicates: Vec<Duplicate>,
}

impl Layout {
    /// True when the input fixes the resource's namespace (written, or set
    /// by a kustomization); false when it is `--namespace`'s default, i.e.
    /// whatever `kubectl apply -n` will say.
    pub fn namespace_is_known(&self, resource: &Resource) -> bool {
        resource.namespace_span.is_some()
            || self
                .kustomizations
                .iter()
                .any(|k| k.namespace.is_some() && k.sets_namespace_of(resource.file))
    }
}

impl Layout {
    /// Applies kustomize, drops patch documents and deduplicates `resources`.
    pub(crate) fn apply(
        files: &[SourceFile],
        streams: &[Stream],
        resources: &mut Vec<Resource>,
    ) -> Layout {
        let applied = kustomize::apply(files, streams, resources);
        resources.retain(|r| !identity::is_patch_directive(r, streams));
        let duplicates = identity::dedupe(resources, streams, &applied.renamed);
        let kustomizations = applied.kustomizations;
        Layout {
            kustomizations,
            duplicates,
        }
    }
}
