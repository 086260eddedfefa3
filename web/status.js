// The "Istio status" tab: what Istio will write in the status of each Gateway
// API object, predicted by the core from the page's files (wasm `status`,
// crates/meshmend_wasm/src/status.rs; `meshmend status` on the CLI). It runs
// in the worker, offline like everything else, once the tab is first opened
// (the prediction is in the engines module, which a visit that only reads
// findings never downloads) and after each analysis from then on; user text
// is rendered with textContent only (render.js `el`).
import { el } from "./render.js";

/** Mounts the tab's behaviour on the markup in index.html. */
export function mountStatus({ call, state, subscribe, reveal, onShow }) {
  const $ = (id) => document.getElementById(id);
  const summary = $("status-summary");
  const list = $("status-list");
  let generation = 0;
  const run = async () => {
    const mine = ++generation;
    const options = { istio_version: $("istio-version")?.value || undefined };
    try {
      const { result } = await call("status", state.files, options);
      if (mine !== generation) return; // a newer analysis is on its way
      render(result);
    } catch (error) {
      if (mine !== generation) return;
      list.replaceChildren();
      summary.textContent = /not in this build/.test(error.message)
        ? "This build has no status prediction (the wasm was built without the `status` feature); `meshmend status` prints it."
        : `No status prediction: ${error.message}`;
    }
  };
  const render = (objects) => {
    summary.textContent = objects.length
      ? `${objects.length} Gateway API ${objects.length === 1 ? "object" : "objects"} Istio handles.`
      : "No Gateway API object that Istio handles in these files (Istio Gateways and VirtualServices have no such status).";
    list.replaceChildren(...objects.map((object) => renderObject(object, reveal)));
  };
  let opened = false;
  onShow((tab) => {
    if (tab !== "tab-status" || opened) return;
    opened = true;
    if (state.report) run();
  });
  subscribe((_, patch) => {
    if (opened && "report" in patch && patch.report) run();
  });
  // Opened before this module was mounted.
  if ($("tab-status")?.getAttribute("aria-selected") === "true") {
    opened = true;
    if (state.report) run();
  }
}

function renderObject(object, reveal) {
  const jump = (line) =>
    line > 0 && reveal
      ? el("button", { type: "button", class: "link", onclick: () => reveal({ file_index: object.file_index, line }) }, `line ${line}`)
      : null;
  const head = el("h3", { class: "status-object" }, `${object.kind} ${object.name} `, jump(object.line));
  const sets = object.attached_listener_sets === null || object.attached_listener_sets === undefined
    ? null
    : el("p", {}, `attachedListenerSets: ${object.attached_listener_sets}`);
  const entries = object.entries.map((entry) =>
    el("li", { class: "status-entry" },
      el("span", { class: "status-entry-name" }, entry.name),
      entry.attached_routes === null || entry.attached_routes === undefined ? null : ` (attachedRoutes: ${entry.attached_routes}) `,
      jump(entry.line),
      conditionTable(entry.conditions)));
  return el("section", { class: "status-card", dataset: { kind: object.kind, name: object.name } },
    head,
    conditionTable(object.conditions),
    sets,
    entries.length ? el("ul", { class: "status-entries" }, entries) : null);
}

function conditionTable(conditions) {
  if (!conditions.length) return null;
  return el("table", { class: "status-conditions" },
    el("thead", {}, el("tr", {}, ["type", "status", "reason", "message"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, conditions.map((c) =>
      el("tr", { class: healthy(c) ? "status-ok" : "status-bad", dataset: { type: c.type, status: c.status } },
        el("td", {}, c.type), el("td", {}, c.status), el("td", {}, c.reason), el("td", {}, c.message)))));
}

/** `Conflicted` is good when False; every other condition when True. */
function healthy(condition) {
  return (condition.type === "Conflicted") === (condition.status === "False");
}
