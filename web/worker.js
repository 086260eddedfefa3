// The core, in a module Web Worker: typing never waits for the analyzer.
// Protocol: {id, op, args} in; {id, ok, result, ms} or {id, ok: false, error, trapped} out.
// On start it posts {type: "ready", info} (or {type: "fatal", error}).
import init, * as core from "./pkg/meshmend_wasm.js";

// The offline single file sets self.MESHMEND_WASM_BASE64 before this module runs.
async function wasmBytes() {
  if (typeof self.MESHMEND_WASM_BASE64 === "string") {
    const binary = atob(self.MESHMEND_WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  const response = await fetch(new URL("./pkg/meshmend_wasm_bg.wasm", import.meta.url));
  if (!response.ok) throw new Error(`could not load the analyzer (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

async function sha256(bytes) {
  try {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  } catch {
    return null; // crypto.subtle needs a secure context; the hash is informational
  }
}

const ready = (async () => {
  const bytes = await wasmBytes();
  const hash = await sha256(bytes);
  await init({ module_or_path: bytes });
  return {
    capabilities: core.capabilities(),
    rules: core.rules(),
    example: core.example(),
    wasm: { bytes: bytes.byteLength, sha256: hash },
  };
})();

// Each op maps to one wasm export; ops the build lacks report that plainly.
// The page speaks in `{name, text}` files and option objects; the wasm takes
// plain strings and numbers (no deserializer in the module: see input_files
// in crates/meshmend_wasm/src/lib.rs), so the objects are taken apart here.
//   analyze(files, {namespace?, nodeport_range?: [min, max], istio_version?})
//   fix(files, {strategy?, nodeport?, namespace?, nodeport_range?, istio_version?, include_warnings?})
const ops = {
  analyze: (files, options = {}) => core.analyze(...fileArgs(files), ...pageArgs(options)),
  redact: (files) => call("redact", ...fileArgs(files)),
  rehydrate: (text) => call("rehydrate", text),
  leaks: (body, texts, placeholders) => call("leaks", body, texts, placeholders),
  placeholder_like: (text) => call("placeholder_like", text),
  fix: (files, options = {}) =>
    call("fix", ...fileArgs(files), optionalString(options.strategy, "strategy"),
      optionalString(options.nodeport, "nodeport"), ...pageArgs(options),
      optionalBoolean(options.include_warnings, "include_warnings")),
  strategies: () => call("strategies"),
  // The Gateway API status Istio will write (a build without the `status` feature lacks it).
  status: (files, options = {}) => call("status", ...fileArgs(files), ...pageArgs(options)),
  explain_log: (log, files, options = {}) =>
    call("explain_log", optionalString(log, "log") ?? "", ...fileArgs(files), ...pageArgs(options)),
  // The Markdown incident report (web/report.js): fix's arguments, one string back.
  report: (files, options = {}) =>
    call("incident_report", ...fileArgs(files), optionalString(options.strategy, "strategy"),
      optionalString(options.nodeport, "nodeport"), ...pageArgs(options),
      optionalBoolean(options.include_warnings, "include_warnings")),
};

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

function call(name, ...args) {
  if (typeof core[name] !== "function") throw new Error(`${name} is not in this build`);
  return core[name](...args);
}

self.onmessage = async (event) => {
  const { id, op, args = [] } = event.data;
  try {
    await ready;
    if (!Object.hasOwn(ops, op)) throw new Error(`unknown operation ${op}`);
    const start = performance.now();
    const result = ops[op](...args);
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
