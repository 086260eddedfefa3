//! Bad input never panics, hangs or blows up memory.
//!
//! Property tests (proptest: shrinking turns a failure into the smallest
//! input that shows it, and failing seeds are persisted for replay) feed
//! `Bundle::load` + `analyze` arbitrary bytes, YAML-flavoured noise and
//! realistic manifests mutated the way hand edits and bad pastes mutate
//! them. Explicit cases pin the hostile inputs the limits exist for.
//!
//! 256 cases per property by default; `PROPTEST_CASES=20000 cargo test
//! --release -p meshmend_core --test robustness` for a longer hunt.

use std::path::Path;

use meshmend_core::{
    AnalyzeOptions, Bundle, Diagnostic, ErrorKind, Limits, LineIndex, LoadOptions, SourceFile,
    analyze,
};
use proptest::prelude::*;
use proptest::sample::Index;

/// Loads and analyzes `text` in both modes and checks every span the
/// findings carry can be shown (inside the text, on character boundaries).
fn check(text: &str) -> Vec<Diagnostic> {
    let bundle = match Bundle::from_text("input.yaml", text) {
        Ok(bundle) => bundle,
        Err(error) => {
            assert!(
                matches!(error.kind(), ErrorKind::TooLarge { .. }),
                "only whole-input limits fail a load: {error}"
            );
            return Vec::new();
        }
    };
    let mut all = Vec::new();
    for istio_compat in [false, true] {
        let options = AnalyzeOptions {
            istio_compat,
            ..AnalyzeOptions::default()
        };
        let diagnostics = analyze(&bundle, &options);
        for d in &diagnostics {
            assert_displayable(&bundle, d.file, d.span);
            for r in &d.related {
                assert_displayable(&bundle, r.file, r.span);
            }
            assert!(!d.message.is_empty());
        }
        all.extend(diagnostics);
    }
    all
}

fn assert_displayable(bundle: &Bundle, file: usize, span: meshmend_core::Span) {
    let text = bundle.text(file);
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a {}-byte file",
        text.len()
    );
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    let index = LineIndex::new(text);
    let start = index.line_col(text, span.start);
    let end = index.line_col(text, span.end);
    assert!((end.line, end.column) >= (start.line, start.column));
}

/// Realistic manifests: the bundled example and every rule fixture.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts =
        vec![std::fs::read_to_string(root.join("../../examples/seed-conflict.yaml")).unwrap()];
    for dir in std::fs::read_dir(root.join("tests/rules")).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                texts.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    texts.sort();
    texts
}

/// One hand-edit-like change.
#[derive(Clone, Debug)]
enum Mutation {
    Delete(Index, u8),
    Duplicate(Index, u8),
    Insert(Index, char),
    Truncate(Index),
    SwapLines(Index, Index),
    DuplicateLine(Index),
    DedentLine(Index),
}

fn yaml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(
            ":-[]{}&*!|>'\"#?,%@ \n\t\r`=<~.0xX".chars().collect::<Vec<_>>()
        ),
        1 => any::<char>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 1..16_u8).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<Index>(), 1..64_u8).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
        (any::<Index>(), yaml_char()).prop_map(|(at, c)| Mutation::Insert(at, c)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        any::<Index>().prop_map(Mutation::DedentLine),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for mutation in mutations {
        let len = chars.len().max(1);
        match mutation {
            Mutation::Delete(at, n) => {
                let start = at.index(len).min(chars.len());
                let end = (start + usize::from(*n)).min(chars.len());
                chars.drain(start..end);
            }
            Mutation::Duplicate(at, n) => {
                let start = at.index(len).min(chars.len());
                let end = (start + usize::from(*n)).min(chars.len());
                let copy: Vec<char> = chars[start..end].to_vec();
                chars.splice(end..end, copy);
            }
            Mutation::Insert(at, c) => chars.insert(at.index(len + 1).min(chars.len()), *c),
            Mutation::Truncate(at) => chars.truncate(at.index(len)),
            Mutation::SwapLines(..) | Mutation::DuplicateLine(_) | Mutation::DedentLine(_) => {
                let text: String = chars.iter().collect();
                let mut lines: Vec<String> =
                    text.split_inclusive('\n').map(str::to_string).collect();
                if lines.is_empty() {
                    continue;
                }
                let n = lines.len();
                match mutation {
                    Mutation::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
                    Mutation::DuplicateLine(a) => {
                        let line = lines[a.index(n)].clone();
                        lines.insert(a.index(n), line);
                    }
                    Mutation::DedentLine(a) => {
                        let line = &mut lines[a.index(n)];
                        if line.starts_with("  ") {
                            line.drain(..2);
                        }
                    }
                    _ => unreachable!("only line mutations reach here"),
                }
                chars = lines.concat().chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn yaml_flavoured_noise_never_panics(chars in prop::collection::vec(
        prop_oneof![8 => yaml_char(), 2 => prop::char::range('a', 'z')],
        0..512,
    )) {
        check(&chars.into_iter().collect::<String>());
    }

    #[test]
    fn mutated_manifests_never_panic(
        pick in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let corpus = corpus();
        let text = &corpus[pick.index(corpus.len())];
        check(&mutate(text, &mutations));
    }

    #[test]
    fn concatenated_manifests_never_panic(
        picks in prop::collection::vec(any::<Index>(), 1..6),
        separator in prop::sample::select(vec!["---\n", "\n---\n", "--- \n", "...\n---\n", ""]),
    ) {
        let corpus = corpus();
        let text: Vec<&str> = picks.iter().map(|p| corpus[p.index(corpus.len())].as_str()).collect();
        check(&text.join(separator));
    }
}

// ------------------------------------------------------------ hostile inputs

fn syntax_kinds(bundle: &Bundle) -> Vec<ErrorKind> {
    bundle
        .document_errors()
        .map(|(_, e)| e.kind.clone())
        .collect()
}

#[test]
/// Priced from node weights, never expanded (its speed: `cargo bench --bench hostile`).
fn one_kilobyte_billion_laughs_is_refused_by_the_alias_budget() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let items = vec![format!("*a{}", i - 1); 9].join(", ");
        text += &format!("a{i}: &a{i} [{items}]\n");
    }
    text += "kind: ConfigMap\n";
    assert!(text.len() <= 1024, "{} bytes", text.len());
    let bundle = Bundle::from_text("lol.yaml", &text).unwrap();
    let diagnostics = analyze(&bundle, &AnalyzeOptions::default());
    assert!(matches!(
        syntax_kinds(&bundle)[..],
        [ErrorKind::AliasBudget { .. }]
    ));
    assert_eq!(diagnostics[0].name, "yaml-syntax");
}

#[test]
fn ten_thousand_levels_of_nesting_are_refused_without_overflowing_the_stack() {
    let depth = 10_000;
    for text in [
        format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        format!("{}x{}", "{a: ".repeat(depth), "}".repeat(depth)),
        format!("{}x\n", "- ".repeat(depth)),
        format!("kind: ConfigMap\ndata:\n  v: {}\n", "[".repeat(depth)),
    ] {
        // Run on a small stack: recursion anywhere would overflow it.
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let bundle = Bundle::from_text("deep.yaml", &text).unwrap();
                let kinds = syntax_kinds(&bundle);
                check(&text);
                kinds
            })
            .unwrap();
        let kinds = handle.join().expect("no stack overflow or panic");
        assert!(
            kinds
                .iter()
                .any(|k| matches!(k, ErrorKind::TooDeep { .. } | ErrorKind::Syntax)),
            "{kinds:?}"
        );
    }
}

