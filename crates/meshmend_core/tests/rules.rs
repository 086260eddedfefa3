//! The rule fixture harness: every `tests/rules/<CODE>-<name>/*.yaml` is
//! analyzed and its findings are written to a Markdown snapshot next to it
//! (`invalid.yaml` → `invalid.yaml.snap`; review with `cargo insta review`).
//! A fixture whose first line is `# file: <path>` holds several files, each
//! starting at such a line (repository layouts: kustomize trees, copies).
//!
//! Invariants, checked here as well:
//! - every folder is named `<code>-<name>` of a registered rule;
//! - every registered rule has a folder with at least one `invalid*.yaml`
//!   that makes it fire and at least one `valid*.yaml` where it stays silent;
//! - every YAML example in a rule's docs sits under `### Invalid` or
//!   `### Valid`; an invalid one yields that rule's findings and no other
//!   rule's, a valid one no finding at all (biome's executed docs).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use meshmend_core::{
    AnalyzeOptions, Bundle, Diagnostic, LineIndex, LoadOptions, SourceFile, all_rules, analyze,
};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

/// `MM101-protocol-conflict/invalid.yaml`, the name findings are reported under.
fn display_name(path: &Path) -> String {
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .expect("fixtures live in a folder")
        .to_string_lossy();
    let file = path
        .file_name()
        .expect("fixture has a file name")
        .to_string_lossy();
    format!("{folder}/{file}")
}

/// A fixture is one file, or several: a line `# file: <path>` starts a file
/// of that name (repository layouts: kustomize trees, copies across files).
fn load(path: &Path) -> Bundle {
    let text = std::fs::read_to_string(path).expect("fixture is readable UTF-8");
    load_text(&display_name(path), &text)
}

/// [`load`] on text: one file named `name`, or the files its `# file:`
/// lines start.
fn load_text(name: &str, text: &str) -> Bundle {
    if !text.starts_with(FILE_MARKER) {
        return Bundle::from_text(name, text).expect("fixture is within limits");
    }
    let mut files: Vec<SourceFile> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix(FILE_MARKER) {
            files.push(SourceFile::new(name.trim(), ""));
        } else if let Some(file) = files.last_mut() {
            file.text.push_str(line);
        }
    }
    Bundle::load(files, LoadOptions::default()).expect("fixture is within limits")
}

/// Analysis options for a fixture: a line `# meshmend: --istio-version X.Y.Z`
/// among its leading comments pins the Istio release (for behaviour that
/// differs between releases); otherwise the defaults.
fn options(bundle: &Bundle) -> AnalyzeOptions {
    let version = bundle
        .text(0)
        .lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# meshmend: --istio-version "))
        .map(|v| {
            v.trim()
                .parse()
                .expect("fixture names a valid Istio version")
        });
    AnalyzeOptions {
        istio_version: version.unwrap_or_default(),
        ..AnalyzeOptions::default()
    }
}

/// Starts a file in a multi-file fixture.
const FILE_MARKER: &str = "# file: ";

/// Renders findings the way reviewers read them: header, location, the
/// source line with a caret, then related locations, note and help.
fn render(bundle: &Bundle, diagnostics: &[Diagnostic]) -> String {
    let indexes: Vec<LineIndex> = bundle
        .files
        .iter()
        .map(|f| LineIndex::new(&f.text))
        .collect();
    let position = |file: usize, offset: usize| {
        let at = indexes[file].line_col(bundle.text(file), offset);
        format!("{}:{}:{}", bundle.files[file].name, at.line, at.column)
    };
    let mut out = String::new();
    if diagnostics.is_empty() {
        out.push_str("No diagnostics.\n");
    }
    for d in diagnostics {
        let istio = d.istio_code.map(|c| format!(" ({c})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{}[{}] {}{istio}: {}",
            d.severity, d.code, d.name, d.message
        );
        let _ = writeln!(out, "  --> {}", position(d.file, d.span.start));
        let text = bundle.text(d.file);
        let index = &indexes[d.file];
        let line = index.line_of(d.span.start);
        let line_span = index.line_span(text, line);
        let column = text[line_span.start..d.span.start.max(line_span.start)]
            .chars()
            .count();
        let width = text[d.span.start.min(line_span.end)..d.span.end.min(line_span.end)]
            .chars()
            .count()
            .max(1);
        let _ = writeln!(out, "   | {}", line_span.slice(text));
        let _ = writeln!(out, "   | {}{}", " ".repeat(column), "^".repeat(width));
        if let Some(resource) = &d.resource {
            let _ = writeln!(
                out,
                "  = resource: {} {}/{}",
                resource.kind, resource.namespace, resource.name
            );
        }
        for related in &d.related {
            let _ = writeln!(
                out,
                "  = related: {}: {}",
                position(related.file, related.span.start),
                related.message
            );
        }
        if let Some(note) = &d.note {
            let _ = writeln!(out, "  = note: {note}");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        if d.fix_available {
            out.push_str("  = fix available\n");
        }
        out.push('\n');
    }
    out
}

fn snapshot_body(bundle: &Bundle, diagnostics: &[Diagnostic]) -> String {
    let mut input = String::new();
    for file in &bundle.files {
        if bundle.files.len() > 1 {
            let _ = write!(input, "## {}\n\n", file.name);
        }
        let newline = if file.text.ends_with('\n') { "" } else { "\n" };
        let _ = write!(input, "```yaml\n{}{newline}```\n\n", file.text);
    }
    format!(
        "# Input\n\n{input}# Diagnostics\n\n{}",
        render(bundle, diagnostics)
    )
}

#[test]
fn fixtures() {
    insta::glob!("rules/*/*.yaml", |path| {
        let bundle = load(path);
        let diagnostics = analyze(&bundle, &options(&bundle));
        let name = path
            .file_name()
            .expect("fixture has a file name")
            .to_string_lossy()
            .into_owned();
        insta::with_settings!({
            snapshot_path => path.parent().expect("fixtures live in a folder"),
            snapshot_suffix => "",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, snapshot_body(&bundle, &diagnostics));
        });
    });
}

/// Folder name → fixture files in it.
fn folders() -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(fixtures_root()).expect("tests/rules exists") {
        let entry = entry.expect("readable directory entry");
        if !entry.file_type().expect("file type").is_dir() {
            continue;
        }
        let files = std::fs::read_dir(entry.path())
            .expect("readable fixture folder")
            .map(|f| f.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|f| Path::new(f).extension().is_some_and(|e| e == "yaml"))
            .collect();
        out.insert(entry.file_name().to_string_lossy().into_owned(), files);
    }
    out
}

