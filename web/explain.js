// The "Paste an error" box: istiod / Envoy / kubectl / istioctl lines in,
// what each means, the rule that covers it and the findings on the current
// manifests that caused it out. The core redacts the pasted text before
// anything is shown (see crates/meshmend_wasm/src/explain_log.rs); everything
// is rendered through textContent.
import { el } from "./render.js";

/** Mounts the box's behaviour on the markup in index.html. */
export function mountExplain({ call, state }) {
  const $ = (id) => document.getElementById(id);
  const input = $("explain-input");
  const output = $("explain-output");
  const run = async () => {
    const options = { istio_version: $("istio-version")?.value || undefined };
    try {
      const { result } = await call("explain_log", input.value, state.files, options);
      output.replaceChildren(...result.map(renderLine));
      if (!result.length) output.replaceChildren(el("li", {}, "Nothing to explain: paste one or more log lines."));
    } catch (error) {
      output.replaceChildren(el("li", { class: "explain-error" }, `Could not explain: ${error.message}`));
    }
  };
  // A build without the `explain-log` feature has no such export: hide the box.
  // Asked when the box is first opened, not at start: the export is in the
  // engines module, which the first findings must not wait for.
  $("explain-panel").addEventListener(
    "toggle",
    () => call("explain_log", "", [], {}).catch(() => {
      $("explain-panel").hidden = true;
    }),
    { once: true },
  );
  $("explain-run").addEventListener("click", run);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
  });
}

function renderLine(line) {
  const head = el("code", { class: "explain-text" }, line.text);
  if (!line.pattern) {
    return el("li", { dataset: { pattern: "" } }, head, el("p", { class: "explain-unknown" }, `Line ${line.number}: not recognised.`));
  }
  const rules = line.rules.length ? `Covered by ${line.rules.join(", ")}.` : "No manifest check finds this cause.";
  const findings = line.findings.map((f) =>
    el("li", { class: `explain-finding ${f.severity}` },
      `${f.file}:${f.line}:${f.column} ${f.code} ${f.name}: ${f.message}`,
      f.help ? el("div", { class: "explain-help" }, `Fix: ${f.help}`) : null));
  const cause = line.rules.length && !findings.length
    ? el("p", { class: "explain-nocause" }, "No finding on the current manifests matches this line.")
    : null;
  return el("li", { dataset: { pattern: line.pattern } },
    head,
    el("p", {}, `Line ${line.number} (${line.source}): ${line.meaning} ${rules}`),
    findings.length ? el("ul", { class: "explain-findings" }, findings) : cause);
}
