//! The dependency order of the core's modules, read from its source.
//!
//! Each module may use only modules of a lower layer in [`LAYERS`]: text is
//! parsed, the parse trees become the model, the topology simulates istiod
//! on the model, the rules read model and topology, and the fix engine
//! plans and verifies edits with all of them. A module that reaches up a
//! layer (or sideways, within one) makes a cycle waiting to happen; this
//! test names the file and the path.
//!
//! Edges are the `crate::…`, `super::…`, `self::…` and child-module paths
//! in non-test code (a `#[cfg(test)]` item may use anything), resolved to
//! the longest module of [`LAYERS`] that contains them; `crate::Name`
//! re-exports are resolved through `lib.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Lowest first. A module of layer N may use modules of layers below N only.
/// An entry names a module and everything below it, unless a longer entry
/// names the part (`analyze::topology` is placed apart from `analyze`).
const LAYERS: &[&[&str]] = &[
    &["span", "sort", "numeric", "hash", "escape"],
    // Istio's host-name matching, pure text: the Gateway API status uses it too.
    &["analyze::hosts"],
    &["error"],
    &["edit", "diff"],
    &["parse"],
    &["model"],
    &["gateway_api"],
    &["diagnostic", "analyze::istio_version"],
    &["analyze::topology"],
    &["analyze", "redact"],
    &["refactor"],
    &["report"],
    &["policy", "explain_log", "markdown_report"],
];

/// Known edges against [`LAYERS`] that other work removes: (from, to, why).
/// An entry that no longer occurs fails the test, so the list only shrinks.
const PENDING: &[(&str, &str, &str)] = &[];

/// One module's use of another: `from` uses `to` (both [`LAYERS`] entries)
/// in `file`, through `path`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: String,
    to: String,
    file: String,
    path: String,
}

#[test]
fn modules_use_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &src, &mut files);
    assert!(files.len() > 40, "read only {} files", files.len());
    let edges = edges(&files).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        edges
            .iter()
            .any(|e| e.from == "refactor" && e.to == "model"),
        "the scanner sees no edge refactor → model: it is broken"
    );
    let problems = violations(&edges);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_upward_edge_is_reported_with_its_file_and_path() {
    let files = vec![
        ("lib.rs".to_string(), "pub use model::Bundle;".to_string()),
        (
            "model/mod.rs".to_string(),
            "mod tree;\nuse crate::span::Span;\nfn f() { crate::analyze::topology::Topology::build(); }"
                .to_string(),
        ),
        (
            "analyze/topology/mod.rs".to_string(),
            "use crate::Bundle;".to_string(),
        ),
        ("span.rs".to_string(), String::new()),
    ];
    let edges = edges(&files).unwrap();
    let problems = violations(&edges);
    assert!(
        problems.iter().any(|p| p.contains("model/mod.rs")
            && p.contains("`model` uses `analyze::topology`")
            && p.contains("crate::analyze::topology::Topology::build")),
        "{problems:?}"
    );
    // The re-export `crate::Bundle` is `model`: a downward edge.
    assert!(
        edges
            .iter()
            .any(|e| e.from == "analyze::topology" && e.to == "model")
    );
}

#[test]
fn grouped_relative_and_super_paths_are_edges_and_test_code_is_not() {
    let files = vec![
        ("lib.rs".to_string(), String::new()),
        (
            "analyze/mod.rs".to_string(),
            "mod topology;\nuse topology::Topology;\nuse crate::{model::{Bundle, tree::Node}, span};"
                .to_string(),
        ),
        (
            "analyze/topology/mod.rs".to_string(),
            "use super::super::redact::Vault;\nmod inner { use super::super::Rule; }\n\
             #[cfg(test)]\nmod tests { use crate::refactor::fix; }\n\
             const Q: char = '\"'; fn g<'a>(s: &'a str) { let _ = \"crate::refactor::x\"; }"
                .to_string(),
        ),
        (
            "model/mod.rs".to_string(),
            "#[cfg(test)]\nmod tests;".to_string(),
        ),
        (
            "model/tests.rs".to_string(),
            "use crate::refactor::fix;".to_string(),
        ),
        ("redact/mod.rs".to_string(), String::new()),
        ("refactor/mod.rs".to_string(), String::new()),
        ("span.rs".to_string(), String::new()),
    ];
    let found: BTreeSet<(String, String)> = edges(&files)
        .unwrap()
        .into_iter()
        .map(|e| (e.from, e.to))
        .collect();
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        found,
        BTreeSet::from([
            pair("analyze", "analyze::topology"),
            pair("analyze", "model"),
            pair("analyze", "span"),
            pair("analyze::topology", "redact"),
            pair("analyze::topology", "analyze"),
        ])
    );
}

