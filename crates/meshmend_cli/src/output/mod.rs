//! Output formats. Findings stay spans until here; the core's report layer
//! (`meshmend_core::report`) turns them into 1-based line/character-column
//! positions, once per file. Each format is one module with one `write`.

pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod markdown;
pub(crate) mod sarif;
pub(crate) mod text;

use meshmend_core::{Bundle, Columns, Diagnostic, Severity};

pub(crate) use meshmend_core::report::{Locator, Range};

/// Every CLI output counts columns in characters (SARIF says so with
/// `columnKind: unicodeCodePoints`).
pub(crate) const COLUMNS: Columns = Columns::Chars;

/// The locator of the bundle's files, in [`COLUMNS`].
pub(crate) fn locator(bundle: &Bundle) -> Locator<'_> {
    Locator::of_bundle(bundle, COLUMNS)
}

/// One run's findings as every format reads them: the bundle they point
/// into and their counts.
pub(crate) struct Findings<'a> {
    pub(crate) bundle: &'a Bundle,
    pub(crate) diagnostics: &'a [Diagnostic],
    pub(crate) summary: Summary,
}

impl<'a> Findings<'a> {
    pub(crate) fn new(bundle: &'a Bundle, diagnostics: &'a [Diagnostic]) -> Self {
        let summary = Summary::new(bundle, diagnostics);
        Self {
            bundle,
            diagnostics,
            summary,
        }
    }

    /// The locator of the bundle's files, in [`COLUMNS`].
    pub(crate) fn locator(&self) -> Locator<'a> {
        locator(self.bundle)
    }
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Summary {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) infos: usize,
    pub(crate) files: usize,
    pub(crate) documents: usize,
}

impl Summary {
    pub(crate) fn new(bundle: &Bundle, diagnostics: &[Diagnostic]) -> Self {
        let count = |severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        Self {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            files: bundle.files.len(),
            documents: bundle.document_count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use meshmend_core::{AnalyzeOptions, Bundle, LoadOptions, SourceFile, analyze};
    use proptest::prelude::*;
    use proptest::sample::Index;

    use super::*;

    const SEED: &str = include_str!("../../../../examples/seed-conflict.yaml");

    /// Renders every format; panics (the failure) if a renderer does.
    fn render_all(files: Vec<SourceFile>) {
        let Ok(bundle) = Bundle::load(files, LoadOptions::default()) else {
            return;
        };
        for istio_compat in [false, true] {
            let options = AnalyzeOptions {
                istio_compat,
                ..AnalyzeOptions::default()
            };
            let diagnostics = analyze(&bundle, &options);
            let findings = Findings::new(&bundle, &diagnostics);
            let mut out = Vec::new();
            for colour in [false, true] {
                text::write(&mut out, &findings, colour).unwrap();
            }
            json::write(&mut out, &findings).unwrap();
            sarif::write(&mut out, &findings).unwrap();
            github::write(&mut out, &findings).unwrap();
            gitlab::write(&mut out, &findings).unwrap();
            junit::write(&mut out, &findings, Some(Severity::Warning)).unwrap();
            assert!(String::from_utf8(out).is_ok());
        }
    }

    fn edit(text: &str, at: Index, cut: usize, insert: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let start = at.index(chars.len() + 1);
        let end = (start + cut).min(chars.len());
        let mut out: String = chars[..start].iter().collect();
        out.push_str(insert);
        out.extend(&chars[end..]);
        out
    }

    proptest! {
        /// Findings on edited manifests (CRLF, tabs, wide characters, cut
        /// lines, a second file) render in every format without panicking.
        #[test]
        fn every_format_renders_findings_on_edited_input(
            at in any::<Index>(),
            cut in 0..40_usize,
            insert in prop::sample::select(vec![
                "", "\t", "\r\n", "\u{feff}", "é", "🚀", "\n---\n", ": [", "'", "\0", "  - x\n",
            ]),
            crlf in any::<bool>(),
            second in any::<bool>(),
        ) {
            let mut text = edit(SEED, at, cut, insert);
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            let mut files = vec![SourceFile::new("a.yaml", text)];
            if second {
                files.push(SourceFile::new("dir/b é.yaml", SEED));
            }
            render_all(files);
        }
    }

    #[test]
    fn findings_at_the_very_end_of_a_file_render() {
        for text in [
            "kind: Service\nspec: [",
            "kind: Service\nspec: [\n",
            "[",
            "\"",
            "a: 'b",
        ] {
            render_all(vec![SourceFile::new("end.yaml", text)]);
        }
    }
}
