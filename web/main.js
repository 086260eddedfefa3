// meshmend's page: DOM in, DOM out. All logic runs in the core (Rust → wasm)
// inside worker.js; this file only moves text to the worker and renders what
// comes back, always through textContent.
//
// Extension point: modules such as web/llm.js import { state, subscribe }
// from "./state.js" and { call } from "./core.js", and mount into #llm-slot.

import { call, onRestart, ready } from "./core.js";
import { Editor } from "./editor.js";
import { Markers } from "./markers.js";
import { dropped, picked, renderTree, walk } from "./folder.js";
import { mountReport } from "./report.js";
import { copyText, download, el, inline, renderDiff, renderDocs, renderSplitDiff } from "./render.js";
import { state, subscribe, update } from "./state.js";
import { EXAMPLE_MENU, GATEWAY_API_EXAMPLE } from "./examples.js";

const $ = (id) => document.getElementById(id);
const SEVERITIES = [
  ["error", "Errors"],
  ["warning", "Warnings"],
  ["info", "Info"],
];

const editor = new Editor({
  textarea: $("editor-input"),
  gutter: $("gutter"),
  inner: $("gutter-inner"),
  bar: $("window-bar"),
  barText: $("window-text"),
  previous: $("window-previous"),
  next: $("window-next"),
});
const markers = new Markers(editor, {
  layer: $("marker-layer"),
  tooltip: $("marker-tooltip"),
  status: $("marker-status"),
  reveal: (finding) => {
    selectFile(finding.file_index);
    editor.selectSpan(finding);
  },
});
let files = [{ name: "input.yaml", text: "" }];
let active = 0;
let capabilities = { analyze: true, redact: false, fix: false };
let rulesByCode = new Map();
let example = null; // the example last loaded (replaced, not kept, when files are added)
const examples = { "gateway-api": GATEWAY_API_EXAMPLE };
let coreReady = false;

// ---------------------------------------------------------------- status

function setStatus(kind, text) {
  $("status").className = `status ${kind}`;
  $("status-text").textContent = text;
}

// ---------------------------------------------------------------- files

function setFiles(list, index = 0) {
  files = list.length ? list : [{ name: "input.yaml", text: "" }];
  active = Math.min(index, files.length - 1);
  renderFileTabs();
  editor.value = files[active].text;
  schedule(0);
}

function selectFile(index) {
  if (index === active || !files[index]) return;
  active = index;
  renderFileTabs();
  editor.value = files[active].text;
  renderMarkers();
}

function renderFileTabs() {
  const tabs = files.map((file, index) => {
    const selected = index === active;
    const tab = el(
      "button",
      {
        type: "button",
        class: "file-tab",
        // Plain buttons in a group: a tablist may hold only tabs, and each file has a close button.
        "aria-current": selected ? "true" : "false",
        title: file.name,
        onclick: () => selectFile(index),
      },
      file.name,
    );
    const close = el(
      "button",
      {
        type: "button",
        class: "file-close",
        "aria-label": `Close ${file.name}`,
        title: `Close ${file.name}`,
        onclick: () => closeFile(index),
      },
      "×",
    );
    return el("span", { class: selected ? "file-tab-wrap selected" : "file-tab-wrap" }, tab, files.length > 1 ? close : null);
  });
  $("file-tabs").replaceChildren(...tabs);
  renderFileTree();
}

/** The folder view: every file with its finding counts (shown for two files or more). */
function renderFileTree() {
  const counts = files.map(() => ({ error: 0, warning: 0, info: 0 }));
  // Counts belong to the files they were computed from: none while a new set waits for analysis.
  const current = state.files.length === files.length && state.files.every((f, i) => f.name === files[i].name);
  if (current) for (const f of state.report?.findings ?? []) if (counts[f.file_index]) counts[f.file_index][f.severity] += 1;
  renderTree($("file-tree"), files, counts, active, selectFile);
}

function closeFile(index) {
  const list = files.filter((_, i) => i !== index);
  setFiles(list, index <= active ? Math.max(0, active - 1) : active);
}

