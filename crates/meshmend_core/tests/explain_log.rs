//! `explain_log` fixtures: one `.log` file per pattern under
//! `tests/explain_log/`, named by the pattern id; every line of it must be
//! recognised as that pattern (`not-recognised.log`: as none). A snapshot
//! next to each fixture shows what is read out of it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use meshmend_core::explain_log::{PATTERNS, explain};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/explain_log")
}

fn snapshot_body(text: &str) -> String {
    let mut out = String::new();
    for line in explain(text) {
        let _ = writeln!(out, "line {}: {}", line.number, line.text);
        match line.pattern {
            None => out.push_str("  not recognised\n"),
            Some(p) => {
                let _ = writeln!(out, "  pattern: {} ({})", p.id, p.source);
                let _ = writeln!(out, "  rules: {:?}", p.rules);
                let c = &line.clues;
                let _ = writeln!(
                    out,
                    "  clues: gateway={:?} resource={:?} port={:?} hosts={:?}",
                    c.gateway, c.resource, c.port, c.hosts
                );
            }
        }
    }
    out
}

#[test]
fn fixtures() {
    insta::glob!("explain_log/*.log", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({
            snapshot_path => path.parent().unwrap(),
            snapshot_suffix => "",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, snapshot_body(&text));
        });
    });
}

#[test]
fn every_line_of_a_fixture_is_its_pattern_and_every_pattern_has_a_fixture() {
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(fixtures_root()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "log") {
            continue;
        }
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines = explain(&text);
        assert!(!lines.is_empty(), "{id}: empty fixture");
        for line in lines {
            let got = line.pattern.map(|p| p.id);
            let want = (id != "not-recognised").then_some(id.as_str());
            assert_eq!(got, want, "{id} line {}: {}", line.number, line.text);
        }
        seen.push(id);
    }
    for pattern in PATTERNS {
        assert!(
            seen.iter().any(|s| s == pattern.id),
            "no fixture for {}",
            pattern.id
        );
    }
}

#[test]
fn matching_ignores_case_and_surrounding_noise() {
    let lines =
        explain("  \r\n>>> SKIPPING SERVER ON GATEWAY a/b, DUPLICATE HOST NAMES: [x] <<<\r\n");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].number, 2);
    assert_eq!(lines[0].pattern.map(|p| p.id), Some("duplicate-host"));
}
