//! Recall and false positives of `redact` on the labelled corpus in
//! `tests/redact-corpus/` (synthetic secrets in realistic manifests, the
//! context matrix `m-*` of every token family in every context, look-alike
//! negatives, and the secret-free manifests `c-*`). Prints recall per family
//! and per context and every false positive; fails below the floors at the
//! end of the test.
//!
//! A labelled secret counts as found when every byte of every occurrence is
//! inside a finding. A false positive is a finding that overlaps a labelled
//! negative, or that overlaps no labelled (or tolerated) secret at all.

#![expect(clippy::cast_precision_loss, reason = "counts of a few hundred labels")]

use std::collections::BTreeMap;
use std::path::PathBuf;

use meshmend_core::{SourceFile, Span, parse, redact};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/redact-corpus")
}

fn occurrences(text: &str, needle: &str) -> Vec<Span> {
    text.match_indices(needle)
        .map(|(at, m)| Span::new(at, at + m.len()))
        .collect()
}

fn covered(span: Span, findings: &[Span]) -> bool {
    // Findings never overlap each other, so walk them in order.
    let mut at = span.start;
    for f in findings {
        if f.start <= at && f.end > at {
            at = f.end;
        }
        if at >= span.end {
            return true;
        }
    }
    at >= span.end
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

#[test]
fn corpus_recall_and_false_positives() {
    let dir = corpus_dir();
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("labels.json")).unwrap()).unwrap();
    let labels = labels.as_object().unwrap();
    let files: Vec<SourceFile> = labels
        .keys()
        .map(|name| SourceFile::new(name, std::fs::read_to_string(dir.join(name)).unwrap()))
        .collect();
    let redaction = redact(&files);
    let redacted = redaction.apply(&files);

    let mut per_family: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut per_context: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut per_cell: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut clean_false_positives = 0;
    let mut missed = Vec::new();
    let mut false_positives = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let label = &labels[&file.name];
        let mut spans: Vec<Span> = redaction
            .findings
            .iter()
            .filter(|f| f.file == index)
            .map(|f| f.span)
            .collect();
        spans.sort();
        let mut secret_spans = Vec::new();
        for secret in label["secrets"].as_array().unwrap() {
            let family = secret["family"].as_str().unwrap();
            let text = secret["text"].as_str().unwrap();
            let found = occurrences(&file.text, text);
            assert!(
                !found.is_empty(),
                "{}: label not in file: {family}",
                file.name
            );
            let ok = found.iter().all(|&s| covered(s, &spans));
            let context = secret["context"].as_str().unwrap_or("manifest");
            for entry in [
                per_family.entry(family.to_string()).or_default(),
                per_context.entry(context.to_string()).or_default(),
                per_cell
                    .entry((family.to_string(), context.to_string()))
                    .or_default(),
            ] {
                entry.0 += 1;
                entry.1 += usize::from(ok);
            }
            if !ok {
                let line = file.text[..found[0].start].matches('\n').count() + 1;
                missed.push(format!("{}:{line} {family}", file.name));
            }
            secret_spans.extend(found);
        }
        for tolerated in label["tolerated"].as_array().unwrap() {
            secret_spans.extend(occurrences(&file.text, tolerated.as_str().unwrap()));
        }
        for negative in label["negatives"].as_array().unwrap() {
            let negative = negative.as_str().unwrap();
            for span in occurrences(&file.text, negative) {
                if secret_spans.iter().any(|&s| s.contains(span)) {
                    continue; // the negative text also occurs inside a secret
                }
                if let Some(f) = redaction
                    .findings
                    .iter()
                    .find(|f| f.file == index && overlaps(f.span, span))
                {
                    false_positives.push(format!(
                        "{}: negative {:?} hit by {}",
                        file.name,
                        negative.chars().take(40).collect::<String>(),
                        f.rule
                    ));
                }
            }
        }
        for f in redaction.findings.iter().filter(|f| f.file == index) {
            if !secret_spans.iter().any(|&s| overlaps(s, f.span)) {
                let line = file.text[..f.span.start].matches('\n').count() + 1;
                clean_false_positives += usize::from(file.name.starts_with("c-"));
                false_positives.push(format!(
                    "{}:{line}: unlabelled finding {} ({})",
                    file.name, f.rule, f.family
                ));
            }
        }
        // Invariants on real manifests: exact round trip, same document count.
        assert_eq!(
            redaction.vault.rehydrate(&redacted[index]),
            file.text,
            "{}",
            file.name
        );
        let limits = meshmend_core::Limits::default();
        let before = parse(&file.text, &limits).unwrap();
        let after = parse(&redacted[index], &limits).unwrap();
        assert_eq!(
            before.documents.len(),
            after.documents.len(),
            "{}",
            file.name
        );
        assert_eq!(before.errors.len(), after.errors.len(), "{}", file.name);
    }

    let (total, found) = per_family
        .values()
        .fold((0, 0), |(t, f), &(ft, ff)| (t + ft, f + ff));
    let mut table = String::from("\n| family | secrets | found | recall |\n|---|---:|---:|---:|\n");
    for (family, (t, f)) in &per_family {
        table.push_str(&format!(
            "| {family} | {t} | {f} | {:.1}% |\n",
            100.0 * *f as f64 / *t as f64
        ));
    }
    let recall = found as f64 / total as f64;
    let clean_lines: usize = files
        .iter()
        .filter(|f| f.name.starts_with("c-"))
        .map(|f| f.text.lines().count())
        .sum();
    table.push_str(&format!(
        "| **all** | {total} | {found} | {:.1}% |\n\nfalse positives: {} ({clean_false_positives} in the {clean_lines} secret-free lines of c-*)\n",
        100.0 * recall,
        false_positives.len()
    ));
    table.push_str("\n| context | secrets | found | recall |\n|---|---:|---:|---:|\n");
    for (context, (t, f)) in &per_context {
        table.push_str(&format!(
            "| {context} | {t} | {f} | {:.1}% |\n",
            100.0 * *f as f64 / *t as f64
        ));
    }
    // Family × context for the matrix (found/total per cell).
    let contexts: Vec<&String> = per_context.keys().filter(|c| *c != "manifest").collect();
    table.push_str(&format!(
        "\n| family \\ context | {} |\n|---|{}\n",
        contexts
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
        "---:|".repeat(contexts.len())
    ));
    for family in per_family.keys() {
        let cells: Vec<String> = contexts
            .iter()
            .map(|c| {
                per_cell
                    .get(&(family.clone(), (*c).clone()))
                    .map_or(String::new(), |(t, f)| format!("{f}/{t}"))
            })
            .collect();
        if cells.iter().any(|c| !c.is_empty()) {
            table.push_str(&format!("| {family} | {} |\n", cells.join(" | ")));
        }
    }
    println!("{table}");
    for m in &missed {
        println!("missed: {m}");
    }
    for fp in &false_positives {
        println!("false positive: {fp}");
    }
    assert!(recall >= 0.98, "recall {recall:.3} below 0.98");
    for (context, (t, f)) in &per_context {
        let r = *f as f64 / *t as f64;
        assert!(r >= 0.95, "{context}: recall {r:.3} below 0.95");
    }
    assert!(
        false_positives.len() <= 1,
        "{} false positives",
        false_positives.len()
    );
}
