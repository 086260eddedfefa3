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

use std::cell::RefCell;

use meshmend_core::refactor::{
    self, FileOutcome, FileStatus, FixOptions, FixOutcome, NodePortMode, Strategy,
};
use meshmend_core::sort;
use meshmend_core::{
    AnalyzeOptions, Bundle, Diagnostic, IstioVersion, LineIndex, LoadOptions, ResourceRef,
    Severity, SourceFile, Span, Vault,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub mod report;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export interface InputFile { name: string; text: string }
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
export interface Capabilities { version: string; analyze: boolean; redact: boolean; fix: boolean; istio_versions: string[] }
export interface RedactedFile { name: string; redacted: string }
export interface SecretFound extends Location { rule: string; family: string; placeholder: string; note: string | null }
export interface RedactReport {
  files: RedactedFile[]; secrets: SecretFound[]; families: { family: string; count: number }[];
}
export interface PatchedFile { path: string; status: "modified" | "added" | "deleted" | "unchanged"; patched: string | null }
export interface FixView { diff: string; files: PatchedFile[] }
export interface FixReport {
  strategy: string; real: FixView; redacted: FixView;
  changes: { rule: string; title: string; detail: string; resource: { kind: string; namespace: string; name: string } | null }[];
  verification: { ok: boolean; conflict_free: boolean; has_edits: boolean; message: string;
    remaining: Finding[]; rejected: { title: string; reason: string }[] };
}
export interface StrategyDoc { id: string; title: string; description: string }
"#;

/// Sets up panic reporting when the `panic-hook` feature is on. Runs once
/// when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}

/// One input file as the page sends it.
#[derive(Clone, Debug)]
pub struct InputFile {
    /// Display name (the dropped file's name, or `input.yaml` for a paste).
    pub name: String,
    /// Full text.
    pub text: String,
}

/// Page-side analysis settings (all optional).
#[derive(Clone, Debug, Default)]
pub struct PageOptions {
    /// Namespace for resources that do not set one (default `default`).
    pub namespace: Option<String>,
    /// Valid nodePort range, inclusive (default 30000–32767).
    pub nodeport_range: Option<(i64, i64)>,
    /// The Istio release whose istiod is simulated (default: the newest modelled).
    pub istio_version: Option<IstioVersion>,
}

impl PageOptions {
    /// Core load and analysis settings.
    fn resolve(&self) -> (LoadOptions, AnalyzeOptions) {
        let mut load = LoadOptions::default();
        if let Some(namespace) = &self.namespace {
            load.default_namespace.clone_from(namespace);
        }
        let mut analyze = AnalyzeOptions::default();
        if let Some(range) = self.nodeport_range {
            analyze.nodeport_range = range;
        }
        if let Some(version) = self.istio_version {
            analyze.istio_version = version;
        }
        (load, analyze)
    }
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
    /// Istio releases the version picker offers, newest first: each
    /// modelled minor release (its newest patch) and, where a behaviour
    /// changed in a patch release, the last patch before it.
    pub istio_versions: Vec<String>,
}

/// Analyzes a set of files. Native twin of [`analyze`].
pub fn analyze_report(
    files: Vec<InputFile>,
    options: &PageOptions,
) -> Result<AnalyzeReport, meshmend_core::Error> {
    let (load, analyze_options) = options.resolve();
    let bundle = Bundle::load(source_files(files), load)?;
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
        redact: true,
        fix: true,
        istio_versions: istio_versions(),
    }
}

/// See [`Capabilities::istio_versions`].
fn istio_versions() -> Vec<String> {
    use meshmend_core::analyze::istio_version::{CHANGES, NEWEST, OLDEST_MINOR};
    let mut out = Vec::new();
    for minor in (OLDEST_MINOR..=NEWEST.minor).rev() {
        out.push(format!("1.{minor}"));
        for change in CHANGES {
            for &(_, patch) in change.since.iter().filter(|&&(m, p)| m == minor && p > 0) {
                out.push(format!("1.{minor}.{}", patch - 1));
            }
        }
    }
    out
}

/// The page's preloaded example: two Gateways on 443 with overlapping hosts
/// and different certificates, a VirtualService bound to the losing one, a
/// NodePort collision and a Secret with credentials.
pub const EXAMPLE: (&str, &str) = (
    "seed-conflict.yaml",
    include_str!("../../../examples/seed-conflict.yaml"),
);