/** Adds files: `File`s (named as they are) or `{file, name}` from a folder walk (named by path). */
async function addFiles(fileList) {
  const decoded = await Promise.all(Array.from(fileList, (f) => (f instanceof File ? readText(f) : readText(f.file, f.name))));
  const read = decoded.filter((f) => f.text !== undefined);
  const refused = decoded.filter((f) => f.text === undefined).map((f) => `${f.name}: ${f.error}`);
  $("input-error").textContent = refused.length ? `Not opened (the text would have been altered):\n${refused.join("\n")}` : "";
  $("input-error").hidden = !refused.length;
  if (!read.length) return;
  const onlyEmptyOrExample =
    files.length === 1 && (files[0].text.trim() === "" || (example && files[0].text === example.text));
  const list = onlyEmptyOrExample ? read : [...files, ...read];
  setFiles(list, onlyEmptyOrExample ? 0 : files.length);
}

/**
 * A dropped or opened file as text, exactly: UTF-8 only (a byte order mark is
 * kept), never with invalid bytes silently replaced. Returns {name, text} or
 * {name, error} naming the line and column of the first invalid byte.
 */
async function readText(file, name = file.name) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return { name, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const before = validPrefix(bytes);
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    return { name, error: `not UTF-8 text (invalid byte at line ${line}, column ${column}); save it as UTF-8 and open it again` };
  }
}

/** The text of the longest valid UTF-8 prefix of `bytes` (binary search; a cut inside a character is not an error). */
function validPrefix(bytes) {
  const decode = (n) => {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n), { stream: true });
    } catch {
      return null;
    }
  };
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (decode(mid) === null) bad = mid;
    else good = mid;
  }
  return decode(good) ?? "";
}

function uniqueName(base) {
  const taken = new Set(files.map((f) => f.name));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const name = base.replace(/(\.ya?ml)?$/, `-${n}$1`);
    if (!taken.has(name)) return name;
  }
}

// ---------------------------------------------------------------- analysis loop

let timer = 0;
let running = false;
let rerun = false;

function schedule(delay) {
  clearTimeout(timer);
  const size = files.reduce((n, f) => n + f.text.length, 0);
  timer = setTimeout(runAll, delay ?? (size > 1_000_000 ? 600 : 250));
}

async function runAll() {
  if (!coreReady) return; // ready() runs it once the wasm is instantiated
  if (running) {
    rerun = true;
    return;
  }
  running = true;
  rerun = false;
  const snapshot = files.map((f) => ({ name: f.name, text: f.text }));
  setStatus("busy", "Analyzing…");
  try {
    const { result, ms } = await call("analyze", snapshot, analysisOptions());
    update({ files: snapshot, report: result });
    renderFindings(result);
    const { error, warning, info } = result.counts;
    setStatus(error ? "bad" : warning ? "warn" : "good", `${plural(error, "error")} · ${plural(warning, "warning")} · ${plural(info, "info")} · ${ms.toFixed(0)} ms`);
    // Test hook: how many characters the findings on screen were computed from.
    document.documentElement.dataset.analyzed = String(chars(snapshot));
    // Redaction and fix only once something needed them (see wantEngines).
    if (enginesWanted) await runEngines(snapshot);
  } catch (error) {
    setStatus("bad", error.message);
    $("findings-summary").textContent = `The input could not be analyzed: ${error.message}`;
    $("findings").replaceChildren();
  } finally {
    settle();
  }
}

/** Ends a run: the next one if input changed meanwhile, else wakes whoever waits for quiet (idle). */
function settle() {
  running = false;
  if (rerun) runAll();
  else for (const wake of idleWaiters.splice(0)) wake();
}

const idleWaiters = [];

/** Resolves once no analysis, redaction or fix is running or due to rerun. */
function idle() {
  return running ? new Promise((wake) => idleWaiters.push(wake)) : Promise.resolve();
}

function chars(snapshot) {
  return snapshot.reduce((n, f) => n + f.text.length, 0);
}

// ---------------------------------------------------------------- engines on first need

// The engines module (web/engines.js: redaction, fix, status, explain-log,
// rule docs) is fetched by the worker on the first call that needs it. A
// visit that only reads the findings of Istio input never downloads it; the
// first need is the Redacted or Fix tab opened, the LLM panel opened, Ctrl+S
// or the incident report (they start redaction and fix here), or the Istio
// status tab, the "Paste an error" box, the help's rule index, a finding's
// docs, or input naming a Gateway API group (analyzed by the engines module,
// web/worker.js). From then on every analysis also redacts and fixes.
let enginesWanted = false;

