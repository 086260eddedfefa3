//! Kustomizations that list a file the fix deletes.
//!
//! A fix that empties a file deletes it; if a `kustomization.yaml` in the
//! input lists that file under `resources:`, `kustomize build` then fails.
//! The same change removes the entry (keeping the list's layout and
//! comments), or, when it cannot, the change is withdrawn. Read here with
//! minimal code on purpose: only `resources:` entries that are plain
//! relative paths are matched.

use super::Unit;
use super::plan::{FileOutcome, FileStatus};
use super::yaml;
use crate::model::Bundle;
use crate::model::kustomize::{is_kustomization_name, normalize};
use crate::model::tree::NodeRef;

/// What [`unlist`] did.
pub(crate) enum Unlisted {
    /// Nothing lists a deleted file (or every entry is already removed).
    Done,
    /// Entries were added to units: apply again.
    Edited,
    /// Unit `index` deletes a listed file whose entry cannot be removed.
    Refused(usize, String),
}

/// Adds, to the unit that deletes each file, the removal of every
/// `resources:` entry naming that file.
pub(crate) fn unlist(bundle: &Bundle, files: &[FileOutcome], units: &mut [Unit]) -> Unlisted {
    let mut edited = false;
    for (index, file) in files.iter().enumerate() {
        if file.status != FileStatus::Deleted || index >= bundle.files.len() {
            continue;
        }
        let deleted = normalize(&bundle.files[index].name.replace('\\', "/"));
        let Some(owner) = units
            .iter()
            .position(|u| u.edits.iter().any(|(f, _)| *f == index))
        else {
            continue;
        };
        for (k, kustomization) in bundle.files.iter().enumerate() {
            let Some(dir) = kustomization_dir(&kustomization.name) else {
                continue;
            };
            for document in &bundle.streams[k].documents {
                let Some(list) = document
                    .root()
                    .and_then(|r| r.get("resources"))
                    .filter(|l| l.is_sequence())
                else {
                    continue;
                };
                let items: Vec<NodeRef<'_>> = list.items().collect();
                for (i, item) in items.iter().enumerate() {
                    let Some(entry) = item.as_str() else { continue };
                    if normalize(&format!("{dir}{entry}")) != deleted {
                        continue;
                    }
                    let reason = || {
                        format!(
                            "it deletes {}, which {} lists under `resources:`",
                            bundle.files[index].name, kustomization.name
                        )
                    };
                    if items.len() == 1 {
                        return Unlisted::Refused(
                            owner,
                            format!("{}, as its only entry", reason()),
                        );
                    }
                    let Some(edit) = yaml::delete_item(&kustomization.text, list, i) else {
                        return Unlisted::Refused(
                            owner,
                            format!("{}, in a form the editor cannot change", reason()),
                        );
                    };
                    let unit = &mut units[owner];
                    if unit.edits.iter().any(|(f, e)| *f == k && *e == edit) {
                        continue;
                    }
                    unit.edits.push((k, edit));
                    unit.changes.push(super::Change {
                        rule: unit
                            .changes
                            .first()
                            .map_or("duplicate-tls-host", |c| c.rule),
                        title: format!("{}: drop `resources:` entry `{entry}`", kustomization.name),
                        detail: format!(
                            "The fix deletes {}; `kustomize build` would fail on the missing file.",
                            bundle.files[index].name
                        ),
                        resource: None,
                    });
                    edited = true;
                }
            }
        }
    }
    if edited {
        Unlisted::Edited
    } else {
        Unlisted::Done
    }
}

/// The directory prefix (`""` or ending in `/`) of a kustomization file.
fn kustomization_dir(path: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    is_kustomization_name(&path).then(|| match path.rfind('/') {
        Some(slash) => path[..=slash].to_string(),
        None => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize("base/./gw/../gateway.yaml"), "base/gateway.yaml");
        assert_eq!(normalize("/r/a/../b.yaml"), "/r/b.yaml");
        assert_eq!(
            kustomization_dir("a/b/kustomization.yml").as_deref(),
            Some("a/b/")
        );
        assert_eq!(kustomization_dir("a/b/values.yaml"), None);
    }
}