/// Line indices of a set of texts, built once per call.
struct Positions<'a> {
    files: Vec<(&'a str, &'a str)>,
    indices: Vec<LineIndex>,
}

impl<'a> Positions<'a> {
    fn new(bundle: &'a Bundle) -> Self {
        Self::of(
            bundle
                .files
                .iter()
                .map(|f| (f.name.as_str(), f.text.as_str())),
        )
    }

    /// `(name, text)` pairs, indexed as the diagnostics' `file` fields are.
    fn of(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let files: Vec<_> = files.into_iter().collect();
        let indices = files.iter().map(|(_, text)| LineIndex::new(text)).collect();
        Self { files, indices }
    }

    fn location(&self, file: usize, span: Span) -> Location {
        let (name, text) = self.files[file];
        let index = &self.indices[file];
        let start = index.line_col_utf16(text, span.start);
        let end = index.line_col_utf16(text, span.end);
        Location {
            file: name.to_string(),
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

// ------------------------------------------------------------------ redaction

thread_local! {
    /// Placeholder → secret, for this page session only (wasm memory, never
    /// serialised). Kept across calls so a placeholder keeps meaning the same
    /// secret while the user edits, and text redacted earlier (an LLM answer)
    /// can still be rehydrated.
    static VAULT: RefCell<Vault> = RefCell::new(Vault::default());
}

/// One redacted file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedactedFile {
    /// File name.
    pub name: String,
    /// The text with every secret replaced by its placeholder.
    pub redacted: String,
}

/// One secret found (never its value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecretFound {
    /// Rule id.
    pub rule: &'static str,
    /// Family (`AWS_ACCESS_KEY_ID`, `PASSWORD`, …).
    pub family: &'static str,
    /// Where, in the original text.
    #[serde(flatten)]
    pub location: Location,
    /// The placeholder that replaced it.
    pub placeholder: String,
    /// Anything the reader should know.
    pub note: Option<&'static str>,
}

/// Secrets per family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FamilyCount {
    /// Family.
    pub family: &'static str,
    /// Secrets redacted.
    pub count: usize,
}

/// Result of [`redact`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedactReport {
    /// Redacted texts, in input order.
    pub files: Vec<RedactedFile>,
    /// Every secret redacted, in file and text order.
    pub secrets: Vec<SecretFound>,
    /// Count per family, most frequent first.
    pub families: Vec<FamilyCount>,
}

fn source_files(files: Vec<InputFile>) -> Vec<SourceFile> {
    files
        .into_iter()
        .map(|f| SourceFile::new(f.name, f.text))
        .collect()
}

/// Redacts `files`, continuing the session's vault. Native twin of [`redact`].
pub fn redact_report(files: &[SourceFile]) -> RedactReport {
    let redaction = VAULT.with_borrow_mut(|vault| {
        let redaction = meshmend_core::redact_with(std::mem::take(vault), files);
        vault.clone_from(&redaction.vault);
        redaction
    });
    let texts = redaction.apply(files);
    let positions = Positions::of(files.iter().map(|f| (f.name.as_str(), f.text.as_str())));
    let mut families: Vec<FamilyCount> = Vec::new();
    for finding in &redaction.findings {
        match families.iter_mut().find(|f| f.family == finding.family) {
            Some(family) => family.count += 1,
            None => families.push(FamilyCount {
                family: finding.family,
                count: 1,
            }),
        }
    }
    sort::by(&mut families, |a, b| {
        b.count.cmp(&a.count).then(a.family.cmp(b.family))
    });
    RedactReport {
        secrets: redaction
            .findings
            .iter()
            .map(|f| SecretFound {
                rule: f.rule,
                family: f.family,
                location: positions.location(f.file, f.span),
                placeholder: f.placeholder.clone(),
                note: f.note,
            })
            .collect(),
        files: files
            .iter()
            .zip(texts)
            .map(|(file, redacted)| RedactedFile {
                name: file.name.clone(),
                redacted,
            })
            .collect(),
        families,
    }
}

/// Restores every placeholder of this session in `text`. Native twin of [`rehydrate`].
pub fn rehydrate_text(text: &str) -> String {
    VAULT.with_borrow(|vault| vault.rehydrate(text))
}

// ------------------------------------------------------------------ fix

