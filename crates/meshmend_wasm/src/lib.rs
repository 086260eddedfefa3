//! meshmend in the browser: a thin wasm-bindgen layer over `meshmend_core`.
//!
//! Every export takes plain JS values (strings, `{name, text}` file objects)
//! and returns plain objects. The only work done here is at the edge: byte
//! spans become 1-based lines and **UTF-16** columns (what
//! `<textarea>.setSelectionRange` and JS editors count in), file indices
//! become file names, and core errors become `JsError`s. All logic stays in
//! the core.
//!
//! The shapes returned are declared once, for TypeScript readers, in the
//! `typescript_custom_section` below. Each export has a plain Rust twin
//! (`*_report`) that native `cargo test` exercises without a JS engine.

use meshmend_core::{
    AnalyzeOptions, Bundle, Diagnostic, LineIndex, LoadOptions, ResourceRef, Severity, SourceFile,
    Span,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export interface InputFile { name: string; text: string }
export interface AnalyzeOptionsJs { namespace?: string; nodeport_range?: [number, number] }
export interface Location {
  file: string; file_index: number;
  line: number; column: number; end_line: number; end_column: number;
}
export interface RelatedJs extends Location { message: string }
export interface Finding extends Location {
  code: string; name: string; istio_code: string | null;
  severity: "error" | "warning" | "info"; message: string;
  resource: { kind: string; namespace: string; name: string } | null;
  related: RelatedJs[]; note: string | null; help: string | null; fix_available: boolean;
}
export interface FileSummary { name: string; documents: number; resources: number }
export interface AnalyzeReport {
  findings: Finding[];
  counts: { error: number; warning: number; info: number };
  files: FileSummary[];
}
export interface RuleDoc {
  code: string; name: string; severity: string; istio_code: string | null;
  summary: string; docs: string; has_fix: boolean;
}
export interface Capabilities { version: string; analyze: boolean; redact: boolean; fix: boolean }
"#;

/// Sets up panic reporting when the `panic-hook` feature is on. Runs once
/// when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}

/// One input file as the page sends it.
#[derive(Clone, Debug, Deserialize)]
pub struct InputFile {
    /// Display name (the dropped file's name, or `input.yaml` for a paste).
    pub name: String,
    /// Full text.
    pub text: String,
}

/// Page-side analysis settings (all optional).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageOptions {
    /// Namespace for resources that do not set one (default `default`).
    pub namespace: Option<String>,
    /// Valid nodePort range, inclusive (default 30000–32767).
    pub nodeport_range: Option<(i64, i64)>,
}

/// A span in one file, as 1-based line and UTF-16 column (start and end).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// File name.
    pub file: String,
    /// Index of the file in the input list.
    pub file_index: usize,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based UTF-16 column of the start.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based UTF-16 column of the end (exclusive).
    pub end_column: usize,
}

/// A secondary location of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelatedLocation {
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// Why it matters.
    pub message: String,
}

/// One finding, ready for the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule code (`MM101`).
    pub code: &'static str,
    /// Rule name (`protocol-conflict`).
    pub name: &'static str,
    /// The `istioctl analyze` equivalent, if any.
    pub istio_code: Option<&'static str>,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where (primary span).
    #[serde(flatten)]
    pub location: Location,
    /// The resource the finding is about.
    pub resource: Option<ResourceRef>,
    /// Other locations involved.
    pub related: Vec<RelatedLocation>,
    /// Why, in more detail.
    pub note: Option<String>,
    /// What to do.
    pub help: Option<String>,
    /// True when a mechanical fix exists.
    pub fix_available: bool,
}

/// Number of findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

/// What was read from one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    /// File name.
    pub name: String,
    /// YAML documents seen (parsed or not).
    pub documents: usize,
    /// Kubernetes objects (and Helm values files) recognised.
    pub resources: usize,
}

/// Result of [`analyze`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnalyzeReport {
    /// Findings sorted by file and position.
    pub findings: Vec<Finding>,
    /// Findings per severity.
    pub counts: Counts,
    /// Per-file summary.
    pub files: Vec<FileSummary>,
}

