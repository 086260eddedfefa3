//! The fix fixture harness: every folder `tests/fix/<strategy>/<case>/` is
//! one input set (all its `*.yaml` files); `meshmend fix` runs on it with
//! that strategy and the result is written to `<case>.snap` beside the
//! folder (review with `cargo insta review`). CR characters show as `␍`.
//!
//! Checked for every case as well: verification passed, and fixing the
//! output again changes nothing. A second test runs the fix on every rule
//! fixture (`tests/rules/*/invalid*.yaml`) and checks that each finding
//! marked `fix_available` is gone after some strategy's verified fix.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use meshmend_core::refactor::{FileStatus, FixOptions, FixOutcome, NodePortMode, Strategy, fix};
use meshmend_core::{AnalyzeOptions, Bundle, LineIndex, LoadOptions, SourceFile, analyze};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// A folder is named after its strategy (`Strategy::ALL`), with `-auto`
/// for `--nodeport auto`.
fn options(folder: &str) -> FixOptions {
    let (name, nodeport) = match folder.strip_suffix("-auto") {
        Some(name) => (name, NodePortMode::Auto),
        None => (folder, NodePortMode::Pick),
    };
    let strategy: Strategy = name
        .parse()
        .unwrap_or_else(|e| panic!("tests/fix/{folder}: {e}"));
    // The corpus covers warning rules too (`merged-http-host`).
    // ReferenceGrants (MM504) are added only when asked: the corpus asks.
    FixOptions {
        strategy,
        nodeport,
        include_warnings: true,
        grant_references: true,
        ..FixOptions::default()
    }
}