/// Page-side fix settings (all optional).
#[derive(Clone, Debug, Default)]
pub struct PageFixOptions {
    /// `consolidate` (default), `isolate` or `renumber`.
    pub strategy: Option<String>,
    /// `pick` (default) or `auto`.
    pub nodeport: Option<String>,
    /// Fix warnings too (`meshmend fix --include warnings`); errors only by default.
    pub include_warnings: bool,
    /// Analysis settings.
    pub page: PageOptions,
}

/// A strategy, for the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrategyDoc {
    /// Value passed back in `strategy`.
    pub id: &'static str,
    /// Label.
    pub title: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// The fix strategies, default first. Native twin of [`strategies`].
pub fn strategy_docs() -> Vec<StrategyDoc> {
    vec![
        StrategyDoc {
            id: "consolidate",
            title: "Consolidate (merge into the oldest Gateway)",
            description: "Moves the servers of each conflicting Gateway into the oldest one, keeps every certificate (one server per credential, SNI picks), drops only duplicate hosts from the losing side, deletes emptied Gateways and rewrites VirtualService references. NodePort collisions are renumbered too.",
        },
        StrategyDoc {
            id: "isolate",
            title: "Isolate (dedicated ingress gateway)",
            description: "Moves each newer conflicting Gateway to its own ingress deployment: adds istio/gateway Helm values with free nodePorts and points the Gateway's selector at it. Its TLS Secret must exist in the new gateway's namespace. NodePort collisions are renumbered too.",
        },
        StrategyDoc {
            id: "renumber",
            title: "Renumber nodePorts only",
            description: "Only fixes nodePort collisions and out-of-range nodePorts, giving the later Service a free port from the static band. Gateway conflicts are left for you.",
        },
    ]
}

/// One side of the fix (real values, or redacted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FixView {
    /// Unified diff over all files.
    pub diff: String,
    /// Every file after the fix.
    pub files: Vec<PatchedFile>,
}

/// A file after the fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PatchedFile {
    /// Path (input name, or a new file's name).
    pub path: String,
    /// `modified`, `added`, `deleted` or `unchanged`.
    pub status: FileStatus,
    /// Text after the fix (`null` when deleted).
    pub patched: Option<String>,
}

/// The verification, for the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerificationView {
    /// Every planned change verified and was applied, and no conflict the
    /// fix targets remains (both facts, as `meshmend fix --format json`'s `ok`).
    pub ok: bool,
    /// No conflict the fix targets (errors) remains; warnings may.
    pub conflict_free: bool,
    /// At least one file changes.
    pub has_edits: bool,
    /// One sentence for humans.
    pub message: String,
    /// Conflicts left in the output, positioned in the patched text.
    pub remaining: Vec<Finding>,
    /// Changes withdrawn, with the reason.
    pub rejected: Vec<refactor::Rejected>,
}

/// Result of [`fix`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FixReport {
    /// Strategy used.
    pub strategy: &'static str,
    /// The fix of the real input.
    pub real: FixView,
    /// The same fix with every secret replaced by its placeholder (what may
    /// be shared).
    pub redacted: FixView,
    /// What changed.
    pub changes: Vec<refactor::Change>,
    /// The check of the output.
    pub verification: VerificationView,
}

fn view(outcome: &FixOutcome) -> FixView {
    FixView {
        diff: outcome.diff.clone(),
        files: outcome.files.iter().map(PatchedFile::of).collect(),
    }
}

impl PatchedFile {
    fn of(file: &FileOutcome) -> Self {
        PatchedFile {
            path: file.path.clone(),
            status: file.status,
            patched: file.patched.clone(),
        }
    }
}

/// One sentence on the two facts the page shows: every change made was
/// verified, and whether a conflict the fix targets (an error; the page
/// fixes errors only, like `meshmend fix` without `--include warnings`)
/// remains. Warnings left as they are are said to be left, not "unfixable".
fn verification_message(outcome: &FixOutcome, options: &FixOptions) -> String {
    let remaining = &outcome.verification.remaining;
    let targeted = remaining.iter().filter(|d| options.targets(d)).count();
    let warnings = remaining.len() - targeted;
    let rejected = outcome.verification.rejected.len();
    let left = if warnings > 0 {
        format!(
            " {warnings} warning(s) are left as they are: tick \"Fix warnings too\" to fix them as well."
        )
    } else {
        String::new()
    };
    let verdict = match (outcome.has_edits(), outcome.conflict_free(), rejected) {
        (false, true, 0) if warnings == 0 => "Conflict-free: nothing to fix.".to_string(),
        (false, true, 0) => "No error to fix.".to_string(),
        (true, true, 0) => "Conflict-free: the patched manifests were re-parsed and re-analyzed; no targeted conflict remains, and every host is still served by the same workload with the same TLS settings and VirtualServices.".to_string(),
        (_, true, _) => format!("No targeted conflict remains, but {rejected} planned change(s) could not be verified and were left out (listed below)."),
        _ => format!(
            "{targeted} conflict(s) remain that this strategy cannot fix mechanically{}.",
            if rejected > 0 {
                format!("; {rejected} planned change(s) could not be verified or were refused (listed below)")
            } else {
                String::new()
            }
        ),
    };
    verdict + &left
}