/// One rule's documentation: the same text `meshmend explain` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDoc {
    /// Code.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// The `istioctl analyze` equivalent, if any.
    pub istio_code: Option<&'static str>,
    /// One line.
    pub summary: &'static str,
    /// Markdown: *What it does*, *Why is this bad?*, *Example*.
    pub docs: &'static str,
    /// True when the rule's findings have a mechanical fix.
    pub has_fix: bool,
}

/// Which core features this build carries (the page shows only those).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// Crate version.
    pub version: &'static str,
    /// Always true.
    pub analyze: bool,
    /// Secret redaction and rehydration.
    pub redact: bool,
    /// Refactoring fixes.
    pub fix: bool,
}

/// Analyzes a set of files. Native twin of [`analyze`].
pub fn analyze_report(
    files: Vec<InputFile>,
    options: &PageOptions,
) -> Result<AnalyzeReport, meshmend_core::Error> {
    let mut load = LoadOptions::default();
    if let Some(namespace) = &options.namespace {
        load.default_namespace.clone_from(namespace);
    }
    let mut analyze_options = AnalyzeOptions::default();
    if let Some(range) = options.nodeport_range {
        analyze_options.nodeport_range = range;
    }
    let bundle = Bundle::load(
        files
            .into_iter()
            .map(|f| SourceFile::new(f.name, f.text))
            .collect(),
        load,
    )?;
    let diagnostics = meshmend_core::analyze(&bundle, &analyze_options);
    let positions = Positions::new(&bundle);
    let mut counts = Counts::default();
    let findings = diagnostics
        .into_iter()
        .map(|d| {
            match d.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
            positions.finding(d)
        })
        .collect();
    let files = bundle
        .files
        .iter()
        .enumerate()
        .map(|(index, file)| FileSummary {
            name: file.name.clone(),
            documents: bundle.streams[index].document_count(),
            resources: bundle.resources.iter().filter(|r| r.file == index).count(),
        })
        .collect();
    Ok(AnalyzeReport {
        findings,
        counts,
        files,
    })
}

/// Every rule's documentation, in documentation order. Native twin of [`rules`].
pub fn rule_docs() -> Vec<RuleDoc> {
    meshmend_core::all_rules()
        .iter()
        .map(|rule| RuleDoc {
            code: rule.code(),
            name: rule.name(),
            severity: rule.severity(),
            istio_code: rule.istio_code(),
            summary: rule.summary(),
            docs: rule.docs(),
            has_fix: rule.has_fix(),
        })
        .collect()
}

/// What this build can do. Native twin of [`capabilities`].
pub fn capability_report() -> Capabilities {
    Capabilities {
        version: env!("CARGO_PKG_VERSION"),
        analyze: true,
        redact: false,
        fix: false,
    }
}

/// The page's preloaded example: two Gateways on 443 with overlapping hosts
/// and different certificates, a VirtualService bound to the losing one, a
/// NodePort collision and a Secret with credentials.
pub const EXAMPLE: (&str, &str) = (
    "seed-conflict.yaml",
    include_str!("../../../examples/seed-conflict.yaml"),
);

/// Line indices of every file, built once per call.
struct Positions<'a> {
    bundle: &'a Bundle,
    indices: Vec<LineIndex>,
}

impl<'a> Positions<'a> {
    fn new(bundle: &'a Bundle) -> Self {
        let indices = bundle
            .files
            .iter()
            .map(|f| LineIndex::new(&f.text))
            .collect();
        Self { bundle, indices }
    }