/** Redaction and fix of `snapshot`, on screen. */
function runEngines(snapshot) {
  const run = (async () => {
    await Promise.all([capabilities.redact ? runRedact(snapshot) : null, capabilities.fix ? runFix(snapshot) : null]);
    // Test hook: how many characters the redaction and fix on screen were computed from.
    document.documentElement.dataset.engines = String(chars(snapshot));
  })();
  update({ engines: run.catch(() => {}) });
  return run;
}

/**
 * The first need of the engines module: from now on analyses redact and fix
 * too, and the files already analyzed are redacted and fixed now. Resolves
 * once the redaction and fix of the current files are on screen.
 */
function wantEngines() {
  loadEngineData().catch(() => {});
  if (!enginesWanted) {
    enginesWanted = true;
    // A running analysis sees the flag once its findings are in; otherwise catch up here.
    if (coreReady && !running && state.files.length) catchUpEngines();
  }
  return idle();
}

async function catchUpEngines() {
  running = true;
  try {
    await runEngines(state.files);
  } catch (error) {
    setStatus("bad", error.message);
  } finally {
    settle();
  }
}

function plural(n, word) {
  return `${n} ${word}${n === 1 || word === "info" ? "" : "s"}`;
}

// ---------------------------------------------------------------- findings

function renderFindings(report) {
  const { findings, counts, files: summaries } = report;
  const resources = summaries.reduce((n, f) => n + f.resources, 0);
  $("findings-count").textContent = String(findings.length);
  $("findings-summary").textContent = findings.length
    ? `${plural(findings.length, "finding")} in ${plural(resources, "resource")} from ${plural(summaries.length, "file")}.`
    : resources
      ? `No conflicts in ${plural(resources, "resource")} from ${plural(summaries.length, "file")}.`
      : "Paste or open Kubernetes/Istio manifests to analyze them.";
  const groups = SEVERITIES.filter(([severity]) => counts[severity] > 0).map(([severity, title]) =>
    el(
      "section",
      { class: `group group-${severity}`, "aria-label": title },
      el("h3", {}, `${title} `, el("span", { class: "badge" }, String(counts[severity]))),
      el("ul", { class: "finding-list" }, findings.filter((f) => f.severity === severity).map(renderFinding)),
    ),
  );
  $("findings").replaceChildren(...groups);
  renderMarkers();
  renderFileTree();
}

function renderFinding(finding) {
  const location = `${finding.file}:${finding.line}:${finding.column}`;
  const details = [];
  if (finding.resource) {
    const { kind, namespace, name } = finding.resource;
    details.push(el("p", { class: "resource" }, `${kind} ${namespace}/${name}`));
  }
  if (finding.related.length) {
    details.push(
      el(
        "ul",
        { class: "related" },
        finding.related.map((r) =>
          el(
            "li",
            {},
            el(
              "button",
              { type: "button", class: "link", onclick: () => reveal(r) },
              `${r.file}:${r.line}:${r.column}`,
            ),
            " ",
            ...inline(r.message),
          ),
        ),
      ),
    );
  }
  if (finding.note) details.push(el("p", { class: "note" }, ...inline(finding.note)));
  if (finding.help) details.push(el("p", { class: "help" }, "Fix: ", ...inline(finding.help)));
  return el(
    "li",
    {
      class: `finding sev-${finding.severity}`,
      dataset: { testid: "finding", name: finding.name, severity: finding.severity, code: finding.code },
    },
    el(
      "button",
      {
        type: "button",
        class: "finding-main",
        title: `Select ${location} in the editor`,
        onclick: () => reveal(finding),
      },
      el("span", { class: "finding-head" },
        el("span", { class: `sev sev-${finding.severity}` }, finding.severity),
        el("span", { class: "code" }, finding.code),
        el("span", { class: "rule-name" }, finding.name),
        finding.fix_available ? el("span", { class: "fixable", title: "A mechanical fix exists (Fix tab)" }, "fixable") : null,
      ),
      el("span", { class: "message" }, ...inline(finding.message)),
      el("span", { class: "location" }, location),
    ),
    details.length ? el("div", { class: "details" }, details) : null,
    el(
      "button",
      // The accessible name starts with the visible text (WCAG 2.5.3, axe label-content-name-mismatch).
      { type: "button", class: "link docs-link", onclick: () => showRule(finding.code), "aria-label": `${finding.code} docs: documentation for ${finding.name}` },
      `${finding.code} docs`,
    ),
  );
}