/// Fixes `files` with `options`, and shows the fix redacted too. Native twin of [`fix`].
pub fn fix_report(files: Vec<InputFile>, options: &PageFixOptions) -> Result<FixReport, String> {
    let (strategy, strategy_name) = match options.strategy.as_deref() {
        None | Some("consolidate") => (Strategy::Consolidate, "consolidate"),
        Some("isolate") => (Strategy::Isolate, "isolate"),
        Some("renumber") => (Strategy::Renumber, "renumber"),
        Some(other) => {
            return Err(format!(
                "unknown strategy `{other}` (consolidate, isolate or renumber)"
            ));
        }
    };
    let nodeport = match options.nodeport.as_deref() {
        None | Some("pick") => NodePortMode::Pick,
        Some("auto") => NodePortMode::Auto,
        Some(other) => return Err(format!("unknown nodeport mode `{other}` (pick or auto)")),
    };
    let (load, analyze) = options.page.resolve();
    let fix_options = FixOptions {
        strategy,
        nodeport,
        analyze,
        include_warnings: options.include_warnings,
    };
    let bundle = Bundle::load(source_files(files), load).map_err(|e| e.to_string())?;
    let outcome = refactor::fix(&bundle, &fix_options);
    // The same fix with the session's placeholders (see FixOutcome::redacted).
    let redacted = VAULT.with_borrow_mut(|vault| {
        let (files, diff, grown) = outcome.redacted(std::mem::take(vault));
        *vault = grown;
        FixView {
            diff,
            files: files.iter().map(PatchedFile::of).collect(),
        }
    });
    let positions = Positions::of(
        outcome
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.patched.as_deref().unwrap_or_default())),
    );
    let verification = VerificationView {
        ok: outcome.verification.ok && outcome.conflict_free(),
        conflict_free: outcome.conflict_free(),
        has_edits: outcome.has_edits(),
        message: verification_message(&outcome, &fix_options),
        remaining: outcome
            .verification
            .remaining
            .iter()
            .cloned()
            .map(|d| positions.finding(d))
            .collect(),
        rejected: outcome.verification.rejected.clone(),
    };
    Ok(FixReport {
        strategy: strategy_name,
        real: view(&outcome),
        redacted,
        changes: outcome.changes.clone(),
        verification,
    })
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The files of one call: wasm-bindgen passes the names and texts as two
/// string arrays (`worker.js` splits the `{name, text}` objects). No serde
/// `Deserialize` on the way in: serde-wasm-bindgen's deserializer and the
/// float formatting its errors pull in cost ~20 KB of the gzipped module.
fn input_files(names: Vec<String>, texts: Vec<String>) -> Result<Vec<InputFile>, JsError> {
    if names.len() != texts.len() {
        return Err(JsError::new(&format!(
            "files: {} names but {} texts",
            names.len(),
            texts.len()
        )));
    }
    Ok(names
        .into_iter()
        .zip(texts)
        .map(|(name, text)| InputFile { name, text })
        .collect())
}

/// Analysis settings from the optional arguments; `nodeport_min` and
/// `nodeport_max` come together or not at all.
fn page_options(
    namespace: Option<String>,
    nodeport_min: Option<u32>,
    nodeport_max: Option<u32>,
    istio_version: Option<String>,
) -> Result<PageOptions, JsError> {
    let istio_version = istio_version
        .map(|v| v.parse::<IstioVersion>())
        .transpose()
        .map_err(|e| JsError::new(&format!("istio version: {e}")))?;
    let nodeport_range = match (nodeport_min, nodeport_max) {
        (None, None) => None,
        (Some(min), Some(max)) if min <= max => Some((i64::from(min), i64::from(max))),
        (Some(min), Some(max)) => {
            return Err(JsError::new(&format!(
                "nodeport range {min}-{max}: the minimum is above the maximum"
            )));
        }
        _ => {
            return Err(JsError::new(
                "nodeport range: give both the minimum and the maximum",
            ));
        }
    };
    Ok(PageOptions {
        namespace,
        nodeport_range,
        istio_version,
    })
}