    fn location(&self, file: usize, span: Span) -> Location {
        let text = self.bundle.text(file);
        let index = &self.indices[file];
        let start = index.line_col_utf16(text, span.start);
        let end = index.line_col_utf16(text, span.end);
        Location {
            file: self.bundle.files[file].name.clone(),
            file_index: file,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }

    fn finding(&self, d: Diagnostic) -> Finding {
        Finding {
            location: self.location(d.file, d.span),
            related: d
                .related
                .into_iter()
                .map(|r| RelatedLocation {
                    location: self.location(r.file, r.span),
                    message: r.message,
                })
                .collect(),
            code: d.code,
            name: d.name,
            istio_code: d.istio_code,
            severity: d.severity,
            message: d.message,
            resource: d.resource,
            note: d.note,
            help: d.help,
            fix_available: d.fix_available,
        }
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// Analyzes `files` (`[{name, text}]`) and returns an `AnalyzeReport`.
///
/// Fails (throws) only when the input breaks a whole-input limit (size);
/// YAML syntax errors are findings (`yaml-syntax`), not failures.
#[wasm_bindgen(unchecked_return_type = "AnalyzeReport")]
pub fn analyze(
    #[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AnalyzeOptionsJs | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let files: Vec<InputFile> = from_js(files, "files must be [{name, text}]")?;
    let options: PageOptions = if options.is_undefined() || options.is_null() {
        PageOptions::default()
    } else {
        from_js(options, "invalid options")?
    };
    to_js(&analyze_report(files, &options)?)
}

/// Every rule's documentation (`RuleDoc[]`), shipped with the page.
#[wasm_bindgen(unchecked_return_type = "RuleDoc[]")]
pub fn rules() -> Result<JsValue, JsError> {
    to_js(&rule_docs())
}

/// Which features this build carries (`Capabilities`).
#[wasm_bindgen(unchecked_return_type = "Capabilities")]
pub fn capabilities() -> Result<JsValue, JsError> {
    to_js(&capability_report())
}

/// The preloaded example as an `InputFile` (`{name, text}`).
#[wasm_bindgen(unchecked_return_type = "InputFile")]
pub fn example() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Example {
        name: &'static str,
        text: &'static str,
    }
    to_js(&Example {
        name: EXAMPLE.0,
        text: EXAMPLE.1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> InputFile {
        InputFile {
            name: name.to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn syntax_error_has_file_name_and_utf16_column() {
        // The rocket is 4 UTF-8 bytes and 2 UTF-16 units: columns count the latter.
        let text = "# 🚀\nkind: Gateway\nspec: [\n";
        let report =
            analyze_report(vec![file("gw.yaml", text)], &PageOptions::default()).unwrap();
        let finding = &report.findings[0];
        assert_eq!(finding.name, "yaml-syntax");
        assert_eq!(finding.location.file, "gw.yaml");
        assert!(finding.location.line >= 3, "{finding:?}");
        assert_eq!(report.counts.error, 1);
        assert_eq!(report.files[0].name, "gw.yaml");
    }

    #[test]
    fn utf16_column_counts_surrogate_pairs() {
        let text = "a: \"🚀\" \nb: [\n";
        let bundle = Bundle::from_text("x.yaml", text).unwrap();
        let positions = Positions::new(&bundle);
        let after_rocket = text.find("\" ").unwrap();
        let location = positions.location(0, Span::new(after_rocket, after_rocket + 1));
        // `a: "` is 4 units, the rocket 2 more: the closing quote is column 7.
        assert_eq!((location.line, location.column, location.end_column), (1, 7, 8));
    }

    #[test]
    fn files_keep_their_names_and_order() {
        let report = analyze_report(
            vec![
                file("a.yaml", "kind: Service\nmetadata: {name: a}\n"),
                file("b.yaml", "x: [\n"),
            ],
            &PageOptions::default(),
        )
        .unwrap();
        assert_eq!(
            report.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["a.yaml", "b.yaml"]
        );
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.location.file == "b.yaml" && f.location.file_index == 1)
        );
    }

    #[test]
    fn rule_docs_match_the_registry() {
        let docs = rule_docs();
        assert_eq!(docs.len(), meshmend_core::all_rules().len());
        assert!(docs.iter().any(|d| d.code == "MM001" && !d.docs.is_empty()));
    }
}