/** Selects a finding's (or related location's) line in the editor. */
function reveal(location) {
  selectFile(location.file_index);
  editor.selectLine(location.line);
}

function renderMarkers() {
  const findings = state.report?.findings ?? [];
  editor.setMarkers(findings.filter((f) => f.file_index === active).map((f) => [f.line, f.severity]));
  markers.set(findings, active);
}

// ---------------------------------------------------------------- rule docs

async function showRule(code) {
  await loadEngineData().catch(() => {}); // the rule docs are in the engines module
  const rule = rulesByCode.get(code);
  if (!rule) return;
  $("rule-title").textContent = `${rule.code} ${rule.name}`;
  $("rule-summary").textContent = `${rule.summary} (default severity: ${rule.severity}${rule.istio_code ? `; istioctl: ${rule.istio_code}` : ""})`;
  renderDocs($("rule-docs"), rule.docs);
  $("rule-dialog").showModal();
}

function renderRuleIndex(rules) {
  $("rule-index").replaceChildren(
    ...rules.map((rule) =>
      el(
        "li",
        {},
        el("button", { type: "button", class: "link", onclick: () => showRule(rule.code) }, `${rule.code} ${rule.name}`),
        ` — ${rule.summary}`,
      ),
    ),
  );
}

// ---------------------------------------------------------------- redaction

async function runRedact(snapshot) {
  const { result } = await call("redact", snapshot);
  update({ redaction: result });
  renderRedaction(result);
}

function renderRedaction(result) {
  const families = result.families ?? [];
  $("redaction-families").replaceChildren(
    ...(families.length
      ? families.map(({ family, count }) => el("li", {}, el("strong", {}, String(count)), ` ${family}`))
      : [el("li", {}, "No secrets found.")]),
  );
  fillFileSelect($("redacted-file"), result.files.map((f) => f.name));
  showRedactedFile();
}

function showRedactedFile() {
  const result = state.redaction;
  if (!result) return;
  const file = result.files[Number($("redacted-file").value) || 0];
  $("redacted").textContent = file ? file.redacted : "";
}

// ---------------------------------------------------------------- fix

async function runFix(snapshot) {
  await loadEngineData(); // the strategy picker, which fixOptions reads
  const options = fixOptions();
  const { result } = await call("fix", snapshot, options);
  update({ fix: result, fixOptions: options });
  renderFix();
}

/** The analysis settings the page's controls hold (shared with the LLM panel through state). */
function analysisOptions() {
  return { istio_version: $("istio-version").value || undefined };
}

/** The fix settings: strategy, warnings too or not, and the analysis settings. */
function fixOptions() {
  return {
    ...analysisOptions(),
    strategy: $("strategy").value || undefined,
    include_warnings: $("include-warnings").checked,
    grant_references: $("grant-references").checked,
  };
}

function fixView() {
  const fix = state.fix;
  if (!fix) return null;
  const redacted = document.querySelector('input[name="values"]:checked')?.value === "redacted";
  return redacted && fix.redacted ? fix.redacted : fix.real;
}

function renderFix() {
  const fix = state.fix;
  const view = fixView();
  if (!fix || !view) return;
  const verification = fix.verification;
  const box = $("verification");
  box.className = `verification ${verification.ok ? "ok" : "bad"}`;
  box.replaceChildren(
    ...[
    el("strong", {}, verification.ok ? "✓ Verified: " : "✗ Not verified: "),
    ...inline(verification.message),
    verification.remaining?.length
      ? el("ul", {}, verification.remaining.map((d) => el("li", {}, `${d.code} ${d.name} at ${d.file}:${d.line}:${d.column}: ${d.message}`)))
      : null,
    verification.rejected?.length
      ? el("ul", {}, verification.rejected.map((r) => el("li", {}, `Left out: ${r.title} — ${r.reason}`)))
      : null,
    ].filter(Boolean),
  );
  $("fix-changes").replaceChildren(...(fix.changes ?? []).map((c) => el("li", {}, el("strong", {}, ...inline(c.title)), ...(c.detail ? [" — ", ...inline(c.detail)] : []))));
  if (view.diff) renderDiff($("diff"), view);
  else $("diff").textContent = "No changes needed.";
  showDiffLayout();
  fillFileSelect($("patched-file"), view.files.map((f) => `${f.path} (${f.status})`));
  showPatchedFile();
  for (const id of ["copy-diff", "download-diff"]) $(id).disabled = !view.diff;
}