/// Analyzes the files (`names[i]`, `texts[i]`) and returns an `AnalyzeReport`.
/// `namespace` is the default namespace; `nodeport_min`/`nodeport_max` the
/// valid nodePort range (default 30000–32767); `istio_version` the Istio
/// release whose istiod is simulated (`1.28`, `1.27.4`; default the newest
/// modelled, the list the page offers is in `capabilities().istio_versions`).
///
/// Fails (throws) only on bad arguments or when the input breaks a
/// whole-input limit (size); YAML syntax errors are findings
/// (`yaml-syntax`), not failures.
#[wasm_bindgen(unchecked_return_type = "AnalyzeReport")]
pub fn analyze(
    names: Vec<String>,
    texts: Vec<String>,
    namespace: Option<String>,
    nodeport_min: Option<u32>,
    nodeport_max: Option<u32>,
    istio_version: Option<String>,
) -> Result<JsValue, JsError> {
    let files = input_files(names, texts)?;
    let options = page_options(namespace, nodeport_min, nodeport_max, istio_version)?;
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

/// Redacts the files (`names[i]`, `texts[i]`): returns a `RedactReport`. The
/// placeholder → secret map stays inside this module (see [`rehydrate`]).
#[wasm_bindgen(unchecked_return_type = "RedactReport")]
pub fn redact(names: Vec<String>, texts: Vec<String>) -> Result<JsValue, JsError> {
    let files = input_files(names, texts)?;
    to_js(&redact_report(&source_files(files)))
}

/// Restores the real values of every placeholder this session produced.
#[wasm_bindgen]
pub fn rehydrate(text: &str) -> String {
    rehydrate_text(text)
}

/// Plans, applies and verifies a fix (`FixReport`), on the real input and
/// on its redacted twin. `strategy`: `consolidate` (default), `isolate` or
/// `renumber`; `nodeport`: `pick` (default) or `auto`; `include_warnings`:
/// fix warning-level conflicts too (default: errors only); the rest as in
/// [`analyze`].
#[wasm_bindgen(unchecked_return_type = "FixReport")]
#[expect(
    clippy::too_many_arguments,
    reason = "plain arguments instead of an options object: no deserializer in the module (-17 KB gz)"
)]
pub fn fix(
    names: Vec<String>,
    texts: Vec<String>,
    strategy: Option<String>,
    nodeport: Option<String>,
    namespace: Option<String>,
    nodeport_min: Option<u32>,
    nodeport_max: Option<u32>,
    istio_version: Option<String>,
    include_warnings: Option<bool>,
) -> Result<JsValue, JsError> {
    let files = input_files(names, texts)?;
    let options = PageFixOptions {
        strategy,
        nodeport,
        include_warnings: include_warnings.unwrap_or(false),
        page: page_options(namespace, nodeport_min, nodeport_max, istio_version)?,
    };
    to_js(&fix_report(files, &options).map_err(|e| JsError::new(&e))?)
}

