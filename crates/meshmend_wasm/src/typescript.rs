//! The TypeScript declarations of what the exports return (`types.d.ts`,
//! shipped in the wasm-bindgen `.d.ts`), generated from the Rust types with
//! `ts-rs` so they cannot drift from what `serde` sends. The test below
//! regenerates them and fails when the committed file differs; run it with
//! `MESHMEND_UPDATE_TS=1` to rewrite the file after changing a type.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

#[cfg(test)]
mod tests {
    use meshmend_core::diff::{FileDiff, Hunk, HunkLine};
    use meshmend_core::refactor::{Change, FileStatus, Rejected};
    use meshmend_core::report::{
        Finding, FixView, Location, PatchedFile, RelatedLocation, VerificationReport,
    };
    use meshmend_core::{ResourceRef, Severity};
    use ts_rs::{Config, TS};

    use crate::*;

    /// `export type Name = …;` for each type, in reading order.
    fn generate() -> String {
        // Numbers cross as JS numbers (serde-wasm-bindgen), not bigints.
        let cfg = Config::new().with_large_int("number");
        let decls = [
            InputFile::decl(&cfg),
            Severity::decl(&cfg),
            ResourceRef::decl(&cfg),
            Location::decl(&cfg),
            RelatedLocation::decl(&cfg),
            Finding::decl(&cfg),
            Counts::decl(&cfg),
            FileSummary::decl(&cfg),
            AnalyzeReport::decl(&cfg),
            RuleDoc::decl(&cfg),
            Capabilities::decl(&cfg),
            RedactedFile::decl(&cfg),
            SecretFound::decl(&cfg),
            FamilyCount::decl(&cfg),
            RedactReport::decl(&cfg),
            FileStatus::decl(&cfg),
            PatchedFile::decl(&cfg),
            HunkLine::decl(&cfg),
            Hunk::decl(&cfg),
            FileDiff::decl(&cfg),
            FixView::decl(&cfg),
            Change::decl(&cfg),
            Rejected::decl(&cfg),
            VerificationReport::decl(&cfg),
            FixReport::decl(&cfg),
            StrategyDoc::decl(&cfg),
            StatusCondition::decl(&cfg),
            StatusEntry::decl(&cfg),
            ObjectView::decl(&cfg),
        ];
        let mut out = String::from(
            "// Generated from the Rust types by `cargo test -p meshmend_wasm typescript`\n// (MESHMEND_UPDATE_TS=1 rewrites it). Do not edit.\n",
        );
        for decl in decls {
            out.push_str("export ");
            out.push_str(&one_line_docs(&decl));
            out.push('\n');
        }
        out
    }

    /// ts-rs writes each field's doc comment as three lines (`/**`, ` * text`,
    /// ` */`); a one-line comment is put on the line of its field
    /// (`/** text */ name: T,`), so the declarations read like the Rust.
    fn one_line_docs(decl: &str) -> String {
        let lines: Vec<&str> = decl.lines().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < lines.len() {
            let short = lines[i] == "/**"
                && lines.get(i + 2) == Some(&" */")
                && lines.get(i + 3).is_some()
                && lines[i + 1].starts_with(" * ");
            if short {
                out.push_str(&format!("/** {} */ {}\n", &lines[i + 1][3..], lines[i + 3]));
                i += 4;
            } else {
                out.push_str(lines[i]);
                out.push('\n');
                i += 1;
            }
        }
        out.pop(); // `decl` has no final newline; the caller adds one
        out
    }

    #[test]
    fn typescript_types_are_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/types.d.ts");
        let generated = generate();
        if std::env::var_os("MESHMEND_UPDATE_TS").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == generated,
            "src/types.d.ts is stale: run `MESHMEND_UPDATE_TS=1 cargo test -p meshmend_wasm typescript` and commit it\n{generated}"
        );
    }
}