// "Unified" or "split" (side by side); kept in memory only, for as long as the tab lives.
let diffLayout = "unified";
let splitShown = null; // the diff text #diff-split was last built from

/** Shows the diff in the chosen layout. #diff always holds the unified text (copy and tests read it). */
function showDiffLayout() {
  const split = diffLayout === "split";
  $("diff").hidden = split;
  $("diff-split").hidden = !split;
  if (!split) return;
  const view = fixView() ?? { diff: "", diff_files: [] };
  const diff = view.diff;
  if (diff !== splitShown) {
    renderSplitDiff($("diff-split"), view);
    splitShown = diff;
  }
}

function patchedFile() {
  const view = fixView();
  return view?.files[Number($("patched-file").value) || 0] ?? null;
}

function showPatchedFile() {
  const file = patchedFile();
  $("patched").textContent = file ? file.patched ?? "" : "";
  for (const id of ["copy-patched", "download-patched"]) $(id).disabled = !file || file.patched == null;
}

function fillFileSelect(select, labels) {
  const previous = select.value;
  select.replaceChildren(...labels.map((label, i) => el("option", { value: String(i) }, label)));
  if (previous && Number(previous) < labels.length) select.value = previous;
  select.hidden = labels.length < 2;
}

function baseName(path) {
  return path.split("/").pop() || "manifest.yaml";
}

function downloadPatched() {
  const file = patchedFile();
  if (file?.patched != null) {
    download(baseName(file.path), file.patched, "application/yaml");
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- verify panel

function renderVerify(info) {
  const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
  $("csp-list").replaceChildren(
    ...(meta?.content ?? "")
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((directive) => {
        const [name, ...values] = directive.split(/\s+/);
        return el("li", {}, el("code", { class: "directive" }, name), " ", values.join(" "));
      }),
  );
  const entries = [
    ...performance.getEntriesByType("navigation"),
    ...performance.getEntriesByType("resource"),
  ].map((e) => e.name);
  $("loaded-list").replaceChildren(
    ...entries.map((name) => {
      let origin = "this file";
      try {
        origin = new URL(name).origin;
      } catch {}
      const own = origin === location.origin || origin === "null";
      return el("li", { class: own ? "own" : "foreign" }, el("span", { class: "origin" }, own ? "same origin" : origin), " ", name.replace(location.origin, ""));
    }),
  );
  if (info?.wasm) {
    $("wasm-info").textContent = `WebAssembly analysis module (loaded first): ${info.wasm.bytes.toLocaleString("en")} bytes${info.wasm.sha256 ? `, SHA-256 ${info.wasm.sha256}` : ""}; the engines module (redaction, fix) loads on first use. Compare them with the build output of scripts/build-web.sh.`;
  }
}

// ---------------------------------------------------------------- tabs

const tabs = Array.from(document.querySelectorAll('.result-tabs [role="tab"]'));

function selectTab(tab, focus = false) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  if (tab.id === "tab-verify") renderVerify(verifyInfo);
  if (ENGINE_TABS.has(tab.id)) wantEngines();
  for (const listener of showListeners) listener(tab.id);
}

// The tabs that show the redaction and the fix: opening one is a first need
// (wantEngines). The Istio status tab asks for its own prediction (status.js).
const ENGINE_TABS = new Set(["tab-redacted", "tab-fix"]);
const showListeners = [];

/** Calls `listener(tabId)` each time a result tab is selected. */
function onShow(listener) {
  showListeners.push(listener);
}

for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectTab(tabs[(index + moves[event.key] + tabs.length) % tabs.length], true);
  });
}

// ---------------------------------------------------------------- events

$("editor-input").addEventListener("input", () => {
  files[active].text = editor.value;
  schedule();
});

// Capture phase: runs before the editor's own paste handling changes the selection.
$("editor-input").addEventListener("paste", (event) => {
  const area = event.target;
  const replacesAll = area.selectionStart === 0 && area.selectionEnd === area.value.length;
  if (replacesAll && example && files[active].name === example.name) {
    files[active].name = uniqueName("input.yaml");
    renderFileTabs();
  }
}, { capture: true });

$("folder-input").addEventListener("change", async (event) => {
  const found = await walk(picked(event.target.files));
  event.target.value = "";
  if (!found.length) {
    $("input-error").textContent = "That folder holds no *.yaml, *.yml or Kubernetes *.json files.";
    $("input-error").hidden = false;
    return;
  }
  await addFiles(found);
});