/// The fix strategies (`StrategyDoc[]`), default first.
#[wasm_bindgen(unchecked_return_type = "StrategyDoc[]")]
pub fn strategies() -> Result<JsValue, JsError> {
    to_js(&strategy_docs())
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
        let report = analyze_report(vec![file("gw.yaml", text)], &PageOptions::default()).unwrap();
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
        assert_eq!(
            (location.line, location.column, location.end_column),
            (1, 7, 8)
        );
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
            report
                .files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            ["a.yaml", "b.yaml"]
        );
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.location.file == "b.yaml" && f.location.file_index == 1)
        );
    }

    const SECRETS: [&str; 3] = [
        "Sup3rS3cret-Pg",
        "AKIAQ3EGRZ7XB4HV2KPD",
        "9dKq2hX8vR+fT4mW1nZ7pL0sY3bC6eJ5aG8uN2xQ",
    ];

    #[test]
    fn example_redacts_its_secrets_and_rehydrates_byte_for_byte() {
        let files = [SourceFile::new(EXAMPLE.0, EXAMPLE.1)];
        let report = redact_report(&files);
        let redacted = &report.files[0].redacted;
        for secret in SECRETS {
            assert!(!redacted.contains(secret), "{secret} leaked");
        }
        assert!(report.secrets.len() >= 3);
        assert_eq!(
            report.families.iter().map(|f| f.count).sum::<usize>(),
            report.secrets.len()
        );
        assert!(report.secrets.iter().all(|s| s.location.file == EXAMPLE.0));
        assert_eq!(rehydrate_text(redacted), EXAMPLE.1);
    }

    /// Two Gateways merging host `*` on port 80 (a warning the page does not
    /// fix) next to a TCP/HTTP clash (an error no strategy but isolate can
    /// fix): the page must say which is which, and not call the second
    /// "verified".
    #[test]
    fn fix_verification_separates_untargeted_warnings_from_remaining_errors() {
        let gateway = |name: &str, port: u32, protocol: &str, stamp: &str| {
            format!(
                "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}, namespace: default, creationTimestamp: '{stamp}'}}\nspec:\n  selector: {{istio: ingressgateway}}\n  servers:\n  - port: {{number: {port}, name: p-{name}, protocol: {protocol}}}\n    hosts: ['*']\n"
            )
        };
        let merged = format!(
            "{}---\n{}",
            gateway("a", 80, "HTTP", "2024-01-01T00:00:00Z"),
            gateway("b", 80, "HTTP", "2024-01-02T00:00:00Z")
        );
        let report = fix_report(vec![file("m.yaml", &merged)], &PageFixOptions::default()).unwrap();
        let v = &report.verification;
        assert!(v.ok && v.conflict_free && !v.has_edits, "{v:?}");
        assert_eq!(v.remaining.len(), 1, "{v:?}");
        assert!(
            v.message.contains("1 warning(s) are left as they are"),
            "{}",
            v.message
        );
        assert!(!v.message.contains("cannot fix"), "{}", v.message);

        let clash = format!(
            "{}---\n{}",
            gateway("a", 80, "TCP", "2024-01-01T00:00:00Z"),
            gateway("b", 80, "HTTP", "2024-01-02T00:00:00Z")
        );
        let report = fix_report(vec![file("c.yaml", &clash)], &PageFixOptions::default()).unwrap();
        let v = &report.verification;
        assert!(!v.ok && !v.conflict_free, "{v:?}");
        assert!(
            v.message.starts_with("1 conflict(s) remain"),
            "{}",
            v.message
        );
    }

    #[test]
    fn example_fix_is_verified_and_its_redacted_twin_rehydrates_to_it() {
        let report =
            fix_report(vec![file(EXAMPLE.0, EXAMPLE.1)], &PageFixOptions::default()).unwrap();
        assert!(
            report.verification.conflict_free,
            "{:?}",
            report.verification
        );
        assert!(report.verification.message.starts_with("Conflict-free"));
        assert!(
            report
                .real
                .diff
                .starts_with("--- a/seed-conflict.yaml\n+++ b/seed-conflict.yaml\n@@ ")
        );
        let redacted = &report.redacted;
        for secret in SECRETS {
            assert!(!redacted.diff.contains(secret));
            assert!(
                redacted
                    .files
                    .iter()
                    .all(|f| !f.patched.as_deref().unwrap_or("").contains(secret))
            );
        }
        let real = report.real.files[0].patched.as_deref().unwrap();
        let twin = redacted.files[0].patched.as_deref().unwrap();
        assert_eq!(rehydrate_text(twin), real);
        // The same edits: the redacted diff is the real one with placeholders.
        assert_ne!(twin, real, "the example's secrets are replaced");
        assert_eq!(rehydrate_text(&redacted.diff), report.real.diff);
    }

    #[test]
    fn every_strategy_runs_and_unknown_ones_are_errors() {
        for strategy in strategy_docs() {
            let options = PageFixOptions {
                strategy: Some(strategy.id.to_string()),
                ..PageFixOptions::default()
            };
            let report = fix_report(vec![file(EXAMPLE.0, EXAMPLE.1)], &options).unwrap();
            assert_eq!(report.strategy, strategy.id);
        }
        let bad = PageFixOptions {
            strategy: Some("yolo".into()),
            ..PageFixOptions::default()
        };
        assert!(fix_report(vec![file("a.yaml", "a: 1\n")], &bad).is_err());
    }

    #[test]
    fn rule_docs_match_the_registry() {
        let docs = rule_docs();
        assert_eq!(docs.len(), meshmend_core::all_rules().len());
        assert!(docs.iter().any(|d| d.code == "MM001" && !d.docs.is_empty()));
    }
}