#[test]
fn nul_bytes_and_control_characters_are_syntax_findings() {
    let text =
        "apiVersion: v1\nkind: Service\u{0}\nmetadata:\n  name: a\u{1}b\n---\nkind: ConfigMap\n";
    let diagnostics = check(text);
    assert!(diagnostics.iter().all(|d| d.name == "yaml-syntax"));
    assert!(!diagnostics.is_empty());
}

#[test]
/// The size check comes before the parser (its speed: `cargo bench --bench hostile`).
fn oversized_input_is_refused_before_parsing() {
    let text = "#".repeat(60 * 1000 * 1000);
    let options = LoadOptions {
        limits: Limits {
            max_input_bytes: 50 * 1000 * 1000,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };
    let error = Bundle::load(vec![SourceFile::new("dump.yaml", text)], options).unwrap_err();
    assert!(matches!(
        error.kind(),
        ErrorKind::TooLarge {
            size: 60_000_000,
            limit: 50_000_000
        }
    ));

    // The default limit fits a 50 MB dump and refuses what is past 64 MiB.
    let default = Limits::default().max_input_bytes;
    assert!(default >= 50 * 1000 * 1000);
    let error = Bundle::from_text("dump.yaml", &"#".repeat(default + 1)).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::TooLarge { .. }));
}

#[test]
fn crlf_and_a_bom_give_the_same_findings_at_the_same_places() {
    for lf in corpus() {
        let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
        let positions = |text: &str| {
            let bundle = Bundle::from_text("x.yaml", text).unwrap();
            let index = LineIndex::new(text);
            let found: Vec<_> = analyze(&bundle, &AnalyzeOptions::default())
                .into_iter()
                .map(|d| {
                    let at = index.line_col(text, d.span.start);
                    (d.code, at.line, at.column, d.message)
                })
                .collect();
            (bundle.resources.len(), found)
        };
        let (lf_resources, lf_found) = positions(&lf);
        let (crlf_resources, crlf_found) = positions(&crlf);
        assert_eq!(lf_resources, crlf_resources);
        assert_eq!(lf_found, crlf_found, "{lf}");
    }
}

#[test]
fn tab_indentation_is_a_finding_with_its_line() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n";
    let diagnostics = check(text);
    let syntax: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.name == "yaml-syntax")
        .collect();
    assert!(!syntax.is_empty(), "{diagnostics:?}");
    let index = LineIndex::new(text);
    assert_eq!(index.line_col(text, syntax[0].span.start).line, 4);
    // Tabs inside values and comments are fine.
    assert!(check("kind: ConfigMap # a\tcomment\ndata:\n  x: \"a\tb\"\n").is_empty());
}

#[test]
fn many_tiny_documents_stay_linear() {
    let text = "---\n".repeat(200_000);
    let bundle = Bundle::from_text("empty.yaml", &text).unwrap();
    assert!(bundle.resources.is_empty());
    assert!(analyze(&bundle, &AnalyzeOptions::default()).is_empty());
}