$("file-input").addEventListener("change", async (event) => {
  await addFiles(event.target.files);
  event.target.value = "";
});

const drop = $("editor");
drop.addEventListener("dragover", (event) => {
  if (!event.dataTransfer?.types.includes("Files")) return;
  event.preventDefault();
  drop.classList.add("dragging");
});
drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
drop.addEventListener("drop", async (event) => {
  if (!event.dataTransfer?.files.length) return;
  event.preventDefault();
  drop.classList.remove("dragging");
  // Folders are walked as the CLI walks them; loose files are read as named.
  const { folders, files: loose } = await dropped(event.dataTransfer);
  addFiles([...(await walk(folders)), ...loose]);
});

$("new-file").addEventListener("click", () => {
  setFiles([...files, { name: uniqueName("input.yaml"), text: "" }], files.length);
  $("editor-input").focus();
});
/** Loads the example the menu names (`EXAMPLE_MENU` ids). */
function loadExample(id = $("example-menu").value) {
  const chosen = examples[id];
  if (!chosen) return;
  example = chosen;
  setFiles([{ ...chosen }]);
}
$("example-menu").replaceChildren(...EXAMPLE_MENU.map((e) => el("option", { value: e.id }, e.title)));
$("example-menu").addEventListener("change", () => loadExample());
$("load-example").addEventListener("click", () => loadExample());
$("clear-input").addEventListener("click", () => {
  setFiles([{ name: "input.yaml", text: "" }]);
  $("editor-input").focus();
});

$("istio-version").addEventListener("change", () => schedule(0));
for (const box of ["include-warnings", "grant-references"]) {
  $(box).addEventListener("change", () => {
    if (state.files.length) runFix(state.files).catch((error) => setStatus("bad", error.message));
  });
}
$("strategy").addEventListener("change", () => {
  const option = $("strategy").selectedOptions[0];
  $("strategy-help").textContent = option?.dataset.description ?? "";
  if (state.files.length) runFix(state.files).catch((error) => setStatus("bad", error.message));
});
for (const radio of document.querySelectorAll('input[name="values"]')) radio.addEventListener("change", renderFix);
for (const radio of document.querySelectorAll('input[name="diff-layout"]')) {
  radio.addEventListener("change", () => {
    diffLayout = radio.value;
    showDiffLayout();
  });
}
$("patched-file").addEventListener("change", showPatchedFile);
$("redacted-file").addEventListener("change", showRedactedFile);

function flash(button, text) {
  const label = button.textContent;
  button.textContent = text;
  setTimeout(() => (button.textContent = label), 1200);
}

$("copy-diff").addEventListener("click", async (event) => {
  const view = fixView();
  if (view?.diff) flash(event.currentTarget, (await copyText(view.diff)) ? "Copied ✓" : "Copy failed");
});
$("copy-patched").addEventListener("click", async (event) => {
  const file = patchedFile();
  if (file?.patched != null) flash(event.currentTarget, (await copyText(file.patched)) ? "Copied ✓" : "Copy failed");
});
$("copy-redacted").addEventListener("click", async (event) => {
  flash(event.currentTarget, (await copyText($("redacted").textContent)) ? "Copied ✓" : "Copy failed");
});
$("download-diff").addEventListener("click", () => {
  const view = fixView();
  if (view?.diff) download("meshmend-fix.patch", view.diff, "text/x-diff");
});
$("download-patched").addEventListener("click", downloadPatched);

for (const dialog of document.querySelectorAll("dialog")) {
  for (const button of dialog.querySelectorAll(".close-dialog")) button.addEventListener("click", () => dialog.close());
}
const openHelp = () => {
  $("help-dialog").showModal();
  loadEngineData().catch(() => {}); // the rule index (the engines module has the rule docs)
};
$("help-button").addEventListener("click", openHelp);
$("footer-help").addEventListener("click", (event) => {
  event.preventDefault();
  openHelp();
});
$("footer-verify").addEventListener("click", (event) => {
  event.preventDefault();
  selectTab($("tab-verify"), true);
});

