// Generated from the Rust types by `cargo test -p meshmend_wasm typescript`
// (MESHMEND_UPDATE_TS=1 rewrites it). Do not edit.
export type InputFile = { 
/** Display name (the dropped file's name, or `input.yaml` for a paste). */ name: string, 
/** Full text. */ text: string, };
export type Severity = "info" | "warning" | "error";
export type ResourceRef = { 
/** `Gateway`, `Service`, … */ kind: string, 
/** Effective namespace. */ namespace: string, 
/** `metadata.name` (or the Helm release/gateway name). */ name: string, };
export type Location = { 
/** File name. */ file: string, 
/** Index of the file in the input list (page only). */ file_index?: number, 
/** 1-based line of the start. */ line: number, 
/** 1-based column of the start. */ column: number, 
/**
 * 1-based line of the end (absent from version 1 JSON's related
 * locations).
 */
end_line?: number, 
/** 1-based column of the end, exclusive (absent where `end_line` is). */ end_column?: number, };
export type RelatedLocation = { 
/** Why it matters. */ message: string, 
/** File name. */ file: string, 
/** Index of the file in the input list (page only). */ file_index?: number, 
/** 1-based line of the start. */ line: number, 
/** 1-based column of the start. */ column: number, 
/**
 * 1-based line of the end (absent from version 1 JSON's related
 * locations).
 */
end_line?: number, 
/** 1-based column of the end, exclusive (absent where `end_line` is). */ end_column?: number, };
export type Finding = { 
/** Rule code (`MM101`). */ code: string, 
/** Rule name (`protocol-conflict`). */ name: string, 
/** The `istioctl analyze` equivalent, if any. */ istio_code: string | null, 
/** `error`, `warning` or `info`. */ severity: Severity, 
/** What is wrong. */ message: string, 
/** The resource the finding is about. */ resource: ResourceRef | null, 
/** Other locations involved. */ related: Array<RelatedLocation>, 
/** Why, in more detail (page only: `None` leaves the field out, `Some(None)` is `null`). */ note?: string | null, 
/** What to do (page only, as `note`). */ help?: string | null, 
/** True when a mechanical fix exists. */ fix_available: boolean, 
/** File name. */ file: string, 
/** Index of the file in the input list (page only). */ file_index?: number, 
/** 1-based line of the start. */ line: number, 
/** 1-based column of the start. */ column: number, 
/**
 * 1-based line of the end (absent from version 1 JSON's related
 * locations).
 */
end_line?: number, 
/** 1-based column of the end, exclusive (absent where `end_line` is). */ end_column?: number, };
export type Counts = { 
/** Errors. */ error: number, 
/** Warnings. */ warning: number, 
/** Infos. */ info: number, };
export type FileSummary = { 
/** File name. */ name: string, 
/** YAML documents seen (parsed or not). */ documents: number, 
/** Kubernetes objects (and Helm values files) recognised. */ resources: number, };
export type AnalyzeReport = { 
/** Findings sorted by file and position. */ findings: Array<Finding>, 
/** Findings per severity. */ counts: Counts, 
/** Per-file summary. */ files: Array<FileSummary>, };
export type RuleDoc = { 
/** Code. */ code: string, 
/** Name. */ name: string, 
/** Default severity. */ severity: Severity, 
/** The `istioctl analyze` equivalent, if any. */ istio_code: string | null, 
/** One line. */ summary: string, 
/** Markdown: *What it does*, *Why is this bad?*, *Example*. */ docs: string, 
/** True when the rule's findings have a mechanical fix. */ has_fix: boolean, };
export type Capabilities = { 
/** Crate version. */ version: string, 
/** Always true. */ analyze: boolean, 
/** Secret redaction and rehydration. */ redact: boolean, 
/** Refactoring fixes. */ fix: boolean, 
/**
 * Istio releases the version picker offers, newest first: each
 * modelled minor release (its newest patch) and, where a behaviour
 * changed in a patch release, the last patch before it.
 */
istio_versions: Array<string>, };
export type RedactedFile = { 
/** File name. */ name: string, 
/** The text with every secret replaced by its placeholder. */ redacted: string, };
export type SecretFound = { 
/** Rule id. */ rule: string, 
/** Family (`AWS_ACCESS_KEY_ID`, `PASSWORD`, …). */ family: string, 
/** The placeholder that replaced it. */ placeholder: string, 
/** Anything the reader should know. */ note: string | null, 
/** File name. */ file: string, 
/** Index of the file in the input list (page only). */ file_index?: number, 
/** 1-based line of the start. */ line: number, 
/** 1-based column of the start. */ column: number, 
/**
 * 1-based line of the end (absent from version 1 JSON's related
 * locations).
 */
end_line?: number, 
/** 1-based column of the end, exclusive (absent where `end_line` is). */ end_column?: number, };
export type FamilyCount = { 
/** Family. */ family: string, 
/** Secrets redacted. */ count: number, };
export type RedactReport = { 
/** Redacted texts, in input order. */ files: Array<RedactedFile>, 
/** Every secret redacted, in file and text order. */ secrets: Array<SecretFound>, 
/** Count per family, most frequent first. */ families: Array<FamilyCount>, };
export type FileStatus = "modified" | "added" | "deleted" | "unchanged";
export type PatchedFile = { 
/** Path (input name, or a new file's name). */ path: string, 
/** `modified`, `added`, `deleted` or `unchanged`. */ status: FileStatus, 
/** Text after the fix (`null` when deleted). */ patched: string | null, };
export type HunkLine = { 
/** `ctx`, `del` or `add`. */ kind: string, 
/**
 * The line without its sign and its `\n`. Its numbers follow from the
 * hunk's starts: context and removed lines count on the old side,
 * context and added lines on the new side.
 */
text: string, 
/** True when the line has no `\n` (the diff says `\ No newline at end of file`). */ no_newline: boolean, };
export type Hunk = { 
/** The `@@ -a,b +c,d @@` line. */ header: string, 
/** First old line (1-based; the line before an empty range). */ old_start: number, 
/** Old lines in the hunk. */ old_len: number, 
/** First new line (1-based; the line before an empty range). */ new_start: number, 
/** New lines in the hunk. */ new_len: number, 
/** Context, removed and added lines, in diff order. */ lines: Array<HunkLine>, };
export type FileDiff = { 
/** The old side as the `---` header names it: `a/PATH` or `/dev/null`. */ old: string, 
/** The new side as the `+++` header names it: `b/PATH` or `/dev/null`. */ new: string, 
/** `modified`, `added` (old side `/dev/null`) or `deleted`. */ status: string, 
/** The hunks, in order. */ hunks: Array<Hunk>, };
export type FixView = { 
/** Unified diff over all files. */ diff: string, 
/**
 * The same diff as files, hunks and lines, so the page renders it
 * without parsing diff text (page only; see [`FixView::with_hunks`]).
 */
diff_files?: Array<FileDiff>, 
/** Every file after the fix. */ files: Array<PatchedFile>, };
export type Change = { 
/** Name of the rule whose finding this resolves (`duplicate-tls-host`, …). */ rule: string, 
/** One line: what changes. */ title: string, 
/** Why, and anything a reviewer must know (dropped hosts, Secrets to copy, …). */ detail: string, 
/** The resource changed. */ resource: ResourceRef | null, };
export type Rejected = { 
/** The change, as it would have been titled. */ title: string, 
/** Why it was not applied. */ reason: string, };
export type VerificationReport = { 
/**
 * Every planned change verified and was applied, and no conflict the
 * fix targets remains (both facts).
 */
ok: boolean, 
/** Every planned change verified and was applied (version 1 JSON only). */ changes_verified?: boolean, 
/** No conflict the fix targets remains; untargeted warnings may. */ conflict_free: boolean, 
/** At least one file changes (page only). */ has_edits?: boolean, 
/** One sentence for humans (page only; the page words it). */ message?: string, 
/** Conflicts left in the output, positioned in the patched text. */ remaining: Array<Finding>, 
/** Changes withdrawn, with the reason. */ rejected: Array<Rejected>, };
export type FixReport = { 
/** Strategy used. */ strategy: string, 
/** The fix of the real input. */ real: FixView, 
/**
 * The same fix with every secret replaced by its placeholder (what may
 * be shared).
 */
redacted: FixView, 
/** What changed. */ changes: Array<Change>, 
/** The check of the output, positioned in the patched texts. */ verification: VerificationReport, };
export type StrategyDoc = { 
/** Value passed back in `strategy`. */ id: string, 
/** Label. */ title: string, 
/** What it does. */ description: string, };
export type StatusCondition = { 
/** `type` (`Accepted`, `Programmed`, `ResolvedRefs`, `Conflicted`, …). */ type: string, 
/** `"True"` or `"False"`. */ status: string, 
/** `reason`. */ reason: string, 
/** `message`. */ message: string, };
export type StatusEntry = { 
/** The listener name, or the parentRef (`Gateway ns/name`, `:section`, `:port`). */ name: string, 
/** 1-based line of the listener or parentRef in its file (0: not in the input). */ line: number, 
/** `attachedRoutes` of a listener. */ attached_routes: number | null, 
/** Conditions. */ conditions: Array<StatusCondition>, };
export type ObjectView = { 
/** `kind`. */ kind: string, 
/** `namespace/name` (just `name` for a GatewayClass). */ name: string, 
/** Index of the file in the input list. */ file_index: number, 
/** 1-based line where the object starts. */ line: number, 
/** `status.conditions`. */ conditions: Array<StatusCondition>, 
/** `status.attachedListenerSets`, for Gateways that allow ListenerSets. */ attached_listener_sets: number | null, 
/** `status.listeners` (Gateways, ListenerSets) or `status.parents` (routes). */ entries: Array<StatusEntry>, };