/// The case's files as `case/file.yaml`, sorted.
fn load_case(dir: &Path) -> Bundle {
    let case = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let sources = files
        .iter()
        .map(|p| {
            let name = format!("{case}/{}", p.file_name().unwrap().to_string_lossy());
            SourceFile::new(name, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    Bundle::load(sources, LoadOptions::default()).unwrap()
}

fn visible(text: &str) -> String {
    text.replace('\r', "␍")
}

fn snapshot(bundle: &Bundle, outcome: &FixOutcome) -> String {
    let mut out = String::from("# Input\n");
    for file in &bundle.files {
        let _ = write!(out, "\n`{}`\n```yaml\n{}", file.name, visible(&file.text));
        if !file.text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("```\n");
    }
    out.push_str("\n# Changes\n\n");
    if outcome.changes.is_empty() {
        out.push_str("None.\n");
    }
    for change in &outcome.changes {
        let resource = change
            .resource
            .as_ref()
            .map(|r| format!(" ({} {}/{})", r.kind, r.namespace, r.name))
            .unwrap_or_default();
        let _ = writeln!(out, "- [{}] {}{resource}", change.rule, change.title);
        let _ = writeln!(out, "  {}", change.detail);
    }
    for rejected in &outcome.verification.rejected {
        let _ = writeln!(
            out,
            "- NOT APPLIED: {}: {}",
            rejected.title, rejected.reason
        );
    }
    let _ = write!(out, "\n# Diff\n\n```diff\n{}```\n", visible(&outcome.diff));
    out.push_str("\n# Verification\n\n");
    let _ = writeln!(
        out,
        "ok: {}; conflicts remaining: {}",
        outcome.verification.ok,
        outcome.verification.remaining.len()
    );
    for d in &outcome.verification.remaining {
        let file = &outcome.files[d.file];
        let text = file.patched.as_deref().unwrap_or_default();
        let at = LineIndex::new(text).line_col(text, d.span.start);
        let _ = writeln!(
            out,
            "- {}:{}:{} [{}] {}: {}",
            file.path, at.line, at.column, d.code, d.name, d.message
        );
    }
    out
}

/// The outcome's files, loaded as the next input.
fn reload(outcome: &FixOutcome) -> Bundle {
    let sources = outcome
        .files
        .iter()
        .filter(|f| f.status != FileStatus::Deleted)
        .map(|f| SourceFile::new(f.path.clone(), f.patched.clone().unwrap()))
        .collect();
    Bundle::load(sources, LoadOptions::default()).unwrap()
}

#[test]
fn fixtures() {
    let mut seen = 0;
    let mut strategies: Vec<PathBuf> = std::fs::read_dir(root().join("fix"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    strategies.sort();
    for strategy_dir in strategies {
        let strategy = strategy_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&strategy_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let bundle = load_case(&case);
            let options = options(&strategy);
            let outcome = fix(&bundle, &options);
            assert!(
                outcome.verification.ok,
                "{strategy}/{name}: {:?}",
                outcome.verification.rejected
            );
            assert!(outcome.has_edits(), "{strategy}/{name}: nothing to fix");
            let again = fix(&reload(&outcome), &options);
            assert!(
                !again.has_edits(),
                "{strategy}/{name}: fixing twice changes:\n{}",
                again.diff
            );
            assert_redacted_twin(&outcome, &format!("{strategy}/{name}"));
            insta::with_settings!({
                snapshot_path => strategy_dir.clone(),
                snapshot_suffix => "",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name, snapshot(&bundle, &outcome));
            });
            seen += 1;
        }
    }
    assert!(seen > 0, "no fix fixtures found");
}

/// The fix shown redacted (`FixOutcome::redacted`) is the same fix: each
/// file rehydrates to its real text before and after, the same files change,
/// and the redacted diff holds no secret the redactor found.
fn assert_redacted_twin(outcome: &FixOutcome, case: &str) {
    let (files, diff, vault) = outcome.redacted(meshmend_core::Vault::default());
    assert_eq!(files.len(), outcome.files.len(), "{case}");
    for (twin, real) in files.iter().zip(&outcome.files) {
        assert_eq!(
            (&twin.path, twin.status),
            (&real.path, real.status),
            "{case}"
        );
        let restore = |text: &Option<String>| text.as_deref().map(|t| vault.rehydrate(t));
        assert_eq!(
            restore(&twin.original),
            real.original,
            "{case}: {}",
            real.path
        );
        assert_eq!(
            restore(&twin.patched),
            real.patched,
            "{case}: {}",
            real.path
        );
    }
    assert_eq!(diff.is_empty(), outcome.diff.is_empty(), "{case}");
    let sources: Vec<SourceFile> = outcome
        .files
        .iter()
        .filter_map(|f| Some(SourceFile::new(f.path.clone(), f.original.clone()?)))
        .collect();
    for finding in meshmend_core::redact(&sources).findings {
        let secret = &sources[finding.file].text[finding.span.range()];
        assert!(
            !diff.contains(secret),
            "{case}: `{secret}` in the redacted diff"
        );
    }
}

/// Every finding marked `fix_available` in the rule fixtures is resolved by
/// a verified fix of some strategy.
#[test]
fn rule_fixtures_with_fixes_are_fixed() {
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .flat_map(|folder| std::fs::read_dir(folder.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("invalid")
        })
        .collect();
    fixtures.sort();
    let mut fixed = 0;
    for path in fixtures {
        let text = std::fs::read_to_string(&path).unwrap();
        let bundle = Bundle::from_text("fixture.yaml", &text).unwrap();
        let fixable: Vec<_> = analyze(&bundle, &AnalyzeOptions::default())
            .into_iter()
            .filter(|d| d.fix_available)
            .collect();
        if fixable.is_empty() {
            continue;
        }
        // A Gateway API finding's fix depends on what else the input holds
        // (a free port its Service exposes, exactly one listener that takes
        // the route): one the fix refuses, naming the rule and a reason,
        // is handled too.
        let solved = ["consolidate", "isolate", "renumber"].iter().any(|s| {
            let outcome = fix(&bundle, &options(s));
            let refused = |d: &meshmend_core::Diagnostic| {
                d.code.starts_with("MM5")
                    && outcome.verification.rejected.iter().any(|r| {
                        r.title.starts_with(&format!("{} [{}]", d.name, d.code))
                            && !r.reason.is_empty()
                    })
            };
            outcome
                .verification
                .rejected
                .iter()
                .all(|r| r.title.contains(" [MM5"))
                && outcome
                    .verification
                    .remaining
                    .iter()
                    .all(|d| !d.fix_available || refused(d))
        });
        assert!(
            solved,
            "{}: no strategy fixes {:?}",
            path.display(),
            fixable.iter().map(|d| d.code).collect::<Vec<_>>()
        );
        fixed += 1;
    }
    assert!(fixed > 0, "no rule fixture has a fix");
}

/// Every diff the fix corpus produces (each fixture folder with its
/// strategy, each rule fixture with every strategy) applies with the real
/// `git apply` and `patch -p1`, and gives exactly the patched files.
#[test]
fn every_diff_applies_with_git_apply_and_patch() {
    let tools: Vec<(&str, &[&str])> = vec![
        ("git", &["apply", "--whitespace=nowarn"][..]),
        (
            "patch",
            &["-p1", "-E", "-s", "--no-backup-if-mismatch", "-f"][..],
        ),
    ];
    let mut available = Vec::new();
    for (tool, args) in tools {
        let present = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if present {
            available.push((tool, args));
        } else {
            eprintln!("SKIPPED for `{tool}`: not installed, so its diffs are not applied");
        }
    }
    if available.is_empty() {
        return;
    }
    let mut cases: Vec<(String, Bundle, FixOptions)> = Vec::new();
    let mut strategies: Vec<PathBuf> = std::fs::read_dir(root().join("fix"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    strategies.sort();
    for strategy_dir in strategies {
        let strategy = strategy_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut folders: Vec<PathBuf> = std::fs::read_dir(&strategy_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        for case in folders {
            let name = format!("{strategy}/{}", case.file_name().unwrap().to_string_lossy());
            cases.push((name, load_case(&case), options(&strategy)));
        }
    }
    let partial = root().join("fix-partial/independent-conflicts");
    cases.push((
        "fix-partial".into(),
        load_case(&partial),
        options("consolidate"),
    ));
    let mut rule_fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .flat_map(|folder| std::fs::read_dir(folder.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    rule_fixtures.sort();
    for path in rule_fixtures {
        let text = std::fs::read_to_string(&path).unwrap();
        for strategy in ["consolidate", "isolate", "renumber-auto"] {
            let Ok(bundle) = Bundle::from_text("fixture.yaml", &text) else {
                continue;
            };
            let name = format!("{} ({strategy})", path.display());
            cases.push((name, bundle, options(strategy)));
        }
    }
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-apply");
    let mut applied = 0;
    for (name, bundle, options) in &cases {
        let outcome = fix(bundle, options);
        if !outcome.has_edits() {
            continue;
        }
        for (tool, args) in &available {
            let dir = scratch.join(tool);
            let _ = std::fs::remove_dir_all(&dir);
            for file in &outcome.files {
                if let Some(original) = &file.original {
                    let target = dir.join(&file.path);
                    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                    std::fs::write(target, original).unwrap();
                }
            }
            let mut child = Command::new(tool)
                .args(*args)
                .current_dir(&dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(outcome.diff.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "{name}: `{tool}` refuses the diff: {}{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                outcome.diff
            );
            for file in &outcome.files {
                let on_disk = std::fs::read(dir.join(&file.path)).ok();
                assert_eq!(
                    on_disk.as_deref(),
                    file.patched.as_deref().map(str::as_bytes),
                    "{name}: `{tool}` gives another {}",
                    file.path
                );
            }
            applied += 1;
        }
    }
    assert!(applied > 0, "no case produced a diff");
    eprintln!("{applied} diffs applied ({} tools)", available.len());
}

/// By default only errors are fixed: the plain-HTTP host two Gateways
/// share (`merged-http-host`, a warning) stays as it is, reported as
/// remaining, and the output counts as conflict-free; with
/// `include_warnings` the same input is consolidated.
#[test]
fn warnings_are_fixed_only_when_asked() {
    let bundle = load_case(&root().join("fix/consolidate/merged-http-host"));
    let outcome = fix(&bundle, &FixOptions::default());
    assert!(!outcome.has_edits(), "{}", outcome.diff);
    assert!(outcome.verification.ok && outcome.conflict_free());
    assert!(
        outcome
            .verification
            .remaining
            .iter()
            .any(|d| d.name == "merged-http-host"),
        "the warning is still reported"
    );
    let asked = fix(
        &bundle,
        &FixOptions {
            include_warnings: true,
            ..FixOptions::default()
        },
    );
    assert!(asked.has_edits() && asked.conflict_free() && asked.verification.remaining.is_empty());
}

/// A Gateway that other config names (Knative's `config-istio` ConfigMap
/// holds `gateway.<ns>.<name>`; Helm values hold `<ns>/<name>`) is never
/// merged away, even with `include_warnings`: deleting it would break a
/// reference meshmend cannot rewrite. Without that mention, the same input
/// is consolidated.
#[test]
fn a_gateway_named_outside_virtualservices_is_not_merged_away() {
    let gateway = |name: &str, stamp: &str| {
        format!(
            "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}, namespace: knative-serving, creationTimestamp: '{stamp}'}}\nspec:\n  selector: {{istio: ingressgateway}}\n  servers:\n  - port: {{number: 80, name: http-{name}, protocol: HTTP}}\n    hosts: ['*']\n"
        )
    };
    let gateways = format!(
        "{}---\n{}",
        gateway("ingress", "2024-01-01T00:00:00Z"),
        gateway("local", "2024-01-02T00:00:00Z")
    );
    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-istio, namespace: knative-serving}\ndata:\n  gateway.knative-serving.local: istio-ingressgateway.istio-system.svc.cluster.local\n";
    let asked = FixOptions {
        include_warnings: true,
        ..FixOptions::default()
    };
    let alone = Bundle::from_text("gateways.yaml", &gateways).unwrap();
    assert!(
        fix(&alone, &asked).has_edits(),
        "without the mention it merges"
    );
    let bundle = Bundle::load(
        vec![
            SourceFile::new("gateways.yaml", gateways),
            SourceFile::new("config-istio.yaml", config),
        ],
        LoadOptions::default(),
    )
    .unwrap();
    let outcome = fix(&bundle, &asked);
    assert!(!outcome.has_edits(), "{}", outcome.diff);
    let reasons: Vec<&str> = outcome
        .verification
        .rejected
        .iter()
        .map(|r| r.reason.as_str())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("knative-serving/local is also named at config-istio.yaml:5:11")),
        "{reasons:?}"
    );
}

/// `ok` (every planned change verified) and `conflict_free` (no targeted
/// conflict left) are separate facts: renumber verifies its nodePort change
/// and leaves the seed's Gateway conflict.
#[test]
fn verified_changes_and_remaining_conflicts_are_separate_facts() {
    let text =
        std::fs::read_to_string(root().join("../../../examples/seed-conflict.yaml")).unwrap();
    let bundle = Bundle::from_text("seed.yaml", &text).unwrap();
    let outcome = fix(&bundle, &options("renumber"));
    assert!(outcome.has_edits() && outcome.verification.ok);
    assert!(!outcome.conflict_free());
}

/// Analyzing an isolate output finds nothing the input did not have, except
/// the `gateway-selector-no-workload` warning of a partial input, which the
/// change then announces: verification and a re-analysis agree.
#[test]
fn isolate_output_reanalyzes_as_announced() {
    for case in ["isolate/seed", "isolate/protocol-conflict"] {
        let bundle = load_case(&root().join("fix").join(case));
        let before: Vec<&str> = analyze(&bundle, &AnalyzeOptions::default())
            .iter()
            .map(|d| d.code)
            .collect();
        let outcome = fix(&bundle, &options("isolate"));
        let after = analyze(&reload(&outcome), &AnalyzeOptions::default());
        for d in after.iter().filter(|d| !before.contains(&d.code)) {
            assert_eq!(d.code, "MM302", "{case}: new finding {}", d.message);
            assert!(
                outcome.changes.iter().any(|c| c.detail.contains("MM302")),
                "{case}: MM302 appears but no change announces it"
            );
        }
    }
}

/// One conflict without a fix does not block the others: next to a TCP/HTTP
/// clash (consolidate cannot fix it), the repeated TLS host on the same
/// Gateways and an unrelated nodePort collision are fixed and verified; the
/// clash is reported as remaining.
#[test]
fn an_unfixable_conflict_does_not_block_the_others() {
    let bundle = load_case(&root().join("fix-partial/independent-conflicts"));
    let outcome = fix(&bundle, &options("consolidate"));
    let rules: Vec<&str> = outcome.changes.iter().map(|c| c.rule).collect();
    assert!(
        rules.contains(&"duplicate-tls-host") && rules.contains(&"nodeport-collision"),
        "{rules:?} {:?}",
        outcome.verification.rejected
    );
    let left: Vec<&str> = outcome
        .verification
        .remaining
        .iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(left, ["protocol-conflict"]);
    assert!(!outcome.conflict_free());
    assert_eq!(outcome.verification.rejected.len(), 1);
}

/// An HTTP and an HTTPS server for one host on port 443 (istiod merges the
/// two protocols on a port) in two Gateways, and a third Gateway repeating the
/// TLS host. Consolidating them once depended on hash order in the verifier:
/// the same input was fixed on some runs and refused on others. The std
/// hasher is seeded per map, so repeated runs in one process cover it.
#[test]
fn the_same_input_gives_the_same_fix_every_time() {
    let text = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: payments, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-payments, protocol: HTTPS}
    hosts: [pay.example.com]
    tls: {mode: SIMPLE, credentialName: payments-tls}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: payments-plain, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: http-payments, protocol: HTTP}
    hosts: [pay.example.com]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: payments-copy
  namespace: istio-system
  creationTimestamp: \"2026-11-30T10:00:00Z\"
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-payments, protocol: HTTPS}
    hosts: [pay.example.com]
    tls: {mode: SIMPLE, credentialName: payments-tls}
";
    let bundle = Bundle::from_text("gateways.yaml", text).unwrap();
    let first = fix(&bundle, &options("consolidate"));
    assert!(
        first.has_edits() && first.verification.ok,
        "{:?}",
        first.verification.rejected
    );
    for _ in 0..24 {
        let again = fix(&bundle, &options("consolidate"));
        assert_eq!(again.diff, first.diff);
        assert_eq!(again.verification.rejected, first.verification.rejected);
    }
}

/// Two files glued without `---` read as one document whose keys repeat: the
/// API server would see only the second object, but the first one's text is
/// the user's. No fix may delete or rewrite such a document; the conflict is
/// reported as not fixed, with the reason.
#[test]
fn a_document_with_repeated_keys_is_never_rewritten() {
    let text = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-shop, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, credentialName: shop-tls}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: shop-settings, namespace: shop}
data:
  LOG_LEVEL: info
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop-canary, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-shop, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, credentialName: shop-tls}
";
    let bundle = Bundle::from_text("glued.yaml", text).unwrap();
    let codes: Vec<&str> = analyze(&bundle, &AnalyzeOptions::default())
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(
        codes.contains(&"MM005") && codes.contains(&"MM102"),
        "{codes:?}"
    );
    for strategy in Strategy::ALL {
        let outcome = fix(
            &bundle,
            &FixOptions {
                strategy,
                ..options("consolidate")
            },
        );
        let glued = text.find("apiVersion: v1\nkind: ConfigMap").unwrap();
        for file in &outcome.files {
            for edit in &file.edits {
                assert!(
                    edit.span.end < glued,
                    "{strategy}: edits the glued document: {edit:?}"
                );
            }
        }
        // Renumber only moves nodePorts: it plans nothing for a repeated host.
        if strategy == Strategy::Renumber {
            continue;
        }
        assert!(
            outcome
                .verification
                .rejected
                .iter()
                .any(|r| r.reason.contains("duplicate-key [MM005]")),
            "{strategy}: {:?}",
            outcome.verification.rejected
        );
    }
}

/// A nodePort written once with an anchor and reused by alias in another
/// Service of the same `List`: renumbering the anchored value would move both
/// Services. The fix refuses and says why, instead of a verifier failure that
/// names neither the anchor nor the alias.
#[test]
fn a_value_shared_through_an_alias_is_not_edited() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: shop, namespace: web}
  spec:
    type: NodePort
    selector: {app: shop}
    ports:
    - &web {name: http, port: 80, nodePort: 31380}
- apiVersion: v1
  kind: Service
  metadata: {name: blog, namespace: web}
  spec:
    type: NodePort
    selector: {app: blog}
    ports:
    - *web
";
    let bundle = Bundle::from_text("list.yaml", text).unwrap();
    let codes: Vec<&str> = analyze(&bundle, &AnalyzeOptions::default())
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["MM201"]);
    let outcome = fix(&bundle, &options("renumber"));
    assert!(!outcome.has_edits(), "{}", outcome.diff);
    let reasons: Vec<&str> = outcome
        .verification
        .rejected
        .iter()
        .map(|r| r.reason.as_str())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("list.yaml:11") && r.contains("alias at line 19")),
        "{reasons:?}"
    );
}