document.addEventListener("keydown", (event) => {
  const mod = event.ctrlKey || event.metaKey;
  if (mod && event.key === "Enter") {
    event.preventDefault();
    schedule(0);
  } else if (mod && (event.key === "s" || event.key === "S")) {
    event.preventDefault();
    saveShortcut();
  } else if (event.key === "?" && !mod && !isTyping(event.target) && !document.querySelector("dialog[open]")) {
    event.preventDefault();
    openHelp();
  }
});

/** Ctrl+S: the patched file of the active fix (computed now if none was), else the file as typed. */
async function saveShortcut() {
  const typed = { ...files[active] };
  if (!state.fix && capabilities.fix) await wantEngines();
  if (!downloadPatched()) download(typed.name, typed.text, "application/yaml");
}

function isTyping(target) {
  return target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && !["checkbox", "radio", "button", "file"].includes(target.type)) || target?.isContentEditable;
}

mountReport(
  { button: $("report-button"), dialog: $("report-dialog"), text: $("report-text"), copy: $("copy-report"), save: $("download-report") },
  { call, state, prepare: wantEngines, onError: (message) => setStatus("bad", message) },
);

// ---------------------------------------------------------------- engine data

let engineData = null;

/**
 * The rule documentation and the strategy picker come from the engines
 * module (web/engines.js), which the worker loads on first use: asked for
 * once, on the first need (wantEngines, the help, a finding's docs), so a
 * visit that only reads findings never downloads it.
 */
function loadEngineData() {
  engineData ??= (async () => {
    const [{ result: rules }, strategies] = await Promise.all([
      call("rules"),
      capabilities.fix ? call("strategies").then((r) => r.result) : [],
    ]);
    rulesByCode = new Map(rules.map((r) => [r.code, r]));
    update({ rules });
    renderRuleIndex(rules);
    if (strategies.length) {
      $("strategy").replaceChildren(
        ...strategies.map((s) => el("option", { value: s.id, dataset: { description: s.description } }, s.title)),
      );
      $("strategy-help").textContent = strategies[0]?.description ?? "";
    }
  })().catch((error) => {
    engineData = null; // retried on the next run
    throw error;
  });
  return engineData;
}

// ---------------------------------------------------------------- start

let verifyInfo = null;
renderFileTabs();

ready.then(
  async (info) => {
    verifyInfo = info;
    capabilities = info.capabilities;
    examples.istio = info.example;
    example = info.example;
    update({ capabilities });
    const versions = capabilities.istio_versions ?? [];
    $("istio-version").replaceChildren(
      ...versions.map((v, i) => el("option", { value: v }, i === 0 ? `${v} (newest)` : /^\d+\.\d+$/.test(v) ? `${v} (newest patch)` : v)),
    );
    $("redaction-unavailable").hidden = capabilities.redact;
    $("redaction-body").hidden = !capabilities.redact;
    $("fix-unavailable").hidden = capabilities.fix;
    $("fix-body").hidden = !capabilities.fix;
    coreReady = true;
    document.documentElement.dataset.capabilities = Object.keys(capabilities)
      .filter((k) => capabilities[k] === true)
      .join(" ");
    // Keep what the user typed while the wasm loaded; otherwise show the example.
    if (files.length === 1 && files[0].text === "") setFiles([{ ...example }]);
    else schedule(0);
  },
  (error) => {
    setStatus("bad", `The analyzer failed to load: ${error.message}`);
    $("findings-summary").textContent = "The analyzer failed to load. Reload the page; if it persists, open DevTools → Console.";
  },
);

// After a trap the worker starts over (core.js): say so, and analyze again.
onRestart((reason) => {
  $("input-error").textContent =
    `The analyzer stopped on an internal error (${reason}) and was restarted; the results shown are from the fresh start. ` +
    "This is a meshmend bug: please report it with the input that caused it.";
  $("input-error").hidden = false;
  schedule(0);
});

// The optional "Explain with your LLM" panel (web/llm.js): collapsed and off until the user opts in.
// Loaded after this module so it never delays the editor.
import("./llm.js").then(({ mountLlm }) => mountLlm($("llm-slot"), { call, state, subscribe }));
import("./explain.js").then(({ mountExplain }) => mountExplain({ call, state }));
import("./status.js").then(({ mountStatus }) => mountStatus({ call, state, subscribe, reveal, onShow }));
// Opening the LLM panel is a first need: its request carries the fix the Fix tab shows.
$("llm-panel").addEventListener("toggle", () => $("llm-panel").open && wantEngines());
