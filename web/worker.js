// The core, in a module Web Worker: typing never waits for the analyzer.
// Protocol: {id, op, args} in; {id, ok, result, ms} or {id, ok: false, error, trapped} out.
// On start it posts {type: "ready", info} (or {type: "fatal", error}).
// Two wasm modules: `analysis` (instantiated at start) and `engines`
// (web/engines.js: fetched on the first op that needs it).
//
// No static imports: the analysis module's download starts first thing, while
// its glue and the helpers load (static imports would all have to arrive
// before this file ran, one more round trip before the first findings).
const analysisResponse =
  typeof self.MESHMEND_WASM_BASE64?.analysis === "string" ? null : fetch(new URL("./pkg/meshmend_analysis_bg.wasm", import.meta.url));
let analysis; // the analysis module's exports (wasm-bindgen glue), once `ready`
const engines = () => import("./engines.js").then((m) => m.engines());

const ready = (async () => {
  const [glue, { wasmBytes }] = await Promise.all([import("./pkg/meshmend_analysis.js"), import("./wasm-bytes.js")]);
  const { bytes, sha256: hashing } = await wasmBytes("analysis", analysisResponse);
  const [sha256] = await Promise.all([hashing, glue.default({ module_or_path: bytes })]);
  analysis = glue;
  return {
    capabilities: analysis.capabilities(),
    example: analysis.example(),
    wasm: { bytes: bytes.byteLength, sha256 },
  };
})();

// Each op maps to one wasm export of one module; ops the build lacks report
// that plainly. The page speaks in `{name, text}` files and option objects;
// the wasm takes files as two string arrays and settings as its own classes
// (PageOptions, PageFixOptions) built from plain values (no deserializer in
// the module: see crates/meshmend_wasm/src/input.rs), so the objects are
// taken apart here.
//   analyze(files, {namespace?, nodeport_range?: [min, max], istio_version?})
//   fix(files, {strategy?, nodeport?, namespace?, nodeport_range?, istio_version?, include_warnings?, grant_references?})
const onEngines = (run) => ({ module: engines, run });
const ops = {
  // Input that names a Gateway API group goes to the engines module: only it
  // has the Gateway API rules (feature `status`), so the findings never depend
  // on which module answered.
  analyze: {
    module: (files) => (namesGatewayApi(files) ? engines() : analysis),
    run: (m, files, options = {}) => m.analyze(...fileArgs(files), pageOptions(m, options)),
  },
  redact: onEngines((m, files) => call(m, "redact", ...fileArgs(files))),
  rehydrate: onEngines((m, text) => call(m, "rehydrate", text)),
  leaks: onEngines((m, body, texts, placeholders) => call(m, "leaks", body, texts, placeholders)),
  placeholder_like: onEngines((m, text) => call(m, "placeholder_like", text)),
  fix: onEngines((m, files, options = {}) => call(m, "fix", ...fileArgs(files), fixOptions(m, options))),
  strategies: onEngines((m) => call(m, "strategies")),
  // The Gateway API status Istio will write (a build without the `status` feature lacks it).
  status: onEngines((m, files, options = {}) => call(m, "status", ...fileArgs(files), pageOptions(m, options))),
  rules: onEngines((m) => call(m, "rules")),
  explain_log: onEngines((m, log, files, options = {}) =>
    call(m, "explain_log", optionalString(log, "log") ?? "", ...fileArgs(files), pageOptions(m, options))),
  // The Markdown incident report (web/report.js): fix's arguments, one string back.
  report: onEngines((m, files, options = {}) => call(m, "incident_report", ...fileArgs(files), fixOptions(m, options))),
};

const GATEWAY_API = /gateway\.networking\.(?:x-)?k8s\.io/;

/** True when some file mentions a Gateway API group (a comment is enough: the engines module gives the same answer). */
function namesGatewayApi(files) {
  return Array.isArray(files) && files.some((file) => typeof file?.text === "string" && GATEWAY_API.test(file.text));
}

/** `[{name, text}]` → `[names, texts]`; anything else is a clear error. */
function fileArgs(files) {
  if (!Array.isArray(files)) throw new Error("files must be [{name, text}]");
  const names = [];
  const texts = [];
  for (const file of files) {
    if (typeof file?.name !== "string" || typeof file?.text !== "string") {
      throw new Error("files must be [{name, text}] with string name and text");
    }
    refuseLoneSurrogates(file);
    names.push(file.name);
    texts.push(file.text);
  }
  return [names, texts];
}

/**
 * Text crosses into the wasm as UTF-8, where a lone UTF-16 surrogate would
 * silently become U+FFFD (and a fix written from it would carry that): refuse
 * it instead, naming where it is.
 */
function refuseLoneSurrogates({ name, text }) {
  if (text.isWellFormed()) return;
  const at = text.search(/\p{Cs}/u);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  throw new Error(`${name}:${line}:${column}: a lone UTF-16 surrogate (U+${unit}) cannot be analyzed without altering the text; remove it`);
}

/** `{namespace, nodeport_range, istio_version}` → `[namespace, min, max, version]` (undefined when unset). */
function pageArgs({ namespace, nodeport_range: range, istio_version: version } = {}) {
  let min;
  let max;
  if (range !== undefined && range !== null) {
    const valid = (n) => Number.isInteger(n) && n >= 0 && n <= 65535;
    if (!Array.isArray(range) || range.length !== 2 || !range.every(valid)) {
      throw new Error("nodeport_range must be [min, max], whole numbers from 0 to 65535");
    }
    [min, max] = range;
  }
  return [optionalString(namespace, "namespace"), min, max, optionalString(version, "istio_version")];
}

/** The analysis settings as module `m`'s PageOptions (its constructor throws on bad values). */
function pageOptions(m, options) {
  return new m.PageOptions(...pageArgs(options));
}

/** fix's and the report's options as module `m`'s PageFixOptions. */
function fixOptions(m, options) {
  const strategy = optionalString(options.strategy, "strategy");
  const nodeport = optionalString(options.nodeport, "nodeport");
  const warnings = optionalBoolean(options.include_warnings, "include_warnings");
  const grants = optionalBoolean(options.grant_references, "grant_references");
  return new m.PageFixOptions(pageOptions(m, options), strategy, nodeport, warnings, grants);
}

function optionalBoolean(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new Error(`${what} must be true or false`);
  return value;
}

function optionalString(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Error(`${what} must be a string`);
  return value;
}

function call(module, name, ...args) {
  if (typeof module[name] !== "function") throw new Error(`${name} is not in this build`);
  return module[name](...args);
}

self.onmessage = async (event) => {
  const { id, op, args = [] } = event.data;
  try {
    await ready;
    if (!Object.hasOwn(ops, op)) throw new Error(`unknown operation ${op}`);
    const module = await ops[op].module(...args);
    // `ms` is the wasm call alone: the first engines op's download is not in it.
    const start = performance.now();
    const result = ops[op].run(module, ...args);
    self.postMessage({ id, ok: true, result, ms: performance.now() - start });
  } catch (error) {
    // A RuntimeError is a trap (a Rust panic): this instance is unusable now,
    // and core.js replaces the whole worker.
    const trapped = error instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, error: String(error?.message ?? error), trapped });
  }
};

ready.then(
  (info) => self.postMessage({ type: "ready", info }),
  (error) => self.postMessage({ type: "fatal", error: String(error?.message ?? error) }),
);