/// Source files may be this long; a longer one says why in its first
/// comment lines, with [`LONG_REASON`].
const MAX_LINES: usize = 800;

/// The words a long file's reason starts with.
const LONG_REASON: &str = "Longer than 800 lines because";

/// Long files that other work splits (path under `crates/`). An entry that
/// is no longer long, or now gives its reason, fails the test.
const LONG_PENDING: &[&str] = &[];

#[test]
fn no_source_file_is_long_without_a_reason_at_its_top() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            collect(&crates, &src, &mut files);
        }
    }
    assert!(files.len() > 50, "read only {} files", files.len());
    let mut problems = Vec::new();
    let mut pending_seen = BTreeSet::new();
    for (path, text) in &files {
        let lines = text.lines().count();
        let reason = text.lines().take(30).any(|l| l.contains(LONG_REASON));
        if lines <= MAX_LINES || reason {
            continue;
        }
        if LONG_PENDING.contains(&path.as_str()) {
            pending_seen.insert(path.as_str());
        } else {
            problems.push(format!(
                "{path}: {lines} lines; split it by job or say \"{LONG_REASON} …\" at its top"
            ));
        }
    }
    for path in LONG_PENDING {
        if !pending_seen.contains(path) {
            problems.push(format!(
                "LONG_PENDING {path} is short or explained now: delete it"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What breaks the order: an edge to the same or a higher layer (unless
/// pending), a module no layer places, a pending edge that is gone.
fn violations(edges: &[Edge]) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending_seen = BTreeSet::new();
    for edge in edges {
        let (Some(from), Some(to)) = (layer(&edge.from), layer(&edge.to)) else {
            out.push(format!(
                "{}: `{}` or `{}` is in no layer of LAYERS",
                edge.file, edge.from, edge.to
            ));
            continue;
        };
        if to < from {
            continue;
        }
        if let Some(index) = PENDING
            .iter()
            .position(|(a, b, _)| *a == edge.from && *b == edge.to)
        {
            pending_seen.insert(index);
            continue;
        }
        out.push(format!(
            "{}: `{}` uses `{}` ({}), which is not in a lower layer",
            edge.file, edge.from, edge.to, edge.path
        ));
    }
    for (index, (from, to, _)) in PENDING.iter().enumerate() {
        if !pending_seen.contains(&index) {
            out.push(format!(
                "PENDING edge `{from}` → `{to}` no longer occurs: delete it"
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn layer(unit: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&unit))
}

/// The [`LAYERS`] entry holding `module` (longest prefix), else its top-level module.
fn unit(module: &[String]) -> String {
    let mut best: Option<&str> = None;
    for entry in LAYERS.iter().flat_map(|l| l.iter()) {
        let parts: Vec<&str> = entry.split("::").collect();
        if parts.len() <= module.len()
            && parts.iter().zip(module).all(|(a, b)| a == b)
            && best.is_none_or(|b| b.split("::").count() < parts.len())
        {
            best = Some(entry);
        }
    }
    best.map_or_else(
        || module.first().cloned().unwrap_or_default(),
        str::to_string,
    )
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap();
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// `analyze/topology/mod.rs` → `[analyze, topology]`; `lib.rs` → `[]`.
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Every edge between [`LAYERS`] entries, from `(path under src/, text)` pairs.
fn edges(files: &[(String, String)]) -> Result<Vec<Edge>, String> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(f, _)| module_of(f)).collect();
    // `crate::Name` → the path `lib.rs` re-exports it from.
    let mut reexports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some((_, lib)) = files.iter().find(|(f, _)| f == "lib.rs") {
        for path in paths(&tokens(lib)?, &[], &modules) {
            if let Some(last) = path.last() {
                reexports.insert(last.clone(), path.clone());
            }
        }
    }
    // Files of `#[cfg(test)] mod name;` are test code too.
    let mut test_modules: Vec<Vec<String>> = Vec::new();
    for (file, text) in files {
        let tokens = tokens(text)?;
        for i in 0..tokens.len() {
            if is_cfg_test(&tokens, i)
                && let [Tok::Ident(m), Tok::Ident(name), Tok::Punct(';'), ..] = &tokens[i + 7..]
                && m == "mod"
            {
                let mut path = module_of(file);
                path.push(name.clone());
                test_modules.push(path);
            }
        }
    }
    let mut out = BTreeSet::new();
    for (file, text) in files {
        let module = module_of(file);
        if module.is_empty() {
            continue; // lib.rs is the facade: it re-exports every layer
        }
        if test_modules.iter().any(|t| module.starts_with(t)) {
            continue;
        }
        let from = unit(&module);
        for mut path in paths(&tokens(text)?, &module, &modules) {
            if let Some(target) = path.first().and_then(|first| reexports.get(first))
                && !modules.contains(&path[..1])
            {
                path.splice(..1, target.iter().cloned());
            }
            let known = (0..=path.len())
                .rev()
                .find(|&n| modules.contains(&path[..n]))
                .unwrap_or(0);
            if known == 0 {
                continue;
            }
            let to = unit(&path[..known]);
            if to != from {
                out.insert(Edge {
                    from: from.clone(),
                    to,
                    file: file.clone(),
                    path: format!("crate::{}", path.join("::")),
                });
            }
        }
    }
    Ok(out.into_iter().collect())
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
}

/// Identifiers, `::` and punctuation; comments, strings, chars, lifetimes
/// and numbers are dropped.
fn tokens(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    return Err("unterminated block comment".into());
                }
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = string_end(&chars, i + 1)?;
        } else if c == '\'' {
            i = quote_end(&chars, i);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            match (word.as_str(), at(i)) {
                ("r" | "br" | "cr", '"' | '#') => i = raw_string_end(&chars, i)?,
                ("b" | "c", '"') => i = string_end(&chars, i + 1)?,
                ("b", '\'') => i = quote_end(&chars, i),
                _ => out.push(Tok::Ident(word)),
            }
        } else if c.is_ascii_digit() {
            while at(i).is_alphanumeric() || at(i) == '_' || at(i) == '.' && at(i + 1) != '.' {
                i += 1;
            }
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Tok::Sep);
            i += 2;
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    Ok(out)
}

/// After the opening `"`: the index past the closing one.
fn string_end(chars: &[char], mut i: usize) -> Result<usize, String> {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err("unterminated string".into())
}

/// At `#…"` or `"` after `r`: the index past the closing `"#…`.
fn raw_string_end(chars: &[char], mut i: usize) -> Result<usize, String> {
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    if chars.get(i) != Some(&'"') {
        return Ok(i); // `r#ident`
    }
    i += 1;
    while i < chars.len() {
        if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
            return Ok(i + 1 + hashes);
        }
        i += 1;
    }
    Err("unterminated raw string".into())
}

/// At `'`: past a char literal (`'a'`, `'\n'`, `'"'`) or a lifetime (`'a`).
fn quote_end(chars: &[char], i: usize) -> usize {
    match (chars.get(i + 1), chars.get(i + 2)) {
        (Some('\\'), _) => {
            let mut j = i + 2;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            j + 1
        }
        (Some(_), Some('\'')) => i + 3,
        _ => {
            let mut j = i + 1;
            while chars
                .get(j)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                j += 1;
            }
            j
        }
    }
}

/// The crate-absolute module paths named in `tokens` of a file of `module`,
/// outside `#[cfg(test)]` items.
fn paths(tokens: &[Tok], module: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    // Inline modules (`mod describe { … }`): (name, brace depth inside).
    let mut scope: Vec<String> = module.to_vec();
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let ident = |i: usize| match tokens.get(i) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    while i < tokens.len() {
        if is_cfg_test(tokens, i) {
            i = skip_item(tokens, i);
            continue;
        }
        match &tokens[i] {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if inline.last() == Some(&depth) {
                    inline.pop();
                    scope.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(word) if word == "mod" => {
                if let (Some(name), Some(Tok::Punct('{'))) = (ident(i + 1), tokens.get(i + 2)) {
                    scope.push(name.to_string());
                    depth += 1;
                    inline.push(depth);
                    i += 3;
                    continue;
                }
            }
            Tok::Ident(word)
                if tokens.get(i + 1) == Some(&Tok::Sep)
                    && (i == 0 || tokens[i - 1] != Tok::Sep) =>
            {
                let base: Option<(Vec<String>, usize)> = match word.as_str() {
                    "crate" => Some((Vec::new(), i + 2)),
                    "self" => Some((scope.clone(), i + 2)),
                    "super" => {
                        let mut j = i;
                        let mut up = 0;
                        while ident(j) == Some("super") && tokens.get(j + 1) == Some(&Tok::Sep) {
                            up += 1;
                            j += 2;
                        }
                        Some((scope[..scope.len().saturating_sub(up)].to_vec(), j))
                    }
                    child => {
                        let mut path = scope.clone();
                        path.push(child.to_string());
                        modules.contains(&path).then_some((scope.clone(), i))
                    }
                };
                if let Some((base, start)) = base {
                    i = use_tree(tokens, start, base, &mut out);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Reads `a::b::{c, d::e}` from `i` onto `prefix`; returns the index after it.
fn use_tree(
    tokens: &[Tok],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        match tokens.get(i) {
            Some(Tok::Ident(s)) if s == "self" => i += 1,
            Some(Tok::Ident(s)) => {
                prefix.push(s.clone());
                i += 1;
            }
            Some(Tok::Punct('{')) => {
                i += 1;
                loop {
                    match tokens.get(i) {
                        Some(Tok::Punct('}')) | None => return i + 1,
                        Some(Tok::Punct(',')) => i += 1,
                        _ => i = use_tree(tokens, i, prefix.clone(), out),
                    }
                }
            }
            _ => {
                out.push(prefix);
                return i;
            }
        }
        if tokens.get(i) == Some(&Tok::Sep) {
            i += 1;
        } else {
            out.push(prefix);
            return i;
        }
    }
}

/// `#[cfg(test)]` at `i`.
fn is_cfg_test(tokens: &[Tok], i: usize) -> bool {
    let want = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    tokens.get(i..i + want.len()) == Some(&want[..])
}

/// Past the item that the attribute at `i` belongs to (`…;` or `… { … }`).
fn skip_item(tokens: &[Tok], mut i: usize) -> usize {
    // The attribute itself and any that follow it.
    while tokens.get(i) == Some(&Tok::Punct('#')) {
        i = past_group(tokens, i + 1, '[', ']');
    }
    while let Some(t) = tokens.get(i) {
        match t {
            Tok::Punct(';') => return i + 1,
            Tok::Punct('{') => return past_group(tokens, i, '{', '}'),
            _ => i += 1,
        }
    }
    i
}

/// At an `open` token: the index past its matching `close`.
fn past_group(tokens: &[Tok], mut i: usize, open: char, close: char) -> usize {
    let mut depth = 0usize;
    while let Some(t) = tokens.get(i) {
        i += 1;
        if *t == Tok::Punct(open) {
            depth += 1;
        } else if *t == Tok::Punct(close) {
            depth -= 1;
            if depth == 0 {
                break;
            }
        }
    }
    i
}
