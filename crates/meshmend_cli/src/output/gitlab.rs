//! `--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`).
//!
//! Shape from GitLab's "Code Quality report format"
//! (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>):
//! a JSON array of issues with `description`, `check_name`, `fingerprint`,
//! `severity` and `location.path` + `location.lines.begin`. The fingerprint
//! must stay the same while a finding stays, so GitLab can tell new findings
//! from fixed ones across commits: it hashes the rule, file, resource and
//! message, not line numbers (an unrelated edit above a finding moves it).

use std::io::Write;

use meshmend_core::Severity;
use serde::Serialize;

use super::Findings;
use super::github::{message, repo_path};

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'a str,
    description: String,
    content: Content,
    categories: [&'static str; 1],
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Content {
    body: String,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Writes the report as one pretty-printed JSON array.
pub(crate) fn write(out: &mut dyn Write, findings: &Findings<'_>) -> std::io::Result<()> {
    let diagnostics = findings.diagnostics;
    let locator = &findings.locator();
    let mut seen: Vec<u128> = Vec::with_capacity(diagnostics.len());
    let issues: Vec<Issue<'_>> = diagnostics
        .iter()
        .map(|d| {
            let range = locator.range(d.file, d.span);
            let path = repo_path(locator.name(d.file));
            let resource = d
                .resource
                .as_ref()
                .map(|r| format!("{}/{}/{}", r.kind, r.namespace, r.name))
                .unwrap_or_default();
            let base = fnv1a_128(&[d.code, &path, &resource, &d.message]);
            // Identical findings (same rule, file, resource, message) are
            // told apart by their order, which is stable for equal input.
            let occurrence = seen.iter().filter(|&&s| s == base).count();
            seen.push(base);
            let fingerprint = if occurrence == 0 {
                base
            } else {
                fnv1a_128(&[&format!("{base:032x}"), &occurrence.to_string()])
            };
            Issue {
                kind: "issue",
                check_name: d.code,
                description: format!("{} {}: {}", d.code, d.name, d.message),
                content: Content {
                    body: message(locator, d),
                },
                categories: ["Bug Risk"],
                fingerprint: format!("{fingerprint:032x}"),
                severity: severity(d.severity),
                location: Location {
                    path,
                    lines: Lines {
                        begin: range.line,
                        end: range.end_line.max(range.line),
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// meshmend's errors are configuration istiod drops at runtime (an outage
/// of the dropped route), so `critical`; warnings `minor`; infos `info`.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// FNV-1a, 128-bit, over the parts separated by a NUL: stable across
/// releases and platforms (unlike `std`'s hasher), and no dependency.
fn fnv1a_128(parts: &[&str]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET;
    for (i, part) in parts.iter().enumerate() {
        let separator: &[u8] = if i == 0 { b"" } else { b"\0" };
        for &byte in separator.iter().chain(part.as_bytes()) {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_vectors() {
        // From the FNV reference (draft-eastlake-fnv): FNV-1a 128 of "" and "a".
        assert_eq!(fnv1a_128(&[""]), 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d);
        assert_eq!(fnv1a_128(&["a"]), 0xd228_cb69_6f1a_8caf_7891_2b70_4e4a_8964);
        assert_ne!(fnv1a_128(&["ab", "c"]), fnv1a_128(&["a", "bc"]));
    }
}