#[test]
fn every_folder_names_a_registered_rule() {
    let registered: Vec<String> = all_rules()
        .iter()
        .map(|r| format!("{}-{}", r.meta.code, r.meta.name))
        .collect();
    for folder in folders().keys() {
        assert!(
            registered.contains(folder),
            "tests/rules/{folder} does not name a registered rule (`<code>-<name>`); registered: {registered:?}"
        );
    }
}

#[test]
fn every_registered_rule_has_fixtures_that_exercise_it() {
    let folders = folders();
    for rule in all_rules() {
        let folder = format!("{}-{}", rule.meta.code, rule.meta.name);
        let files = folders.get(&folder).unwrap_or_else(|| {
            panic!(
                "rule {} has no fixture folder tests/rules/{folder}",
                rule.meta.code
            )
        });
        let invalid: Vec<_> = files.iter().filter(|f| f.starts_with("invalid")).collect();
        let valid: Vec<_> = files.iter().filter(|f| f.starts_with("valid")).collect();
        assert!(
            !invalid.is_empty(),
            "tests/rules/{folder} has no invalid*.yaml"
        );
        assert!(!valid.is_empty(), "tests/rules/{folder} has no valid*.yaml");
        for file in invalid {
            let bundle = load(&fixtures_root().join(&folder).join(file));
            let fired = analyze(&bundle, &options(&bundle))
                .iter()
                .any(|d| d.code == rule.meta.code);
            assert!(fired, "{folder}/{file}: {} does not fire", rule.meta.code);
        }
        for file in valid {
            let bundle = load(&fixtures_root().join(&folder).join(file));
            let findings: Vec<_> = analyze(&bundle, &options(&bundle))
                .into_iter()
                .filter(|d| d.code == rule.meta.code)
                .map(|d| d.message)
                .collect();
            assert!(
                findings.is_empty(),
                "{folder}/{file}: {} fires: {findings:?}",
                rule.meta.code
            );
        }
    }
}

/// The YAML examples of a rule's docs: (`### Invalid` or `### Valid` heading
/// above it, text).
fn doc_examples(code: &str, docs: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut marked = None;
    let mut lines = docs.lines();
    while let Some(line) = lines.next() {
        if line.starts_with('#') {
            marked = match line {
                "### Invalid" => Some(true),
                "### Valid" => Some(false),
                _ => None,
            };
        } else if let Some(lang) = line.strip_prefix("```") {
            let mut text = String::new();
            for line in lines.by_ref().take_while(|l| !l.starts_with("```")) {
                text.push_str(line);
                text.push('\n');
            }
            if lang == "yaml" {
                let invalid = marked.unwrap_or_else(|| {
                    panic!("{code}: a YAML example outside `### Invalid`/`### Valid`")
                });
                out.push((invalid, text));
            }
        }
    }
    out
}

#[test]
fn every_doc_example_does_what_it_says() {
    for rule in all_rules() {
        let meta = &rule.meta;
        let examples = doc_examples(meta.code, meta.docs);
        assert!(
            examples.iter().any(|(invalid, _)| *invalid) && examples.iter().any(|(i, _)| !i),
            "{}: docs need an invalid and a valid example",
            meta.code
        );
        for (n, (invalid, text)) in examples.iter().enumerate() {
            let bundle = load_text(&format!("{}-example-{n}.yaml", meta.code), text);
            let codes: Vec<&str> = analyze(&bundle, &options(&bundle))
                .iter()
                .map(|d| d.code)
                .collect();
            if *invalid {
                assert!(
                    !codes.is_empty() && codes.iter().all(|c| *c == meta.code),
                    "{} invalid example {n} must yield only {} findings, got {codes:?}:\n{text}",
                    meta.code,
                    meta.code
                );
            } else {
                assert!(
                    codes.is_empty(),
                    "{} valid example {n} must yield no finding, got {codes:?}:\n{text}",
                    meta.code
                );
            }
        }
    }
}
